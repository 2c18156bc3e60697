// POST/GET/DELETE /v1/responses over HTTP (supertest on provider.app): the shared prologue
// (auth, body limits, faults, the journal), the store and previous_response_id, encrypted
// reasoning, fixtures, streams and their faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { responsesHandlers } from '../../../mock-server/endpoints/responses.js';
import { Journal } from '../../../mock-server/http/journal.js';
import { createMockProvider, type MockOptions, type MockProvider } from '../../../mock-server/index.js';

const PATH = '/v1/responses';
const KEY = 'sk-test-key-123456';
const AUTH = { Authorization: `Bearer ${KEY}` };

type Json = Record<string, unknown>;

const mock = (options: MockOptions = {}): MockProvider => createMockProvider({ apiKeys: [KEY], ...options });

function post(m: MockProvider, body: unknown, headers: Record<string, string> = AUTH) {
  return request(m.app)
    .post(PATH)
    .set(headers)
    .send(body as object);
}

async function create(m: MockProvider, body: Json, headers: Record<string, string> = AUTH): Promise<Json> {
  const res = await post(m, body, headers);
  if (res.status !== 200) expect.fail(`expected 200, got ${res.status}: ${res.text}`);
  return res.body as Json;
}

/** `event:` + `data:` pairs, checking that each names its own type. */
function parseEvents(text: string): Json[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Json;
      expect(data.type).toBe(event);
      return data;
    });
}

async function stream(m: MockProvider, body: Json, headers: Record<string, string> = AUTH): Promise<Json[]> {
  const res = await post(m, { ...body, stream: true }, headers);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  return parseEvents(res.text);
}

const outputText = (r: Json): string =>
  (r.output as Json[])
    .filter((i) => i.type === 'message')
    .flatMap((i) => i.content as Json[])
    .map((p) => p.text)
    .join('');

