// The Responses translation without sockets: a Responses request onto the chat request the
// planner reads, and a plan back into a Response and its ordered SSE events.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { planCompletion, type CompletionPlan } from '../../../mock-server/completion/plan.js';
import { ApiError } from '../../../mock-server/core/api-error.js';
import {
  failedEvents,
  formatEvent,
  openReasoning,
  outputItems,
  renderEvents,
  renderResponse,
  sealReasoning,
  toChatRequest,
  type InputContext,
  type RenderContext,
  type ResponsesRequest,
} from '../../../mock-server/protocols/responses.js';

const SECRET = Buffer.alloc(32, 7);
const reader: InputContext = { openReasoning: (blob) => openReasoning(SECRET, blob) };
const options = resolveOptions({});

function translate(body: Record<string, unknown>): ResponsesRequest {
  const out = toChatRequest(body, reader);
  if (out instanceof ApiError) expect.fail(`refused: ${out.message}`);
  return out;
}

function refusal(body: unknown): ApiError {
  const out = toChatRequest(body, reader);
  if (!(out instanceof ApiError)) return expect.fail('accepted');
  return out;
}

function plan(r: ResponsesRequest): CompletionPlan {
  const p = planCompletion({
    request: r.chat,
    model: options.models.get(r.chat.model)!,
    rawBody: JSON.stringify(r.chat),
    limits: options.limits,
    clock: options.clock,
  });
  if (p instanceof ApiError) expect.fail(p.message);
  return p;
}

const ctx = (request: ResponsesRequest): RenderContext => ({
  request,
  createdAt: 1,
  seal: (t) => sealReasoning(SECRET, t),
});

