// Memory: a fixed number of requests to a fresh mock child, its memory sampled (after a full
// GC, over IPC) once warmed up and then every `every` requests. Flat = the retained heap at
// the end within `maxGrowth` of the warmed-up figure.
import type { ServerChild } from './children.js';
import { runLoad } from './load.js';
import type { MemorySample } from './protocol.js';
import { fmt, mib } from './stats.js';

export interface MemoryPoint {
  /** Requests sent since the warm-up ended. */
  requests: number;
  sample: MemorySample;
  rps: number;
}

export interface MemoryResult {
  warmupRequests: number;
  totalRequests: number;
  connections: number;
  points: MemoryPoint[];
  /** end heapUsed / warmed-up heapUsed. */
  heapGrowth: number;
  rssGrowth: number;
  errors: number;
  non2xx: number;
  seconds: number;
}

export interface MemoryOptions {
  warmupRequests: number;
  totalRequests: number;
  every: number;
  connections: number;
  log: (line: string) => void;
}

export async function measureMemory(mock: ServerChild, opts: MemoryOptions): Promise<MemoryResult> {
  const started = performance.now();
  let errors = 0;
  let non2xx = 0;
  const warm = await runLoad(mock, { connections: opts.connections, amount: opts.warmupRequests });
  errors += warm.errors;
  non2xx += warm.non2xx;
  const points: MemoryPoint[] = [{ requests: 0, sample: await mock.memory(), rps: warm.rps }];
  const log = (p: MemoryPoint): void =>
    opts.log(
      `  after ${fmt(p.requests).padStart(7)} requests: heapUsed ${mib(p.sample.heapUsed)} (before GC ${mib(p.sample.heapUsedBeforeGc)}), rss ${mib(p.sample.rss)}  [${fmt(p.rps)} req/s]`,
    );
  log(points[0]!);
  const chunks = Math.ceil(opts.totalRequests / opts.every);
  let sent = 0;
  for (let i = 0; i < chunks; i++) {
    const amount = Math.min(opts.every, opts.totalRequests - sent);
    const r = await runLoad(mock, { connections: opts.connections, amount });
    errors += r.errors;
    non2xx += r.non2xx;
    sent += amount;
    const p = { requests: sent, sample: await mock.memory(), rps: r.rps };
    points.push(p);
    log(p);
  }
  const first = points[0]!.sample;
  const last = points[points.length - 1]!.sample;
  return {
    warmupRequests: opts.warmupRequests,
    totalRequests: sent,
    connections: opts.connections,
    points,
    heapGrowth: last.heapUsed / first.heapUsed,
    rssGrowth: last.rss / first.rss,
    errors,
    non2xx,
    seconds: (performance.now() - started) / 1000,
  };
}
