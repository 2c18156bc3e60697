// Re-measures everything docs/RELIABILITY.md states, and rewrites it:
//   npx tsx scripts/dev/reliability/run.ts [--requests 20000] [--per-dialect 500] [--seed 1]
//                                      [--clients 500] [--storms 3] [--out docs/RELIABILITY.md]
// 1. a fuzz campaign against the mock (random, mutated, damaged and hostile-schema
//    requests, every limit's edge, every relay dialect), each answer judged, CPU timed;
// 2. the storm (scripts/dev/reliability/soak.ts): concurrent streaming clients, a third hanging
//    up, heap and handles measured after forced GC;
// 3. the hostile-relay matrix (test/hostile/servers.ts) through the suite;
// 4. each failure this work found, re-checked.
// Not part of `npm test` (it takes a few minutes); the tests in test/hardening/, test/hostile/
// and test/secrets/ are the fast versions of the same checks.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMockProvider } from '../../../mock-server/index.js';
import { DEFAULT_LIMITS, type MockLimits } from '../../../mock-server/assembly/options.js';
import { loadProfile } from '../../../mock-server/assembly/profile.js';
import { relayIds } from '../../../spec/relays.js';
import { writeReportFiles } from '../../../suites/report/render/index.js';
import { buildReport, writeReport } from '../../../suites/report/report-file.js';
import { runTarget } from '../../../suites/run.js';
import type { ExchangeLimits } from '../../../suites/transport/http.js';
import { createRedactor } from '../../../suites/transport/redact.js';
import { HOSTILE_KINDS, startHostile, type HostileKind } from '../../../test/hostile/servers.js';
import {
  anyRequest,
  closeSender,
  CPU_LIMIT_MS,
  EXTREMES,
  judge,
  sample,
  send,
  type FuzzAnswer,
  type FuzzCase,
} from './fuzz.js';
import { DEFAULT_SOAK, runSoak, type SoakFigures } from './soak.js';

const MiB = 1024 * 1024;
const KEY = 'sk-relaycheck-RELIABILITY-5e1f0c9a';

const { values } = parseArgs({
  options: {
    requests: { type: 'string' },
    'per-dialect': { type: 'string' },
    seed: { type: 'string' },
    clients: { type: 'string' },
    storms: { type: 'string' },
    out: { type: 'string' },
  },
});
const REQUESTS = Number(values.requests ?? 20_000);
const PER_DIALECT = Number(values['per-dialect'] ?? 500);
const SEED = Number(values.seed ?? 1);
const OUT = values.out ?? new URL('../../../docs/RELIABILITY.md', import.meta.url).pathname;

const log = (s: string): void => void process.stderr.write(`${s}\n`);

// ---- 1. fuzz ----------------------------------------------------------------------------

interface Tally {
  requests: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  problems: Map<string, { count: number; example: string }>;
  cpu: number[];
  maxWallMs: number;
  worst: { cpuMs: number; kind: string };
}

const newTally = (): Tally => ({
  requests: 0,
  byKind: {},
  byStatus: {},
  problems: new Map(),
  cpu: [],
  maxWallMs: 0,
  worst: { cpuMs: 0, kind: '' },
});

function record(t: Tally, c: FuzzCase, a: FuzzAnswer, problem: string | null): void {
  t.requests++;
  t.byKind[c.kind] = (t.byKind[c.kind] ?? 0) + 1;
  const status = a.status === null ? 'no answer' : `${Math.floor(a.status / 100)}xx`;
  t.byStatus[status] = (t.byStatus[status] ?? 0) + 1;
  t.cpu.push(a.cpuMs);
  t.maxWallMs = Math.max(t.maxWallMs, a.ms);
  if (a.cpuMs > t.worst.cpuMs) t.worst = { cpuMs: a.cpuMs, kind: c.kind };
  if (problem !== null) {
    const key = problem.slice(0, 120);
    const p = t.problems.get(key) ?? {
      count: 0,
      example: `${c.kind} ${c.method} ${c.path} ${c.body?.toString('utf8').slice(0, 300) ?? ''}`,
    };
    p.count++;
    t.problems.set(key, p);
  }
}

const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

interface MemoryPeak {
  rssMiB: number;
  heapMiB: number;
  stop(): void;
}