const WEATHER = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('POST /v1/responses', () => {
  it('answers with a Response computed by the chat engine (the instruction grammar)', async () => {
    const r = await create(mock(), { model: 'mock-model', input: 'Reply with exactly: hello there' });
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(outputText(r)).toBe('hello there');
  });

  it('follows the instructions when the input asks nothing in particular', async () => {
    const r = await create(mock(), {
      model: 'mock-model',
      instructions: 'Whatever the user writes, reply with exactly: from the instructions',
      input: 'hello',
    });
    expect(outputText(r)).toBe('from the instructions');
  });

  it('refuses a missing or wrong key in OpenAI envelope, and an unknown parameter', async () => {
    const m = mock();
    const missing = await post(m, { model: 'mock-model', input: 'hi' }, {});
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('invalid_api_key');
    expect(
      (await post(m, { model: 'mock-model', input: 'hi' }, { Authorization: 'Bearer sk-wrong-key-0000' })).status,
    ).toBe(401);
    const unknown = await post(m, { model: 'mock-model', input: 'hi', messages: [] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({
      message: "Unknown parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'unknown_parameter',
    });
    const empty = await post(m, { model: 'mock-model', input: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({
      param: 'input',
      message: expect.stringMatching(/^Invalid 'input': empty array/),
    });
    const model = await post(m, { model: 'no-such-model', input: 'hi' });
    expect(model.status).toBe(404);
    expect(model.body.error.code).toBe('model_not_found');
    const broken = await request(m.app).post(PATH).set(AUTH).set('Content-Type', 'application/json').send('{"model":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.type).toBe('invalid_request_error');
  });

  it('honours x-mock-error before the 200, in the envelope', async () => {
    const res = await post(mock(), { model: 'mock-model', input: 'hi' }, { ...AUTH, 'x-mock-error': '429' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.error.code).toBe('rate_limit_exceeded');
  });

  it('journals the request', async () => {
    const m = mock();
    await create(m, { model: 'mock-model', input: 'journal me' });
    const last = m.lastRequest()!;
    expect(last.path).toBe(PATH);
    expect(last.status).toBe(200);
  });

  it('calls a function tool, then answers from the function_call_output', async () => {
    const m = mock();
    const first = await create(m, {
      model: 'mock-model',
      input: 'What is the weather in Paris?',
      tools: [WEATHER],
      tool_choice: 'required',
    });
    const call = (first.output as Json[])[0]!;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments as string)).toHaveProperty('city');
    const second = await create(m, {
      model: 'mock-model',
      input: [
        { role: 'user', content: 'What is the weather in Paris?' },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp":"21C"}' },
      ],
      tools: [WEATHER],
    });
    expect(outputText(second)).toContain('21C');
    // An output that answers no call is refused, on `input`.
    const orphan = await post(m, {
      model: 'mock-model',
      input: [{ type: 'function_call_output', call_id: 'call_nope', output: 'x' }],
    });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.param).toBe('input');
  });

  it('answers text.format json_schema with an instance of the schema, json_object with an object', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    };
    const m = mock();
    const r = await create(m, {
      model: 'mock-model',
      input: 'A person.',
      text: { format: { type: 'json_schema', name: 'person', schema, strict: true } },
    });
    const value = JSON.parse(outputText(r)) as Json;
    expect(Object.keys(value).sort()).toEqual(['age', 'name']);
    expect(Number.isInteger(value.age)).toBe(true);
    expect(r.text).toMatchObject({ format: { type: 'json_schema', name: 'person' } });
    const obj = await create(m, {
      model: 'mock-model',
      input: 'Answer in JSON.',
      text: { format: { type: 'json_object' } },
    });
    expect(typeof JSON.parse(outputText(obj))).toBe('object');
    const noJson = await post(m, { model: 'mock-model', input: 'hi', text: { format: { type: 'json_object' } } });
    expect(noJson.status).toBe(400);
    expect(noJson.body.error.message).toMatch(/text\.format/);
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const r = await create(mock(), { model: 'mock-model', input: 'Tell me a long story.', max_output_tokens: 16 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect((r.usage as Json).output_tokens).toBeLessThanOrEqual(16);
  });

  it('gives usage with its details, reasoning tokens counted on a reasoning model', async () => {
    const r = await create(mock(), { model: 'mock-reasoner', input: 'hi', reasoning: { effort: 'low' } });
    const usage = r.usage as {
      input_tokens: number;
      output_tokens: number;
      total_tokens: number;
      output_tokens_details: { reasoning_tokens: number };
    };
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(r).toHaveProperty('usage.input_tokens_details.cached_tokens', 0);
    const refused = await post(mock(), { model: 'mock-model', input: 'hi', reasoning: { effort: 'low' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe('reasoning.effort');
  });
});

describe('encrypted reasoning (store: false)', () => {
  const ask = { model: 'mock-reasoner', store: false, include: ['reasoning.encrypted_content'] };

  it('is sent, accepted back unchanged, and refused when tampered', async () => {
    const m = mock();
    const first = await create(m, {
      ...ask,
      input: 'What is the weather in Paris?',
      tools: [WEATHER],
      tool_choice: 'required',
    });
    const [reasoning, call] = first.output as Json[];
    expect(reasoning!.type).toBe('reasoning');
    expect(typeof reasoning!.encrypted_content).toBe('string');
    const replay = (item: Json) =>
      post(m, {
        ...ask,
        input: [
          { role: 'user', content: 'What is the weather in Paris?' },
          item,
          call,
          { type: 'function_call_output', call_id: call!.call_id, output: 'sunny' },
        ],
        tools: [WEATHER],
      });
    expect((await replay(reasoning!)).status).toBe(200);
    const blob = reasoning!.encrypted_content as string;
    const tampered = await replay({
      ...reasoning,
      encrypted_content: `${blob.slice(0, 10)}${blob[10] === 'A' ? 'B' : 'A'}${blob.slice(11)}`,
    });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_encrypted_content' });
    // Another mock (another secret) does not accept it either.
    const other = await post(mock(), { ...ask, input: [{ role: 'user', content: 'hi' }, reasoning] });
    expect(other.status).toBe(400);
  });
});

describe('store, previous_response_id, GET and DELETE', () => {
  it('continues a stored response, and forgets it once deleted', async () => {
    const m = mock();
    const first = await create(m, { model: 'mock-model', input: 'My name is Ada.' });
    expect(first.id).toMatch(/^resp_/);
    const got = await request(m.app)
      .get(`${PATH}/${first.id as string}`)
      .set(AUTH);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first);
    const next = await create(m, {
      model: 'mock-model',
      previous_response_id: first.id,
      input: 'Reply with exactly: again',
    });
    expect(next.previous_response_id).toBe(first.id);
    expect(outputText(next)).toBe('again');
    // The history was read: the second request counts the first turn's tokens too.
    const alone = await create(m, { model: 'mock-model', input: 'Reply with exactly: again' });
    expect((next.usage as Json).input_tokens as number).toBeGreaterThan((alone.usage as Json).input_tokens as number);
    const deleted = await request(m.app)
      .delete(`${PATH}/${first.id as string}`)
      .set(AUTH);
    // OpenAI's reference (openai-openapi, deleteResponse) documents object "response".
    expect(deleted.body).toEqual({ id: first.id, object: 'response', deleted: true });
    const after = await request(m.app)
      .get(`${PATH}/${first.id as string}`)
      .set(AUTH);
    expect(after.status).toBe(404);
    expect(after.body).toEqual({
      error: {
        message: `Response with id '${first.id as string}' not found.`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const gone = await post(m, { model: 'mock-model', previous_response_id: first.id, input: 'hi' });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toEqual({
      message: `Previous response with id '${first.id as string}' not found.`,
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  });

  it('resolves item_reference to a stored output item, and refuses an unknown one with 404', async () => {
    const m = mock();
    const first = await create(m, {
      model: 'mock-model',
      input: 'What is the weather in Paris?',
      tools: [WEATHER],
      tool_choice: 'required',
    });
    const call = (first.output as Json[])[0]!;
    const turn = (ref: string) =>
      post(m, {
        model: 'mock-model',
        input: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { type: 'item_reference', id: ref },
          { type: 'function_call_output', call_id: call.call_id, output: '{"temp":"19C"}' },
        ],
        tools: [WEATHER],
      });
    const ok = await turn(call.id as string);
    expect(ok.status).toBe(200);
    expect(outputText(ok.body as Json)).toContain('19C');
    const unknown = await turn('fc_unknown');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("Item with id 'fc_unknown' not found.");
  });

  it('keeps at most storeSize responses, the least recently used going first', async () => {
    const handlers = responsesHandlers({ options: resolveOptions({}), journal: new Journal(10) }, 2);
    const app = (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse): void => {
      const id = /^\/v1\/responses\/(.+)$/.exec(req.url ?? '')?.[1];
      if (id) req.params = { id };
      void (req.method === 'POST' ? handlers.create(req, res) : handlers.get(req, res));
    };
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      if (text === 'three') expect((await request(app).get(`${PATH}/${ids[0]!}`).set(AUTH)).status).toBe(200);
      const res = await request(app).post(PATH).set(AUTH).send({ model: 'mock-model', input: text });
      ids.push(res.body.id as string);
    }
    // 'one' was read before 'three' came, so 'two' was the least recently used.
    const status = async (id: string) => (await request(app).get(`${PATH}/${id}`).set(AUTH)).status;
    expect([await status(ids[0]!), await status(ids[1]!), await status(ids[2]!)]).toEqual([200, 404, 200]);
  });

  it('does not store a response sent with store: false, and needs the key to read one', async () => {
    const m = mock();
    const r = await create(m, { model: 'mock-model', input: 'hi', store: false });
    expect(r.store).toBe(false);
    expect(
      (
        await request(m.app)
          .get(`${PATH}/${r.id as string}`)
          .set(AUTH)
      ).status,
    ).toBe(404);
    const stored = await create(m, { model: 'mock-model', input: 'hello' });
    expect((await request(m.app).get(`${PATH}/${stored.id as string}`)).status).toBe(401);
  });
});

describe('streams', () => {
  it('carries every event in order, numbered, ending with response.completed', async () => {
    const events = await stream(mock(), { model: 'mock-model', input: 'Reply with exactly: a b c' });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]!.type).toBe('response.created');
    expect(events.at(-1)!.type).toBe('response.completed');
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(deltas.join('')).toBe('a b c');
    const done = events.find((e) => e.type === 'response.output_item.done')!;
    expect((events.at(-1)!.response as Json).output).toEqual([done.item]);
    expect((events.at(-1)!.response as Json).usage).toHaveProperty('total_tokens');
  });

  it('turns stream-error@N into an error event and response.failed after N events, and stores it as failed', async () => {
    const m = mock();
    const events = await stream(m, { model: 'mock-model', input: 'hi' }, { ...AUTH, 'x-mock-error': 'stream-error@3' });
    expect(events.map((e) => e.type).slice(3)).toEqual(['error', 'response.failed']);
    expect((events.at(-1)!.response as Json).status).toBe('failed');
    const id = (events.at(-1)!.response as Json).id as string;
    const stored = await request(m.app).get(`${PATH}/${id}`).set(AUTH);
    expect(stored.body).toMatchObject({ status: 'failed', output: [], error: { code: 'server_error' } });
  });

  it('cuts the connection after N events on stream-cut@N, never sending response.completed', async () => {
    const m = mock();
    const { baseUrl } = await m.start();
    try {
      const res = await fetch(`${baseUrl}/responses`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json', 'x-mock-error': 'stream-cut@2' },
        body: JSON.stringify({ model: 'mock-model', input: 'hi', stream: true }),
      });
      let text = '';
      await expect(
        (async () => {
          for await (const chunk of res.body!) text += Buffer.from(chunk as Uint8Array).toString();
        })(),
      ).rejects.toThrow();
      expect(parseEvents(text).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
    } finally {
      await m.stop();
    }
  });
});

describe('fixtures served as Responses items', () => {
  it('scripts a call to a custom tool and to web_search, which the computed model never calls', async () => {
    const m = mock({
      fixtures: [
        {
          match: { toolName: 'apply_patch', hasToolResult: false },
          reply: { toolCalls: [{ name: 'apply_patch', arguments: '*** Begin Patch' }] },
        },
        {
          match: { userMessage: 'search' },
          reply: { toolCalls: [{ name: 'web_search', arguments: { query: 'relays' } }] },
        },
        { match: { userMessage: 'scripted' }, reply: { content: 'from the fixture' } },
      ],
    });
    const custom = await create(m, {
      model: 'mock-model',
      input: 'patch it',
      tools: [{ type: 'custom', name: 'apply_patch', description: 'patch' }],
    });
    expect((custom.output as Json[])[0]).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: '*** Begin Patch',
    });
    const search = await create(m, { model: 'mock-model', input: 'search the web', tools: [{ type: 'web_search' }] });
    expect((search.output as Json[])[0]).toMatchObject({
      type: 'web_search_call',
      status: 'completed',
      action: { query: 'relays' },
    });
    const text = await stream(m, { model: 'mock-model', input: 'scripted please' });
    expect(
      text
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('from the fixture');
  });
});

describe('a Codex-shaped exchange', () => {
  it('streams a scripted tool call with encrypted reasoning, then answers from its output with the reasoning replayed', async () => {
    const m = mock({
      fixtures: [
        {
          match: { userMessage: 'list the files', hasToolResult: false },
          reply: { reasoning: 'I should run ls.', toolCalls: [{ name: 'shell', arguments: { command: ['ls'] } }] },
        },
      ],
    });
    const codex = {
      model: 'mock-reasoner',
      instructions: 'You are a coding agent.',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'medium', summary: 'auto' },
      text: { verbosity: 'medium' },
      parallel_tool_calls: false,
      tool_choice: 'auto',
      prompt_cache_key: 'thread-1',
      client_metadata: { originator: 'codex_exec' },
      tools: [
        {
          type: 'function',
          name: 'shell',
          parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } },
          strict: false,
        },
        {
          type: 'custom',
          name: 'apply_patch',
          description: 'Patch files',
          format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' },
        },
        { type: 'web_search', external_web_access: false },
        {
          type: 'namespace',
          name: 'mcp__files',
          description: 'files',
          tools: [{ type: 'function', name: 'read', parameters: { type: 'object' } }],
        },
        { type: 'tool_search', execution: 'client' },
      ],
    };
    const developer = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>' }] };
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the files' }] };
    const first = await stream(m, { ...codex, input: [developer, user] });
    const done = first.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as Json);
    expect(done.map((i) => i.type)).toEqual(['reasoning', 'function_call']);
    const completed = first.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect((completed.response as Json).id).toMatch(/^resp_/);
    expect((completed.response as Json).usage).toHaveProperty('output_tokens_details.reasoning_tokens');
    const [reasoning, call] = done;
    const second = await stream(m, {
      ...codex,
      input: [
        developer,
        user,
        reasoning,
        call,
        { type: 'function_call_output', call_id: call!.call_id, output: 'README.md\nsrc' },
      ],
    });
    const answer = second
      .filter((e) => e.type === 'response.output_text.done')
      .map((e) => e.text as string)
      .join('');
    expect(answer).toContain('README.md');
    expect(second.at(-1)!.type).toBe('response.completed');
  });
});

describe('dialects', () => {
  it('serves /v1/responses only where the dialect lists it: no relay document does', async () => {
    for (const profile of ['aiid', 'aione', 'aireiter', 'apiyi', 'jiekou']) {
      const res = await post(mock({ profile }), { model: 'mock-model', input: 'hi' });
      expect(res.status, profile).toBe(404);
      expect(res.body.error.code, profile).toBe('unknown_url');
    }
  });
});

describe('pacing', () => {
  it('waits latencyMs before answering and paces the events of a stream', async () => {
    const m = mock({ pacing: { latencyMs: 120, tokensPerSecond: 200 } });
    let start = performance.now();
    await create(m, { model: 'mock-model', input: 'hi' });
    expect(performance.now() - start).toBeGreaterThanOrEqual(110);
    start = performance.now();
    const events = await stream(m, { model: 'mock-model', input: 'Reply with exactly: a b c d e f g h i j' });
    // latency, then one event every 5 ms
    expect(performance.now() - start).toBeGreaterThanOrEqual(110 + (events.length - 2) * 5 * 0.8);
  });
});

describe('chunking', () => {
  it('sends chunkTokens tokens per text delta, as chat does', async () => {
    const events = await stream(mock({ chunkTokens: 3 }), {
      model: 'mock-model',
      input: 'Reply with exactly: one two three four five six seven',
    });
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
    expect(deltas.join('')).toBe('one two three four five six seven');
    const single = await stream(mock(), {
      model: 'mock-model',
      input: 'Reply with exactly: one two three four five six seven',
    });
    expect(deltas.length).toBe(Math.ceil(single.filter((e) => e.type === 'response.output_text.delta').length / 3));
  });
});

describe('realistic mode', () => {
  it('still answers a well-formed Response and stream', async () => {
    const m = mock({ style: 'realistic', seed: 7 });
    const r = await create(m, { model: 'mock-reasoner', input: 'Say something.' });
    expect(['completed', 'incomplete']).toContain(r.status);
    const events = await stream(m, { model: 'mock-model', input: 'Say something.' });
    expect(events.at(-1)!.type).toMatch(/^response\.(completed|incomplete)$/);
  });
});
