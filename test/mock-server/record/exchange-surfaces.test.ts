// A recorded Responses or Messages answer as a fixture: pure, from hand-written relay answers
// (the parts a relay may send, drop or cut), without any server.
import { describe, expect, it } from 'vitest';
import { exchangeToFixture, type RecordedExchange } from '../../../mock-server/record/exchange.js';
import { RECORD_SURFACES } from '../../../mock-server/record/surfaces.js';

const at = new Date('2026-12-07T10:00:00Z');
const request = { model: 'gpt-5', messages: [{ role: 'user', content: 'Search it.' }] };
const SSE = { 'content-type': 'text/event-stream' };
const JSON_TYPE = { 'content-type': 'application/json' };

const sse = (...events: object[]): string =>
  events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

function reply(x: Omit<RecordedExchange, 'at' | 'request'>) {
  const made = exchangeToFixture({ request, at, ...x });
  if ('skipped' in made) throw new Error(made.skipped);
  return made.fixture.reply!;
}

describe('a recorded Responses answer', () => {
  const items = [
    {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Think first.' }],
      encrypted_content: 'x',
    },
    { type: 'function_call', id: 'fc_1', call_id: 'call_A', name: 'lookup', arguments: '{"q":"relays"}' },
    { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_B', name: 'apply_patch', input: '{"not":"an object"}' },
    { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'relay news' } },
  ];

  it('keeps reasoning summaries, function, custom and web search calls (custom input as text)', () => {
    const body = JSON.stringify({ object: 'response', status: 'completed', output: items });
    expect(reply({ surface: 'responses', status: 200, headers: JSON_TYPE, body })).toEqual({
      toolCalls: [
        { name: 'lookup', arguments: { q: 'relays' }, id: 'call_A' },
        { name: 'apply_patch', arguments: '{"not":"an object"}', id: 'call_B' },
        { name: 'web_search', arguments: { query: 'relay news' } },
      ],
      reasoning: 'Think first.',
    });
  });

  it('reads a stream from its events when response.completed lists no output, text and refusal included', () => {
    const body = sse(
      { type: 'response.created', response: { output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { type: 'message', content: [] } },
      { type: 'response.output_text.delta', output_index: 0, delta: 'Hel' },
      { type: 'response.output_text.delta', output_index: 0, delta: 'lo' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          type: 'message',
          content: [
            { type: 'output_text', text: 'Hello' },
            { type: 'refusal', refusal: 'Not that.' },
          ],
        },
      },
      { type: 'response.incomplete', response: { status: 'incomplete', output: [] } },
    );
    const made = exchangeToFixture({ surface: 'responses', request, at, status: 200, headers: SSE, body });
    expect(made).toMatchObject({
      fixture: { name: expect.stringContaining('finish length'), reply: { content: 'Hello', refusal: 'Not that.' } },
    });
  });

  it('replays a stream cut short as a cut after the events received, with the deltas so far', () => {
    const body = sse(
      { type: 'response.created', response: { output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { type: 'function_call', name: 'lookup' } },
      { type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"q":' },
    );
    expect(reply({ surface: 'responses', status: 200, headers: SSE, body })).toEqual({
      toolCalls: [{ name: 'lookup', arguments: '{"q":' }],
      fault: 'stream-cut@3',
    });
  });

  it('replays an error event (and response.failed) as a stream error after the events before it', () => {
    const body = sse(
      { type: 'response.created', response: { output: [] } },
      { type: 'response.in_progress', response: { output: [] } },
      { type: 'error', code: 'server_error', message: 'boom' },
      { type: 'response.failed', response: { status: 'failed', output: [] } },
    );
    expect(reply({ surface: 'responses', status: 200, headers: SSE, body })).toEqual({
      content: '',
      fault: 'stream-error@2',
    });
  });

  it('skips a JSON answer that is not a Response', () => {
    const made = exchangeToFixture({ surface: 'responses', request, at, status: 200, headers: JSON_TYPE, body: '{}' });
    expect(made).toEqual({ skipped: 'the answer has no output list (a Response)' });
  });
});

describe('a recorded Messages answer', () => {
  it('keeps thinking as reasoning, text, and tool_use input as arguments', () => {
    const body = JSON.stringify({
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
        { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a.txt' } },
      ],
      stop_reason: 'tool_use',
    });
    expect(reply({ surface: 'messages', status: 200, headers: JSON_TYPE, body })).toEqual({
      toolCalls: [{ name: 'Read', arguments: { path: 'a.txt' }, id: 'toolu_1' }],
      reasoning: 'Hmm.',
    });
  });

  it('builds a stream from its blocks: thinking and text deltas, tool input from input_json_delta', () => {
    const block = (index: number, content_block: object) => ({ type: 'content_block_start', index, content_block });
    const delta = (index: number, d: object) => ({ type: 'content_block_delta', index, delta: d });
    const body = sse(
      { type: 'message_start', message: { content: [] } },
      { type: 'ping' },
      block(0, { type: 'thinking', thinking: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Let me ' }),
      delta(0, { type: 'thinking_delta', thinking: 'see.' }),
      block(1, { type: 'text', text: '' }),
      delta(1, { type: 'text_delta', text: 'Hi ' }),
      delta(1, { type: 'text_delta', text: 'there' }),
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' } },
      { type: 'message_stop' },
    );
    const made = exchangeToFixture({ surface: 'messages', request, at, status: 200, headers: SSE, body });
    expect(made).toMatchObject({
      fixture: {
        name: expect.stringContaining('finish length'),
        reply: { content: 'Hi there', reasoning: 'Let me see.' },
      },
    });
    const tool = sse(
      block(0, { type: 'tool_use', id: 'toolu_2', name: 'Read', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '{"path":' }),
      delta(0, { type: 'input_json_delta', partial_json: '"b.txt"}' }),
      { type: 'message_delta', delta: { stop_reason: 'tool_use' } },
      { type: 'message_stop' },
    );
    expect(reply({ surface: 'messages', status: 200, headers: SSE, body: tool })).toEqual({
      toolCalls: [{ name: 'Read', arguments: { path: 'b.txt' }, id: 'toolu_2' }],
    });
  });

  it("replays Anthropic's error event as a stream error, and an unfinished stream as a cut", () => {
    const start = { type: 'message_start', message: { content: [] } };
    const text = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'a' } };
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    expect(reply({ surface: 'messages', status: 200, headers: SSE, body: sse(start, text, error) })).toEqual({
      content: 'a',
      fault: 'stream-error@2',
    });
    expect(reply({ surface: 'messages', status: 200, headers: SSE, body: sse(start, text) })).toEqual({
      content: 'a',
      fault: 'stream-cut@2',
    });
  });
});

describe('which Responses requests are recorded', () => {
  it('not one continuing a response the relay stored, nor one the mock cannot read; one with relay reasoning is', () => {
    const read = RECORD_SURFACES.responses.asChat;
    expect(read({ model: 'gpt-5', input: 'Go on.', previous_response_id: 'resp_relay' })).toMatch(
      /previous_response_id/,
    );
    expect(read({ model: 'gpt-5', input: 'Hi', not_a_field: 1 })).toMatch(/cannot read .*not_a_field/);
    const withReasoning = read({
      model: 'gpt-5',
      input: [
        { type: 'reasoning', summary: [], encrypted_content: 'relay-blob' },
        { role: 'user', content: 'And now?' },
      ],
    });
    expect(withReasoning).toMatchObject({
      chat: { model: 'gpt-5', messages: [{ role: 'user', content: 'And now?' }] },
    });
  });
});

describe("a relay's usage, kept in the neutral form", () => {
  const chatBody = (usage: unknown): string =>
    JSON.stringify({ choices: [{ index: 0, message: { content: 'Hi' }, finish_reason: 'stop' }], usage });
  const responseBody = (usage: unknown): string =>
    JSON.stringify({
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi' }] }],
      usage,
    });
  const messageBody = (usage: unknown): string =>
    JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage });
  const usageOf = (surface: RecordedExchange['surface'], body: string, headers = JSON_TYPE) =>
    reply({ surface, status: 200, headers, body }).usage;

  it('reads chat usage with its details, from a JSON answer and from the include_usage chunk', () => {
    const usage = {
      prompt_tokens: 1234,
      completion_tokens: 567,
      total_tokens: 1801,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 123 },
    };
    const neutral = { promptTokens: 1234, completionTokens: 567, cachedTokens: 1024, reasoningTokens: 123 };
    expect(usageOf('chat', chatBody(usage))).toEqual(neutral);
    const chunk = (o: object): string => `data: ${JSON.stringify(o)}\n\n`;
    const stream =
      chunk({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }) +
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
      chunk({ choices: [], usage }) +
      'data: [DONE]\n\n';
    expect(usageOf('chat', stream, SSE)).toEqual(neutral);
    // A relay without details: the totals alone.
    expect(usageOf('chat', chatBody({ prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: null }))).toEqual({
      promptTokens: 9,
      completionTokens: 4,
    });
  });

  it('reads Responses usage from the JSON answer and from response.completed', () => {
    const usage = {
      input_tokens: 2048,
      input_tokens_details: { cached_tokens: 1536 },
      output_tokens: 77,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 2125,
    };
    const neutral = { promptTokens: 2048, completionTokens: 77, cachedTokens: 1536, reasoningTokens: 64 };
    expect(usageOf('responses', responseBody(usage))).toEqual(neutral);
    const stream = sse(
      { type: 'response.created', response: { output: [], usage: null } },
      { type: 'response.output_text.delta', output_index: 0, delta: 'Hi' },
      { type: 'response.completed', response: JSON.parse(responseBody(usage)) as object },
    );
    expect(usageOf('responses', stream, SSE)).toEqual(neutral);
  });

  it("reads Anthropic's usage: the prompt billed is input + cache reads + cache writes", () => {
    const usage = {
      input_tokens: 300,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 700,
      output_tokens: 88,
    };
    const neutral = { promptTokens: 3000, completionTokens: 88, cachedTokens: 2000, cacheWriteTokens: 700 };
    expect(usageOf('messages', messageBody(usage))).toEqual(neutral);
    // Streamed: message_start's input and cache counts, message_delta's output (null: not given).
    const stream = sse(
      {
        type: 'message_start',
        message: {
          content: [],
          usage: {
            input_tokens: 300,
            cache_read_input_tokens: 2000,
            cache_creation_input_tokens: 700,
            output_tokens: 1,
          },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 88, input_tokens: null } },
      { type: 'message_stop' },
    );
    expect(usageOf('messages', stream, SSE)).toEqual(neutral);
  });

  it('keeps no usage a hostile relay reports: negative, strings, NaN, 1e12, fractions, parts over their totals', () => {
    // Each hostile usage beside the same usage made sound: only the bad field makes the difference.
    const SOUND = { prompt_tokens: 12, completion_tokens: 3 };
    const CHAT: [string, object][] = [
      ['negative', { prompt_tokens: -5 }],
      ['a number as a string', { prompt_tokens: '12' }],
      ['NaN as a string', { prompt_tokens: 'NaN' }],
      ['1e12', { prompt_tokens: 1e12 }],
      ['a fraction', { completion_tokens: 2.5 }],
      ['a missing total', { completion_tokens: undefined }],
      // One bad detail spoils the whole usage: the replay then counts as the mock does.
      ['a negative detail', { prompt_tokens_details: { cached_tokens: -1 } }],
      ['details not an object', { prompt_tokens_details: 'lots' }],
      ['more cached than prompt', { prompt_tokens_details: { cached_tokens: 13 } }],
      ['more reasoning than completion', { completion_tokens_details: { reasoning_tokens: 4 } }],
    ];
    expect(usageOf('chat', chatBody(SOUND))).toEqual({ promptTokens: 12, completionTokens: 3 });
    for (const [why, bad] of CHAT) expect(usageOf('chat', chatBody({ ...SOUND, ...bad })), why).toBeUndefined();

    // JSON's 1e400 parses as Infinity.
    const sound = responseBody({ input_tokens: 10, output_tokens: 0 });
    expect(usageOf('responses', sound)).toEqual({ promptTokens: 10, completionTokens: 0 });
    expect(usageOf('responses', sound.replace('"output_tokens":0', '"output_tokens":1e400'))).toBeUndefined();
    expect(usageOf('responses', responseBody('usage'))).toBeUndefined();

    // Each of Anthropic's counts within the bound, their sum not; a cache count as a string.
    const big = 60_000_000;
    const anthropic = { input_tokens: big, cache_read_input_tokens: 1, output_tokens: 1 };
    expect(usageOf('messages', messageBody(anthropic))).toEqual({
      promptTokens: big + 1,
      completionTokens: 1,
      cachedTokens: 1,
    });
    expect(usageOf('messages', messageBody({ ...anthropic, cache_read_input_tokens: big }))).toBeUndefined();
    expect(usageOf('messages', messageBody({ ...anthropic, cache_creation_input_tokens: '5' }))).toBeUndefined();

    // The answer itself is still recorded.
    expect(
      reply({ surface: 'chat', status: 200, headers: JSON_TYPE, body: chatBody({ prompt_tokens: 1e12 }) }),
    ).toEqual({ content: 'Hi' });
  });
});
