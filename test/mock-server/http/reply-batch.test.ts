// Replies batched per event-loop turn under concurrency (mock-server/http/reply-batch.ts): at
// once with one connection, at the end of the turn with several, in order, never to a client
// that has gone; and the mock's answers are the same bytes either way.
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endReply, trackConnections } from '../../../mock-server/http/reply-batch.js';
import { createMockProvider, type MockProvider } from '../../../mock-server/index.js';

/** A server whose connection count is driven by hand: each fake socket is one open connection. */
function trackedServer(): { server: Server; connect(): EventEmitter } {
  const server = createServer();
  trackConnections(server);
  return {
    server,
    connect() {
      const socket = new EventEmitter();
      server.emit('connection', socket as unknown as Socket);
      return socket;
    },
  };
}

/** A reply that records when, and with what, it was ended. */
function fakeReply(server: Server, log: string[], name: string, destroyed = false) {
  return {
    destroyed,
    socket: { server } as unknown as Socket,
    writableEnded: false,
    end(data: string | Buffer) {
      this.writableEnded = true;
      log.push(`${name}:${String(data)}`);
    },
  };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('endReply', () => {
  it('ends at once when the server has one connection open, or is not tracked', () => {
    const { server, connect } = trackedServer();
    connect();
    const log: string[] = [];
    const r = fakeReply(server, log, 'a');
    endReply(r, 'x');
    expect(r.writableEnded).toBe(true);
    const untracked = fakeReply(createServer(), log, 'b');
    endReply(untracked, 'y');
    expect(log).toEqual(['a:x', 'b:y']);
  });

  it('with several connections, waits for the end of the turn, then ends every reply in order', async () => {
    const { server, connect } = trackedServer();
    connect();
    connect();
    const log: string[] = [];
    const replies = ['a', 'b', 'c'].map((n) => fakeReply(server, log, n));
    replies.forEach((r, i) => endReply(r, String(i)));
    expect(log).toEqual([]);
    await turn();
    expect(log).toEqual(['a:0', 'b:1', 'c:2']);
  });

  it('skips a reply whose client left before the turn ended', async () => {
    const { server, connect } = trackedServer();
    connect();
    connect();
    const log: string[] = [];
    endReply(fakeReply(server, log, 'gone', true), 'x');
    endReply(fakeReply(server, log, 'here'), 'y');
    await turn();
    expect(log).toEqual(['here:y']);
  });

  it('a reply that throws on end loses its connection; the others in the turn still leave', async () => {
    const { server, connect } = trackedServer();
    connect();
    connect();
    const log: string[] = [];
    let destroyed = false;
    const broken = {
      destroyed: false,
      socket: { server, destroy: () => (destroyed = true) } as unknown as Socket,
      end(): never {
        throw new Error('write after end');
      },
    };
    endReply(broken, 'x');
    endReply(fakeReply(server, log, 'next'), 'y');
    await turn();
    expect(destroyed).toBe(true);
    expect(log).toEqual(['next:y']);
  });

  it('counts a closed connection out: back to one, replies leave at once again', () => {
    const { server, connect } = trackedServer();
    connect();
    const second = connect();
    second.emit('close');
    const log: string[] = [];
    endReply(fakeReply(server, log, 'a'), 'x');
    expect(log).toEqual(['a:x']);
  });
});

describe('the mock under concurrency', () => {
  let provider: MockProvider;
  let baseUrl: string;
  beforeAll(async () => {
    provider = createMockProvider();
    ({ baseUrl } = await provider.start());
  });
  afterAll(() => provider.stop());

  const ask = async (i: number): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({
        model: i % 5 === 0 ? 'no-such-model' : 'mock-model',
        messages: [{ role: 'user', content: `Output exactly: reply number ${i}` }],
      }),
    });
    return { status: res.status, body: await res.text() };
  };

  it('answers parallel requests with the bytes it gives them one at a time, errors included', async () => {
    const n = 24;
    const alone: { status: number; body: string }[] = [];
    for (let i = 0; i < n; i++) alone.push(await ask(i));
    const together = await Promise.all(Array.from({ length: n }, (_, i) => ask(i)));
    expect(together).toEqual(alone);
    expect(together.filter((r) => r.status === 404)).toHaveLength(5);
    expect(together[1]!.body).toContain('reply number 1');
  });
});
