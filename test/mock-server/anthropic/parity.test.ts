// /v1/messages at parity with chat completions (issue 16 item 4): faults in Anthropic's
// envelope and as its SSE `event: error`, tool_choice, tool_result history, image blocks,
// count_tokens, fixtures streamed and not, and its envelope on every error and unknown path.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider, type Fixture } from '../../../mock-server/index.js';
import { imageColour } from '../../../mock-server/core/image.js';

const KEY = 'sk-anthropic-parity-123456';
const MODEL = 'claude-3-5-sonnet-20241022';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TOOLS = [
  { name: 'get_time', description: 'The time now', input_schema: { type: 'object', properties: {} } },
  {
    name: 'get_weather',
    description: 'The weather in a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];
// First match wins: the tool-result answer comes before the call, whose user text it shares.
const FIXTURES: Fixture[] = [
  { match: { hasToolResult: true, userMessage: 'scripted' }, reply: { content: 'It is 21 °C in Paris.' } },
  {
    match: { userMessage: 'scripted weather' },
    reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
  },
  { match: { userMessage: 'scripted hello' }, reply: { content: 'Hello from the fixture.' } },
  { match: { userMessage: 'scripted fail' }, reply: { error: { status: 429, retryAfter: 2 } } },
];

const provider = createMockProvider({ profile: 'apiyi', apiKeys: [KEY], fixtures: FIXTURES });
const { app } = provider;
const HEADERS = { 'anthropic-version': '2023-06-01', 'x-api-key': KEY };
type Msg = { role: string; content: unknown };
const payload = (messages: Msg[] | string, extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  max_tokens: 200,
  messages: typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages,
  ...extra,
});
const send = (body: unknown, headers: Record<string, string> = {}, path = '/v1/messages') =>
  request(app)
    .post(path)
    .set({ ...HEADERS, ...headers })
    .send(body as object);

interface Block {
  type: string;
  text?: string;
  name?: string;
  id?: string;
  input?: Record<string, unknown>;
}
interface Message {
  type: string;
  content: Block[];
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}

async function message(body: unknown, headers: Record<string, string> = {}): Promise<Message> {
  const r = await send(body, headers);
  if (r.status !== 200) expect.fail(`expected 200, got ${r.status}: ${r.text}`);
  expect(r.body).toMatchObject({ type: 'message', role: 'assistant' });
  return r.body as Message;
}

/** Anthropic's named SSE events, read from the raw stream. */
async function events(body: unknown, headers: Record<string, string> = {}) {
  const r = await send(body, headers)
    .buffer(true)
    .parse((res, cb) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => cb(null, text));
      res.on('error', (e: Error) => cb(e, text));
    });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
  return String(r.body)
    .split('\n\n')
    .filter((e) => e.trim() !== '')
    .map((e) => {
      const event = /^event: (.*)$/m.exec(e)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(e)?.[1] ?? 'null') as Record<string, unknown>;
      expect(data.type).toBe(event);
      return { event, data };
    });
}

const textOf = (evs: { event?: string; data: Record<string, unknown> }[]) =>
  evs
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => (e.data.delta as { text?: string }).text ?? '')
    .join('');

function expectAnthropicError(r: { status: number; body: unknown; text: string }, status: number, type: string) {
  if (r.status !== status) expect.fail(`expected ${status}, got ${r.status}: ${r.text}`);
  expect(r.body).toEqual({ type: 'error', error: { type, message: expect.any(String) as string } });
  expect(r.text).not.toContain(KEY);
}

