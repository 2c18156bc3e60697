// The one place that writes a stream to a socket: timing, backpressure, client disconnects
// and injected faults live here, so the builders stay pure.
import type { ServerResponse } from 'node:http';
import { planWrites } from '../stream/write-plan.js';

export interface Pacing {
  /** Delay before the first byte of the response, in ms. */
  latencyMs: number;
  /** Extra delay before the first content chunk, in ms. */
  firstTokenMs: number;
  /** Chunks per second after the first; 0 = as fast as possible. */
  tokensPerSecond: number;
}

export const NO_PACING: Pacing = { latencyMs: 0, firstTokenMs: 0, tokensPerSecond: 0 };

export interface StreamFaults {
  /** Destroy the connection after this many writes (a stream cut mid-way). */
  cutAfter?: number;
  /** Send each write on its own, even unpaced (sse-split-writes: the boundaries are the fault). */
  keepWrites?: boolean;
}

export type StreamOutcome = 'complete' | 'client-closed' | 'cut';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function writeSse(
  res: ServerResponse,
  writes: readonly (string | Buffer)[],
  pacing: Pacing,
  faults: StreamFaults = {},
  headers: Record<string, string> = {},
): Promise<StreamOutcome> {
  const head: Record<string, string> = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    ...headers,
  };
  // An empty Content-Type means none at all (break sse-no-content-type), not an empty header.
  if (head['Content-Type'] === '') delete head['Content-Type'];
  res.writeHead(200, head);
  const gapMs = pacing.tokensPerSecond > 0 ? 1000 / pacing.tokensPerSecond : 0;
  const cut = faults.cutAfter !== undefined;
  const batches = planWrites(writes, { gapMs, coalesce: faults.keepWrites !== true, cutAfter: faults.cutAfter });
  // Unpaced and whole: one write and the end, nothing to wait for, so no close listener either.
  if (!cut && batches.length === 1 && pacing.firstTokenMs <= 1) {
    if (res.destroyed) return 'client-closed';
    res.end(batches[0]!.data);
    return 'complete';
  }
  const closed = new AbortController();
  const onClose = (): void => closed.abort();
  res.on('close', onClose);
  try {
    // An absolute schedule, so timer lateness does not accumulate over a long stream.
    const start = performance.now() + pacing.firstTokenMs;
    // Headers go ahead only when the first event has to wait; otherwise they leave with it.
    if (pacing.firstTokenMs > 1 || batches.length !== 1) res.flushHeaders();
    let lastFlushed: Promise<void> = Promise.resolve();
    for (const batch of batches) {
      if (closed.signal.aborted) return 'client-closed';
      const wait = start + batch.atMs - performance.now();
      if (wait > 1) await sleep(wait, closed.signal);
      if (closed.signal.aborted) return 'client-closed';
      let ok: boolean;
      // Only a cut waits for its writes to leave: a callback and a promise per write cost
      // more than the write itself on an unpaced stream.
      if (!cut) ok = res.write(batch.data);
      else {
        ok = true;
        lastFlushed = new Promise<void>((resolve) => {
          ok = res.write(batch.data, () => resolve());
        });
      }
      if (!ok) await drained(res, closed.signal);
    }
    if (closed.signal.aborted) return 'client-closed';
    if (cut) {
      // The response corks its socket until the next tick: destroying it before the writes
      // so far have left would drop them, and "cut after N chunks" would send none.
      await settled(lastFlushed, 1000, closed.signal);
      res.destroy();
      return 'cut';
    }
    res.end();
    return 'complete';
  } finally {
    res.off('close', onClose);
  }
}

/** Resolves when `flushed` does, the client leaves, or after `ms`, whichever comes first. */
function settled(flushed: Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    void flushed.then(done);
  });
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
