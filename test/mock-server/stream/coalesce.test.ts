// Issue 17: an unpaced stream leaves in one write, with the same bytes, and the faults at an
// exact stream point (stream-cut@N, stream-error@N) keep their meaning.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_PACING, writeSse, type StreamFaults } from '../../../mock-server/http/sse-writer.js';
import { planWrites } from '../../../mock-server/stream/write-plan.js';
import { createMockProvider, type MockProvider } from '../../../mock-server/index.js';

interface RawReply {
  head: string;
  /** The body's HTTP/1.1 chunks, one per socket write. */
  chunks: Buffer[];
  /** The terminating zero-size chunk arrived (false: the connection was cut). */
  ended: boolean;
}

/** One request over a bare socket; read until the last chunk or the server closing. */
function rawPost(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const head = [
    `POST ${path} HTTP/1.1`,
    `host: 127.0.0.1:${port}`,
    'content-type: application/json',
    'authorization: Bearer sk-test-key-123456',
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.destroy();
      try {
        resolve(parseChunked(Buffer.concat(parts)));
      } catch (e) {
        reject(e as Error);
      }
    };
    socket.on('data', (b: Buffer) => {
      parts.push(b);
      if (b.includes('0\r\n\r\n')) {
        const r = parseChunked(Buffer.concat(parts));
        if (r.ended) finish();
      }
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

function parseChunked(all: Buffer): RawReply {
  const split = all.indexOf('\r\n\r\n');
  if (split === -1) throw new Error(`no HTTP head in ${all.length} bytes`);
  const head = all.subarray(0, split).toString('latin1');
  let rest = all.subarray(split + 4);
  const chunks: Buffer[] = [];
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol === -1) return { head, chunks, ended: false };
    const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
    if (size === 0) return { head, chunks, ended: true };
    if (rest.length < eol + 2 + size + 2) return { head, chunks, ended: false };
    chunks.push(rest.subarray(eol + 2, eol + 2 + size));
    rest = rest.subarray(eol + 2 + size + 2);
  }
}

/** The head without its Date line (the only part that varies between two replies). */
const stableHead = (head: string): string => head.replace(/\r\nDate: [^\r]*/i, '');

const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
  fc.constantFrom('data: {"a":1}\n\n', 'data: [DONE]\n\n', 'data: 你好 🙂\n\n'),
);

