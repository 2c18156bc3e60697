// Record and replay: a recording made through the mock in record mode against another running
// mock (the "upstream"), replayed from the file with that upstream stopped, answers the same.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMockProvider,
  loadFixtureFile,
  type MockProvider,
  type RecordEvent,
} from '../../../mock-server/index.js';
import { mockOptionsFromFlags } from '../../../scripts/cli/commands/mock.js';

const UPSTREAM_KEY = 'sk-upstream-SECRET-9876';
const CLIENT_KEY = 'sk-client-other-5555';
const started: MockProvider[] = [];

async function start(provider: MockProvider): Promise<string> {
  started.push(provider);
  return (await provider.start({ port: 0 })).baseUrl;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

const tmpFile = (name: string): string => join(mkdtempSync(join(tmpdir(), 'relaycheck-record-')), name);

interface Answer {
  status: number;
  content?: string | null;
  toolCalls?: { name: string; arguments: string }[];
  retryAfter?: string | null;
  errorCode?: unknown;
}

/** One call, its answer reduced to what a replay must give back (streamed deltas joined). */
async function call(base: string, body: object, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers },
    body: JSON.stringify({ model: 'mock-model', ...body }),
  });
  const text = await res.text();
  if (res.status !== 200) {
    const json = JSON.parse(text) as { error?: { code?: unknown } };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), errorCode: json.error?.code };
  }
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    let content = '';
    const calls: { name: string; arguments: string }[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const chunk = JSON.parse(line.slice(6)) as {
        choices: {
          delta: {
            content?: string;
            tool_calls?: { index: number; function?: { name?: string; arguments?: string } }[];
          };
        }[];
      };
      const delta = chunk.choices[0]?.delta;
      content += delta?.content ?? '';
      for (const c of delta?.tool_calls ?? []) {
        calls[c.index] ??= { name: '', arguments: '' };
        calls[c.index]!.name += c.function?.name ?? '';
        calls[c.index]!.arguments += c.function?.arguments ?? '';
      }
    }
    return { status: 200, content, ...(calls.length ? { toolCalls: calls } : {}) };
  }
  const json = JSON.parse(text) as {
    choices: {
      message: { content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] };
    }[];
  };
  const m = json.choices[0]!.message;
  return {
    status: 200,
    content: m.content,
    ...(m.tool_calls
      ? { toolCalls: m.tool_calls.map((c) => ({ name: c.function.name, arguments: c.function.arguments })) }
      : {}),
  };
}

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const user = (content: string) => ({ messages: [{ role: 'user', content }] });

/** The exchanges recorded and replayed: plain, streamed, tools (both turns), an error, in parallel. */
const CALLS: [string, object, Record<string, string>?][] = [
  ['plain', user('Tell me about relays.')],
  ['streamed', { ...user('Stream me a sentence about caching.'), stream: true }],
  ['tool call', { ...user('Weather in Paris?'), tools: TOOLS, tool_choice: 'required' }],
  ['tool call streamed', { ...user('Weather in Oslo?'), tools: TOOLS, tool_choice: 'required', stream: true }],
  [
    'after the tool result',
    {
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '21 °C' },
      ],
      tools: TOOLS,
    },
  ],
  ['error', user('Please fail.'), { 'x-mock-error': '429; retry-after=3' }],
  ...Array.from({ length: 6 }, (_, i): [string, object] => [
    `parallel ${i}`,
    { ...user(`Parallel question number ${i}?`), stream: i % 2 === 0 },
  ]),
];

