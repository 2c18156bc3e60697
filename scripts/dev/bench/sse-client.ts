// A plain node:http SSE client for the streaming figures: counts events as they arrive and
// timestamps each one (performance.now()), with a hard deadline per stream.
import { type Agent, request as httpRequest } from 'node:http';
import { BENCH_HEADERS, BENCH_PATH } from './request.js';

export interface StreamResult {
  status: number;
  /** Request start → first body byte (the first chunk), ms. */
  ttfbMs: number;
  /** Request start → the response's status line and headers, ms. */
  headersMs: number;
  /** Request start → end of the response, ms. */
  totalMs: number;
  /** `data:` events other than `[DONE]`. */
  chunks: number;
  /** Whether `data: [DONE]` arrived. */
  done: boolean;
  /** Arrival time (performance.now()) of every event, `[DONE]` included. */
  arrivals: number[];
  bytes: number;
}

export function streamOnce(
  baseUrl: string,
  body: string,
  opts: { agent?: Agent; timeoutMs?: number; keepArrivals?: boolean } = {},
): Promise<StreamResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      `${baseUrl}${BENCH_PATH}`,
      {
        method: 'POST',
        headers: { ...BENCH_HEADERS, 'content-length': String(Buffer.byteLength(body)) },
        ...(opts.agent ? { agent: opts.agent } : {}),
      },
      (res) => {
        const headersMs = performance.now() - started;
        let ttfb = Number.NaN;
        let chunks = 0;
        let done = false;
        let bytes = 0;
        let carry = '';
        const arrivals: number[] = [];
        res.setEncoding('utf8');
        res.on('data', (s: string) => {
          const now = performance.now();
          if (Number.isNaN(ttfb)) ttfb = now - started;
          bytes += Buffer.byteLength(s);
          carry += s;
          let i: number;
          while ((i = carry.indexOf('\n\n')) !== -1) {
            const event = carry.slice(0, i);
            carry = carry.slice(i + 2);
            if (!event.startsWith('data:')) continue;
            if (opts.keepArrivals) arrivals.push(now);
            if (event.startsWith('data: [DONE]')) done = true;
            else chunks++;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            ttfbMs: ttfb,
            headersMs,
            totalMs: performance.now() - started,
            chunks,
            done,
            arrivals,
            bytes,
          });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`stream not finished within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/** The p-quantile (0..1) by nearest rank. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}