describe('/v1/messages keys', () => {
  it('refuses a request with no key, even on a mock without --api-key (as chat completions does)', async () => {
    const open = createMockProvider({ profile: 'apiyi' });
    const r = await request(open.app).post('/v1/messages').set('anthropic-version', '2023-06-01').send(payload('Hi'));
    expectAnthropicError(r, 401, 'authentication_error');
    const any = await request(open.app)
      .post('/v1/messages')
      .set({ 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-anything' })
      .send(payload('Hi'));
    expect(any.status).toBe(200);
  });
  it('refuses a wrong key in either header style', async () => {
    expectAnthropicError(await send(payload('Hi'), { 'x-api-key': 'sk-wrong' }), 401, 'authentication_error');
    const bearer = await request(app)
      .post('/v1/messages')
      .set({ 'anthropic-version': '2023-06-01', Authorization: 'Bearer sk-wrong' })
      .send(payload('Hi'));
    expectAnthropicError(bearer, 401, 'authentication_error');
  });
});

describe('/v1/messages faults', () => {
  it.each([
    ['429', 429, 'rate_limit_error'],
    ['529', 529, 'overloaded_error'],
    ['401', 401, 'authentication_error'],
    ['500', 500, 'api_error'],
    ['insufficient-quota', 429, 'rate_limit_error'],
  ])('x-mock-error: %s → %i %s in its envelope', async (fault, status, type) => {
    const r = await send(payload('Hi'), { 'x-mock-error': fault });
    expectAnthropicError(r, status, type);
    if (status === 429 && fault === '429') expect(r.headers['retry-after']).toBe('1');
  });
  it('x-mock-error: 429; retry-after=3 keeps Retry-After; a bad value is a 400 in its envelope', async () => {
    expect((await send(payload('Hi'), { 'x-mock-error': '429; retry-after=3' })).headers['retry-after']).toBe('3');
    expectAnthropicError(await send(payload('Hi'), { 'x-mock-error': 'nonsense' }), 400, 'invalid_request_error');
  });
  it('model mock-error-529 is the same fault', async () => {
    expectAnthropicError(await send(payload('Hi', { model: 'mock-error-529' })), 529, 'overloaded_error');
  });
  it('stream-error@2: two events, then event: error and nothing after', async () => {
    const evs = await events(payload('Hi', { stream: true }), { 'x-mock-error': 'stream-error@2' });
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'error']);
    expect(evs[2]!.data).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.any(String) as string },
    });
  });
  it('stream-cut@2: the connection is cut, no message_stop', async () => {
    const r = await send(payload('Hi', { stream: true }), { 'x-mock-error': 'stream-cut@2' })
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => cb(null, text));
        res.on('error', () => cb(null, text));
      })
      .catch((e: unknown) => e);
    const text = r instanceof Error ? '' : String((r as { body: unknown }).body);
    expect(text).not.toContain('message_stop');
  });
});

describe('/v1/messages tools', () => {
  const hello = 'Hello there, how are you?';
  it('auto answers a greeting in text; any calls a tool', async () => {
    expect((await message(payload(hello, { tools: TOOLS }))).content[0]!.type).toBe('text');
    const any = await message(payload(hello, { tools: TOOLS, tool_choice: { type: 'any' } }));
    expect(any.stop_reason).toBe('tool_use');
    expect(any.content[0]!.type).toBe('tool_use');
  });
  it('{type: tool, name} calls that tool, not another', async () => {
    const r = await message(payload(hello, { tools: TOOLS, tool_choice: { type: 'tool', name: 'get_weather' } }));
    expect(r.content.map((b) => [b.type, b.name])).toEqual([['tool_use', 'get_weather']]);
    expect(r.content[0]!.id).toMatch(/^toolu_/);
  });
  it('{type: none} answers in text where auto would call', async () => {
    const ask = 'What is the weather in Paris? Use the tools.';
    expect((await message(payload(ask, { tools: TOOLS }))).content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
    });
    const none = await message(payload(ask, { tools: TOOLS, tool_choice: { type: 'none' } }));
    expect(none.content.map((b) => b.type)).toEqual(['text']);
    expect(none.stop_reason).toBe('end_turn');
  });
  it('an unknown tool name is a 400 in its envelope', async () => {
    const r = await send(payload(hello, { tools: TOOLS, tool_choice: { type: 'tool', name: 'nope' } }));
    expectAnthropicError(r, 400, 'invalid_request_error');
  });
  it('a tool_result is read for the next answer (round trip)', async () => {
    const first = await message(payload('What is the weather in Paris? Use the tools.', { tools: TOOLS }));
    const call = first.content[0]!;
    const second = await message(
      payload(
        [
          { role: 'user', content: 'What is the weather in Paris? Use the tools.' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '21 C and sunny' }] },
        ],
        { tools: TOOLS },
      ),
    );
    expect(second.content[0]!.type).toBe('text');
    expect(second.content[0]!.text).toContain('21 C and sunny');
  });
  it('a tool_result for no earlier tool_use is refused', async () => {
    const r = await send(
      payload([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }] }], {
        tools: TOOLS,
      }),
    );
    expectAnthropicError(r, 400, 'invalid_request_error');
  });
});

