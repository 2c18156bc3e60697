// Record mode forwards GET and DELETE of a stored response to the relay that stored it (the
// POST went there), with the recorder's key, bounded like the POST, and records nothing.
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMockProvider,
  loadFixtureFile,
  type MockProvider,
  type RecordEvent,
} from '../../../mock-server/index.js';

const UPSTREAM_KEY = 'sk-upstream-SECRET-4321';
const CLIENT_KEY = 'sk-client-other-8888';
const started: MockProvider[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

const tmpFile = (name: string): string => join(mkdtempSync(join(tmpdir(), 'relaycheck-byid-')), name);

interface Hit {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
}

/** A fake relay on 127.0.0.1 that answers every request with `status` and an echoed key among its headers. */
async function fakeRelay(hits: Hit[]): Promise<string> {
  const server = createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      'set-cookie': 'session=relay-secret',
      'x-echo': req.headers.authorization ?? '',
    });
    res.end(JSON.stringify({ id: 'resp a;b', object: 'response', method: req.method }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function recorder(upstream: string, file: string, seen: RecordEvent[] = []): Promise<string> {
  const provider = createMockProvider({
    record: { file, upstream, upstreamKey: UPSTREAM_KEY, onEvent: (e) => seen.push(e) },
  });
  started.push(provider);
  return (await provider.start({ port: 0 })).baseUrl;
}

describe('mock --record: GET and DELETE /v1/responses/{id}', () => {
  it('forwards both with the recorder key and the encoded id, passes allowed headers only, records nothing, refuses a slash', async () => {
    const hits: Hit[] = [];
    const file = tmpFile('byid.yaml');
    const seen: RecordEvent[] = [];
    const base = await recorder(await fakeRelay(hits), file, seen);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/responses/resp%20a%3Bb`, {
        method,
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: 'resp a;b', object: 'response', method });
      expect(res.headers.get('x-request-id')).toBe('req_1');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('x-echo')).toBeNull();
    }
    expect(hits.map((h) => [h.method, h.url])).toEqual([
      ['GET', '/v1/responses/resp%20a%3Bb'],
      ['DELETE', '/v1/responses/resp%20a%3Bb'],
    ]);
    for (const hit of hits) {
      expect(hit.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(JSON.stringify(hit.headers)).not.toContain(CLIENT_KEY);
    }
    expect(seen.map((e) => e.kind)).toEqual(['not-recorded', 'not-recorded']);
    // A decoded slash would change the upstream path: refused without asking the relay.
    const slash = await fetch(`${base}/responses/a%2F..%2Fmodels`, {
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
    });
    expect(slash.status).toBe(404);
    expect(hits).toHaveLength(2);
    await started[0]!.stop();
    expect(loadFixtureFile(file)).toEqual([]);
  });

  it('answers an unreachable relay with a 502 in OpenAI envelope, no key in it', async () => {
    // A port that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const file = tmpFile('down.yaml');
    const base = await recorder(`http://127.0.0.1:${port}/v1`, file);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/responses/resp_1`, {
        method,
        headers: { authorization: `Bearer ${CLIENT_KEY}` },
      });
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(text).not.toContain(UPSTREAM_KEY);
      expect(JSON.parse(text)).toEqual({
        error: expect.objectContaining({ type: 'upstream_error', code: 'upstream_unreachable' }) as unknown,
      });
    }
    await started[0]!.stop();
    expect(loadFixtureFile(file)).toEqual([]);
  });

  it('--record-on-miss answers an id its own store holds, and forwards any other', async () => {
    const upstream = createMockProvider({ apiKeys: [UPSTREAM_KEY] });
    started.push(upstream);
    const upstreamUrl = (await upstream.start({ port: 0 })).baseUrl;
    const provider = createMockProvider({
      record: { file: tmpFile('on-miss.yaml'), upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onMiss: true },
    });
    started.push(provider);
    const base = (await provider.start({ port: 0 })).baseUrl;
    const auth = { authorization: `Bearer ${CLIENT_KEY}` };
    const create = async (): Promise<string> => {
      const res = await fetch(`${base}/responses`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-model', input: 'Keep this one', store: true }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    const get = (id: string): Promise<Response> => fetch(`${base}/responses/${id}`, { headers: auth });
    const remove = (id: string): Promise<Response> =>
      fetch(`${base}/responses/${id}`, { method: 'DELETE', headers: auth });
    // A miss: the relay answered and stored it, the mock did not: a retrieval is forwarded.
    const id = await create();
    expect((await get(id)).status).toBe(200);
    // A repeat is a hit the mock answers and stores (the same id, as the mock's ids are the
    // request's). Once the relay forgets it, only the mock's own store can answer it.
    expect(await create()).toBe(id);
    const relay = `${upstreamUrl}/responses/${id}`;
    expect(
      (await fetch(relay, { method: 'DELETE', headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).status,
    ).toBe(200);
    expect((await get(id)).status).toBe(200);
    expect((await remove(id)).status).toBe(200);
    // Gone from the mock's store: forwarded again, to a relay that no longer has it.
    expect((await get(id)).status).toBe(404);
  });
});
