// The one place that writes a stream to a socket: timing, backpressure, client disconnects
// and injected faults live here, so the builders stay pure.
import type { ServerResponse } from 'node:http';

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
  const closed = new AbortController();
  const onClose = (): void => closed.abort();
  res.on('close', onClose);
  try {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      ...headers,
    });
    res.flushHeaders();
    // An absolute schedule, so timer lateness does not accumulate over a long stream.
    const start = performance.now() + pacing.firstTokenMs;
    const gap = pacing.tokensPerSecond > 0 ? 1000 / pacing.tokensPerSecond : 0;
    let lastFlushed: Promise<void> = Promise.resolve();
    for (let i = 0; i < writes.length; i++) {
      if (closed.signal.aborted) return 'client-closed';
      if (faults.cutAfter !== undefined && i >= faults.cutAfter) {
        // The response corks its socket until the next tick: destroying it before the writes
        // so far have left would drop them, and "cut after N chunks" would send none.
        await settled(lastFlushed, 1000, closed.signal);
        res.destroy();
        return 'cut';
      }
      const wait = start + i * gap - performance.now();
      if (wait > 1) await sleep(wait, closed.signal);
      if (closed.signal.aborted) return 'client-closed';
      let ok: boolean;
      // Only a cut waits for its writes to leave: a callback and a promise per write cost
      // more than the write itself on an unpaced stream.
      if (faults.cutAfter === undefined) ok = res.write(writes[i]!);
      else {
        ok = true;
        lastFlushed = new Promise<void>((resolve) => {
          ok = res.write(writes[i]!, () => resolve());
        });
      }
      if (!ok) await drained(res, closed.signal);
    }
    if (closed.signal.aborted) return 'client-closed';
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
