// Writes docs/BENCHMARKS.md from one run: machine, date, method, figures, targets.
import { renderExtras, type Extras } from './extras.js';
import type { MachineInfo } from './machine.js';
import type { MemoryResult } from './memory.js';
import type { HotSpot } from './profile.js';
import { fmt, mib, pct } from './stats.js';
import type { ConcurrencyResult } from './throughput.js';
import type { Verdict } from './verdict.js';

export type { Verdict } from './verdict.js';

export interface BenchConfig {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connectionsList: number[];
  /** Non-streamed mock/bare at concurrency 1 (the old target, which held there). */
  ratioTarget: number;
  /** Non-streamed mock/bare at concurrency 10 and above, where the load generator shares both cores (issue 17). */
  loadedRatioTarget: number;
  heapGrowthLimit: number;
  memoryConnections: number;
}

export interface ReportInput {
  date: Date;
  machine: MachineInfo;
  config: BenchConfig;
  throughput: ConcurrencyResult[];
  memory: MemoryResult;
  verdicts: Verdict[];
  recorded: { status: number; headers: Array<[string, string]>; bodyBytes: number; requestBytes: number };
  totalSeconds: number;
  /** A steady-state CPU profile of the mock, if one was taken. */
  profile?: { seconds: number; connections: number; categories: HotSpot[]; functions: HotSpot[] };
  /** Streaming, burst, pacing, suite and peers. */
  extras?: Extras;
}

export function verdicts(throughput: ConcurrencyResult[], memory: MemoryResult, config: BenchConfig): Verdict[] {
  const out: Verdict[] = throughput.map((t) => {
    const target = t.connections >= 10 ? config.loadedRatioTarget : config.ratioTarget;
    return {
      target: `non-streaming throughput, c=${t.connections}: mock/bare ≥ ${target}`,
      figure: `${t.ratio.toFixed(3)} (${fmt(t.mock.rps)} / ${fmt(t.bare.rps)} req/s)`,
      pass: t.ratio >= target && t.mock.errors + t.mock.non2xx === 0,
    };
  });
  out.push({
    target: `memory flat over ${fmt(memory.totalRequests)} requests: heapUsed at the end ≤ +${Math.round((config.heapGrowthLimit - 1) * 100)}% of after warm-up`,
    figure: `${pct(memory.heapGrowth)} (${mib(memory.points[0]!.sample.heapUsed)} → ${mib(memory.points[memory.points.length - 1]!.sample.heapUsed)})`,
    pass: memory.heapGrowth <= config.heapGrowthLimit && memory.errors + memory.non2xx === 0,
  });
  return out;
}

