// The suite against hostile relays (test/hostile/servers.ts), through runTarget
// with small limits: every probe ends within its caps with `broken` or `error` (or `skipped`
// when the request it builds on got nothing) and a clear one-line summary; the run finishes
// and writes its report; memory stays bounded; the key reaches nothing but the relay.
// test/hostile/cases.test.ts has the cases this file does not repeat (a never-ending stream,
// invalid JSON, HTTP 200 errors, a reset before any byte, an unreachable target).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportTarget } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import { writeReportFiles } from '../../suites/report/render/index.js';
import { buildReport, writeReport } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import type { ExchangeLimits } from '../../suites/transport/http.js';
import { KEY, target } from '../suites/helpers.js';
import { HUGE_BODY_BYTES, startHostile, type HostileKind, type HostileServer } from './servers.js';

const LIMITS: Partial<ExchangeLimits> = {
  timeoutMs: 1000,
  firstByteTimeoutMs: 500,
  maxStreamMs: 600,
  doneGraceMs: 100,
  maxRetries: 0,
  maxBodyBytes: 256 * 1024,
};
/**
 * For the cases whose point is not a deadline (sizes, bytes, redirects): time limits wide
 * enough that a loaded CI machine's scheduling never turns a measured defect into a timeout.
 */
const ROOMY: Partial<ExchangeLimits> = { ...LIMITS, timeoutMs: 8000, firstByteTimeoutMs: 6000, maxStreamMs: 6000 };
/** Longest any run may take: a few rounds of requests, each bounded by the limits above. */
const RUN_MS = 8000;
const ROOMY_RUN_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'relaycheck-hostile-'));
const servers: HostileServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  server: HostileServer;
  report: ReportTarget;
  ms: number;
  peakHeapGrowthMiB: number;
  limits: Partial<ExchangeLimits>;
}

async function run(kind: HostileKind, limits: Partial<ExchangeLimits> = LIMITS): Promise<Run> {
  const server = await startHostile(kind);
  servers.push(server);
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const started = performance.now();
  const { report, problems } = await runTarget(target(server.baseUrl), {
    limits,
    concurrency: 16,
    preflight: false,
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  expect(problems).toEqual([]);

  // The run writes its report, in every format.
  const out = join(dir, kind);
  const whole = buildReport([report]);
  expect(validate('report', whole).errors).toEqual([]);
  const written = [writeReport(out, whole), ...writeReportFiles(whole, out)];
  for (const file of written) {
    const text = readFileSync(file, 'utf8');
    expect(text.includes(KEY), `the key in ${file}`).toBe(false);
    // Evidence is capped (64 KiB a body): a 100 MB answer makes a report of a few MB at most.
    expect(statSync(file).size).toBeLessThan(8 * 1024 * 1024);
  }
  return { server, report, ms, peakHeapGrowthMiB: (peak - heap0) / 1024 / 1024, limits };
}

/**
 * Every feature but models.list (which the hostile relay answers properly) is broken, error, or skipped because what
 * it builds on failed.
 */
/** usage.tokenizer skips a model of no public tokenizer (mock-model) whatever the relay does. */
function modelSkip(result: Run['report']['results'][number]): boolean {
  return result.verdict === 'skipped' && /^no public tokenizer for/.test(result.summary);
}

function expectAllFailed(r: Run, summary: RegExp): void {
  expect(r.ms).toBeLessThan(r.limits === LIMITS ? RUN_MS : ROOMY_RUN_MS);
  for (const result of r.report.results) {
    if (result.feature === 'models.list') {
      expect(result.verdict).toBe('supported');
      continue;
    }
    expect(['broken', 'error', 'skipped'], `${result.feature}: ${result.verdict} — ${result.summary}`).toContain(
      result.verdict,
    );
    expect(result.summary, result.feature).not.toMatch(/\n/);
    expect(result.summary.length, result.feature).toBeGreaterThan(10);
    if (result.verdict === 'skipped' && !modelSkip(result))
      expect(result.summary).toMatch(/got no completion to read|see chat\.basic/);
  }
  const basic = r.report.results.find((x) => x.feature === 'chat.basic')!;
  expect(['broken', 'error']).toContain(basic.verdict);
  expect(basic.summary).toMatch(summary);
  // Every exchange recorded stayed within the caps.
  for (const result of r.report.results) {
    for (const e of result.evidence) {
      expect(e.timing.ms, `${result.feature} ${e.label}`).toBeLessThan((r.limits.timeoutMs ?? 0) + 1500);
      if (e.response?.bodyKind === 'sse')
        expect(Buffer.byteLength(e.response.rawSse ?? '')).toBeLessThanOrEqual(64 * 1024 + 16);
    }
  }
}

describe('the suite against hostile relays', () => {
  it('a 100 MB body: reading stops at maxBodyBytes, the relay could not push its 100 MB, memory stays bounded', async () => {
    const r = await run('huge-body', ROOMY);
    expectAllFailed(r, /too large \(body larger than 262144 bytes/);
    // Each request abandoned after 256 KiB (plus what the sockets buffered on the way, some
    // 4 MB measured): a bound per request, so the catalogue may grow (55 requests here).
    expect(r.server.stats.bytesWritten).toBeLessThan(r.report.usage.requests * (HUGE_BODY_BYTES / 20));
    expect(r.server.stats.bytesWritten / r.report.usage.requests).toBeLessThan(HUGE_BODY_BYTES / 10);
    expect(r.peakHeapGrowthMiB).toBeLessThan(64);
    const sse = r.report.results.find((x) => x.feature === 'stream.sse')!;
    expect(sse.verdict).toBe('broken');
    expect(sse.summary).toContain('larger than the read cap');
  });

  it('one byte per second: every request is cut at its deadline', async () => {
    const r = await run('byte-per-second');
    expectAllFailed(r, /timed out \(no complete response within 1000 ms\)|stream still open after 600 ms/);
    expect(r.server.stats.bytesWritten).toBeLessThan(r.report.usage.requests * 3);
  });

  it('invalid UTF-8 in otherwise valid answers: broken, whatever the answer seemed to say', async () => {
    const r = await run('invalid-utf8', ROOMY);
    expectAllFailed(r, /not valid UTF-8/);
    for (const result of r.report.results)
      if (result.feature !== 'models.list' && !modelSkip(result)) expect(result.verdict, result.feature).toBe('broken');
  });

  it("a wrong content type (a gateway's HTML page with HTTP 200): broken, saying it is not JSON", async () => {
    const r = await run('wrong-content-type', ROOMY);
    expectAllFailed(r, /not JSON/);
  });

  it('a redirect to another origin: never followed, the other origin receives nothing, no verdict drawn from it', async () => {
    const r = await run('cross-origin-redirect', ROOMY);
    expectAllFailed(r, /redirect.*never follows redirects/);
    expect(r.server.elsewhere).toEqual({ requests: 0, headers: [] });
    for (const result of r.report.results)
      if (result.feature !== 'models.list' && !modelSkip(result))
        expect(result.verdict, `${result.feature}: ${result.summary}`).toBe('error');
  });

  it('a connection reset mid-answer: error (or broken for the stream features), never a crash', async () => {
    const r = await run('reset-mid-stream', ROOMY);
    expectAllFailed(r, /connection (failed|lost)|ECONNRESET|terminated/);
  });

  it('a relay that accepts every chat request and never answers: each probe times out, the run still ends', async () => {
    const r = await run('never-answers');
    expectAllFailed(r, /timed out \(no response headers within 500 ms\)/);
  });
});