describe('Responses request -> chat request', () => {
  it('puts instructions first and reads a string input as one user message', () => {
    const r = translate({ model: 'mock-model', instructions: 'Be brief.', input: 'hi' });
    expect(r.chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
    // Instructions are not part of the stored conversation (they do not carry over).
    expect(r.history).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('reads message items of every role and content part', () => {
    const r = translate({
      model: 'mock-model',
      input: [
        { role: 'developer', content: 'dev' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          ],
        },
        { role: 'assistant', content: [{ type: 'output_text', text: 'seen' }] },
      ],
    });
    expect(r.chat.messages).toEqual([
      { role: 'developer', content: 'dev' },
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'assistant', content: 'seen' },
    ]);
  });

  it('turns function_call items into one assistant turn and outputs into tool messages, reasoning onto that turn', () => {
    const blob = sealReasoning(SECRET, 'thought');
    const r = translate({
      model: 'mock-model',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: blob },
        { type: 'function_call', call_id: 'call_a', name: 'get', arguments: '{"c":1}' },
        { type: 'function_call', call_id: 'call_b', name: 'get', arguments: '{"c":2}' },
        { type: 'function_call_output', call_id: 'call_a', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: 'rain' }] },
      ],
    });
    expect(r.chat.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'thought',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get', arguments: '{"c":1}' } },
          { id: 'call_b', type: 'function', function: { name: 'get', arguments: '{"c":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_b', content: 'rain' },
    ]);
  });

  it('refuses a tampered encrypted reasoning item as OpenAI does', () => {
    const blob = sealReasoning(SECRET, 'thought');
    const tampered = (blob[0] === 'A' ? 'B' : 'A') + blob.slice(1);
    const err = refusal({
      model: 'mock-model',
      input: [{ type: 'reasoning', summary: [], encrypted_content: tampered }],
    });
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_encrypted_content');
    expect(err.message).toMatch(/^The encrypted content .+ could not be verified\./);
    // Another mock's secret is refused too.
    const foreign = sealReasoning(Buffer.alloc(32, 8), 'thought');
    expect(refusal({ model: 'mock-model', input: [{ type: 'reasoning', encrypted_content: foreign }] }).code).toBe(
      'invalid_encrypted_content',
    );
  });

  it('seals reasoning so that it is not readable in the clear', () => {
    const blob = sealReasoning(SECRET, 'a secret line of thought');
    expect(Buffer.from(blob, 'base64').toString('utf8')).not.toContain('secret line');
    expect(openReasoning(SECRET, blob)).toBe('a secret line of thought');
    expect(sealReasoning(SECRET, 'x')).toBe(sealReasoning(SECRET, 'x'));
  });

  it('offers function tools flat and accepts tools it cannot run without offering them', () => {
    const r = translate({
      model: 'mock-model',
      input: 'hi',
      tools: [
        { type: 'function', name: 'get', parameters: { type: 'object' }, strict: true },
        { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
        { type: 'web_search' },
        { type: 'namespace', name: 'ns', tools: [] },
        { type: 'tool_search' },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(r.chat.tools).toEqual([
      { type: 'function', function: { name: 'get', parameters: { type: 'object' }, strict: true } },
    ]);
    expect(r.chat.tool_choice).toBe('required');
    expect(r.chat.parallel_tool_calls).toBe(false);
    expect(r.toolKinds.get('apply_patch')).toBe('custom');
    expect(r.toolKinds.get('web_search')).toBe('web_search');
  });

  it('drops tool_choice and parallel_tool_calls when no function tool is left', () => {
    const r = translate({ model: 'mock-model', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: 'auto' });
    expect(r.chat.tools).toBeUndefined();
    expect(r.chat.tool_choice).toBeUndefined();
  });

  it('maps a named function tool_choice, text.format, max_output_tokens and reasoning.effort', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const r = translate({
      model: 'mock-reasoner',
      input: 'hi',
      tools: [{ type: 'function', name: 'get', parameters: {} }],
      tool_choice: { type: 'function', name: 'get' },
      text: { format: { type: 'json_schema', name: 'out', schema, strict: true }, verbosity: 'low' },
      max_output_tokens: 100,
      reasoning: { effort: 'high', summary: 'auto' },
    });
    expect(r.chat.tool_choice).toEqual({ type: 'function', function: { name: 'get' } });
    expect(r.chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'out', schema, strict: true } });
    expect(r.chat.max_completion_tokens).toBe(100);
    expect(r.chat.reasoning_effort).toBe('high');
    expect(r.summary).toBe(true);
    expect(
      translate({ model: 'm', input: 'x', text: { format: { type: 'json_object' } } }).chat.response_format,
    ).toEqual({
      type: 'json_object',
    });
  });

  it('accepts what Codex sends', () => {
    const r = translate({
      model: 'mock-reasoner',
      instructions: 'You are Codex.',
      input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] }],
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'medium', summary: 'auto' },
      text: { verbosity: 'medium' },
      prompt_cache_key: 'thread-1',
      client_metadata: { a: 'b' },
      parallel_tool_calls: false,
      tool_choice: 'auto',
      tools: [{ type: 'custom', name: 'apply_patch' }],
    });
    expect(r.encryptedReasoning).toBe(true);
    // Items of tools it cannot run, replayed: accepted, not planned on.
    const replayed = translate({
      model: 'mock-model',
      input: [
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
        { type: 'tool_search_call', id: 'ts_1' },
        { type: 'local_shell_call', id: 'ls_1' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(replayed.chat.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(r.store).toBe(false);
    expect(r.promptCacheKey).toBe('thread-1');
  });

  it('refuses unknown parameters, bad types and a max_output_tokens under 16 in OpenAI words', () => {
    expect(refusal({ model: 'm', input: 'x', messages: [] }).message).toBe("Unknown parameter: 'messages'.");
    expect(refusal({ model: 'm', input: 'x', messages: [] }).param).toBe('messages');
    expect(refusal({ input: 'x' }).message).toBe("Missing required parameter: 'model'.");
    expect(refusal({ model: 'm' }).message).toBe("Missing required parameter: 'input'.");
    expect(refusal({ model: 'm', input: 5 }).param).toBe('input');
    expect(refusal({ model: 'm', input: 'x', max_output_tokens: 5 }).code).toBe('integer_below_min_value');
    expect(refusal({ model: 'm', input: [{ role: 'tool', content: 'x' }] }).param).toBe('input[0].role');
    expect(refusal({ model: 'm', input: [{ type: 'nope' }] }).param).toBe('input[0].type');
    expect(refusal({ model: 'm', input: 'x', text: { format: { type: 'xml' } } }).param).toBe('text.format.type');
    expect(refusal([]).status).toBe(400);
    expect(refusal({ model: 'm', input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] }).param).toBe(
      'input[0].name',
    );
  });
});