describe('/v1/messages images and count_tokens', () => {
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } };
  const withImage = (text: string, block: unknown = image) => [
    { role: 'user', content: [block, { type: 'text', text }] },
  ];
  it('accepts a base64 image and reads it (its colour)', async () => {
    const r = await message(payload(withImage('What colour is this image?')));
    const name = imageColour(`data:image/png;base64,${PNG}`)!;
    expect(r.content[0]!.text).toBe(`${name.charAt(0).toUpperCase()}${name.slice(1)}.`);
  });
  it('accepts a url image; a source of neither kind is a 400', async () => {
    const url = { type: 'image', source: { type: 'url', url: 'https://example.invalid/cat.png' } };
    await message(payload(withImage('Describe it', url)));
    expectAnthropicError(
      await send(payload(withImage('x', { type: 'image', source: { type: 'file' } }))),
      400,
      'invalid_request_error',
    );
  });
  it('count_tokens answers {input_tokens}, the input_tokens a message is charged, images counted', async () => {
    for (const body of [
      payload('Hello there'),
      payload(withImage('Describe it')),
      payload('Weather?', { tools: TOOLS }),
    ]) {
      const counted = await send({ ...body, max_tokens: undefined }, {}, '/v1/messages/count_tokens');
      expect(counted.status).toBe(200);
      expect(Object.keys(counted.body as object)).toEqual(['input_tokens']);
      expect((counted.body as { input_tokens: number }).input_tokens).toBe((await message(body)).usage.input_tokens);
    }
    const plain = (await message(payload([{ role: 'user', content: [{ type: 'text', text: 'Describe it' }] }]))).usage;
    const seen = (await message(payload(withImage('Describe it')))).usage;
    expect(seen.input_tokens).toBeGreaterThan(plain.input_tokens + 50); // an image costs like chat's (85)
  });
  it('count_tokens refuses a wrong key', async () => {
    expectAnthropicError(
      await send(payload('Hi'), { 'x-api-key': 'sk-wrong' }, '/v1/messages/count_tokens'),
      401,
      'authentication_error',
    );
  });
});

describe('/v1/messages fixtures', () => {
  it('serves a fixture reply, not streamed and streamed', async () => {
    const r = await message(payload('scripted hello'));
    expect(r.content).toEqual([{ type: 'text', text: 'Hello from the fixture.' }]);
    const evs = await events(payload('scripted hello', { stream: true }));
    expect(textOf(evs)).toBe('Hello from the fixture.');
    expect(evs.at(-1)!.event).toBe('message_stop');
  });
  it('a two-turn tool conversation scripted by fixtures', async () => {
    const first = await message(payload('scripted weather', { tools: TOOLS }));
    expect(first.content).toMatchObject([{ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } }]);
    const history = [
      { role: 'user', content: 'scripted weather' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: first.content[0]!.id, content: '21' }] },
    ];
    const second = await message(payload(history, { tools: TOOLS }));
    expect(second.content).toEqual([{ type: 'text', text: 'It is 21 °C in Paris.' }]);
    const evs = await events(payload(history, { tools: TOOLS, stream: true }));
    expect(textOf(evs)).toBe('It is 21 °C in Paris.');
    // And the journal saw both turns, the key masked.
    const turns = provider.requests((e) => e.path === '/v1/messages' && e.status === 200).slice(-3);
    expect(turns.map((e) => e.stream)).toEqual([false, false, true]);
    expect(turns.every((e) => e.headers['x-api-key'] === '[REDACTED]' && e.authPresent)).toBe(true);
  });
  it('strict: a miss is a 404 in its envelope, explained in the journal', async () => {
    const strict = createMockProvider({ profile: 'apiyi', fixtures: FIXTURES, strict: true });
    const r = await request(strict.app).post('/v1/messages').set(HEADERS).send(payload('unscripted'));
    expectAnthropicError(r, 404, 'not_found_error');
    expect(strict.lastRequest()!.headers['x-mock-fixture-miss']).toContain('fixture');
  });
  it('a fixture error is in its envelope, Retry-After kept', async () => {
    const r = await send(payload('scripted fail'));
    expectAnthropicError(r, 429, 'rate_limit_error');
    expect(r.headers['retry-after']).toBe('2');
  });
});

describe('/v1/messages errors in its envelope', () => {
  it('malformed JSON, an unknown path under it, another method', async () => {
    const bad = await request(app)
      .post('/v1/messages')
      .set(HEADERS)
      .set('Content-Type', 'application/json')
      .send('{"model":');
    expectAnthropicError(bad, 400, 'invalid_request_error');
    expectAnthropicError(await send(payload('Hi'), {}, '/v1/messages/nope'), 404, 'not_found_error');
    expectAnthropicError(await request(app).get('/v1/messages').set(HEADERS), 404, 'not_found_error');
    const unknownModel = await send(payload('Hi', { model: 'gpt-4o-mini' }));
    expectAnthropicError(unknownModel, 404, 'not_found_error');
  });
});
