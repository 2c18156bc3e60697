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
