// One autocannon run (programmatic API, in the parent process) against a server child.
import autocannon from 'autocannon';
import type { ServerChild } from './children.js';
import { BENCH_BODY, BENCH_HEADERS, BENCH_PATH } from './request.js';

export interface LoadResult {
  /** Completed requests ÷ the run's duration. */
  rps: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
  seconds: number;
  /** The server child's CPU time (user + system) per completed request, µs. */
  cpuUs: number;
  /** The system (kernel) part of cpuUs: socket syscalls, and waking the load generator. */
  sysUs: number;
}

export interface LoadOptions {
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** A fixed number of requests instead of a duration. */
  amount?: number;
  /** The request body (default: the non-streaming bench request). */
  body?: string;
  /** The request path (default: chat completions). */
  path?: string;
}

export async function runLoad(server: Pick<ServerChild, 'url' | 'cpu'>, opts: LoadOptions): Promise<LoadResult> {
  const cpuBefore = await server.cpu();
  const started = performance.now();
  const result = await autocannon({
    url: `${server.url}${opts.path ?? BENCH_PATH}`,
    method: 'POST',
    headers: BENCH_HEADERS,
    body: opts.body ?? BENCH_BODY,
    connections: opts.connections,
    pipelining: 1,
    // Bounded either way: a fixed count, or a fixed time (with a hard cap on the count too).
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
    timeout: 10,
    // Counts are taken every 100 ms, so a fixed-count run ends within 0.1 s of its last
    // response (at the default 1 s a run of 10,000 could idle most of a second).
    sampleInt: 100,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await server.cpu();
  const cpu = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
  return {
    rps: result.duration > 0 ? result.requests.total / result.duration : Number.NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    seconds,
    cpuUs: result.requests.total > 0 ? cpu / result.requests.total : Number.NaN,
    sysUs: result.requests.total > 0 ? (cpuAfter.system - cpuBefore.system) / result.requests.total : Number.NaN,
  };
}
