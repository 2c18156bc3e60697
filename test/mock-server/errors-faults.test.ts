// Bad input is answered like OpenAI (401/400/404/413/415, param naming the field, never a
// 500), and errors on demand (x-mock-error header, mock-error-<status> models).
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MockProvider } from '../../mock-server/index.js';
import {
  AUTH,
  CHAT,
  assemble,
  body,
  chat,
  expectError,
  expectNoInternals,
  expectSchema,
  fetchTimed,
  interpretStream,
  mock,
  post,
  streamRaw,
} from './helpers.js';

const OK = body('Output exactly: fine');

describe('authentication', () => {
  const { app } = mock();

  it('a missing or malformed Authorization header is a 401 authentication_error', async () => {
    const variants: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer ' },
      { Authorization: 'Bearer' },
      { Authorization: 'Basic dXNlcjpwYXNz' },
      { Authorization: 'sk-no-scheme' },
    ];
    for (const headers of variants) {
      expectError(await post(app, OK, headers), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    }
  });

  it('by default any non-empty key is accepted; the scheme is case-insensitive', async () => {
    await chat(app, OK, { Authorization: 'Bearer x' });
    await chat(app, OK, { Authorization: 'bearer anything-at-all' });
  });

  it('configured apiKeys: the right key passes, any other is a 401 that never echoes the key in full', async () => {
    const { app: locked } = mock({ apiKeys: ['sk-good-1', 'sk-good-2'] });
    await chat(locked, OK, { Authorization: 'Bearer sk-good-2' });
    for (const wrong of ['sk-wrong-but-long-secret-987654', 'sk-ab', 'abc', 'q']) {
      const res = await post(locked, OK, { Authorization: `Bearer ${wrong}` });
      const error = expectError(res, 401, { type: 'authentication_error', code: 'invalid_api_key' });
      expect(res.text).not.toContain(wrong);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it('the other /v1 routes are authenticated too', async () => {
    expectError(await request(app).get('/v1/models'), 401, { type: 'authentication_error' });
    expectError(
      await request(mock({ apiKeys: ['k1'] }).app)
        .get('/v1/models/mock-model')
        .set({ Authorization: 'Bearer k2' }),
      401,
    );
  });
});

describe('schema violations name the field', () => {
  const { app } = mock();
  const cases: [string, unknown, string][] = [
    ['a bad role', { model: 'mock-model', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
    [
      'a bad role further down',
      {
        model: 'mock-model',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'robot', content: 'x' },
        ],
      },
      'messages[1].role',
    ],
    ['temperature above 2', body('hi', { temperature: 5 }), 'temperature'],
    ['top_p as a string', body('hi', { top_p: 'high' }), 'top_p'],
    ['five stop sequences', body('hi', { stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop'],
    ['no model', { messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    ['no messages', { model: 'mock-model' }, 'messages'],
    ['empty messages', { model: 'mock-model', messages: [] }, 'messages'],
    ['content as a number', { model: 'mock-model', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    ['an unknown top-level field', body('hi', { frobnicate: true }), 'frobnicate'],
    ['n as a string', body('hi', { n: 'two' }), 'n'],
    ['stream as a string', body('hi', { stream: 'yes' }), 'stream'],
  ];
  it.each(cases)('%s', async (_name, payload, param) => {
    expectError(await post(app, payload), 400, { type: 'invalid_request_error', param });
  });

  it('a body that is JSON but not an object is a 400', async () => {
    for (const text of ['[]', 'null', '42', '"hello"']) {
      const res = await request(app).post(CHAT).set(AUTH).set('Content-Type', 'application/json').send(text);
      expectError(res, 400, { type: 'invalid_request_error' });
    }
  });
});

describe('transport-level bad input', () => {
  const { app } = mock({ limits: { maxBodyBytes: 300 } });

  it('an unknown model is a 404 model_not_found on param model', async () => {
    expectError(await post(app, body('hi', { model: 'gpt-nonexistent' })), 404, {
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
    expectError(await post(app, body('hi', { model: 'gpt-nonexistent', stream: true })), 404, {
      code: 'model_not_found',
    });
  });

  it('malformed JSON is a 400', async () => {
    const res = await request(app)
      .post(CHAT)
      .set(AUTH)
      .set('Content-Type', 'application/json')
      .send('{"model": "mock-model", "messages": [');
    expectError(res, 400, { type: 'invalid_request_error' });
  });

  it('invalid UTF-8 is a 400', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"model":"mock-model","messages":[{"role":"user","content":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}'),
    ]);
    const res = await request(app).post(CHAT).set(AUTH).set('Content-Type', 'application/json').send(bytes);
    expectError(res, 400, { type: 'invalid_request_error' });
  });

  it('a body over limits.maxBodyBytes is a 413', async () => {
    expectError(await post(app, body('x'.repeat(400))), 413);
    await chat(app, body('x'.repeat(100)));
  });

  it('a wrong content type is a 415; application/json with a charset is fine', async () => {
    const res = await request(app).post(CHAT).set(AUTH).set('Content-Type', 'text/plain').send(JSON.stringify(OK));
    expectError(res, 415);
    const form = await request(app).post(CHAT).set(AUTH).type('form').send({ model: 'mock-model' });
    expectError(form, 415);
    const ok = await request(app)
      .post(CHAT)
      .set(AUTH)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(OK));
    expect(ok.status).toBe(200);
  });

  it('an empty body is a 400, whether or not it claims to be JSON', async () => {
    expectError(await request(app).post(CHAT).set(AUTH).set('Content-Type', 'application/json').send(''), 400, {
      type: 'invalid_request_error',
    });
    expectError(await request(app).post(CHAT).set(AUTH).set('Content-Type', 'application/json').send('   \n'), 400);
    // No body at all (and so no content type), as `fetch(url, { method: 'POST' })` sends.
    expectError(await request(app).post(CHAT).set(AUTH), 400, { type: 'invalid_request_error' });
  });

  it('an unknown route is a 404 in the envelope', async () => {
    expectError(await request(app).get('/v1/nothing-here').set(AUTH), 404, { type: 'invalid_request_error' });
    expectError(await request(app).post('/v2/chat/completions').set(AUTH).send(OK), 404);
    expectError(await request(app).get('/'), 404);
    expectError(await request(app).get('/v1/chat/completions').set(AUTH), 404);
  });

  it('an image part to a model without vision is a 400 on that message', async () => {
    const payload = {
      model: 'mock-reasoner',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ],
    };
    expectError(await post(app, payload), 400, { param: 'messages[0].content' });
    await chat(app, { ...payload, model: 'mock-model' });
  });
});

describe('never a 500 or a stack trace', () => {
  const { app } = mock({ limits: { maxBodyBytes: 64 * 1024 } });

  it('awkward but valid-shaped requests: unsatisfiable or recursive schemas, odd tools', async () => {
    const payloads: unknown[] = [
      body('hi', {
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { $ref: '#/$defs/missing' } } },
      }),
      body('hi', {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'r', schema: { type: 'object', required: ['a'], properties: { a: { $ref: '#' } } } },
        },
      }),
      body('hi', {
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'string', pattern: '(' } } },
      }),
      body('hi', {
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'array', minItems: 1e9 } } },
      }),
      body('call the thing', {
        tools: [
          {
            type: 'function',
            function: {
              name: 'thing',
              parameters: { type: 'object', properties: { x: { not: {} } }, required: ['x'] },
            },
          },
        ],
        tool_choice: 'required',
      }),
      body('call the thing', {
        tools: [{ type: 'function', function: { name: 'thing', parameters: { type: 'array' } } }],
        tool_choice: 'required',
        stream: true,
      }),
      body('Count from 1 to 999999999999', { max_tokens: 5 }),
      { model: 'mock-model', messages: [{ role: 'assistant', content: null }] },
      { model: 'mock-model', messages: [{ role: 'user', content: [] }] },
    ];
    for (const payload of payloads) {
      const res = await post(app, payload);
      expect(res.status, res.text).toBeLessThan(500);
      expectNoInternals(res.text);
      if (res.status >= 400) expectSchema('error', res.body);
    }
  });

  it('random bodies (property test): always < 500 and in the envelope when rejected', async () => {
    const field = fc.oneof(
      fc.constant('model'),
      fc.constant('messages'),
      fc.constant('temperature'),
      fc.constant('n'),
      fc.constant('stop'),
      fc.constant('max_tokens'),
      fc.constant('tools'),
      fc.constant('tool_choice'),
      fc.constant('response_format'),
      fc.constant('logprobs'),
      fc.constant('top_logprobs'),
      fc.constant('seed'),
      fc.constant('stream'),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(field, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        fc.boolean(),
        async (extra, keepBase) => {
          const payload = keepBase ? { ...body('Output exactly: x'), ...extra } : extra;
          const res = await post(app, payload);
          if (res.status >= 500) return false;
          expectNoInternals(res.text);
          if (res.status >= 400) expectSchema('error', res.body);
          else if (res.headers['content-type']?.startsWith('application/json')) expectSchema('chat-response', res.body);
          else interpretStream(String(res.text));
          return true;
        },
      ),
      { numRuns: 150, seed: 20250101 },
    );
  });
});

