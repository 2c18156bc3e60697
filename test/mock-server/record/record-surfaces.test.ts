// Record and replay on /v1/responses and /v1/messages: a recording made through the mock in
// record mode against another running mock (the "upstream"), replayed from the file with the
// upstream stopped, gives the client the same answers: text, tool calls, usage, stream events.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
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
const CLAUDE = 'claude-opus-5-5';
const started: MockProvider[] = [];

async function start(provider: MockProvider): Promise<string> {
  started.push(provider);
  return (await provider.start({ port: 0 })).baseUrl;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

const tmpFile = (name: string): string => join(mkdtempSync(join(tmpdir(), 'relaycheck-record-')), name);

type Json = Record<string, unknown>;

/** The `data:` payloads of an SSE body, parsed. */
const events = (text: string): Json[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Json);

/** What a client sees, with the ids a replay cannot share (none here: the same request gives the same ids). */
interface Seen {
  status: number;
  body?: unknown;
  /** Streams: the event types in order, the text and tool input joined from the deltas. */
  types?: string[];
  text?: string;
  args?: string;
  retryAfter?: string | null;
}

async function post(url: string, body: object, headers: Record<string, string>): Promise<Seen> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return { status: res.status, body: JSON.parse(text) as unknown, retryAfter: res.headers.get('retry-after') };
  }
  const list = events(text);
  const pick = (type: string, field: string): string =>
    list
      .filter((e) => e.type === type || (e.delta as Json | undefined)?.type === type)
      .map((e) => String((e[field] ?? (e.delta as Json)[field === 'delta' ? 'text' : field]) as string))
      .join('');
  return {
    status: res.status,
    types: list.map((e) => String(e.type)),
    // Responses: output_text / function_call_arguments deltas; Messages: text_delta / input_json_delta.
    text: pick('response.output_text.delta', 'delta') + pick('text_delta', 'text'),
    args: pick('response.function_call_arguments.delta', 'delta') + pick('input_json_delta', 'partial_json'),
    // The last event: response.completed (output, usage) or message_delta's usage.
    body: list.findLast((e) => e.type === 'response.completed' || e.type === 'message_delta'),
  };
}

const responses = (base: string, body: object, headers: Record<string, string> = {}): Promise<Seen> =>
  post(`${base}/responses`, { model: 'mock-model', ...body }, { authorization: `Bearer ${CLIENT_KEY}`, ...headers });

/** Anthropic's key in x-api-key, or (bearer) as Claude Code's ANTHROPIC_AUTH_TOKEN sends it. */
const messages = (base: string, body: object, headers: Record<string, string> = {}, bearer = false): Promise<Seen> =>
  post(
    `${base}/messages`,
    { model: CLAUDE, max_tokens: 256, ...body },
    {
      ...(bearer ? { authorization: `Bearer ${CLIENT_KEY}` } : { 'x-api-key': CLIENT_KEY }),
      'anthropic-version': '2023-06-01',
      ...headers,
    },
  );

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const RESPONSES_TOOLS = [{ type: 'function', name: 'get_weather', parameters: WEATHER_SCHEMA }];
const MESSAGES_TOOLS = [{ name: 'get_weather', description: 'The weather', input_schema: WEATHER_SCHEMA }];

type Call = [name: string, send: (base: string) => Promise<Seen>];

