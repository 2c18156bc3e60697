// The request journal, the models endpoints, and start/stop of a real server.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../mock-server/index.js';
import type { Model, ModelList } from '../../spec/generated/types.js';
import {
  AUTH,
  CHAT,
  body,
  chat,
  expectError,
  expectSchema,
  fetchTimed,
  mock,
  post,
  stream,
  streamRaw,
} from './helpers.js';

describe('journal', () => {
  it('GET /__mock/journal lists requests: method, path, body, status, stream; credentials masked', async () => {
    const provider = mock();
    const { app } = provider;
    const secret = 'sk-very-secret-key-0123456789';
    const headers = { Authorization: `Bearer ${secret}`, 'X-Api-Key': secret, 'X-Trace': 'trace-1' };
    const first = body('Output exactly: one');
    const second = body('Output exactly: two', { stream: true });
    await chat(app, first, headers);
    await stream(app, second, headers);
    expectError(await post(app, body('hi', { temperature: 9 }), headers), 400);

    const res = await request(app).get('/__mock/journal');
    expect(res.status).toBe(200);
    const list = res.body as { object: string; data: JournalEntry[] };
    expect(list.object).toBe('list');
    expect(list.data).toHaveLength(3);
    const [a, b, c] = list.data as [JournalEntry, JournalEntry, JournalEntry];
    expect(a).toMatchObject({ method: 'POST', path: CHAT, body: first, status: 200, stream: false });
    expect(b).toMatchObject({ method: 'POST', path: CHAT, body: second, status: 200, stream: true });
    expect(c).toMatchObject({ method: 'POST', path: CHAT, status: 400, stream: false });
    expect(a.seq).toBeLessThan(b.seq);
    expect(b.seq).toBeLessThan(c.seq);
    expect(Number.isNaN(Date.parse(a.at))).toBe(false);
    expect(a.headers['authorization']).toBe('[REDACTED]');
    expect(a.headers['x-api-key']).toBe('[REDACTED]');
    expect(a.headers['x-trace']).toBe('trace-1');
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain(secret.slice(3, -4)); // not even the middle of it

    // The programmatic journal is the same list.
    expect(provider.journal.list()).toEqual(list.data);
    expect(provider.journal.last()).toEqual(c);
  });

  it('DELETE /__mock/journal clears it', async () => {
    const provider = mock();
    await chat(provider.app, body('hi'));
    expect(provider.journal.list()).toHaveLength(1);
    const del = await request(provider.app).delete('/__mock/journal');
    expect(del.status).toBe(204);
    expect(provider.journal.list()).toEqual([]);
    expect((await request(provider.app).get('/__mock/journal')).body).toEqual({
      object: 'list',
      data: [],
      has_more: false,
    });
    await chat(provider.app, body('again'));
    expect(provider.journal.list()).toHaveLength(1);
  });

  it('records injected errors and streams broken by a fault, with their status', async () => {
    const provider = mock();
    expectError(await post(provider.app, body('hi'), { ...AUTH, 'x-mock-error': '429' }), 429);
    await streamRaw(provider.app, body('hi', { stream: true }), { ...AUTH, 'x-mock-error': 'stream-error@1' });
    expect(provider.journal.list().map((e) => [e.status, e.stream])).toEqual([
      [429, false],
      [200, true],
    ]);
  });

  it('is bounded by journalSize, and journalSize 0 disables it', async () => {
    const small = mock({ journalSize: 2 });
    for (const word of ['one', 'two', 'three']) await chat(small.app, body(`Output exactly: ${word}`));
    expect(
      small.journal.list().map((e) => (e.body as { messages: { content: string }[] }).messages[0]!.content),
    ).toEqual(['Output exactly: two', 'Output exactly: three']);
    const off = mock({ journalSize: 0 });
    await chat(off.app, body('hi'));
    expect(off.journal.list()).toEqual([]);
  });
});

