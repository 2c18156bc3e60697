// The pure parts of `npm run agents:codex` (the run itself needs Codex's 300 MB binary and is a
// script): the config it writes, the fixture against the real mock with a Codex-shaped request,
// the journal summary, the verdict on a case, and the SSE event names the tap reads.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { eventNames } from '../../../../scripts/dev/agents/codex-net.js';
import {
  caseProblems,
  codexCases,
  codexFixtures,
  foldRuns,
  renderConfig,
  summarise,
  tomlString,
  type CaseResult,
  type JournalLike,
} from '../../../../scripts/dev/agents/codex-plan.js';
import { createMockProvider } from '../../../../mock-server/index.js';

describe('renderConfig', () => {
  const toml = renderConfig({ baseUrl: 'http://127.0.0.1:4321/v1' });

  it('points Codex at the mock over Responses, as its only provider', () => {
    expect(toml).toContain('model_provider = "relaycheck"');
    expect(toml).toMatch(/\[model_providers\.relaycheck\]\n(.+\n)*base_url = "http:\/\/127\.0\.0\.1:4321\/v1"/);
    expect(toml).toContain('wire_api = "responses"');
    expect(toml).toContain('env_key = "RELAYCHECK_MOCK_KEY"');
    expect(toml).toContain('model = "mock-reasoner"');
  });

  it('switches off what would reach another host', () => {
    const off: [string, string][] = [
      ['features', 'plugins = false'],
      ['analytics', 'enabled = false'],
      ['feedback', 'enabled = false'],
      ['otel', 'metrics_exporter = "none"'],
    ];
    for (const [table, line] of off)
      expect(toml).toMatch(new RegExp(`\\[${table}\\]\\n(.+\\n)*${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(toml).toContain('check_for_update_on_startup = false');
  });

  it('escapes what TOML strings cannot hold', () => {
    expect(tomlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\u000ad"');
    expect(renderConfig({ baseUrl: 'x', model: 'm"x' })).toContain('model = "m\\"x"');
    expect(renderConfig({ baseUrl: 'x' })).not.toContain('stream_idle_timeout_ms');
    expect(renderConfig({ baseUrl: 'x', streamIdleTimeoutMs: 20_000 })).toContain('stream_idle_timeout_ms = 20000');
  });
});

describe("the tool case's fixture, against the mock", () => {
  // What Codex 0.171 sends, trimmed: a reasoning model, its shell tool among others, encrypted reasoning.
  const body = {
    model: 'mock-reasoner',
    stream: false,
    store: false,
    include: ['reasoning.encrypted_content'],
    reasoning: { summary: 'auto' },
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [
      {
        type: 'function',
        name: 'exec_command',
        parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
      },
      { type: 'web_search', external_web_access: false },
    ],
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: codexCases('s')[1]!.prompt }] }],
  };

  it('scripts a reasoning item and an exec_command call running cat', async () => {
    const mock = createMockProvider({ apiKeys: ['k'], fixtures: codexFixtures() });
    const res = await request(mock.app).post('/v1/responses').set({ Authorization: 'Bearer k' }).send(body);
    expect(res.status).toBe(200);
    const output = (res.body as { output: Record<string, unknown>[] }).output;
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'function_call']);
    expect(typeof output[0]!.encrypted_content).toBe('string');
    expect(output[1]!.name).toBe('exec_command');
    expect(JSON.parse(output[1]!.arguments as string)).toEqual({ cmd: 'cat notes.txt', login: false });
  });

  it('leaves the plain case to the computed answer', async () => {
    const mock = createMockProvider({ apiKeys: ['k'], fixtures: codexFixtures() });
    const plain = { ...body, input: [{ type: 'message', role: 'user', content: codexCases('s')[0]!.prompt }] };
    const res = await request(mock.app).post('/v1/responses').set({ Authorization: 'Bearer k' }).send(plain);
    const output = (res.body as { output: { type: string; content?: { text: string }[] }[] }).output;
    expect(output.find((i) => i.type === 'message')?.content?.[0]?.text).toBe('hello from codex');
  });
});

const entry = (seq: number, body: unknown, status = 200): JournalLike => ({
  seq,
  method: 'POST',
  path: '/v1/responses',
  status,
  bodyState: 'parsed',
  body,
});

const firstTurn = {
  stream: true,
  store: false,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'session-1',
  tools: [
    { type: 'function', name: 'exec_command' },
    { type: 'function', name: 'write_stdin' },
    { type: 'namespace', name: 'multi_agent_v1', tools: [] },
    { type: 'web_search' },
  ],
  input: [{ type: 'message', role: 'user', content: 'Read notes.txt' }],
};
const secondTurn = {
  ...firstTurn,
  input: [
    ...firstTurn.input,
    { type: 'reasoning', encrypted_content: 'blob', summary: [] },
    { type: 'function_call', name: 'exec_command', call_id: 'c1', arguments: '{}' },
    { type: 'function_call_output', call_id: 'c1', output: 'Output:\nThe secret word is w-1.' },
  ],
};

describe('summarise', () => {
  const s = summarise(
    [entry(3, firstTurn), entry(4, secondTurn)],
    [['response.created', 'response.output_text.delta', 'response.output_text.delta', 'response.completed']],
  );

  it('counts endpoints and statuses, and lists the tool types offered', () => {
    expect(s.endpoints).toEqual(['POST /v1/responses → 200 ×2']);
    expect(s.statuses).toEqual([200, 200]);
    expect(s.toolTypes).toEqual({ function: 2, namespace: 1, web_search: 1 });
    expect(s.functionTools).toEqual(['exec_command', 'write_stdin']);
  });

  it('lists the replayed items, the encrypted reasoning marked, and keeps the outputs', () => {
    expect(s.replayed).toEqual([[], ['reasoning (encrypted_content)', 'function_call', 'function_call_output']]);
    expect(s.functionOutputs).toEqual(['Output:\nThe secret word is w-1.']);
  });

  it('notes the fields of interest without the cache key itself', () => {
    expect(s.fields).toMatchObject({ stream: true, store: false, prompt_cache_key: '(set)' });
    expect(JSON.stringify(s.fields)).not.toContain('session-1');
  });

  it('folds repeated events', () => {
    expect(s.events).toEqual([['response.created', 'response.output_text.delta ×2', 'response.completed']]);
    expect(foldRuns(['a', 'b', 'b', 'b', 'a'])).toEqual(['a', 'b ×3', 'a']);
  });

  it('copes with bodies that are not objects', () => {
    const odd = summarise([entry(1, null, 400), entry(2, 'text', 413)], []);
    expect(odd.endpoints).toEqual(['POST /v1/responses → 400', 'POST /v1/responses → 413']);
    expect(odd.toolTypes).toEqual({});
  });
});

describe('caseProblems', () => {
  const [, toolCase] = codexCases('w-1');
  const ok: CaseResult = {
    case: toolCase!,
    exitCode: 0,
    finalMessage: 'Based on the tool result: The secret word is w-1.',
    summary: summarise([entry(1, firstTurn), entry(2, secondTurn)], []),
    outsideAttempts: [],
  };

  it('passes a run that used the output', () => {
    expect(caseProblems(ok)).toEqual([]);
  });

  it('fails each way a run can go wrong', () => {
    expect(caseProblems({ ...ok, exitCode: 1 })).toEqual(['codex exited with 1']);
    expect(caseProblems({ ...ok, finalMessage: 'I cannot read files.' })).toEqual(['the final message lacks "w-1"']);
    expect(caseProblems({ ...ok, summary: summarise([entry(1, firstTurn), entry(2, secondTurn, 400)], []) })).toEqual([
      'the mock answered 400',
    ]);
    expect(caseProblems({ ...ok, summary: summarise([entry(1, firstTurn)], []) })).toEqual([
      'no function_call_output carried the file',
    ]);
    expect(caseProblems({ ...ok, outsideAttempts: ['CONNECT ab.chatgpt.com:443'] })).toEqual([
      'outside connections tried: CONNECT ab.chatgpt.com:443',
    ]);
    expect(caseProblems({ ...ok, summary: summarise([], []) })).toContain('the mock received no request');
  });
});

describe('eventNames', () => {
  it('reads the event lines of an SSE body, split anywhere', () => {
    const text = 'event: response.created\ndata: {}\n\nevent:response.completed\r\ndata: {}\r\n\r\n: comment\n';
    expect(eventNames(text)).toEqual(['response.created', 'response.completed']);
  });
});
