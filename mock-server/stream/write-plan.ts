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

/** Above this (in UTF-16 units), pieces are joined as a string first rather than into a worst-case buffer. */
const DIRECT_ENCODE_LIMIT = 256 * 1024;

/**
 * One Buffer, encoded once: node:http would otherwise scan a string for its UTF-8 length (the
 * chunk header) and then encode it. Small pieces are encoded straight into a buffer sized for
 * the worst case (3 bytes per UTF-16 unit), so the whole stream is never flattened as a string.
 */
function join(pieces: readonly (string | Buffer)[]): string | Buffer {
  if (pieces.length === 1) return pieces[0]!;
  let units = 0;
  for (const p of pieces) units += p.length;
  if (units > DIRECT_ENCODE_LIMIT || !pieces.every((p) => typeof p === 'string')) {
    return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  }
  const out = Buffer.allocUnsafe(units * 3);
  let at = 0;
  for (const p of pieces as readonly string[]) at += out.write(p, at, 'utf8');
  return out.subarray(0, at);
}