describe('models', () => {
  const { app } = mock();

  it('GET /v1/models lists mock-model and mock-reasoner, valid against models-list and model', async () => {
    const res = await request(app).get('/v1/models').set(AUTH);
    expect(res.status).toBe(200);
    expectSchema('models-list', res.body);
    const list = res.body as ModelList;
    for (const m of list.data) expectSchema('model', m);
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['mock-model', 'mock-reasoner']));
    expect(new Set(ids).size).toBe(ids.length);
    // Every listed model can be looked up by id.
    for (const id of ids)
      expect((await request(app).get(`/v1/models/${id}`).set(AUTH)).body).toEqual(list.data.find((m) => m.id === id));
  });

  it('GET /v1/models/{id} returns that model', async () => {
    const res = await request(app).get('/v1/models/mock-reasoner').set(AUTH);
    expect(res.status).toBe(200);
    expectSchema('model', res.body);
    expect((res.body as Model).id).toBe('mock-reasoner');
    expect((res.body as Model).object).toBe('model');
  });

  it('an unknown id is a 404 model_not_found', async () => {
    expectError(await request(app).get('/v1/models/gpt-nothing').set(AUTH), 404, {
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });

  it('ids may contain "/" (a configured org/name model), for listing, lookup and chat', async () => {
    const { app: custom } = mock({
      models: [
        { id: 'org/name', ownedBy: 'org' },
        { id: 'acme/deep/think', reasoning: true },
      ],
    });
    const list = (await request(custom).get('/v1/models').set(AUTH)).body as ModelList;
    expectSchema('models-list', list);
    expect(list.data.map((m) => m.id)).toEqual(['org/name', 'acme/deep/think']);
    const one = await request(custom).get('/v1/models/org/name').set(AUTH);
    expect(one.status).toBe(200);
    expectSchema('model', one.body);
    expect(one.body).toMatchObject({ id: 'org/name', owned_by: 'org' });
    const deep = await request(custom).get('/v1/models/acme/deep/think').set(AUTH);
    expect(deep.body).toMatchObject({ id: 'acme/deep/think' });
    expectError(await request(custom).get('/v1/models/org').set(AUTH), 404, { code: 'model_not_found' });
    expectError(await request(custom).get('/v1/models/mock-model').set(AUTH), 404, { code: 'model_not_found' });
    const { body: r } = await chat(custom, body('Output exactly: hi', { model: 'acme/deep/think' }));
    expect(r.model).toBe('acme/deep/think');
    expect(r.choices[0]!.message).toHaveProperty('reasoning_content');
  });

  it('the models list is deterministic', async () => {
    const a = await request(app).get('/v1/models').set(AUTH);
    const b = await request(mock().app).get('/v1/models').set(AUTH);
    expect(b.text).toBe(a.text);
  });
});

describe('start / stop', () => {
  it('start({port: 0}) binds 127.0.0.1 on a free port and returns the base URL', async () => {
    const provider = mock();
    expect(provider.baseUrl).toBeUndefined();
    const started = await provider.start({ port: 0 });
    try {
      expect(started.port).toBeGreaterThan(0);
      expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
      expect(started.baseUrl).toBe(`http://127.0.0.1:${started.port}/v1`);
      expect(provider.baseUrl).toBe(started.baseUrl);
      const res = await fetch(`${started.baseUrl}/models`, { headers: AUTH });
      expect(res.status).toBe(200);
      expectSchema('models-list', await res.json());
      const r = await fetchTimed(started.baseUrl, body('Output exactly: over the wire'));
      expect(r.status).toBe(200);
      expectSchema('chat-response', JSON.parse(r.text));
      await expect(provider.start({ port: 0 })).rejects.toThrow(/already started/);
    } finally {
      await provider.stop();
    }
    expect(provider.baseUrl).toBeUndefined();
    await expect(fetch(`${started.baseUrl}/models`, { headers: AUTH })).rejects.toThrow();
    await provider.stop(); // a second stop is harmless
  });

  it('can be started again after a stop', async () => {
    const provider = mock();
    await provider.start({ port: 0 });
    await provider.stop();
    const again = await provider.start({ port: 0 });
    try {
      expect((await fetch(`${again.baseUrl}/models`, { headers: AUTH })).status).toBe(200);
    } finally {
      await provider.stop();
    }
  });

  it('stop() closes promptly even with a slow stream in flight; the client sees the stream end early', async () => {
    const provider = mock({ pacing: { tokensPerSecond: 5 } });
    const { baseUrl } = await provider.start({ port: 0 });
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(body('Tell me a long story about rivers.', { stream: true })),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);

    const t0 = performance.now();
    await provider.stop();
    expect(performance.now() - t0).toBeLessThan(2000);

    let text = new TextDecoder().decode(first.value);
    let ended: 'error' | 'done' = 'done';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      ended = 'error';
    }
    expect(ended).toBe('error');
    expect(text).not.toContain('[DONE]');
  });
});