describe('mock --record against a running mock, then replay', () => {
  it('replays every exchange with the same content once the upstream is stopped, the key written nowhere', async () => {
    const upstream = createMockProvider({ apiKeys: [UPSTREAM_KEY] });
    const upstreamUrl = await start(upstream);
    const file = tmpFile('recorded.yaml');
    const events: RecordEvent[] = [];
    const recorder = createMockProvider({
      record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onEvent: (e) => events.push(e) },
    });
    const recorderUrl = await start(recorder);

    // The upstream only accepts its own key: a 200 through the recorder means the recorder's
    // key went upstream, not the client's.
    const live = await Promise.all(CALLS.map(([, body, headers]) => call(recorderUrl, body, headers)));
    expect(live.map((a) => a.status)).toEqual(CALLS.map(([name]) => (name === 'error' ? 429 : 200)));
    expect(live[2]!.toolCalls?.[0]?.name).toBe('get_weather');
    expect(live[1]!.content).not.toBe('');
    expect(live[5]!.retryAfter).toBe('3');
    await recorder.stop();
    await upstream.stop();
    expect(events.filter((e) => e.kind === 'recorded')).toHaveLength(CALLS.length);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain(CLIENT_KEY);
    const fixtures = loadFixtureFile(file);
    expect(fixtures).toHaveLength(CALLS.length);
    const error = fixtures.find((f) => f.reply?.error)!;
    expect(error.reply!.error).toMatchObject({ status: 429, retryAfter: 3, type: 'rate_limit_error' });
    expect(JSON.stringify(recorder.requests())).not.toContain(UPSTREAM_KEY);

    // Offline: strict, so an answer that is not a fixture's would be a 404.
    const replayUrl = await start(createMockProvider({ fixtures, strict: true }));
    const replayed = await Promise.all(CALLS.map(([, body]) => call(replayUrl, body)));
    for (let i = 0; i < CALLS.length; i++) expect(replayed[i], CALLS[i]![0]).toEqual(live[i]);

    // In another dialect, through its pipeline: aireiter streams by default, and serves the
    // recording's model although its own list does not have it.
    const aireiterUrl = await start(createMockProvider({ profile: 'aireiter', fixtures, strict: true }));
    expect(aireiterUrl).toMatch(/\/api\/v1$/);
    const res = await fetch(`${aireiterUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'mock-model', ...user('Tell me about relays.') }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await call(aireiterUrl, user('Tell me about relays.'))).toEqual({ status: 200, content: live[0]!.content });
  });

  it('--record-on-miss serves the fixtures there and records only the misses', async () => {
    const upstream = createMockProvider({ apiKeys: [UPSTREAM_KEY] });
    const upstreamUrl = await start(upstream);
    const file = tmpFile('on-miss.yaml');
    writeFileSync(
      file,
      'fixtures:\n  - match: { userMessage: "known question" }\n    reply: { content: "From the file." }\n',
    );
    const options = mockOptionsFromFlags(
      { record: file, upstream: upstreamUrl, 'record-on-miss': true, 'upstream-key-env': 'UPSTREAM_FOR_TEST' },
      { UPSTREAM_FOR_TEST: UPSTREAM_KEY },
    );
    expect(options.record).toMatchObject({ onMiss: true, upstreamKey: UPSTREAM_KEY });
    const recorderUrl = await start(createMockProvider(options));

    expect((await call(recorderUrl, user('A known question, please'))).content).toBe('From the file.');
    expect(upstream.requests()).toHaveLength(0);
    const missed = await call(recorderUrl, { ...user('Something new'), stream: true });
    expect(upstream.requests()).toHaveLength(1);
    // The miss is now recorded: asked again, it is served from the recording.
    expect(await call(recorderUrl, { ...user('Something new'), stream: true })).toEqual(missed);
    expect(upstream.requests()).toHaveLength(1);
    await started[1]!.stop();
    const fixtures = loadFixtureFile(file);
    expect(fixtures).toHaveLength(2);
    expect(fixtures[1]!.reply!.content).toBe(missed.content);
  });

  it('answers 502 in the OpenAI envelope when the upstream is unreachable, recording nothing', async () => {
    const gone = createMockProvider();
    const goneUrl = (await gone.start({ port: 0 })).baseUrl;
    await gone.stop();
    const file = tmpFile('down.yaml');
    const recorderUrl = await start(
      createMockProvider({ record: { file, upstream: goneUrl, upstreamKey: UPSTREAM_KEY } }),
    );
    const res = await fetch(`${recorderUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'mock-model', ...user('hello') }),
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'upstream_error', code: 'upstream_unreachable' });
    expect(body.error.message).toMatch(/could not be reached .*nothing was recorded/);
    expect(body.error.message).not.toContain(UPSTREAM_KEY);
    await started[0]!.stop();
    expect(loadFixtureFile(file)).toEqual([]);
  });
});

describe('mock --record flags', () => {
  it('needs --upstream and the key in the environment, never on the command line', () => {
    expect(() => mockOptionsFromFlags({ record: tmpFile('x.yaml') }, {})).toThrow(/--upstream URL/);
    expect(() => mockOptionsFromFlags({ record: tmpFile('x.yaml'), upstream: 'http://127.0.0.1:1/v1' }, {})).toThrow(
      /set \$RELAYCHECK_API_KEY/,
    );
    expect(() => mockOptionsFromFlags({ upstream: 'http://127.0.0.1:1/v1' }, {})).toThrow(/goes with --record/);
    const ok = mockOptionsFromFlags(
      { record: tmpFile('x.yaml'), upstream: 'http://127.0.0.1:1/v1' },
      { RELAYCHECK_API_KEY: UPSTREAM_KEY },
    );
    expect(ok.record).toMatchObject({ upstream: 'http://127.0.0.1:1/v1', upstreamKey: UPSTREAM_KEY, onMiss: false });
  });
});