export function renderReport(r: ReportInput): string {
  const { config: c } = r;
  const L: string[] = [];
  L.push('# Benchmarks');
  L.push('');
  L.push('<!-- Written by `npm run bench` (scripts/dev/bench/run.ts): edit the script, not this file. -->');
  L.push('');
  L.push("The mock's cost per request, measured against a bare `node:http` server that replays the");
  L.push("mock's own response bytes, in the same run. Absolute figures depend on the machine and its");
  L.push('neighbours; the ratio is what the target is set on. What the figures are made of, what was fixed');
  L.push('and what is left: [PERFORMANCE.md](PERFORMANCE.md).');
  L.push('');
  L.push(`- Date: ${r.date.toISOString()}`);
  L.push(`- Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memory} RAM, ${r.machine.platform}`);
  L.push(`- Node: ${r.machine.node}; load average at the end (1/5/15 min): ${r.machine.loadAverage}`);
  L.push(`- Bench wall time: ${r.totalSeconds.toFixed(0)} s`);
  L.push('');
  L.push('## Targets');
  L.push('');
  L.push('| Target | Figure | Result |');
  L.push('| --- | --- | --- |');
  const cell = (t: string): string => t.replace(/\|/g, '\\|');
  for (const v of r.verdicts) L.push(`| ${cell(v.target)} | ${cell(v.figure)} | ${v.pass ? 'PASS' : 'FAIL'} |`);
  L.push('');
  L.push('## Throughput (non-streaming)');
  L.push('');
  const rotation = r.throughput.some((t) => t.floor)
    ? 'mock / bare / Express floor / mock / bare / …'
    : 'mock / bare / mock / bare';
  L.push(`${c.rounds} rounds of ${c.seconds} s per side and concurrency, alternating ${rotation}, after a`);
  L.push(
    `${c.warmupSeconds} s warm-up of each. Medians over the rounds; latency in ms (autocannon's histogram has 1 ms`,
  );
  L.push('resolution). Ratio = median mock req/s ÷ median bare req/s; "paired" is the median of the per-round ratios.');
  L.push('');
  L.push(
    '| Concurrency | Mock req/s | Mock p50 / p99 | Bare req/s | Bare p50 / p99 | **Ratio** | Paired ratio | Mock / bare CPU µs per request | of which kernel | CPU ratio |',
  );
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of r.throughput) {
    L.push(
      `| ${t.connections} | ${fmt(t.mock.rps)} | ${t.mock.p50} / ${t.mock.p99} | ${fmt(t.bare.rps)} | ${t.bare.p50} / ${t.bare.p99} | **${t.ratio.toFixed(3)}** | ${t.pairedRatio.toFixed(3)} | ${fmt(t.mock.cpuUs)} / ${fmt(t.bare.cpuUs)} | ${fmt(t.mock.sysUs)} / ${fmt(t.bare.sysUs)} | ${t.cpuRatio.toFixed(3)} |`,
    );
  }
  L.push('');
  L.push("CPU µs per request is the server child's own CPU time (user + system, `process.cpuUsage()`) over");
  L.push('the round, divided by the requests it answered; CPU ratio = bare ÷ mock. It does not depend on how');
  L.push('much of the machine the load generator took, so it is the steadier of the two figures; the target');
  L.push('is judged on the req/s ratio, as the issue states it. "Of which kernel" is the system part: the same');
  L.push('syscalls on both sides, but a server slower than the load generator finds it asleep and pays for waking');
  L.push('it on every response (see [PERFORMANCE.md](PERFORMANCE.md)).');
  L.push('');
  const withFloor = r.throughput.filter((t) => t.floor);
  if (withFloor.length > 0) {
    L.push('For reference, the Express floor: the smallest Express 5 app answering the same request with the');
    L.push('same bytes and doing nothing else (`scripts/dev/bench/serve-express-floor.ts`, same settings as the');
    L.push("mock's app), measured in the same rotation. It is the best ratio any Express-based mock can reach here.");
    L.push('');
    L.push(
      '| Concurrency | Floor req/s | Floor p50 / p99 | Floor CPU µs per request | Floor ÷ bare (req/s) | Floor ÷ bare (CPU) | Mock ÷ floor (req/s) |',
    );
    L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const t of withFloor) {
      const f = t.floor!;
      L.push(
        `| ${t.connections} | ${fmt(f.rps)} | ${f.p50} / ${f.p99} | ${fmt(f.cpuUs)} | ${(f.rps / t.bare.rps).toFixed(3)} | ${(t.bare.cpuUs / f.cpuUs).toFixed(3)} | ${(t.mock.rps / f.rps).toFixed(3)} |`,
      );
    }
    L.push('');
  }
  L.push('Every round (req/s):');
  L.push('');
  L.push(
    '| Concurrency | Side | ' +
      Array.from({ length: c.rounds }, (_, i) => `Round ${i + 1}`).join(' | ') +
      ' | Errors / non-2xx |',
  );
  L.push('| ---: | --- | ' + Array.from({ length: c.rounds }, () => '---:').join(' | ') + ' | ---: |');
  for (const t of r.throughput) {
    const sides: Array<[string, typeof t.mock]> = [
      ['mock', t.mock],
      ['bare', t.bare],
    ];
    if (t.floor) sides.push(['Express floor', t.floor]);
    for (const [side, s] of sides) {
      L.push(
        `| ${t.connections} | ${side} | ${s.runs.map((x) => fmt(x.rps)).join(' | ')} | ${s.errors} / ${s.non2xx} |`,
      );
    }
  }
  L.push('');
  L.push('## Memory');
  L.push('');
  const m = r.memory;
  L.push(
    `${fmt(m.totalRequests)} requests to a fresh mock process at concurrency ${m.connections}, after a warm-up of`,
  );
  L.push(
    `${fmt(m.warmupRequests)}. Each sample is taken over IPC right after a full GC (\`--expose-gc\`), so heapUsed is`,
  );
  L.push(
    `the retained heap; "before GC" is what it was when the sample was asked for. ${m.seconds.toFixed(0)} s in all;`,
  );
  L.push(`errors ${m.errors}, non-2xx ${m.non2xx}.`);
  L.push('');
  L.push('| Requests after warm-up | heapUsed | heapUsed before GC | heapTotal | RSS | req/s in the slice |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of m.points) {
    L.push(
      `| ${p.requests === 0 ? '0 (warmed up)' : fmt(p.requests)} | ${mib(p.sample.heapUsed)} | ${mib(p.sample.heapUsedBeforeGc)} | ${mib(p.sample.heapTotal)} | ${mib(p.sample.rss)} | ${fmt(p.rps)} |`,
    );
  }
  L.push('');
  L.push(
    `heapUsed growth: ${pct(m.heapGrowth)}; RSS growth: ${pct(m.rssGrowth)} (RSS is reported, not judged: the allocator keeps pages).`,
  );
  L.push('');
  if (r.profile) {
    const p = r.profile;
    L.push("## Where the mock's CPU goes");
    L.push('');
    L.push(
      `V8's CPU profiler (what \`--cpu-prof\` uses) on the warm mock child for ${p.seconds} s at concurrency ${p.connections},`,
    );
    L.push('started and stopped over IPC so that start-up is left out. Self time, bucketed:');
    L.push('');
    L.push('| Where | Share of samples |');
    L.push('| --- | ---: |');
    for (const c of p.categories) L.push(`| ${c.name} | ${(c.share * 100).toFixed(1)}% |`);
    L.push('');
    L.push('Top functions by self time:');
    L.push('');
    L.push('| Function (file) | Share |');
    L.push('| --- | ---: |');
    for (const f of p.functions)
      L.push(`| \`${f.name.replace(/\|/g, '\\|').replace(/\s{2,}/g, '  ')}\` | ${(f.share * 100).toFixed(1)}% |`);
    L.push('');
    L.push('Line numbers are those of the compiled JavaScript in dist/. Full detail, both servers:');
    L.push('`npx tsx scripts/dev/bench/profile.ts`.');
    L.push('');
  }
  if (r.extras) L.push(...renderExtras(r.extras));
  L.push('## Method');
  L.push('');
  L.push('- Request: `POST /v1/chat/completions`, model `mock-model`, a short system message and');
  L.push(`  "Output exactly: …", \`max_tokens: 50\`, non-streaming (${r.recorded.requestBytes} bytes of JSON).`);
  L.push(
    `- The mock answers ${r.recorded.status} with ${r.recorded.bodyBytes} bytes of body; its headers, captured once and replayed`,
  );
  L.push('  by the bare server (node:http adds `Date`, `Connection` and `Keep-Alive` on both sides):');
  for (const [k, v] of r.recorded.headers) L.push(`  \`${k}: ${v}\``);
  L.push('- Each server runs in its own child process (`node --import tsx --expose-gc`, 127.0.0.1, port 0):');
  L.push('  `scripts/dev/bench/serve-mock.ts` is `createMockProvider()` from the compiled package (dist/, built by');
  L.push('  `npm run bench` first), with default options (journal on);');
  L.push('  `scripts/dev/bench/serve-bare.ts` drains the request and writes the captured bytes;');
  L.push('  `scripts/dev/bench/serve-express-floor.ts` (reference only) does the same through Express.');
  L.push("- The load generator is autocannon's programmatic API in the parent process, keep-alive, no pipelining.");
  L.push('  On a 2-core machine it competes with the server for CPU and caps the bare side first (the bare');
  L.push('  child is partly idle), so the req/s ratio flatters the mock; the CPU ratio shows by how much.');
  L.push(
    `- Targets: non-streamed ratio ≥ ${c.ratioTarget} at concurrency 1 and ≥ ${c.loadedRatioTarget} at 10 and above; heapUsed growth ≤ +` +
      Math.round((c.heapGrowthLimit - 1) * 100) +
      '%; streamed ratio ≥ 0.5 at 10 and above; ahead of aimock;',
  );
  L.push(
    '  burst ≥ 20,000 chunks/s; pacing error ≤ 10% at p95; suite with 500 ms latency ≤ 1.5 × rounds × 500 ms. The bench prints',
  );
  L.push('  PASS/FAIL and never fails the process on a miss (these machines are noisy); it exits non-zero only');
  L.push('  if it could not run.');
  L.push('- Run: `npm run bench`. Knobs (environment): `BENCH_ROUNDS`, `BENCH_SECONDS`, `BENCH_WARMUP_SECONDS`,');
  L.push('  `BENCH_CONNECTIONS` (comma list), `BENCH_MEMORY_REQUESTS`, `BENCH_OUT` (report path),');
  L.push('  `BENCH_PROFILE_SECONDS` (0 = no profile section), `BENCH_FLOOR=0` (no Express floor),');
  L.push('  `BENCH_STREAM_SECONDS` (streaming and peer rounds), `BENCH_BURST_ROUNDS`, `BENCH_PACING_STREAMS`,');
  L.push(
    '  `BENCH_COLD_RUNS`, `BENCH_EXTRAS=0` (only the sections above the streaming one), `BENCH_PEERS=0`. Profiles of',
  );
  L.push(
    '  both servers under the same load (`PROFILE_CHILD=file.ts` profiles another server child instead of the mock):',
  );
  L.push('  `npx tsx scripts/dev/bench/profile.ts`. The cost of each stage of the request path without sockets:');
  L.push('  `npx tsx scripts/dev/bench/stages.ts`.');
  L.push('');
  return L.join('\n');
}
