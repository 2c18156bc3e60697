// The official @anthropic-ai/sdk against the mock's reference profile over a real socket:
// create, stream, the tools loop (tool_result with is_error), countTokens, thinking (the
// signature round trip across a tool turn), errors (529, 429 with retry-after, 401), a
// system role inside messages, and prompt caching (the second request reads the cache).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';

const KEY = 'sk-ant-sdk-matrix-0123456789';
const MODEL = 'claude-sonnet-4-5';
const provider = createMockProvider({ apiKeys: [KEY] });
let client: Anthropic;
let url = '';

beforeAll(async () => {
  // The SDK takes the server's root (it adds /v1/messages), as ANTHROPIC_BASE_URL does.
  ({ url } = await provider.start());
  client = new Anthropic({ apiKey: KEY, baseURL: url, maxRetries: 0 });
});
afterAll(() => provider.stop());

const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const ASK_TOOL = 'What is the weather in Paris? Use the get_weather tool.';

describe('@anthropic-ai/sdk against the mock', () => {
  it('messages.create: a text message with usage and both cache fields', async () => {
    const m = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Output exactly: hello' }],
    });
    expect(m.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('messages.stream: the text deltas assemble to the final message', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Tell me about rivers.' }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(final.content[0]).toEqual({ type: 'text', text, citations: undefined });
    expect(text.length).toBeGreaterThan(0);
  });

  it('the tools loop: tool_use, then tool_result (is_error and content blocks) answered in text', async () => {
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER],
      messages: [{ role: 'user', content: ASK_TOOL }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: ASK_TOOL },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: call.id,
              is_error: true,
              content: [{ type: 'text', text: 'weather service unavailable' }],
            },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]).toMatchObject({ type: 'text' });
    expect((second.content[0] as Anthropic.TextBlock).text).toContain('weather service unavailable');
  });

  it('messages.countTokens agrees with usage.input_tokens', async () => {
    const params = { model: MODEL, messages: [{ role: 'user' as const, content: 'How many tokens is this?' }] };
    const counted = await client.messages.countTokens(params);
    const m = await client.messages.create({ ...params, max_tokens: 20 });
    expect(counted.input_tokens).toBe(m.usage.input_tokens);
  });

  it('thinking: a signed block streamed, sent back across a tool turn, accepted; altered, refused', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const first = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 2048,
        thinking,
        tools: [WEATHER],
        messages: [{ role: 'user', content: ASK_TOOL }],
      })
      .finalMessage();
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    const block = first.content[0] as Anthropic.ThinkingBlock;
    expect(block.signature.length).toBeGreaterThan(20);
    const call = first.content[1] as Anthropic.ToolUseBlock;
    const next = (assistant: Anthropic.ContentBlockParam[]) =>
      client.messages.create({
        model: MODEL,
        max_tokens: 2048,
        thinking,
        tools: [WEATHER],
        messages: [
          { role: 'user', content: ASK_TOOL },
          { role: 'assistant', content: assistant },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 °C' }] },
        ],
      });
    const second = await next(first.content as Anthropic.ContentBlockParam[]);
    expect(second.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    const altered = await next([{ ...block, thinking: `${block.thinking}!` }, call]).catch((e: unknown) => e);
    expect(altered).toBeInstanceOf(Anthropic.BadRequestError);
    expect((altered as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(/Invalid `signature`/);
  });

  it('errors: 529 overloaded, 429 with retry-after, 401, each typed in the SDK', async () => {
    const ask = { model: MODEL, max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    const overloaded = await client.messages
      .create(ask, { headers: { 'x-mock-error': '529' } })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
    const limited = await client.messages.create(ask, { headers: { 'x-mock-error': '429' } }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toMatch(/^\d+$/);
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong-key-000000', baseURL: url, maxRetries: 0 });
    await expect(wrong.messages.create(ask)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('a system role inside messages is read, not refused', async () => {
    const m = await client.messages.create({
      model: 'claude-opus-4-8',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'hi' },
        // Claude Code's mid-conversation system entries (not in this SDK's types yet).
        { role: 'system', content: 'Answer briefly.' } as unknown as Anthropic.MessageParam,
        { role: 'user', content: 'Output exactly: ok' },
      ],
    });
    expect(m.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('caching: the second request reads what the first wrote', async () => {
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: 'You are a careful assistant. '.repeat(300), cache_control: { type: 'ephemeral' } },
    ];
    const ask = { model: MODEL, max_tokens: 20, system, messages: [{ role: 'user' as const, content: 'hi' }] };
    const first = await client.messages.create(ask);
    const second = await client.messages.create(ask);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });
});