const CALLS: Call[] = [
  ['responses: plain', (b) => responses(b, { input: 'Tell me about relays.' })],
  ['responses: streamed', (b) => responses(b, { input: 'Stream me a sentence about caching.', stream: true })],
  [
    'responses: tool call',
    (b) => responses(b, { input: 'Weather in Paris?', tools: RESPONSES_TOOLS, tool_choice: 'required' }),
  ],
  [
    'responses: tool call streamed',
    (b) => responses(b, { input: 'Weather in Oslo?', tools: RESPONSES_TOOLS, tool_choice: 'required', stream: true }),
  ],
  [
    'responses: after the tool output',
    (b) =>
      responses(b, {
        input: [
          { role: 'user', content: 'Weather in Paris?' },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '21 °C' },
        ],
        tools: RESPONSES_TOOLS,
      }),
  ],
  ['responses: error', (b) => responses(b, { input: 'Please fail.' }, { 'x-mock-error': '429; retry-after=3' })],
  ['messages: plain', (b) => messages(b, { messages: [{ role: 'user', content: 'Tell me about relays.' }] })],
  [
    'messages: streamed',
    (b) => messages(b, { messages: [{ role: 'user', content: 'Stream me a sentence about caching.' }], stream: true }),
  ],
  [
    'messages: tool call',
    (b) =>
      messages(b, {
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: MESSAGES_TOOLS,
        tool_choice: { type: 'any' },
      }),
  ],
  [
    'messages: tool call streamed (Bearer)',
    (b) =>
      messages(
        b,
        {
          messages: [{ role: 'user', content: 'Weather in Oslo?' }],
          tools: MESSAGES_TOOLS,
          tool_choice: { type: 'any' },
          stream: true,
        },
        {},
        true,
      ),
  ],
  [
    'messages: after the tool result',
    (b) =>
      messages(b, {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '21 °C' }] },
        ],
        tools: MESSAGES_TOOLS,
      }),
  ],
  [
    'messages: error',
    (b) => messages(b, { messages: [{ role: 'user', content: 'Please fail.' }] }, { 'x-mock-error': '529' }),
  ],
];

