// The pure half of `npm run agents:claude`: a journal and a transcript shaped like Claude
// Code's give the request log in summary, and each expectation can fail.
import { describe, expect, it } from 'vitest';
import {
  judge,
  parseTranscript,
  renderCase,
  requestLine,
  summarize,
  type CaseExpectation,
  type JournalRow,
} from '../../../../scripts/dev/agents/summary.js';

const omitted = (seq: number, model: string, tools: number): JournalRow => ({
  seq,
  method: 'POST',
  path: '/v1/messages?beta=true',
  status: 200,
  stream: true,
  bodyState: 'omitted',
  body: { omitted: true, bytes: 76_000, model, stream: true, tools: Array.from({ length: tools }, (_, i) => `T${i}`) },
});

const parsedTurn2: JournalRow = {
  seq: 2,
  method: 'POST',
  path: '/v1/messages?beta=true',
  status: 200,
  stream: true,
  bodyState: 'parsed',
  body: {
    model: 'claude-opus-4-8',
    stream: true,
    tools: [{ name: 'Read' }],
    messages: [
      { role: 'user', content: 'read note.txt' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: '/x' } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'PLUM-1' }] }],
      },
    ],
  },
};

const line = (o: unknown): string => JSON.stringify(o);
const readTranscript = [
  line({ type: 'system', subtype: 'init', claude_code_version: '2.1.197', model: 'claude-opus-4-8' }),
  'not json at all',
  line({ type: 'assistant', message: { content: [{ type: 'thinking', thinking: 'x', signature: 's' }] } }),
  line({
    type: 'assistant',
    message: { content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: '/x' } }] },
  }),
  line({
    type: 'user',
    message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: '1\tThe code is PLUM-1.' }] },
  }),
  line({ type: 'result', result: 'The code is PLUM-1.', is_error: false, num_turns: 2, permission_denials: [] }),
].join('\n');

const readTask: CaseExpectation = {
  maxRequests: 6,
  toolCalls: ['Read'],
  toolResultContains: 'PLUM-1',
  answerContains: 'PLUM-1',
  model: 'claude-opus-4-8',
};

describe('the request log in summary', () => {
  it('keeps the model, stream flag, tools and size of a body over the journal cap', () => {
    expect(requestLine(omitted(1, 'claude-opus-4-8', 24))).toEqual({
      seq: 1,
      endpoint: 'POST /v1/messages?beta=true',
      status: 200,
      stream: true,
      model: 'claude-opus-4-8',
      tools: 24,
      omittedBytes: 76_000,
      toolResults: [],
    });
  });

  it('reads the tool results in a kept body, and nothing of a body never read', () => {
    expect(requestLine(parsedTurn2).toolResults).toEqual(['PLUM-1']);
    const refused = requestLine({ ...parsedTurn2, status: 401, bodyState: 'not-read', body: null });
    expect(refused.tools).toBeUndefined();
    expect(refused.model).toBeUndefined();
  });

  it('counts endpoints (without the query), models, statuses and stream flags', () => {
    const rows = [
      omitted(1, 'claude-opus-4-8', 24),
      { ...omitted(2, 'claude-haiku-4-5', 0), stream: false, status: 404 },
    ];
    const s = summarize(rows, parseTranscript(''), []);
    expect(s.endpoints).toEqual({ 'POST /v1/messages': 2 });
    expect(s.models).toEqual(['claude-haiku-4-5', 'claude-opus-4-8']);
    expect(s.statuses).toEqual({ '200': 1, '404': 1 });
    expect([s.streamed, s.unstreamed]).toEqual([1, 1]);
  });
});

describe("Claude Code's transcript", () => {
  it('gives the version, tool calls, tool results and final answer', () => {
    const t = parseTranscript(readTranscript);
    expect(t.version).toBe('2.1.197');
    expect(t.toolCalls).toEqual([{ name: 'Read', input: { file_path: '/x' } }]);
    expect(t.toolResults).toEqual([{ text: '1\tThe code is PLUM-1.', isError: false }]);
    expect([t.answer, t.isError, t.turns]).toEqual(['The code is PLUM-1.', false, 2]);
  });

  it('is an error when no result line came (a killed run)', () => {
    expect(parseTranscript(readTranscript.split('\n').slice(0, 4).join('\n')).isError).toBe(true);
  });
});

describe('the verdict on a case', () => {
  const good = summarize([omitted(1, 'claude-opus-4-8', 24), parsedTurn2], parseTranscript(readTranscript), []);
  const failing = (s: typeof good, e = readTask): string[] =>
    judge(s, e)
      .filter((c) => !c.ok)
      .map((c) => c.what);

  it('passes a Read task done as scripted', () => {
    expect(failing(good)).toEqual([]);
    expect(renderCase('(b)', good, judge(good, readTask))).toContain('(b): pass');
  });

  it('fails on an outside attempt, a refused request, too many requests or another model', () => {
    expect(failing({ ...good, outsideAttempts: ['CONNECT statsig.anthropic.com:443'] })[0]).toMatch(/loopback/);
    const refused = summarize([{ ...omitted(1, 'claude-opus-4-8', 24), status: 400 }], good.transcript, []);
    expect(failing(refused)).toContainEqual(expect.stringMatching(/2xx/));
    expect(failing(good, { ...readTask, maxRequests: 1 })).toEqual(['at most 1 requests (2)']);
    expect(failing(good, { ...readTask, model: 'my-claude' })).toEqual([
      'every /v1/messages request asks for my-claude',
    ]);
  });

  it('fails when the agent calls a tool it should not, or the tool result lacks the token', () => {
    expect(failing(good, { maxRequests: 4, toolCalls: [] })).toEqual(['tool calls [] (made: [Read])']);
    const errored = { ...good, transcript: { ...good.transcript, toolResults: [{ text: 'PLUM-1', isError: true }] } };
    expect(failing(errored)).toEqual(["the tool result holds the file's token PLUM-1"]);
    const noAnswer = { ...good, transcript: { ...good.transcript, answer: '', isError: true } };
    expect(failing(noAnswer)).toContain('Claude Code ended with an answer');
    expect(renderCase('(b)', noAnswer, judge(noAnswer, readTask))).toContain('(b): FAIL');
  });
});