function watchMemory(): MemoryPeak {
  const peak: MemoryPeak = { rssMiB: 0, heapMiB: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.rssMiB = Math.max(peak.rssMiB, m.rss / MiB);
    peak.heapMiB = Math.max(peak.heapMiB, m.heapUsed / MiB);
  }, 20);
  return peak;
}

interface FuzzFigures {
  reference: Tally;
  dialects: Record<string, Tally>;
  extremes: Array<{ name: string; status: number | null; cpuMs: number; problem: string | null; message: string }>;
  crashes: string[];
  ms: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

async function fuzzCampaign(): Promise<FuzzFigures> {
  const started = performance.now();
  const crashes: string[] = [];
  const onCrash = (e: unknown): void => void crashes.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const memory = watchMemory();

  const mock = createMockProvider();
  const { url } = await mock.start({ port: 0 });
  const reference = newTally();
  const extremes: FuzzFigures['extremes'] = [];
  for (const e of EXTREMES) {
    const c = { ...e.make(), kind: 'extreme' };
    const a = await send(url, c, 30_000);
    const problem = judge(c, a);
    record(reference, c, a, problem);
    let message = '';
    try {
      const body = JSON.parse(a.body.toString('utf8')) as {
        error?: { message?: string };
        choices?: { finish_reason?: string }[];
      };
      const reasons = body.choices?.map((x) => x.finish_reason) ?? [];
      message =
        body.error?.message ??
        `finish_reason ${new Set(reasons).size === 1 && reasons.length > 1 ? `${reasons[0]} (× ${reasons.length})` : reasons.join(', ')}`;
    } catch {
      message = a.headers['content-type']?.startsWith('text/event-stream')
        ? `a stream of ${(a.body.length / 1024).toFixed(0)} KiB`
        : '';
    }
    extremes.push({ name: e.name, status: a.status, cpuMs: a.cpuMs, problem, message });
  }
  // Drawn in batches of 1,000 (seed, seed + 1, ...): 20,000 cases at once would hold a
  // gigabyte of bodies.
  for (let done = 0, batch = 0; done < REQUESTS; batch++) {
    for (const c of sample(anyRequest, Math.min(1000, REQUESTS - done), SEED + batch)) {
      const a = await send(url, c);
      record(reference, c, a, judge(c, a));
      done++;
    }
    mock.journal.clear();
    log(`  fuzz: ${done}/${REQUESTS}, ${reference.problems.size} distinct problem(s)`);
  }
  await mock.stop();

  const dialects: Record<string, Tally> = {};
  for (const profile of relayIds().filter((p) => p !== 'openai')) {
    const dialect = createMockProvider({ profile });
    const startedDialect = await dialect.start({ port: 0 });
    const base = new URL(startedDialect.baseUrl).pathname;
    const model = loadProfile(profile).models[0]?.id ?? 'mock-model';
    const t = newTally();
    for (const c of sample(anyRequest, PER_DIALECT, SEED + profile.length)) {
      const moved: FuzzCase = { ...c, path: c.path.replace(/^\/v1/, base) };
      if (c.body) moved.body = Buffer.from(c.body.toString('latin1').replaceAll('mock-model', model), 'latin1');
      const a = await send(startedDialect.url, moved);
      record(t, moved, a, judge(moved, a, { strict: false }));
    }
    dialects[profile] = t;
    await dialect.stop();
    log(`  fuzz: dialect ${profile} done`);
  }
  closeSender();
  memory.stop();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  return {
    reference,
    dialects,
    extremes,
    crashes,
    ms: performance.now() - started,
    peakRssMiB: memory.rssMiB,
    peakHeapMiB: memory.heapMiB,
  };
}

/**
 * A client that sends its headers and a third of its body, then nothing (or, `headersOnly`,
 * only part of its headers): when and how is it cut off?
 */
async function slowClient(headersOnly = false): Promise<{ ms: number; answer: string }> {
  const mock = createMockProvider({ limits: { requestTimeoutMs: 1000 } });
  const { url } = await mock.start({ port: 0 });
  const origin = new URL(url);
  const started = performance.now();
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(Number(origin.port), origin.hostname);
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
    socket.write(
      headersOnly
        ? 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n'
        : 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{"model":"mock-model",',
    );
    setTimeout(() => socket.destroy(), 40_000);
  });
  const ms = performance.now() - started;
  await mock.stop();
  const status = answer.split('\r\n')[0] || '(nothing)';
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { ms, answer: `${status}${body.startsWith('{"error"') ? ' in the envelope' : ' without a body'}` };
}