describe('mock --record on /v1/responses and /v1/messages, then replay', () => {
  it('forwards with the recorder key, records each exchange, and replays what the client saw', async () => {
    const upstream = createMockProvider({ apiKeys: [UPSTREAM_KEY] });
    const upstreamUrl = await start(upstream);
    const file = tmpFile('recorded.yaml');
    const seen: RecordEvent[] = [];
    const recorder = createMockProvider({
      record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onEvent: (e) => seen.push(e) },
    });
    const recorderUrl = await start(recorder);

    // The upstream only accepts its own key: a 200 through the recorder means the request went
    // upstream with the recorder's key (x-api-key or Bearer, as the client carried its own).
    const live: Seen[] = [];
    for (const [, send] of CALLS) live.push(await send(recorderUrl));
    expect(live.map((a) => a.status)).toEqual(
      CALLS.map(([name]) => (name === 'responses: error' ? 429 : name === 'messages: error' ? 529 : 200)),
    );
    const paths = upstream.requests().map((e) => e.path);
    expect(paths.filter((p) => p === '/v1/responses')).toHaveLength(6);
    expect(paths.filter((p) => p === '/v1/messages')).toHaveLength(6);
    const sent = upstream.requests().map((e) => JSON.stringify(e.headers));
    expect(sent.some((h) => h.includes('anthropic-version'))).toBe(true);
    // The answers are real ones: a tool call on each surface, text streamed.
    expect(JSON.stringify(live[2]!.body)).toContain('"type":"function_call"');
    expect(live[3]!.args).toContain('Oslo');
    expect(JSON.stringify(live[8]!.body)).toContain('"type":"tool_use"');
    expect(live[9]!.args).toContain('Oslo');
    expect(live[7]!.text).not.toBe('');
    expect(live[5]!.retryAfter).toBe('3');
    await recorder.stop();
    await upstream.stop();
    expect(seen.filter((e) => e.kind === 'recorded')).toHaveLength(CALLS.length);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain(CLIENT_KEY);
    const fixtures = loadFixtureFile(file);
    expect(fixtures).toHaveLength(CALLS.length);
    expect(fixtures[2]!.reply!.toolCalls![0]).toEqual({
      name: 'get_weather',
      arguments: { city: 'Paris' },
      id: expect.stringMatching(/^call_/),
    });
    expect(fixtures[8]!.reply!.toolCalls![0]).toEqual({
      name: 'get_weather',
      arguments: { city: 'Paris' },
      id: expect.stringMatching(/^toolu_/),
    });
    expect(fixtures[4]!.match).toMatchObject({ hasToolResult: true });
    expect(fixtures[11]!.reply!.error).toMatchObject({ status: 529, type: 'overloaded_error' });

    // Offline and strict: an answer that is not a fixture's would be a 404.
    const replayUrl = await start(createMockProvider({ fixtures, strict: true }));
    for (const [i, [name, send]] of CALLS.entries()) expect(await send(replayUrl), name).toEqual(live[i]);
  });

  it('replays a recorded Messages answer on chat completions, and a Responses one on chat', async () => {
    const upstream = createMockProvider();
    const file = tmpFile('cross.yaml');
    const upstreamUrl = await start(upstream);
    const recorderUrl = await start(
      createMockProvider({ record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY } }),
    );
    const fromMessages = await messages(recorderUrl, { messages: [{ role: 'user', content: 'Say something.' }] });
    const fromResponses = await responses(recorderUrl, { input: 'Say something else.' });
    await started[1]!.stop();
    await upstream.stop();

    const replayUrl = await start(createMockProvider({ fixtures: loadFixtureFile(file), strict: true }));
    const chat = async (model: string, content: string): Promise<unknown> => {
      const res = await fetch(`${replayUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { choices: { message: { content: unknown } }[] }).choices[0]!.message.content;
    };
    const blocks = (fromMessages.body as { content: { text: string }[] }).content;
    expect(await chat(CLAUDE, 'Say something.')).toBe(blocks[0]!.text);
    const output = (fromResponses.body as { output: { content: { text: string }[] }[] }).output;
    expect(await chat('mock-model', 'Say something else.')).toBe(output[0]!.content[0]!.text);
  });

  it('--record-on-miss serves Messages and Responses fixtures there and records only the misses', async () => {
    const upstream = createMockProvider();
    const upstreamUrl = await start(upstream);
    const file = tmpFile('on-miss.yaml');
    const recorderUrl = await start(
      createMockProvider({ record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onMiss: true } }),
    );
    const first = await messages(recorderUrl, { messages: [{ role: 'user', content: 'Something new' }], stream: true });
    const again = await messages(recorderUrl, { messages: [{ role: 'user', content: 'Something new' }], stream: true });
    expect(again).toEqual(first);
    const r1 = await responses(recorderUrl, { input: 'Another new thing' });
    expect(await responses(recorderUrl, { input: 'Another new thing' })).toEqual(r1);
    // Two misses went upstream; the repeats were served from the recording.
    expect(upstream.requests()).toHaveLength(2);
  });

  it("records the relay's usage on every surface, and replays it on each surface in that surface's shape", async () => {
    // Each surface's answer, JSON and streamed, with usage no mock would count.
    type Usage = {
      promptTokens: number;
      completionTokens: number;
      cachedTokens?: number;
      cacheWriteTokens?: number;
      reasoningTokens?: number;
    };
    const chatUsage = (p: number, c: number, cached: number, reasoning: number) => ({
      prompt_tokens: p,
      completion_tokens: c,
      total_tokens: p + c,
      prompt_tokens_details: { cached_tokens: cached },
      completion_tokens_details: { reasoning_tokens: reasoning },
    });
    const responsesUsage = (p: number, c: number, cached: number, reasoning: number) => ({
      input_tokens: p,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: c,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: p + c,
    });
    const sseOf = (list: Json[]): string =>
      list.map((e) => `${e.type ? `event: ${String(e.type)}\n` : ''}data: ${JSON.stringify(e)}\n\n`).join('');
    const response = (usage: object): Json => ({
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Relayed.' }] }],
      usage,
    });
    const ANSWERS: Record<string, { json: Json; stream: string }> = {
      '/v1/chat/completions': {
        json: {
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Relayed.' }, finish_reason: 'stop' }],
          usage: chatUsage(1234, 567, 1024, 123),
        },
        stream:
          sseOf([
            { choices: [{ index: 0, delta: { role: 'assistant', content: 'Relayed.' }, finish_reason: null }] },
            { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
            { choices: [], usage: chatUsage(4321, 99, 0, 0) },
          ]) + 'data: [DONE]\n\n',
      },
      '/v1/responses': {
        json: response(responsesUsage(2048, 77, 1536, 64)),
        stream: sseOf([
          { type: 'response.created', response: { ...response(responsesUsage(0, 0, 0, 0)), output: [], usage: null } },
          { type: 'response.output_text.delta', output_index: 0, delta: 'Relayed.' },
          { type: 'response.completed', response: response(responsesUsage(3072, 12, 2048, 0)) },
        ]),
      },
      '/v1/messages': {
        json: {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text: 'Relayed.' }],
          stop_reason: 'end_turn',
          usage: {
            input_tokens: 300,
            cache_read_input_tokens: 2000,
            cache_creation_input_tokens: 700,
            output_tokens: 88,
          },
        },
        stream: sseOf([
          {
            type: 'message_start',
            message: {
              type: 'message',
              role: 'assistant',
              content: [],
              usage: {
                input_tokens: 11,
                cache_read_input_tokens: 5000,
                cache_creation_input_tokens: 0,
                output_tokens: 1,
              },
            },
          },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Relayed.' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 222 } },
          { type: 'message_stop' },
        ]),
      },
    };
    // A hostile relay's usage, for the last exchange: nothing of it is kept.
    const HOSTILE = { prompt_tokens: 1e12, completion_tokens: -3, prompt_tokens_details: { cached_tokens: 'NaN' } };
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { stream?: boolean };
        const answer = ANSWERS[req.url ?? '']!;
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(answer.stream);
          return;
        }
        const hostile = raw.includes('hostile');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(hostile ? { ...answer.json, usage: HOSTILE } : answer.json));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const file = tmpFile('usage.yaml');
    // A model no profile lists: the replay serves a fixture's model on every surface.
    const MODEL = 'relay-model-x';
    type Surface = 'chat' | 'responses' | 'messages';
    /** One request on a surface, and its usage (streamed: the usage chunk's, response.completed's, message_delta's). */
    const ask = async (base: string, surface: Surface, text: string, stream: boolean): Promise<Json | undefined> => {
      const [path, body, headers] =
        surface === 'chat'
          ? [
              '/chat/completions',
              {
                messages: [{ role: 'user', content: text }],
                ...(stream ? { stream_options: { include_usage: true } } : {}),
              },
              { authorization: `Bearer ${CLIENT_KEY}` },
            ]
          : surface === 'responses'
            ? ['/responses', { input: text }, { authorization: `Bearer ${CLIENT_KEY}` }]
            : [
                '/messages',
                { max_tokens: 256, messages: [{ role: 'user', content: text }] },
                { 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
              ];
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: MODEL, ...body, ...(stream ? { stream: true } : {}) }),
      });
      expect(res.status, `${surface} ${text}`).toBe(200);
      if (!stream) return ((await res.json()) as { usage?: Json }).usage;
      const list = events((await res.text()).replace('data: [DONE]', ''));
      const last =
        list.findLast((e) => e.usage !== undefined && e.usage !== null) ??
        list.findLast((e) => e.type === 'response.completed');
      return (last?.type === 'response.completed' ? (last.response as Json).usage : last?.usage) as Json | undefined;
    };
    const EXCHANGES: [Surface, boolean, Usage | undefined][] = [
      ['chat', false, { promptTokens: 1234, completionTokens: 567, cachedTokens: 1024, reasoningTokens: 123 }],
      ['chat', true, { promptTokens: 4321, completionTokens: 99 }],
      ['responses', false, { promptTokens: 2048, completionTokens: 77, cachedTokens: 1536, reasoningTokens: 64 }],
      ['responses', true, { promptTokens: 3072, completionTokens: 12, cachedTokens: 2048 }],
      ['messages', false, { promptTokens: 3000, completionTokens: 88, cachedTokens: 2000, cacheWriteTokens: 700 }],
      ['messages', true, { promptTokens: 5011, completionTokens: 222, cachedTokens: 5000 }],
      ['chat', false, undefined],
    ];
    const textOf = (i: number): string => (EXCHANGES[i]![2] ? `usage exchange ${i}` : 'a hostile usage');
    try {
      const recorderUrl = await start(
        createMockProvider({ record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY } }),
      );
      for (const [i, [surface, stream]] of EXCHANGES.entries()) await ask(recorderUrl, surface, textOf(i), stream);
      await started[0]!.stop();
    } finally {
      server.closeAllConnections();
      server.close();
    }
    const fixtures = loadFixtureFile(file);
    expect(fixtures.map((f) => f.reply!.usage)).toEqual(EXCHANGES.map(([, , usage]) => usage));

    // Each surface's own shape, written out here from the neutral form.
    const shapes: Record<Surface, (u: Usage) => Json> = {
      chat: (u) => ({
        prompt_tokens: u.promptTokens,
        completion_tokens: u.completionTokens,
        total_tokens: u.promptTokens + u.completionTokens,
        prompt_tokens_details: { cached_tokens: u.cachedTokens ?? 0 },
        completion_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
      }),
      responses: (u) => ({
        input_tokens: u.promptTokens,
        input_tokens_details: { cached_tokens: u.cachedTokens ?? 0 },
        output_tokens: u.completionTokens,
        output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
        total_tokens: u.promptTokens + u.completionTokens,
      }),
      messages: (u) => ({
        input_tokens: u.promptTokens - (u.cachedTokens ?? 0) - (u.cacheWriteTokens ?? 0),
        cache_read_input_tokens: u.cachedTokens ?? 0,
        cache_creation_input_tokens: u.cacheWriteTokens ?? 0,
        output_tokens: u.completionTokens,
      }),
    };
    const replayUrl = await start(createMockProvider({ fixtures, strict: true }));
    for (const [i, [, , usage]] of EXCHANGES.entries()) {
      for (const surface of ['chat', 'responses', 'messages'] as const) {
        for (const stream of [false, true]) {
          const got = await ask(replayUrl, surface, textOf(i), stream);
          const label = `exchange ${i} replayed on ${surface}${stream ? ', streamed' : ''}`;
          if (usage) expect(got, label).toMatchObject(shapes[surface](usage));
          // The hostile usage was dropped: the replay counts the prompt as the mock does.
          else expect(JSON.stringify(got), label).not.toMatch(/1000000000000|-3|NaN/);
        }
      }
    }
    // A break that edits usage acts on the replayed usage as on a computed one.
    const bentUrl = await start(
      createMockProvider({ fixtures, strict: true, breaks: [{ id: 'usage-total-mismatch' }] }),
    );
    expect(await ask(bentUrl, 'chat', textOf(0), false)).toMatchObject({
      prompt_tokens: 1234,
      total_tokens: 1234 + 567 + 7,
    });
  });

  it('forwards count_tokens upstream without recording it, with the recorder key and only `beta` of the query', async () => {
    const hits: { url?: string; headers: IncomingMessage['headers'] }[] = [];
    const server = createServer((req, res) => {
      hits.push({ url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"input_tokens":42}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const file = tmpFile('count.yaml');
    const seen: RecordEvent[] = [];
    try {
      const recorderUrl = await start(
        createMockProvider({
          record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onEvent: (e) => seen.push(e) },
        }),
      );
      const res = await fetch(`${recorderUrl}/messages/count_tokens?beta=true&key=${CLIENT_KEY}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: CLAUDE, messages: [{ role: 'user', content: 'Count me.' }] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ input_tokens: 42 });
      expect(hits).toHaveLength(1);
      // Another query parameter may carry a key: only `beta` goes upstream.
      expect(hits[0]!.url).toBe('/v1/messages/count_tokens?beta=true');
      expect(hits[0]!.headers['x-api-key']).toBe(UPSTREAM_KEY);
      expect(hits[0]!.headers.authorization).toBeUndefined();
      expect(hits[0]!.headers['anthropic-version']).toBe('2023-06-01');
      expect(seen).toEqual([expect.objectContaining({ kind: 'not-recorded' })]);
      await started[0]!.stop();
      expect(loadFixtureFile(file)).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
