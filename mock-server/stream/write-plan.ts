// Which bytes leave in which socket write, and when: pure, so the writer (http/sse-writer.ts)
// only waits, writes and cuts. An unpaced stream has nothing to wait for between its events,
// so they leave together in one write: one chunk of chunked transfer-encoding instead of one
// per event, the same body bytes.

export interface WriteBatch {
  /** When it leaves, in ms after the first content write's scheduled time. */
  atMs: number;
  data: string | Buffer;
}

export interface WritePlanOptions {
  /** ms between consecutive writes; 0 = as fast as possible. */
  gapMs: number;
  /**
   * Join writes that are due at the same time into one. Off for writes that were cut on
   * purpose (the sse-split-writes break): their boundaries are the point.
   */
  coalesce: boolean;
  /** Only the first `cutAfter` writes are sent (a stream cut after N events). */
  cutAfter?: number;
}

export function planWrites(writes: readonly (string | Buffer)[], opts: WritePlanOptions): WriteBatch[] {
  const sent = opts.cutAfter === undefined ? writes : writes.slice(0, Math.max(0, opts.cutAfter));
  if (sent.length === 0) return [];
  if (opts.coalesce && opts.gapMs <= 0) return [{ atMs: 0, data: join(sent) }];
  return sent.map((data, i) => ({ atMs: i * opts.gapMs, data }));
}

/**
 * The writes as one. Strings stay a string: V8 keeps the pieces as a rope until node:http's
 * one native write flattens and encodes it, which measured cheaper than encoding each piece,
 * or the whole, into a Buffer first (that costs an ArrayBuffer per stream).
 */
function join(pieces: readonly (string | Buffer)[]): string | Buffer {
  if (pieces.length === 1) return pieces[0]!;
  if (pieces.every((p) => typeof p === 'string')) {
    let all = '';
    for (const p of pieces as readonly string[]) all += p;
    return all;
  }
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}
