// Throughput: mock vs bare replay (and, for reference, a floor: for chat the smallest Express
// app, for Responses the mock's own plumbing, each replaying the same bytes), alternating
// A/B/C/A/B/C at each concurrency, so drift in the machine's load hits every side alike. The
// figure quoted is the ratio of the medians.
import type { ServerChild } from './children.js';
import { runLoad, type LoadResult } from './load.js';
import { fmt, median } from './stats.js';

export interface SideSummary {
  runs: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
  /** The server child's CPU time per request, µs. */
  cpuUs: number;
  /** Its system (kernel) part, µs. */
  sysUs: number;
  errors: number;
  non2xx: number;
}

export interface ConcurrencyResult {
  connections: number;
  mock: SideSummary;
  bare: SideSummary;
  /** A floor replaying the same bytes (chat: a minimal Express app; Responses: the mock's plumbing), if measured. */
  floor?: SideSummary;
  /** median(mock rps) / median(bare rps). */
  ratio: number;
  /** The median of the per-round ratios (mock round i / bare round i): a cross-check. */
  pairedRatio: number;
  /** median bare CPU per request / median mock CPU per request: what the ratio would be if
   * the server, not the load generator sharing its cores, were the only limit. */
  cpuRatio: number;
  /** median(floor rps) / median(bare rps): the best a server built on that floor can score here. */
  floorRatio?: number;
}

export interface ThroughputOptions {
  connectionsList: number[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** The request body (default: the non-streaming bench request). */
  body?: string;
  /** The request path (default: chat completions). */
  path?: string;
  log: (line: string) => void;
}

export function summarize(runs: LoadResult[]): SideSummary {
  return {
    runs,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuUs: median(runs.map((r) => r.cpuUs)),
    sysUs: median(runs.map((r) => r.sysUs)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
  };
}

const line = (r: LoadResult): string =>
  `${fmt(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  cpu ${fmt(r.cpuUs)} µs/req${r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : ''}`;

export async function measureThroughput(
  servers: { mock: ServerChild; bare: ServerChild; floor?: ServerChild },
  opts: ThroughputOptions,
): Promise<ConcurrencyResult[]> {
  const sides: Array<[string, ServerChild]> = [
    ['mock', servers.mock],
    ['bare', servers.bare],
  ];
  if (servers.floor) sides.push(['floor', servers.floor]);
  const out: ConcurrencyResult[] = [];
  for (const connections of opts.connectionsList) {
    opts.log(`  c=${connections}: warm-up ${opts.warmupSeconds} s each`);
    for (const [, child] of sides)
      await runLoad(child, {
        connections,
        duration: opts.warmupSeconds,
        ...(opts.body ? { body: opts.body } : {}),
        ...(opts.path ? { path: opts.path } : {}),
      });
    const runs = new Map<string, LoadResult[]>(sides.map(([name]) => [name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const [name, child] of sides) {
        const r = await runLoad(child, {
          connections,
          duration: opts.seconds,
          ...(opts.body ? { body: opts.body } : {}),
          ...(opts.path ? { path: opts.path } : {}),
        });
        runs.get(name)!.push(r);
        opts.log(`  c=${connections} round ${round}/${opts.rounds}  ${name.padEnd(5)}  ${line(r)}`);
      }
    }
    const m = summarize(runs.get('mock')!);
    const b = summarize(runs.get('bare')!);
    const f = servers.floor ? summarize(runs.get('floor')!) : undefined;
    const pairedRatio = median(m.runs.map((r, i) => r.rps / b.runs[i]!.rps));
    const result: ConcurrencyResult = {
      connections,
      mock: m,
      bare: b,
      ratio: m.rps / b.rps,
      pairedRatio,
      cpuRatio: b.cpuUs / m.cpuUs,
      ...(f ? { floor: f, floorRatio: f.rps / b.rps } : {}),
    };
    out.push(result);
    opts.log(
      `  c=${connections}: median mock ${fmt(m.rps)} req/s, bare ${fmt(b.rps)} req/s, ratio ${result.ratio.toFixed(3)} (CPU ratio ${result.cpuRatio.toFixed(3)})` +
        (result.floorRatio !== undefined
          ? `; floor ${fmt(f!.rps)} req/s, ${result.floorRatio.toFixed(3)} of bare`
          : ''),
    );
  }
  return out;
}
