// /v1/messages as Claude Code uses it, against the reference profile: its default model,
// everything its requests carry (role system inside messages, adaptive thinking,
// output_config, context_management, metadata, cache_control, betas), signed thinking across
// a tool turn, computed prompt caching, count_tokens, and any model the caller configures.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider, type Fixture } from '../../../mock-server/index.js';
import { minimumCacheable, PromptCache } from '../../../mock-server/protocols/prompt-cache.js';
import { promptSegments, signThinking, checkThinkingHistory } from '../../../mock-server/protocols/anthropic.js';
import { ApiError } from '../../../mock-server/core/api-error.js';

const HEADERS = { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-test-1234567890' };
const LONG = 'You are Claude Code, an interactive CLI tool that helps users with software engineering tasks. '.repeat(
  120,
);
const READ_TOOL = {
  name: 'Read',
  description: 'Reads a file from the local filesystem. Use this tool to read any file the user names.',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
};

type Body = Record<string, unknown>;
const send = (app: Parameters<typeof request>[0], body: Body, path = '/v1/messages?beta=true') =>
  request(app)
    .post(path)
    .set({ ...HEADERS, 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' })
    .send(body);

/** A request shaped like Claude Code 2.1's (the fields it sends for current model ids). */
function claudeCodeBody(question: string, extra: Body = {}): Body {
  return {
    model: 'claude-opus-4-8',
    max_tokens: 32000,
    system: [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: 'text', text: LONG, cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      { role: 'system', content: 'The working directory is /tmp/project.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>Use the TodoWrite tool if the task has steps.</system-reminder>' },
          { type: 'text', text: question, cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
    tools: [READ_TOOL],
    thinking: { type: 'adaptive' },
    output_config: { effort: 'medium' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    metadata: { user_id: 'user_abc_account__session_123' },
    stream: false,
    ...extra,
  };
}

interface Block {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

describe('the reference profile serves Claude Code', () => {
  const { app } = createMockProvider();

  it("answers its default model's request in text, with a signed thinking block and both cache fields", async () => {
    const r = await send(app, claudeCodeBody('what car to buy'));
    expect(r.status, r.text).toBe(200);
    const content = r.body.content as Block[];
    expect(content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(content[0]!.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(r.body.stop_reason).toBe('end_turn');
    expect(r.body.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      cache_creation_input_tokens: expect.any(Number),
      cache_read_input_tokens: expect.any(Number),
    });
  });

  it('streams thinking_delta then signature_delta, then the text', async () => {
    const r = await send(app, claudeCodeBody('Summarise the project', { stream: true }));
    expect(r.status).toBe(200);
    const deltas = [...r.text.matchAll(/"delta":\{"type":"(\w+)"/g)].map((m) => m[1]);
    const firstSignature = deltas.indexOf('signature_delta');
    expect(deltas[0]).toBe('thinking_delta');
    expect(firstSignature).toBeGreaterThan(0);
    expect(deltas.slice(firstSignature + 1).every((d) => d === 'text_delta')).toBe(true);
  });

  it('refuses another role, and an unknown thinking type, in its envelope', async () => {
    const r = await send(app, { ...claudeCodeBody('hi'), messages: [{ role: 'tool', content: 'x' }] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: "messages.0.role: Input should be 'user', 'assistant' or 'system'",
      },
    });
    const t = await send(app, claudeCodeBody('hi', { thinking: { type: 'enabled', budget_tokens: 100 } }));
    expect(t.status).toBe(400);
    expect(t.body.error.message).toMatch(/budget_tokens/);
    const forced = await send(app, claudeCodeBody('hi', { tool_choice: { type: 'any' } }));
    expect(forced.status).toBe(400);
    expect(forced.body.error.message).toBe('Thinking may not be enabled when tool_choice forces tool use.');
  });

  it("accepts Claude Code 2.1's whole beta list and ?beta=true; refuses a value that is no beta name, as Anthropic does", async () => {
    // claude 2.1.185's list to api.anthropic.com (ex-machina-co/opencode-anthropic-auth#174).
    const betas =
      'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,thinking-token-count-2026-05-13,' +
      'context-management-2025-06-27,prompt-caching-scope-2026-01-05,mid-conversation-system-2026-04-07,' +
      'advisor-tool-2026-03-01,effort-2025-11-24,extended-cache-ttl-2025-04-11';
    const post = (beta: string, path = '/v1/messages?beta=true') =>
      request(app)
        .post(path)
        .set({ ...HEADERS, 'anthropic-beta': beta })
        .send({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    expect((await post(betas)).status).toBe(200);
    const refused = await post('claude-code-20250219, not-a-beta,bash_20250124');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'Unexpected value(s) `not-a-beta`, `bash_20250124` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.',
      },
    });
    const counted = await post('not-a-beta', '/v1/messages/count_tokens?beta=true');
    expect([counted.status, counted.body.error.message]).toEqual([
      400,
      expect.stringMatching(/^Unexpected value\(s\) `not-a-beta`/),
    ]);
  });
});

describe('thinking signatures across a tool turn', () => {
  const { app } = createMockProvider();
  const ask = 'Use the Read tool on README.md';

  async function firstTurn(): Promise<Block[]> {
    const r = await send(app, claudeCodeBody(ask));
    expect(r.status, r.text).toBe(200);
    expect(r.body.stop_reason).toBe('tool_use');
    return r.body.content as Block[];
  }
  const continuation = (assistant: Block[]): Body => {
    const call = assistant.find((b) => b.type === 'tool_use')!;
    return claudeCodeBody(ask, {
      messages: [
        { role: 'user', content: ask },
        { role: 'assistant', content: assistant },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: call.id,
              content: [{ type: 'text', text: '# Title' }],
              is_error: false,
            },
          ],
        },
      ],
    });
  };

  it('accepts the blocks sent back unchanged and answers the tool result in text', async () => {
    const r = await send(app, continuation(await firstTurn()));
    expect(r.status, r.text).toBe(200);
    expect((r.body.content as Block[]).map((b) => b.type)).toEqual(['thinking', 'text']);
  });

  it('refuses an altered thinking text, as Anthropic does', async () => {
    const turn = await firstTurn();
    turn[0] = { ...turn[0]!, thinking: `${turn[0]!.thinking} (edited by a relay)` };
    const r = await send(app, continuation(turn));
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      type: 'invalid_request_error',
      message: 'messages.1.content.0: Invalid `signature` in `thinking` block',
    });
  });

  it('refuses a dropped thinking block before the tool_use', async () => {
    const turn = (await firstTurn()).filter((b) => b.type !== 'thinking');
    const r = await send(app, continuation(turn));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`\. When `thinking` is enabled/,
    );
  });

  it("refuses another mock's signature (each mock has its own secret)", async () => {
    const other = createMockProvider().app;
    const r = await send(other, continuation(await firstTurn()));
    expect(r.status).toBe(400);
  });

  it('a pure check: an edited signature is refused, none is checked when the turn holds no thinking', () => {
    const secret = Buffer.alloc(32, 1);
    const body = {
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'a', signature: signThinking(secret, 'b') }] },
        { role: 'user', content: 'more' },
      ],
    };
    expect(checkThinkingHistory(body, secret)).toBeInstanceOf(ApiError);
    expect(checkThinkingHistory({ messages: [{ role: 'user', content: 'q' }] }, secret)).toBeNull();
  });
});

describe('prompt caching, computed', () => {
  it('creates the cache on first use, reads it after; usage adds up to count_tokens', async () => {
    const { app } = createMockProvider();
    const body = claudeCodeBody('hello', { thinking: undefined });
    const counted = await request(app)
      .post('/v1/messages/count_tokens')
      .set(HEADERS)
      .send({ ...body, max_tokens: undefined });
    expect(counted.status, counted.text).toBe(200);
    const total = counted.body.input_tokens as number;
    const first = (await send(app, body)).body.usage;
    expect(first.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.cache_read_input_tokens).toBe(0);
    const second = (await send(app, body)).body.usage;
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
    for (const u of [first, second]) {
      expect(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens).toBe(total);
    }
  });

  it('a prefix under the model minimum caches nothing; a changed prefix misses', () => {
    const cache = new PromptCache();
    const seg = (text: string, tokens: number, breakpoint = true) => ({ text, tokens, breakpoint });
    expect(cache.use('claude-sonnet-4-5', [seg('short', 1000)]).cache_creation_input_tokens).toBe(0);
    expect(cache.use('claude-haiku-4-5', [seg('mid', 2000)]).cache_creation_input_tokens).toBe(0);
    expect(cache.use('claude-sonnet-4-5', [seg('a', 2000), seg('q', 10, false)])).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 2000,
      cache_read_input_tokens: 0,
    });
    expect(cache.use('claude-sonnet-4-5', [seg('b', 2000)]).cache_read_input_tokens).toBe(0);
    expect(cache.use('claude-sonnet-4-5', [seg('a', 2000), seg('r', 5, false)]).cache_read_input_tokens).toBe(2000);
    expect([minimumCacheable('claude-opus-4-8'), minimumCacheable('claude-haiku-4-5')]).toEqual([1024, 4096]);
  });

  it('forgets the least recently used prefix past its capacity', () => {
    const cache = new PromptCache(1);
    const seg = (text: string) => [{ text, tokens: 2000, breakpoint: true }];
    cache.use('m', seg('a'));
    cache.use('m', seg('b'));
    expect(cache.use('m', seg('a')).cache_read_input_tokens).toBe(0);
  });

  it('refuses a fifth cache_control block in the words Anthropic uses', async () => {
    const { app } = createMockProvider();
    const cc = { cache_control: { type: 'ephemeral' } };
    const r = await send(app, {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [1, 2, 3, 4, 5].map((n) => ({ type: 'text', text: `part ${n}`, ...cc })),
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.');
    expect(promptSegments({ messages: [], cache_control: { type: 'ephemeral' } })).toEqual([]);
  });
});

describe('any model id, on either surface', () => {
  const ask = { max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };

  it('the models option serves an id over messages and chat', async () => {
    const { app } = createMockProvider({ models: [{ id: 'my-claude' }] });
    expect((await send(app, { model: 'my-claude', ...ask })).status).toBe(200);
    // The endpoint's own ids stay served too (Claude Code's subagents ask for the haiku id).
    expect((await send(app, { model: 'claude-haiku-4-5', ...ask })).status).toBe(200);
    const chat = await request(app)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-x-1234567890')
      .send({ model: 'my-claude', messages: ask.messages });
    expect(chat.status).toBe(200);
  });

  it("a fixture's model is served over messages", async () => {
    const fixtures: Fixture[] = [{ match: { model: 'claude-recorded-1' }, reply: { content: 'Recorded.' } }];
    const { app } = createMockProvider({ fixtures });
    const r = await send(app, { model: 'claude-recorded-1', ...ask });
    expect(r.status, r.text).toBe(200);
    expect(r.body.content).toEqual([{ type: 'text', text: 'Recorded.' }]);
  });

  it('an id nobody configured is a 404 in Anthropic envelope', async () => {
    const { app } = createMockProvider();
    const r = await send(app, { model: 'gpt-4o-unknown', ...ask });
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe('not_found_error');
  });
});

describe('an agent with 24 tools over messages', () => {
  it('a plain question gets text, no tool_use', async () => {
    const { app } = createMockProvider();
    const tools = Array.from({ length: 24 }, (_, i) => ({
      ...READ_TOOL,
      name: `Tool${i}`,
      description: 'Use this to answer any question about cars, code, files, the web or anything else. '.repeat(10),
    }));
    const r = await send(app, claudeCodeBody('what car to buy', { tools }));
    expect(r.status).toBe(200);
    expect((r.body.content as Block[]).some((b) => b.type === 'tool_use')).toBe(false);
    expect(r.body.stop_reason).toBe('end_turn');
  });
});

describe('realistic mode and chunking, as on chat', () => {
  const ask = (q: string, extra: Body = {}): Body => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: q }],
    ...extra,
  });
  const prompts = Array.from({ length: 12 }, (_, i) => `Tell me about rivers number ${i}.`);

  it('the realistic model varies the answers the faithful one gives', async () => {
    const faithful = createMockProvider().app;
    const realistic = createMockProvider({ style: 'realistic', seed: 3 }).app;
    let differ = 0;
    for (const q of prompts) {
      const [a, b] = await Promise.all([send(faithful, ask(q)), send(realistic, ask(q))]);
      expect(b.status).toBe(200);
      if (JSON.stringify([a.body.model, a.body.content]) !== JSON.stringify([b.body.model, b.body.content])) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('chunkTokens groups the text_deltas', async () => {
    const count = async (chunkTokens: number) => {
      const r = await send(createMockProvider({ chunkTokens }).app, ask(prompts[0]!, { stream: true }));
      return [...r.text.matchAll(/"type":"text_delta"/g)].length;
    };
    const [one, three] = [await count(1), await count(3)];
    expect(one).toBeGreaterThan(3);
    expect(three).toBe(Math.ceil(one / 3));
  });
});

describe('stop reasons and tool results', () => {
  const { app } = createMockProvider();
  const base = {
    model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: 'Output exactly: one two three four' }],
  };

  it('stop_sequences end with stop_sequence, max_tokens with max_tokens', async () => {
    const stopped = await send(app, { ...base, max_tokens: 100, stop_sequences: ['three'] });
    expect(stopped.body).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });
    expect(stopped.body.content[0].text).toBe('one two ');
    const cut = await send(app, { ...base, max_tokens: 2 });
    expect(cut.body.stop_reason).toBe('max_tokens');
  });

  it('a tool_result with is_error, text and image blocks is read as a failure', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const r = await send(app, {
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      tools: [READ_TOOL],
      messages: [
        { role: 'user', content: 'Use the Read tool on a.png' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'a.png' } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              is_error: true,
              content: [
                { type: 'text', text: 'permission denied' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              ],
            },
          ],
        },
      ],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.content[0].text).toContain('Error: permission denied [image]');
  });
});

describe('fixtures on messages', () => {
  it("a fixture's reasoning is the thinking shown, signed; without thinking on it is not shown", async () => {
    const fixtures: Fixture[] = [
      { match: { userMessage: 'plan it' }, reply: { reasoning: 'First list the files.', content: 'Done.' } },
    ];
    const { app } = createMockProvider({ fixtures });
    const ask = { model: 'claude-opus-4-8', max_tokens: 2048, messages: [{ role: 'user', content: 'plan it' }] };
    const on = await send(app, { ...ask, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(on.body.content).toEqual([
      { type: 'thinking', thinking: 'First list the files.', signature: expect.any(String) as string },
      { type: 'text', text: 'Done.' },
    ]);
    const off = await send(app, ask);
    expect(off.body.content).toEqual([{ type: 'text', text: 'Done.' }]);
  });
});