// ---- 3. hostile relays ------------------------------------------------------------------

const HOSTILE_LIMITS: Partial<ExchangeLimits> = {
  timeoutMs: 2000,
  firstByteTimeoutMs: 1000,
  maxStreamMs: 1500,
  doneGraceMs: 200,
  maxRetries: 0,
};

interface HostileFigures {
  kind: HostileKind;
  description: string;
  ms: number;
  requests: number;
  verdicts: Record<string, number>;
  /** Verdicts other than broken/error/skipped, models.list (answered properly on purpose) aside. */
  unexpected: string[];
  relayBytes: number;
  elsewhere: number | null;
  peakHeapGrowthMiB: number;
  reportBytes: number;
  keyWritten: boolean;
  example: string;
}

async function hostileMatrix(): Promise<HostileFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'relaycheck-reliability-'));
  const out: HostileFigures[] = [];
  try {
    for (const { kind, description } of HOSTILE_KINDS) {
      const server = await startHostile(kind);
      const heap0 = process.memoryUsage().heapUsed;
      let peak = heap0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
      const started = performance.now();
      const { report } = await runTarget(
        {
          name: kind,
          baseUrl: server.baseUrl,
          keyEnv: 'RELAYCHECK_API_KEY',
          apiKey: KEY,
          secrets: [KEY],
          auth: 'bearer',
          headers: {},
          models: { model: 'mock-model', reasoning: 'mock-reasoner', vision: 'mock-model' },
        },
        { limits: HOSTILE_LIMITS, concurrency: 16 },
      );
      const ms = performance.now() - started;
      clearInterval(sampler);
      const whole = buildReport([report]);
      const files = [writeReport(join(dir, kind), whole), ...writeReportFiles(whole, join(dir, kind))];
      const verdicts: Record<string, number> = {};
      for (const r of report.results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
      out.push({
        kind,
        description,
        ms,
        requests: report.usage.requests,
        verdicts,
        unexpected: report.results
          .filter((r) => r.feature !== 'models.list' && !['broken', 'error', 'skipped'].includes(r.verdict))
          .map((r) => `${r.feature}: ${r.verdict}`),
        relayBytes: server.stats.bytesWritten,
        elsewhere: server.elsewhere ? server.elsewhere.requests : null,
        peakHeapGrowthMiB: (peak - heap0) / MiB,
        reportBytes: statSync(files[0]!).size,
        keyWritten: files.some((f) => readFileSync(f, 'utf8').includes(KEY)),
        example: report.results.find((r) => r.feature === 'chat.basic')?.summary ?? '',
      });
      await server.close();
      log(`  hostile: ${kind} done in ${ms.toFixed(0)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ---- 4. what this work found ------------------------------------------------------------

interface Finding {
  found: string;
  fix: string;
  /** The EXTREMES entry (or other check) that re-measures it. */
  check: string;
}

const FINDINGS: Finding[] = [
  {
    found:
      '"Output exactly: <3 MB>" with n 16, stream and max_tokens 1e9 built millions of chunks: the mock ran out of heap and the process died',
    fix: '`maxGeneratedTokens` also caps a larger max_tokens; the new `maxResponseTokens` is shared by n choices and their top_logprobs alternatives (mock-server/completion/plan.ts, options.ts)',
    check: '3.9 MB "Output exactly", n 16, stream, top_logprobs 20, max_tokens 1e9',
  },
  {
    found: 'n 16 with top_logprobs 20 over a long answer: 6.6 s of CPU and an 88 MB stream',
    fix: 'the same budget (`maxResponseTokens`)',
    check: 'n 16, top_logprobs 20, stream',
  },
  {
    found: 'deeply nested JSON (a body nested 10⁶ levels, a message 10⁴, a schema 10⁵) overflowed the stack: HTTP 500',
    fix: 'the new `maxJsonDepth` (64), checked on the raw text before anything parses it: 400 `json_too_deep` (mock-server/http/read-body.ts, core/json-limits.ts)',
    check: 'a body nested 1,000,000 levels',
  },
  {
    found:
      'a user message of 20,000 capitalised words with tools: 5.4 s of CPU (the hint scan re-read the text before each word), repeated for each of n choices',
    fix: 'one linear scan, stopped at the hints used; the prompt is read once per request, not once per choice (core/json-instance.ts, completion/plan.ts, completion/tools.ts)',
    check: '3.9 MB of capitalised words, with tools, n 16',
  },
  {
    found:
      'a 4 MB line matching the JSON-keys rule with n 16: ~10 s (the whole line parsed as a key list, once per choice)',
    fix: 'the key list read from its first 4 KiB; the prompt read once per request (core/instructions.ts, completion/plan.ts)',
    check: '3.9 MB of "json keys" (the key-list rule), n 16',
  },
  {
    found:
      'huge schemas: 50,000 required properties took 3.3 s to refuse, an enum of 200,000 values 29 s, an anyOf of 20,000 branches 15 s',
    fix: 'the new `maxSchemaValues` (10,000) and `maxSchemaDepth` (32) for response_format and tool schemas, checked before generation: 400 `schema_too_large` (completion/check.ts)',
    check: 'a schema with 50,000 required properties',
  },
  {
    found: 'within those limits: an enum of 10,000 values was quadratic, uniqueItems over an enum took 1.8 s',
    fix: 'enum membership and uniqueness by canonical key, enum candidates tried at most 64 times (core/json-instance.ts)',
    check: 'uniqueItems: 1000 items from an enum of 3000',
  },
  {
    found:
      '10,000 tools all matching the prompt, or 128 tools × n 16: 0.7 s to 13 s generating arguments for every one',
    fix: "the new `maxTools` (128, OpenAI's limit) and at most 32 tool calls per response (completion/check.ts, completion/tools.ts)",
    check: '128 tools with 70-value schemas, all called, n 16',
  },
  {
    found:
      "a client that never finished its body kept its socket until Node's periodic check (up to 30 s past requestTimeoutMs), then got a bare 408",
    fix: "the body read has its own deadline: 408 `request_timeout` in OpenAI's envelope at requestTimeoutMs, connection closed (mock-server/http/read-body.ts)",
    check: 'slow client',
  },
  {
    found:
      'the suite judged answers with invalid UTF-8 on their content (supported, ignored...), and a 307 as a proper refusal (errors.in_band supported)',
    fix: 'transport facts overrule the judge: invalid UTF-8 is `broken`, a redirect (never followed) is `error` (suites/engine/verdict.ts)',
    check: 'hostile matrix',
  },
  {
    found:
      "a relay reflecting the key in a response header's name (lower-cased), upper-cased, or with a character JSON-, URL- or HTML-escaped got it into the report",
    fix: 'redaction is case-insensitive, covers header names and escaped forms (suites/transport/redact.ts)',
    check: 'redaction',
  },
];

// ---- the document -----------------------------------------------------------------------

const ms = (x: number): string => `${x.toFixed(0)} ms`;
const mib = (x: number): string => `${x.toFixed(1)} MiB`;
const n = (x: number): string => x.toLocaleString('en-US');

function limitsParagraph(): string {
  const d = DEFAULT_LIMITS;
  const rows: Array<[keyof MockLimits, string, string]> = [
    ['maxBodyBytes', `${d.maxBodyBytes / MiB} MiB`, 'a larger body: 413 `request_too_large`'],
    [
      'maxJsonDepth',
      String(d.maxJsonDepth),
      'arrays/objects nested deeper in the body: 400 `json_too_deep` (checked before parsing)',
    ],
    ['maxMessages', n(d.maxMessages), 'more messages: 400 on `messages`'],
    ['maxN', String(d.maxN), 'a larger `n`: 400 on `n`'],
    ['maxTools', String(d.maxTools), "more tools: 400 on `tools` (OpenAI's own limit)"],
    [
      'maxGeneratedTokens',
      n(d.maxGeneratedTokens),
      'tokens per choice: the budget without `max_tokens`, the cap above it (`finish_reason: "length"`)',
    ],
    [
      'maxResponseTokens',
      n(d.maxResponseTokens),
      'tokens per response, shared by the `n` choices and their `top_logprobs` alternatives',
    ],
    [
      'maxSchemaValues',
      n(d.maxSchemaValues),
      'JSON values in one response_format or tool schema: 400 `schema_too_large`',
    ],
    ['maxSchemaDepth', String(d.maxSchemaDepth), 'nesting of one such schema: 400 `schema_too_large`'],
    [
      'maxSchemaNodes',
      n(d.maxSchemaNodes),
      'schema nodes visited to generate one instance: past it response_format is a 400 `invalid_json_schema`, tool arguments are `{}`',
    ],
    [
      'requestTimeoutMs',
      n(d.requestTimeoutMs),
      'a request not received in full by then: 408 `request_timeout`, connection closed',
    ],
  ];
  return [
    '### Limits',
    '',
    'The mock bounds what one request can cost, so a hostile or buggy client gets a 4xx in',
    "OpenAI's envelope instead of a slow or dead server: `createMockProvider({ limits: { maxN: 4 } })`",
    'sets any of them (the others keep their defaults). Past a limit the answer names the',
    'parameter and the limit; tool calls are also capped at 32 per response.',
    '',
    '| limit | default | past it |',
    '|---|---|---|',
    ...rows.map(([k, v, what]) => `| \`${k}\` | ${v} | ${what} |`),
  ].join('\n');
}

function render(
  f: FuzzFigures,
  slow: { ms: number; answer: string },
  slowHeaders: { ms: number; answer: string },
  soak: SoakFigures,
  hostile: HostileFigures[],
  redaction: boolean,
  totalMs: number,
): string {
  const r = f.reference;
  const dialectRequests = Object.values(f.dialects).reduce((s, t) => s + t.requests, 0);
  const dialectProblems = Object.values(f.dialects).reduce(
    (s, t) => s + [...t.problems.values()].reduce((x, p) => x + p.count, 0),
    0,
  );
  const problems = [...r.problems.entries()];
  const allCpu = [...r.cpu, ...Object.values(f.dialects).flatMap((t) => t.cpu)];
  const extreme = (name: string) => f.extremes.find((e) => e.name === name);
  const soakOk =
    soak.unhandled.length === 0 &&
    soak.storms.every((s) => s.broken === 0) &&
    JSON.stringify(soak.finalHandles) === JSON.stringify(soak.baselineHandles);

  const findingRows = FINDINGS.map((x) => {
    let now: string;
    if (x.check === 'slow client') now = `${slow.answer} after ${ms(slow.ms)} (requestTimeoutMs 1000)`;
    else if (x.check === 'hostile matrix') {
      const bad = hostile.filter((h) => h.unexpected.length > 0);
      now =
        bad.length === 0
          ? 'every hostile relay: broken/error only'
          : `unexpected: ${bad.map((h) => `${h.kind} (${h.unexpected.join(', ')})`).join('; ')}`;
    } else if (x.check === 'redaction') now = redaction ? 'every form redacted' : 'A FORM SURVIVES';
    else {
      const e = extreme(x.check);
      now = e
        ? `HTTP ${e.status}, ${ms(e.cpuMs)} CPU${e.problem ? ` — STILL FAILING: ${e.problem}` : ''}`
        : '(check missing)';
    }
    return `| ${x.found} | ${x.fix} | ${now} |`;
  });

  return `# Reliability

How the mock stands bad input and load, how the suite stands hostile relays, and where the
key may go. Every figure below is measured by \`npx tsx scripts/dev/reliability/run.ts\`
(re-run it to re-measure; it rewrites this file). The fast versions of the same checks run in
\`npm test\` (test/hardening/, test/hostile/, test/secrets/).

Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform} ${process.arch}, Node ${process.version}, in ${(totalMs / 1000).toFixed(0)} s.

## Summary

| check | result |
|---|---|
| fuzz: requests tried | ${n(r.requests + dialectRequests)} (${n(r.requests)} on the reference mock, ${n(dialectRequests)} on the five relay dialects) |
| fuzz: wrong answers (5xx not asked for, stack traces, invalid bodies, > ${CPU_LIMIT_MS} ms CPU) | ${n(problems.reduce((s, [, p]) => s + p.count, 0) + dialectProblems)} |
| fuzz: crashes (uncaught exceptions, unhandled rejections) | ${f.crashes.length} |
| fuzz: CPU per request (mock + client), p50 / p99 / max | ${ms(percentile(allCpu, 50))} / ${ms(percentile(allCpu, 99))} / ${ms(Math.max(...allCpu))} (${r.worst.kind}) |
| fuzz: peak memory of the process | ${mib(f.peakRssMiB)} RSS, ${mib(f.peakHeapMiB)} heap |
| storm: ${soak.options.clients} concurrent streams × ${soak.storms.length}, every ${soak.options.disconnectEvery === 3 ? 'third' : `${soak.options.disconnectEvery}th`} client hanging up mid-stream | ${soakOk ? 'every surviving stream complete, nothing unhandled, heap and handles back to the baseline' : 'FAILED (see below)'} |
| hostile relays: ${hostile.length} kinds through the whole suite | ${hostile.every((h) => h.unexpected.length === 0 && !h.keyWritten) ? 'every probe broken/error within its caps, every report written, key never written' : 'FAILED (see below)'} |
| failures found and fixed by this work | ${FINDINGS.length} (re-checked below) |

## Failures found and fixed

| found | fixed by | re-measured now |
|---|---|---|
${findingRows.join('\n')}

## The mock under bad input

${n(r.requests)} requests against the reference mock (fast-check, seeds ${SEED} to ${SEED + Math.ceil(REQUESTS / 1000) - 1}, 1,000 each), one at a time so
each one's CPU can be timed (the process's CPU over the exchange: mock and client together, an
upper bound on the mock's). Every answer is judged: a 200 must be a valid \`chat.completion\`
(or a stream of valid chunks ending in \`[DONE]\`), anything else a 4xx in OpenAI's envelope;
no 5xx unless \`x-mock-error\` asked for it, no stack trace, at most ${CPU_LIMIT_MS} ms of CPU.

| generator | requests |
|---|---|
${Object.entries(r.byKind)
  .map(([k, v]) => `| ${k} | ${n(v)} |`)
  .join('\n')}

| answer | count |
|---|---|
${Object.entries(r.byStatus)
  .sort()
  .map(([k, v]) => `| ${k} | ${n(v)} |`)
  .join('\n')}

${problems.length === 0 ? 'No wrong answer.' : `Wrong answers:\n\n${problems.map(([k, p]) => `- ${p.count} × ${k} (e.g. \`${p.example.slice(0, 200)}\`)`).join('\n')}`}

Slowest answer: ${ms(r.maxWallMs)} wall. The relay dialects (${Object.keys(f.dialects).join(', ')}; ${n(PER_DIALECT)} requests each)
deviate on purpose, so there only the rules that never bend are judged (no 5xx, no stack trace,
CPU): ${dialectProblems === 0 ? 'no wrong answer' : `${dialectProblems} wrong answers`}.

### At and past every limit

| request | answer | CPU |
|---|---|---|
${f.extremes.map((e) => `| ${e.name} | ${e.status ?? 'none'}${e.message ? ` ${e.message.replace(/\|/g, '\\|').slice(0, 110)}` : ''}${e.problem ? ` — **${e.problem}**` : ''} | ${ms(e.cpuMs)} |`).join('\n')}

Slow clients, with requestTimeoutMs 1000:

- headers and part of the body, then nothing: ${slow.answer}, after ${ms(slow.ms)}, connection closed;
- part of the headers, then nothing: ${slowHeaders.answer}, after ${ms(slowHeaders.ms)}${slowHeaders.ms > 5000 ? " (Node's own timeout, which it checks every 30 s: see the note below)" : ''}.
${slowHeaders.ms > 5000 ? "\nNote: a request whose headers never complete is cut by Node's `headersTimeout`, which Node only checks every `connectionsCheckingInterval` (30 s by default), with a bare 408. Creating the server with `connectionsCheckingInterval` at most `requestTimeoutMs` (mock-server/index.ts) makes that prompt.\n" : ''}

${limitsParagraph()}

## The mock under load

${soak.options.clients} streaming clients at once (\`Count from 1 to 12\`, paced at ${soak.options.tokensPerSecond} chunks/s so every
stream is in flight for about a second), every ${soak.options.disconnectEvery === 3 ? 'third' : `${soak.options.disconnectEvery}th`} hanging up after 2 to 6 events; ${soak.options.warmup} warm-up
storm, then ${soak.storms.length} measured ones, in a process of its own started with \`--expose-gc\`
(scripts/dev/reliability/soak.ts). Heap is \`heapUsed\` after four forced collections, with the
journal cleared (it is a bounded ring, not a leak).

| storm | complete | hung up | broken | duration | peak heap | peak RSS |
|---|---|---|---|---|---|---|
${soak.storms.map((s, i) => `| ${i + 1} | ${s.complete} | ${s.disconnected} | ${s.broken}${s.problems.length ? ` (${s.problems.join('; ')})` : ''} | ${ms(s.ms)} | ${mib(s.peakHeapMiB)} | ${mib(s.peakRssMiB)} |`).join('\n')}

- Heap after GC: ${mib(soak.baselineHeapMiB)} before the storms, ${soak.heapAfterStormMiB.map(mib).join(', ')} after each, ${mib(soak.finalHeapMiB)} at the end.
- Open handles (\`process.getActiveResourcesInfo()\`): ${JSON.stringify(soak.baselineHandles)} before, ${JSON.stringify(soak.finalHandles)} after.
- Uncaught exceptions, unhandled rejections, mock internal errors: ${soak.unhandled.length === 0 ? 'none' : soak.unhandled.join('; ')}.

## The suite against hostile relays

Each relay (test/hostile/servers.ts) answers \`GET /models\` properly, so the run
gets past its preflight and every probe meets the hostile behaviour. Limits: timeout
${ms(HOSTILE_LIMITS.timeoutMs!)}, headers ${ms(HOSTILE_LIMITS.firstByteTimeoutMs!)}, stream ${ms(HOSTILE_LIMITS.maxStreamMs!)}, body 1 MiB (the default), no retries;
concurrency 16. "Heap" is the growth of this process's heap during the run.

| relay | run | requests | verdicts | relay wrote | heap | report.json | key written | chat.basic says |
|---|---|---|---|---|---|---|---|---|
${hostile
  .map(
    (h) =>
      `| ${h.kind}: ${h.description}${h.elsewhere !== null ? ` (other origin received ${h.elsewhere} requests)` : ''} | ${ms(h.ms)} | ${h.requests} | ${Object.entries(
        h.verdicts,
      )
        .map(([v, c]) => `${c} ${v}`)
        .join(
          ', ',
        )}${h.unexpected.length ? ` — **unexpected: ${h.unexpected.join(', ')}**` : ''} | ${mib(h.relayBytes / MiB)} | ${mib(h.peakHeapGrowthMiB)} | ${(h.reportBytes / 1024).toFixed(0)} KiB | ${h.keyWritten ? '**yes**' : 'no'} | ${h.example.replace(/\|/g, '\\|').slice(0, 140)} |`,
  )
  .join('\n')}

\`models.list\` is the one supported verdict in each run (the relays answer it properly);
\`skipped\` means the basic request, which those features read, got no completion.

## Where the key goes

- It is sent only in the auth header (\`Authorization: Bearer\` or \`api-key\`), only to the
  configured origin, only on the requests meant to carry it; redirects are never followed, so
  another origin receives nothing (test/secrets/transport.test.ts, and the cross-origin
  relay above).
- It is redacted from everything written (report.json, report.md, report.html, junit.xml,
  progress lines, curl reproducers) even when a relay echoes it back: raw, URL-encoded,
  base64, JSON-, URL- or HTML-escaped, re-cased, split across stream chunks, in a header's
  name or a redirect's Location (test/secrets/cli.test.ts, test/secrets/transport.test.ts).
`;
}

function redactionCheck(): boolean {
  const r = createRedactor([KEY]);
  const forms = [
    KEY,
    KEY.toUpperCase(),
    `\\u0073${KEY.slice(1)}`,
    `%73${KEY.slice(1)}`,
    `&#115;${KEY.slice(1)}`,
    Buffer.from(KEY).toString('base64'),
  ];
  return (
    forms.every((f) => !r.text(`<${f}>`).includes(KEY.slice(3))) &&
    !Object.keys(r.headers({ [`x-${KEY}`]: '1' })).some((k) => k.includes(KEY.slice(3).toLowerCase()))
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  log(`fuzz: ${n(REQUESTS)} requests + ${EXTREMES.length} extremes + ${n(PER_DIALECT)} per dialect`);
  const fuzz = await fuzzCampaign();
  log('slow client');
  const slow = await slowClient();
  const slowHeaders = await slowClient(true);
  log(`storm: ${values.clients ?? DEFAULT_SOAK.clients} clients × ${values.storms ?? DEFAULT_SOAK.storms}`);
  const soak = await runSoak(
    {
      ...(values.clients ? { clients: Number(values.clients) } : {}),
      ...(values.storms ? { storms: Number(values.storms) } : {}),
    },
    300_000,
  );
  log('hostile relays');
  const hostile = await hostileMatrix();
  const text = render(fuzz, slow, slowHeaders, soak, hostile, redactionCheck(), performance.now() - started);
  writeFileSync(OUT, text);
  log(`wrote ${OUT}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`reliability run failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