describe('errors on demand: x-mock-error', () => {
  const { app } = mock();
  const withFault = (fault: string, payload: unknown = OK) => post(app, payload, { ...AUTH, 'x-mock-error': fault });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'insufficient_quota'],
    [403, 'permission_error'],
    [404, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('%i in the envelope', async (status, type) => {
    const res = await withFault(String(status));
    expectError(res, status, { type });
    if (status === 429) expect(res.headers['retry-after']).toBe('1');
    else expect(res.headers['retry-after']).toBeUndefined();
  });

  it('429; retry-after=3 sets Retry-After: 3', async () => {
    const res = await withFault('429; retry-after=3');
    expectError(res, 429, { type: 'rate_limit_error' });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('the injected status wins over what the request would have got, streamed or not', async () => {
    expectError(await withFault('503', body('hi', { stream: true })), 503);
  });

  it('a malformed header is a 400 saying what is accepted', async () => {
    for (const bad of ['teapot', '418', '429; retry-after=soon', 'stream-error@', 'stream-cut@-1', 'stream-error@x']) {
      const error = expectError(await withFault(bad), 400, { type: 'invalid_request_error' });
      expect(error.message).toContain('stream-error@N');
    }
  });

  it('stream-error@N: N chunks, then an in-band error event, and no [DONE]', async () => {
    const s = await streamRaw(app, body('Tell me about rivers.', { stream: true }), {
      ...AUTH,
      'x-mock-error': 'stream-error@3',
    });
    expect(s.chunks).toHaveLength(3);
    expect(s.errorEvents).toHaveLength(1);
    expect((s.errorEvents[0] as { error: { type: string } }).error.type).toBe('server_error');
    expect(s.done).toBe(false);
    expect(assemble(s.chunks).choices[0]!.finishChunks).toBe(0);
    // The error is the last event.
    expect(JSON.parse(s.events[s.events.length - 1]!.data)).toEqual(s.errorEvents[0]);
  });

  it('stream-error@0: the error is the first and only event', async () => {
    const s = await streamRaw(app, body('hi', { stream: true }), { ...AUTH, 'x-mock-error': 'stream-error@0' });
    expect(s.chunks).toHaveLength(0);
    expect(s.errorEvents).toHaveLength(1);
    expect(s.done).toBe(false);
  });
});

describe('errors on demand over a real connection', () => {
  let provider: MockProvider;
  let baseUrl: string;
  beforeAll(async () => {
    provider = mock({ limits: { maxBodyBytes: 2000 } });
    baseUrl = (await provider.start({ port: 0 })).baseUrl;
  });
  afterAll(() => provider.stop());

  const postRaw = (init: RequestInit & { duplex?: 'half' }) =>
    fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      ...init,
      headers: { ...AUTH, ...(init.headers as Record<string, string>) },
    });

  it('a chunked upload (no Content-Length) over the limit is a 413; under it is served', async () => {
    const chunked = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(text);
          for (let i = 0; i < bytes.length; i += 500) controller.enqueue(bytes.subarray(i, i + 500));
          controller.close();
        },
      });
    const big = await postRaw({
      headers: { 'Content-Type': 'application/json' },
      body: chunked(JSON.stringify(body('x'.repeat(5000)))),
      duplex: 'half',
    });
    expectError(
      {
        status: big.status,
        text: await big.clone().text(),
        body: await big.json(),
        headers: Object.fromEntries(big.headers),
      },
      413,
    );
    const small = await postRaw({
      headers: { 'Content-Type': 'application/json' },
      body: chunked(JSON.stringify(OK)),
      duplex: 'half',
    });
    expect(small.status).toBe(200);
  });

  it('a bare POST with no body (as fetch sends it) is a 400, not a 415', async () => {
    for (const init of [{}, { body: '' }]) {
      const res = await postRaw(init);
      expectError(
        {
          status: res.status,
          text: await res.clone().text(),
          body: await res.json(),
          headers: Object.fromEntries(res.headers),
        },
        400,
        { type: 'invalid_request_error' },
      );
    }
  });

  it('stream-cut@N: N events arrive, then the connection is destroyed (no [DONE])', async () => {
    const r = await fetchTimed(baseUrl, body('Tell me about rivers.', { stream: true }), {
      ...AUTH,
      'x-mock-error': 'stream-cut@3',
    });
    expect(r.status).toBe(200);
    expect(r.error).toBeDefined();
    const s = interpretStream(r.text);
    expect(s.events).toHaveLength(3);
    expect(s.done).toBe(false);
    // The journal still records the request, as a stream that got its 200.
    await vi.waitFor(() => expect(provider.journal.last()).toMatchObject({ status: 200, stream: true }));
  });

  it('stream-cut@N past the end of a short stream still cuts it before [DONE]', async () => {
    const r = await fetchTimed(baseUrl, body('Output exactly: a b', { stream: true }), {
      ...AUTH,
      'x-mock-error': 'stream-cut@1000',
    });
    expect(r.status).toBe(200);
    expect(r.error).toBeDefined();
    const s = interpretStream(r.text);
    expect(s.done).toBe(false);
    expect(assemble(s.chunks).choices[0]!.content).toBe('a b');
  });
});

describe('errors on demand: reserved model ids', () => {
  const { app } = mock();

  it.each([400, 401, 402, 403, 404, 429, 500, 503])('mock-error-%i', async (status) => {
    const res = await post(app, body('hi', { model: `mock-error-${status}` }));
    expectError(res, status);
    if (status === 429) expect(res.headers['retry-after']).toBe('1');
  });

  it('an unknown reserved status is a 400', async () => {
    expectError(await post(app, body('hi', { model: 'mock-error-418' })), 400);
  });
});
