// The journal records every request, whatever became of it: refused before its body was read
// (401, 413, 415, a bad x-mock-break), malformed JSON, GET /models, /v1/messages, a 404, and
// the direct chat path of a started server. Credentials are masked; their presence is kept.
import { connect } from 'node:net';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import type { JournalEntry } from '../../mock-server/index.js';
import { AUTH, CHAT, body, chat, mock } from './helpers.js';

const SECRET = 'sk-ground-truth-secret-0123456789';

describe('journal: every request', () => {
  it('records refusals before the body is read, malformed JSON, /models and 404s, in order', async () => {
    const provider = mock({ apiKeys: [SECRET], limits: { maxBodyBytes: 1000 } });
    const { app } = provider;
    const good = { Authorization: `Bearer ${SECRET}` };
    await request(app).post(CHAT).set({ Authorization: 'Bearer sk-wrong-key-000000' }).send(body('hi')); // 401
    await request(app).post(CHAT).send(body('hi')); // 401, no key at all
    await request(app)
      .post(CHAT)
      .set(good)
      .send(body('x'.repeat(2000))); // 413
    await request(app).post(CHAT).set(good).set('Content-Type', 'text/plain').send('hello'); // 415
    await request(app).post(CHAT).set(good).set('Content-Type', 'application/json').send('{"model": '); // 400
    await request(app).post(CHAT).set(good).set('x-mock-break', 'no-such-break').send(body('hi')); // 400
    await request(app).get('/v1/models').set(good); // 200
    await request(app).get('/v1/nowhere').set(good); // 404
    await chat(app, body('Output exactly: fine'), good);
    const rows = provider.requests().map((e) => [e.method, e.path, e.status, e.bodyState, e.authPresent]);
    expect(rows).toEqual([
      ['POST', CHAT, 401, 'not-read', true],
      ['POST', CHAT, 401, 'not-read', false],
      ['POST', CHAT, 413, 'not-read', true],
      ['POST', CHAT, 415, 'not-read', true],
      ['POST', CHAT, 400, 'unparsed', true],
      ['POST', CHAT, 400, 'not-read', true],
      ['GET', '/v1/models', 200, 'not-read', true],
      ['GET', '/v1/nowhere', 404, 'not-read', true],
      ['POST', CHAT, 200, 'parsed', true],
    ]);
    const list = provider.requests();
    expect(list[0]!.body).toBeNull();
    expect(list[4]!.body).toBe('{"model": '); // what was sent, as sent
    expect(list[8]!.body).toEqual(body('Output exactly: fine'));
    expect(list.map((e) => e.seq)).toEqual([...list.map((e) => e.seq)].sort((a, b) => a - b));
    // Masked everywhere, listed over HTTP too (with the key, as --api-key asks), without the journal's own requests.
    const http = await request(app).get('/__mock/journal').set('authorization', `Bearer ${SECRET}`);
    expect(http.text).not.toContain(SECRET);
    expect(http.text).not.toContain('sk-wrong-key');
    expect((http.body as { data: JournalEntry[] }).data).toHaveLength(9);
    expect(list[0]!.headers.authorization).toBe('[REDACTED]');
  });

  it('records /v1/messages (x-api-key masked, body kept) and its refusals', async () => {
    const provider = mock({ profile: 'apiyi', apiKeys: [SECRET] });
    const msg = { model: 'claude-3-5-sonnet-20241022', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };
    const v = { 'anthropic-version': '2023-06-01' };
    await request(provider.app).post('/v1/messages').set(v).set('x-api-key', SECRET).send(msg);
    await request(provider.app).post('/v1/messages').set(v).set('x-api-key', 'sk-wrong-000000').send(msg);
    await request(provider.app).post('/v1/messages').set(v).send(msg);
    const list = provider.requests();
    expect(list.map((e) => [e.path, e.status, e.bodyState, e.authPresent])).toEqual([
      ['/v1/messages', 200, 'parsed', true],
      ['/v1/messages', 401, 'not-read', true],
      ['/v1/messages', 401, 'not-read', false],
    ]);
    expect(list[0]!.body).toEqual(msg);
    expect(list[0]!.headers['x-api-key']).toBe('[REDACTED]');
    expect(JSON.stringify(list)).not.toContain(SECRET);
  });

  it('records a large body as its size only, and a stream as a stream; one entry per request', async () => {
    const provider = mock();
    const big = body('y'.repeat(70 * 1024));
    await chat(provider.app, big);
    await request(provider.app)
      .post(CHAT)
      .set(AUTH)
      .send(body('hi', { stream: true }));
    const [a, b] = provider.requests() as [JournalEntry, JournalEntry];
    expect(provider.requests()).toHaveLength(2);
    expect(a.bodyState).toBe('omitted');
    expect(a.body).toMatchObject({ omitted: true, bytes: expect.any(Number) as number });
    expect(b).toMatchObject({ stream: true, status: 200, bodyState: 'parsed' });
  });

  it("keeps an omitted body's model, stream flag and tool names (a streamed Claude Code request of 100 KB)", async () => {
    const provider = mock();
    const tools = ['Bash', 'Read', 'WebFetch'].map((name) => ({
      name,
      description: 'z'.repeat(35 * 1024),
      input_schema: { type: 'object', properties: {} },
    }));
    const r = await request(provider.app)
      .post('/v1/messages?beta=true')
      .set({ 'x-api-key': 'sk-journal-1234567890', 'anthropic-version': '2023-06-01' })
      .send({
        model: 'claude-opus-4-8',
        max_tokens: 50,
        stream: true,
        tools,
        messages: [{ role: 'user', content: 'hi' }],
      });
    expect(r.status).toBe(200);
    const [entry] = provider.requests() as [JournalEntry];
    expect(entry).toMatchObject({ bodyState: 'omitted', stream: true });
    expect(entry.body).toEqual({
      omitted: true,
      bytes: expect.any(Number) as number,
      model: 'claude-opus-4-8',
      stream: true,
      tools: ['Bash', 'Read', 'WebFetch'],
    });
  });

  it('records the direct chat path of a started server once, and refusals on it', async () => {
    const provider = mock({ apiKeys: [SECRET] });
    const { baseUrl } = await provider.start();
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify(body('Output exactly: ok')),
        }).then((r) => r.text());
      await send({ Authorization: `Bearer ${SECRET}` });
      await send({});
      await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${SECRET}` } }).then((r) => r.text());
      const rows = provider.requests().map((e) => [e.method, e.path, e.status, e.authPresent]);
      expect(rows).toEqual([
        ['POST', CHAT, 200, true],
        ['POST', CHAT, 401, false],
        ['GET', '/v1/models', 200, true],
      ]);
    } finally {
      await provider.stop();
    }
  });

  it('records a client that leaves before any answer with status 0, once', async () => {
    const provider = mock();
    const { port } = await provider.start();
    try {
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Half a body, then gone: the mock never answers, and the journal still sees the request.
      socket.write(
        `POST ${CHAT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-gone-0000000000\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":',
      );
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      await vi.waitFor(() => expect(provider.requests()).toHaveLength(1));
      expect(provider.lastRequest()).toMatchObject({ path: CHAT, status: 0, bodyState: 'not-read', authPresent: true });
      await new Promise((r) => setTimeout(r, 50));
      expect(provider.requests()).toHaveLength(1);
    } finally {
      await provider.stop();
    }
  });

  it('keeps the query helpers: lastRequest and requests(predicate)', async () => {
    const provider = mock();
    await request(provider.app).get('/v1/models').set(AUTH);
    await chat(provider.app, body('hi'), { ...AUTH, 'X-Tenant': 'acme' });
    expect(provider.lastRequest()).toMatchObject({ path: CHAT, status: 200 });
    expect(provider.requests((e) => e.method === 'GET').map((e) => e.path)).toEqual(['/v1/models']);
    expect(provider.requests((e) => e.headers['x-tenant'] === 'acme')).toHaveLength(1);
  });
});
