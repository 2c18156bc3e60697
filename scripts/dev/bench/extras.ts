// The figures added for issue "Benchmarks": streaming A/B, the burst, pacing accuracy, the
// suite's wall time and cold start, and peers. Verdicts and Markdown sections.
import type { AimockResult } from './aimock.js';
import { aimockVerdicts, renderAimock } from './aimock-report.js';
import type { Verdict } from './verdict.js';
import type { ResponsesResult } from './responses.js';
import { renderResponses, responsesVerdicts } from './responses-report.js';
import type { BurstResult, PacingResult } from './streaming.js';
import type { ColdStart, RoundsInfo, SuiteRun } from './suite.js';
import { fmt } from './stats.js';
import type { ConcurrencyResult, SideSummary } from './throughput.js';

export interface PeerResult {
  name: string;
  describe: string;
  /** Why it could not be measured. */
  error?: string;
  startMs?: number;
  status?: number;
  bodyBytes?: number;
  /** By concurrency: the peer's side and ours from the same rotation. */
  byConnections: Array<{ connections: number; peer: SideSummary; mock: SideSummary; ratio: number }>;
}

export interface Extras {
  streaming?: {
    throughput: ConcurrencyResult[];
    chunks: number;
    bodyBytes: number;
    requestBytes: number;
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    target: number;
  };
  burst?: BurstResult & { target: number; calibration: Array<{ n: number; chunks: number }> };
  pacing?: PacingResult & { target: number; concurrency: number };
  suite?: {
    runs: SuiteRun[];
    rounds: RoundsInfo;
    factor: number;
    repeats: number;
    coldStart?: ColdStart;
    error?: string;
  };
  aimock?: AimockResult;
  /** /v1/responses against its bare replay (and aimock's). */
  responses?: ResponsesResult;
  peers?: { results: PeerResult[]; rounds: number; seconds: number; mockRequestBytes: number; mockBodyBytes: number };
  /** Parts that could not run, with why. */
  problems: string[];
}

const ms = (n: number, d = 0): string => `${fmt(n, d)} ms`;
const pc = (r: number): string => `${(r * 100).toFixed(1)}%`;

export function extraVerdicts(x: Extras): Verdict[] {
  const out: Verdict[] = [];
  if (x.streaming) {
    // Concurrency 1 is reported, not judged: the target is set at 10 and 50 connections.
    for (const t of x.streaming.throughput.filter((r) => r.connections >= 10)) {
      out.push({
        target: `streaming throughput (${x.streaming.chunks} chunks, include_usage), c=${t.connections}: mock/bare ≥ ${x.streaming.target}`,
        figure: `${t.ratio.toFixed(3)} (${fmt(t.mock.rps)} / ${fmt(t.bare.rps)} req/s)`,
        pass: t.ratio >= x.streaming.target && t.mock.errors + t.mock.non2xx === 0,
      });
    }
  }
  if (x.burst) {
    out.push({
      target: `burst: ${x.burst.streams} concurrent streams of ${fmt(x.burst.chunksPerStream)} chunks, zero pacing: ≥ ${fmt(x.burst.target)} chunks/s`,
      figure: `${fmt(x.burst.chunksPerSecond)} chunks/s (time to first byte p50 ${ms(x.burst.headersP50, 1)} / p95 ${ms(x.burst.headersP95, 1)}; to first chunk p50 ${ms(x.burst.ttfbP50, 1)} / p95 ${ms(x.burst.ttfbP95, 1)})`,
      pass: x.burst.chunksPerSecond >= x.burst.target && x.burst.rounds.every((r) => r.failed === 0),
    });
  }
  if (x.pacing) {
    out.push({
      target: `pacing at ${x.pacing.tokensPerSecond} tokens/s: |gap − ${x.pacing.expectedGapMs} ms| / ${x.pacing.expectedGapMs} ms ≤ ${pc(x.pacing.target)} at p95`,
      figure: `p95 ${pc(x.pacing.errP95)}, p50 ${pc(x.pacing.errP50)} (${fmt(x.pacing.gaps)} gaps, mean ${ms(x.pacing.meanGap, 2)})`,
      pass: x.pacing.errP95 <= x.pacing.target,
    });
  }
  if (x.suite && !x.suite.error) {
    const bound = x.suite.factor * x.suite.rounds.rounds * 500;
    const judged = x.suite.runs.find((r) => r.latencyMs === 500 && r.concurrency === 4);
    if (judged) {
      out.push({
        target: `suite, 500 ms latency per request, default concurrency 4: ≤ ${x.suite.factor} × ${x.suite.rounds.rounds} dependent rounds × 500 ms = ${ms(bound)}`,
        figure: `${ms(judged.seconds * 1000)} (${judged.requests} requests)`,
        pass: judged.seconds * 1000 <= bound,
      });
    }
  }
  if (x.aimock) out.push(...aimockVerdicts(x.aimock));
  if (x.responses) out.push(...responsesVerdicts(x.responses));
  return out;
}