describe('plan -> Response and its events', () => {
  it('renders a text answer as one message item with output_text and usage details', () => {
    const r = translate({ model: 'mock-model', input: 'Reply with exactly: hello world' });
    const res = renderResponse(plan(r), ctx(r));
    expect(res).toMatchObject({ object: 'response', status: 'completed', error: null, incomplete_details: null });
    expect(res.id).toMatch(/^resp_[a-z0-9]{48}$/);
    const [item] = res.output as Record<string, unknown>[];
    expect(item).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'hello world', annotations: [] }],
    });
    expect(item!.id).toMatch(/^msg_/);
    expect(res.usage).toEqual({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: expect.any(Number),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: expect.any(Number),
    });
  });

  it('carries every field the Open Responses ResponseResource requires', () => {
    const r = translate({ model: 'mock-model', input: 'hi' });
    const res = renderResponse(plan(r), ctx(r));
    const required = [
      'id',
      'object',
      'created_at',
      'completed_at',
      'status',
      'incomplete_details',
      'model',
      'previous_response_id',
      'instructions',
      'output',
      'error',
      'tools',
      'tool_choice',
      'truncation',
      'parallel_tool_calls',
      'text',
      'top_p',
      'presence_penalty',
      'frequency_penalty',
      'top_logprobs',
      'temperature',
      'reasoning',
      'usage',
      'max_output_tokens',
      'max_tool_calls',
      'store',
      'background',
      'service_tier',
      'metadata',
      'safety_identifier',
      'prompt_cache_key',
    ];
    expect(required.filter((k) => !(k in res))).toEqual([]);
    expect(res.completed_at).toEqual(expect.any(Number));
  });

  it('ends as incomplete with max_output_tokens as the reason', () => {
    const r = translate({ model: 'mock-model', input: 'Write a long story.', max_output_tokens: 16 });
    const res = renderResponse(plan(r), ctx(r));
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    const events = renderEvents(plan(r), ctx(r));
    expect(events.at(-1)!.type).toBe('response.incomplete');
  });

  it('gives reasoning models a reasoning item, its summary only when asked, encrypted only with include and store false', () => {
    const base = { model: 'mock-reasoner', input: 'hi' };
    const plain = translate(base);
    const [rs] = outputItems(plan(plain), ctx(plain));
    expect(rs).toMatchObject({ type: 'reasoning', summary: [] });
    expect(rs!.id).toMatch(/^rs_/);
    expect(rs).not.toHaveProperty('encrypted_content');
    const asked = translate({
      ...base,
      reasoning: { summary: 'detailed' },
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    const [sealed] = outputItems(plan(asked), ctx(asked));
    const summary = (sealed!.summary as { text: string }[])[0]!.text;
    expect(summary.length).toBeGreaterThan(0);
    expect(openReasoning(SECRET, sealed!.encrypted_content as string)).toBe(summary);
    const stored = translate({ ...base, include: ['reasoning.encrypted_content'] });
    expect(outputItems(plan(stored), ctx(stored))[0]).not.toHaveProperty('encrypted_content');
  });

  it('streams every event in order, numbered, with deltas that add up to the done text', () => {
    const r = translate({
      model: 'mock-reasoner',
      input: 'Reply with exactly: one two three',
      reasoning: { summary: 'auto' },
      stream: true,
    });
    const p = plan(r);
    const events = renderEvents(p, ctx(r));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type as string);
    const compact = types.filter((t, i) => t !== types[i - 1]);
    expect(compact).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
    const done = events.find((e) => e.type === 'response.output_text.done')!;
    expect(text.join('')).toBe('one two three');
    expect(done.text).toBe('one two three');
    const msgId = (
      events.find((e) => e.type === 'response.output_item.done' && (e.item as { type: string }).type === 'message')!
        .item as { id: string }
    ).id;
    for (const e of events.filter((x) => 'item_id' in x && x.output_index === 1)) expect(e.item_id).toBe(msgId);
    const final = events.at(-1)!.response as Record<string, unknown>;
    expect(final.output).toEqual(renderResponse(p, ctx(r)).output);
    expect((events[0]!.response as { status: string; usage: unknown }).status).toBe('in_progress');
    expect(formatEvent(events[0]!)).toMatch(/^event: response\.created\ndata: \{.*\}\n\n$/);
  });

  it('formats every event as `event:` + the JSON of the event, text deltas included', () => {
    const r = translate({ model: 'mock-model', input: 'Reply with exactly: "quoted" \\ text', stream: true });
    for (const e of renderEvents(plan(r), ctx(r))) {
      expect(formatEvent(e)).toBe(`event: ${e.type as string}\ndata: ${JSON.stringify(e)}\n\n`);
    }
    const bent = { ...renderEvents(plan(r), ctx(r)).find((e) => e.type === 'response.output_text.delta')!, extra: 1 };
    expect(formatEvent(bent)).toBe(`event: response.output_text.delta\ndata: ${JSON.stringify(bent)}\n\n`);
  });

  it('streams function call arguments that add up to the item arguments', () => {
    const r = translate({
      model: 'mock-model',
      input: 'What is the weather in Paris?',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      tool_choice: 'required',
    });
    const events = renderEvents(plan(r), ctx(r));
    const item = events.find((e) => e.type === 'response.output_item.done')!.item as Record<string, string>;
    expect(item).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(item.id).toMatch(/^fc_/);
    expect(item.call_id).toMatch(/^call_/);
    const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta);
    expect(deltas.join('')).toBe(item.arguments);
    expect(events.find((e) => e.type === 'response.function_call_arguments.done')!.arguments).toBe(item.arguments);
  });

  it('ends a failed stream with an error event and response.failed', () => {
    const r = translate({ model: 'mock-model', input: 'hi', stream: true });
    const p = plan(r);
    const failed = failedEvents(renderEvents(p, ctx(r)), 3, p, ctx(r), new ApiError(500, 'server_error', 'boom'));
    expect(failed.map((e) => e.type).slice(3)).toEqual(['error', 'response.failed']);
    expect(failed.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
    expect(failed.at(-1)!.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'boom' },
    });
  });
});