describe('planWrites: which bytes leave in which write (pure)', () => {
  const bytes = (xs: readonly (string | Buffer)[]): Buffer =>
    Buffer.concat(xs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x)));

  it('sends exactly the first cutAfter writes (all without a cut), coalesced or not', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.option(fc.nat(35), { nil: undefined }),
        fc.boolean(),
        fc.constantFrom(0, 20),
        (writes, cutAfter, coalesce, gapMs) => {
          const batches = planWrites(writes, { gapMs, coalesce, cutAfter });
          const expected = bytes(writes.slice(0, cutAfter ?? writes.length));
          expect(bytes(batches.map((b) => b.data)).equals(expected)).toBe(true);
          const sent = Math.min(cutAfter ?? writes.length, writes.length);
          if (coalesce && gapMs === 0) expect(batches.length).toBe(Math.min(sent, 1));
          else {
            // Paced, or boundaries kept: one write per event, each at its own time.
            expect(batches.map((b) => b.data)).toEqual(writes.slice(0, sent));
            expect(batches.map((b) => b.atMs)).toEqual(batches.map((_, i) => i * gapMs));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('writeSse on a socket: the same bytes with and without coalescing', () => {
  let server: Server;
  let port: number;
  let next: { writes: (string | Buffer)[]; faults: StreamFaults } = { writes: [], faults: {} };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => void writeSse(res, next.writes, NO_PACING, next.faults));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const send = async (writes: (string | Buffer)[], faults: StreamFaults): Promise<RawReply> => {
    next = { writes, faults };
    return rawPost(port, '/', '');
  };

  it('coalesced: one write, same head and body bytes as one write per event; a cut keeps exactly N', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 20 }).filter((ws) => ws.some((w) => w.length > 0)),
        fc.option(fc.nat(22), { nil: undefined }),
        async (writes, cutAfter) => {
          const apart = await send(writes, { keepWrites: true, cutAfter });
          const together = await send(writes, { cutAfter });
          expect(stableHead(together.head)).toBe(stableHead(apart.head));
          expect(Buffer.concat(together.chunks).equals(Buffer.concat(apart.chunks))).toBe(true);
          const sent = writes.slice(0, cutAfter ?? writes.length).filter((w) => w.length > 0);
          expect(Buffer.concat(together.chunks).equals(Buffer.concat(sent.map((w) => Buffer.from(w))))).toBe(true);
          // The point of it: at most one HTTP chunk, where the events went as one each.
          expect(together.chunks.length).toBeLessThanOrEqual(1);
          expect(apart.chunks.length).toBe(sent.length);
          // A cut is a cut either way: no terminating chunk.
          expect(together.ended).toBe(cutAfter === undefined);
          expect(apart.ended).toBe(cutAfter === undefined);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('paced: each event still leaves on its own write', async () => {
    const paced = createServer((req, res) => {
      req.resume();
      req.on('end', () => void writeSse(res, ['a\n\n', 'b\n\n', 'c\n\n'], { ...NO_PACING, tokensPerSecond: 200 }));
    });
    await new Promise<void>((r) => paced.listen(0, '127.0.0.1', r));
    try {
      const r = await rawPost((paced.address() as AddressInfo).port, '/', '');
      expect(r.chunks.map((c) => c.toString())).toEqual(['a\n\n', 'b\n\n', 'c\n\n']);
      expect(r.ended).toBe(true);
    } finally {
      await new Promise<void>((r) => paced.close(() => r()));
    }
  });
});

describe('the mock: stream-cut@N and stream-error@N keep their exact meaning when coalesced', () => {
  let provider: MockProvider;
  let port: number;
  const path = '/v1/chat/completions';
  const request = JSON.stringify({
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Count from 1 to 8' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let faithful: string[];
  beforeAll(async () => {
    provider = createMockProvider();
    ({ port } = await provider.start());
    const r = await rawPost(port, path, request);
    expect(r.ended).toBe(true);
    expect(r.chunks).toHaveLength(1);
    faithful = r.chunks[0]!.toString('utf8').split(/(?<=\n\n)/);
  });
  afterAll(() => provider.stop());

  it('stream-cut@N: the first N events of the faithful stream, byte for byte, then the connection goes', async () => {
    expect(faithful.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(fc.nat(faithful.length + 3), async (n) => {
        const r = await rawPost(port, path, request, { 'x-mock-error': `stream-cut@${n}` });
        // Past the end, the cut still happens before [DONE].
        const kept = Math.min(n, faithful.length - 1);
        expect(Buffer.concat(r.chunks).toString('utf8')).toBe(faithful.slice(0, kept).join(''));
        expect(r.ended).toBe(false);
      }),
      { numRuns: 12 },
    );
  });

  it('stream-error@N: the first N chunks, then one error event, no [DONE]', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(faithful.length - 2), async (n) => {
        const r = await rawPost(port, path, request, { 'x-mock-error': `stream-error@${n}` });
        expect(r.ended).toBe(true);
        const events = Buffer.concat(r.chunks)
          .toString('utf8')
          .split(/(?<=\n\n)/);
        expect(events.slice(0, n)).toEqual(faithful.slice(0, n));
        expect(events).toHaveLength(n + 1);
        const error = JSON.parse(events[n]!.slice('data: '.length)) as { error?: { type?: string } };
        expect(error.error?.type).toBe('server_error');
      }),
      { numRuns: 12 },
    );
  });
});

describe('the mock on the wire: an unpaced stream is the paced stream in one write', () => {
  // 10^7 tokens/s: a gap of 0.1 µs, never worth a timer, so the paced mock sends one write per
  // event (the general path: chunk objects, formatEvents) at once; the unpaced mock writes the
  // body straight from the plan. Same request, same bytes on the wire.
  let unpaced: MockProvider;
  let paced: MockProvider;
  let ports: { unpaced: number; paced: number };
  const path = '/v1/chat/completions';
  beforeAll(async () => {
    unpaced = createMockProvider();
    paced = createMockProvider({ pacing: { tokensPerSecond: 10_000_000 } });
    ports = { unpaced: (await unpaced.start()).port, paced: (await paced.start()).port };
  });
  afterAll(() => Promise.all([unpaced.stop(), paced.stop()]));

  const prompt = fc.constantFrom(
    'Count from 1 to 20.',
    'Reply with exactly: naïve café 😀 "quoted" \\ back',
    'Name three colours.',
    'Why is the sky blue?',
    '',
  );
  const request = fc.record({
    model: fc.constantFrom('mock-model', 'mock-reasoner'),
    prompt,
    n: fc.constantFrom(1, 2),
    usage: fc.boolean(),
    logprobs: fc.boolean(),
    maxTokens: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  });

  it('same head and body bytes over prompts, models, n, usage, logprobs and truncation', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const body = JSON.stringify({
          model: r.model,
          messages: [{ role: 'user', content: r.prompt }],
          stream: true,
          n: r.n,
          ...(r.usage ? { stream_options: { include_usage: true } } : {}),
          ...(r.logprobs ? { logprobs: true } : {}),
          ...(r.maxTokens !== undefined ? { max_tokens: r.maxTokens } : {}),
        });
        const together = await rawPost(ports.unpaced, path, body);
        const apart = await rawPost(ports.paced, path, body);
        expect(together.ended && apart.ended).toBe(true);
        expect(stableHead(together.head)).toBe(stableHead(apart.head));
        expect(Buffer.concat(together.chunks).toString('utf8')).toBe(Buffer.concat(apart.chunks).toString('utf8'));
        expect(together.chunks).toHaveLength(1);
        // One write per event on the paced side: the chunks (+ usage) and [DONE].
        expect(apart.chunks.length).toBe(Buffer.concat(apart.chunks).toString('utf8').split('\n\n').length - 1);
      }),
      { numRuns: 30 },
    );
  });
});