const sideRow = (label: string, s: SideSummary): string =>
  `| ${label} | ${s.runs.map((r) => fmt(r.rps)).join(' | ')} | ${s.errors} / ${s.non2xx} |`;

export function renderExtras(x: Extras): string[] {
  const L: string[] = [];
  if (x.streaming) {
    const s = x.streaming;
    L.push('## Throughput (streaming)');
    L.push('');
    L.push(
      `The same A/B as above for a streamed answer: "Count from 1 to 50.", \`stream: true\`, \`stream_options.include_usage\``,
    );
    L.push(
      `(${s.requestBytes} bytes of JSON). The mock answers with ${s.chunks} \`data:\` chunks plus \`[DONE]\` (${fmt(s.bodyBytes)} bytes of body);`,
    );
    L.push(
      'the bare server replays those exact bytes in one `write()` with the headers, then `end()` (what the mock does for an unpaced',
    );
    L.push(
      `stream since issue 17; before it, one \`write()\` per event gave 0.17). ${s.rounds} rounds of ${s.seconds} s per side and concurrency, alternating mock / bare, after a ${s.warmupSeconds} s warm-up of each;`,
    );
    L.push('one request = one whole stream (autocannon counts a response when it ends).');
    L.push('');
    L.push(
      '| Concurrency | Mock streams/s | Mock p50 / p99 | Bare streams/s | Bare p50 / p99 | **Ratio** | Paired ratio | Mock / bare CPU µs per stream | CPU ratio | Mock chunks/s |',
    );
    L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const t of s.throughput) {
      L.push(
        `| ${t.connections} | ${fmt(t.mock.rps)} | ${t.mock.p50} / ${t.mock.p99} | ${fmt(t.bare.rps)} | ${t.bare.p50} / ${t.bare.p99} | **${t.ratio.toFixed(3)}** | ${t.pairedRatio.toFixed(3)} | ${fmt(t.mock.cpuUs)} / ${fmt(t.bare.cpuUs)} | ${t.cpuRatio.toFixed(3)} | ${fmt(t.mock.rps * s.chunks)} |`,
      );
    }
    L.push('');
    L.push('Every round (streams/s):');
    L.push('');
    L.push(
      '| Concurrency / side | ' +
        Array.from({ length: s.rounds }, (_, i) => `Round ${i + 1}`).join(' | ') +
        ' | Errors / non-2xx |',
    );
    L.push('| --- | ' + Array.from({ length: s.rounds }, () => '---:').join(' | ') + ' | ---: |');
    for (const t of s.throughput) {
      L.push(sideRow(`${t.connections} mock`, t.mock));
      L.push(sideRow(`${t.connections} bare`, t.bare));
    }
    L.push('');
  }
  if (x.burst) {
    const b = x.burst;
    L.push('## Streaming burst');
    L.push('');
    L.push(
      `${b.streams} streams opened at once against the warm mock (default options, zero pacing), each "Count from 1 to ${b.countTo}"`,
    );
    L.push(
      `(\`max_tokens: 8000\`, include_usage): ${fmt(b.chunksPerStream)} \`data:\` chunks per stream as counted on the client (N is`,
    );
    L.push(
      `calibrated at the start of the run so that the mock's tokenizer gives about 1,000: ${b.calibration.map((c) => `N = ${c.n} → ${fmt(c.chunks)} chunks`).join(', ')}).`,
    );
    L.push('The client is a plain `node:http`');
    L.push(
      'client in the bench process (one connection per stream) that splits the body on blank lines and counts events.',
    );
    L.push(
      "chunks/s = all chunks received ÷ the time from the first request to the last stream's end. Time to first byte = request",
    );
    L.push(
      "start → the response's status line and headers (the mock flushes them before the first chunk); time to first chunk =",
    );
    L.push(`request start → the first body bytes. ${b.rounds.length} rounds, medians.`);
    L.push('');
    L.push(
      '| Round | Chunks | Seconds | Chunks/s | First byte p50 | First byte p95 | First chunk p50 | First chunk p95 | First chunk max | Failed streams |',
    );
    L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    b.rounds.forEach((r, i) =>
      L.push(
        `| ${i + 1} | ${fmt(r.totalChunks)} | ${r.seconds.toFixed(2)} | ${fmt(r.chunksPerSecond)} | ${ms(r.headersP50, 1)} | ${ms(r.headersP95, 1)} | ${ms(r.ttfbP50, 1)} | ${ms(r.ttfbP95, 1)} | ${ms(r.ttfbMax, 1)} | ${r.failed} |`,
      ),
    );
    L.push(
      `| **median** | | | **${fmt(b.chunksPerSecond)}** | **${ms(b.headersP50, 1)}** | **${ms(b.headersP95, 1)}** | **${ms(b.ttfbP50, 1)}** | **${ms(b.ttfbP95, 1)}** | | |`,
    );
    L.push('');
  }
  if (x.pacing) {
    const p = x.pacing;
    L.push('## Pacing accuracy');
    L.push('');
    L.push(
      `A mock child with \`createMockProvider({ pacing: { tokensPerSecond: ${p.tokensPerSecond} } })\`; ${p.streams} streams of the streaming`,
    );
    L.push(
      `request above, ${p.concurrency} at a time. The client timestamps each SSE event as it arrives (\`performance.now()\` on the`,
    );
    L.push(
      `socket's data event) and takes every gap between consecutive events of a stream (\`[DONE]\` included): ${fmt(p.gaps)} gaps.`,
    );
    L.push('');
    L.push(
      '| Expected gap | Mean gap | Gap p50 | Gap p95 | \\|gap − expected\\| / expected p50 | p95 | max | Stream duration vs schedule (median) |',
    );
    L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    L.push(
      `| ${ms(p.expectedGapMs, 1)} | ${ms(p.meanGap, 2)} | ${ms(p.gapP50, 2)} | ${ms(p.gapP95, 2)} | ${pc(p.errP50)} | **${pc(p.errP95)}** | ${pc(p.errMax)} | ${p.durationError >= 0 ? '+' : ''}${pc(p.durationError)} |`,
    );
    L.push('');
    L.push(
      'The mock schedules writes on an absolute clock (`start + i × gap`), so a late timer does not accumulate; the per-gap',
    );
    L.push(
      "error includes the client's own event-loop jitter on this shared 2-core machine, and the tail is the processes waking",
    );
    L.push('late (see [PERFORMANCE.md](PERFORMANCE.md)), so the p95 varies from run to run around the target.');
    L.push('');
  }
  if (x.suite) {
    const s = x.suite;
    L.push('## The suite against the mock');
    L.push('');
    if (s.error) {
      L.push(`Could not run: ${s.error}`);
      L.push('');
    } else {
      const r = s.rounds;
      L.push(`The full catalogue through \`runTarget\` (suites/run.ts) in the bench process, against a mock child`);
      L.push(
        '(`apiKeys: [key]`, journal off, models `mock-model` and `mock-reasoner`), as suites/against-mock.ts builds it;',
      );
      L.push(
        '`pacing.latencyMs` delays every chat request before its first byte (the mock does not delay `GET /models`).',
      );
      L.push('');
      L.push(
        `Dependent rounds: the longest \`steps\` chain over all ${'probes'} is ${r.longestChain} (${r.longestProbes.map((p) => `\`${p}\``).join(', ')}),`,
      );
      L.push(
        `plus the \`GET /models\` preflight, which the runner awaits before any probe starts: **${r.rounds} rounds**. Bound with 500 ms:`,
      );
      L.push(`${s.factor} × ${r.rounds} × 500 ms = ${ms(s.factor * r.rounds * 500)}.`);
      L.push('');
      L.push('| Injected latency | Concurrency | Wall time | Requests | Verdicts |');
      L.push('| ---: | ---: | ---: | ---: | --- |');
      for (const run of s.runs) {
        L.push(
          `| ${ms(run.latencyMs)} | ${run.concurrency}${run.concurrency === 4 ? ' (default)' : ''} | ${ms(run.seconds * 1000)} | ${run.requests} | ${Object.entries(
            run.verdicts,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} |`,
        );
      }
      L.push('');
      L.push(
        `Each wall time is the median of ${s.repeats} runs (after one warm-up run at 0 ms). The target is judged at the default`,
      );
      L.push(
        "`--concurrency 4`, where the session's limiter queues requests behind one another as well as the rounds; the row at",
      );
      L.push(
        "concurrency 64 (more than the catalogue's requests) shows what the dependent rounds alone cost. Requests the mock",
      );
      L.push('refuses before the latency (no key, wrong key, unknown model, malformed body) return at once.');
      L.push('');
      if (s.coldStart) {
        const c = s.coldStart;
        L.push(
          `Cold start of \`relaycheck run\`: \`node bin/relaycheck.js run --base-url … --model mock-model --out TMP\` spawned ${c.runs.length} times`,
        );
        L.push(
          'against a mock child (latency 0) behind a pass-through proxy in the bench process that timestamps the first request it',
        );
        L.push("receives (tsx's transform cache is warm after the first run, as it is for a user's second run).");
        L.push('');
        L.push('| Run | Spawn → first request | Spawn → exit | Exit code |');
        L.push('| ---: | ---: | ---: | ---: |');
        c.runs.forEach((r, i) => L.push(`| ${i + 1} | ${ms(r.firstRequestMs)} | ${ms(r.exitMs)} | ${r.exitCode} |`));
        L.push(`| **median** | **${ms(c.firstRequestMs)}** | **${ms(c.exitMs)}** | |`);
        L.push('');
      }
    }
  }
  if (x.aimock) L.push(...renderAimock(x.aimock));
  if (x.responses) L.push(...renderResponses(x.responses));
  if (x.peers) {
    const p = x.peers;
    L.push('## Peers');
    L.push('');
    L.push(
      `Other mock servers answering the same non-streaming bench request (${p.mockRequestBytes} bytes), each in its own process on`,
    );
    L.push(
      `127.0.0.1, measured in one rotation with the mock (mock / peer / peer / mock / …), ${p.rounds} rounds of ${p.seconds} s,`,
    );
    L.push(
      'after a warm-up. Ratio = median peer req/s ÷ median mock req/s from the same rotation (> 1: the peer is faster). CPU of a',
    );
    L.push(`peer is read from /proc (all its threads). The mock answers with ${p.mockBodyBytes} bytes of body.`);
    L.push('');
    for (const r of p.results)
      L.push(
        `- **${r.name}**: ${r.describe}.${r.error ? ` **Could not be measured:** ${r.error}` : ` Ready after ${ms(r.startMs ?? Number.NaN)}; answers ${r.status} with ${r.bodyBytes} bytes.`}`,
      );
    L.push('');
    const measured = p.results.filter((r) => !r.error && r.byConnections.length > 0);
    if (measured.length > 0) {
      L.push(
        '| Peer | Concurrency | Peer req/s | Peer p50 / p99 | Peer CPU µs per request | Mock req/s (same rotation) | Mock CPU µs per request | **Peer ÷ mock** | Errors / non-2xx |',
      );
      L.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const r of measured) {
        for (const c of r.byConnections) {
          L.push(
            `| ${r.name} | ${c.connections} | ${fmt(c.peer.rps)} | ${c.peer.p50} / ${c.peer.p99} | ${fmt(c.peer.cpuUs)} | ${fmt(c.mock.rps)} | ${fmt(c.mock.cpuUs)} | **${c.ratio.toFixed(3)}** | ${c.peer.errors} / ${c.peer.non2xx} |`,
          );
        }
      }
      L.push('');
    }
  }
  if (x.problems.length > 0) {
    L.push('## Not measured in this run');
    L.push('');
    for (const p of x.problems) L.push(`- ${p}`);
    L.push('');
  }
  return L;
}
