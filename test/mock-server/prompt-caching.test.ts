// OpenAI's automatic prompt caching in the mock (chat completions and Responses): a prefix of
// 1,024 tokens or more sent again reports cached_tokens, a multiple of 128, in the bucket of
// its prompt_cache_key; the cache is bounded.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { drawRealism } from '../../mock-server/completion/realistic.js';
import { countMessageTokens, countTokens } from '../../mock-server/core/tokens.js';
import {
  AUTOMATIC_POINTS_PER_PROMPT,
  chatCachePrompt,
  PromptCache,
  type AutomaticPrompt,
} from '../../mock-server/protocols/prompt-cache.js';
import { AUTH, chat, mock } from './helpers.js';

/** A system prompt of about 1,300 of the mock's tokens. */
const LONG = Array.from({ length: 260 }, (_, i) => `Rule ${i}: keep answers short.`).join(' ');

const ask = (question: string, extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [
    { role: 'system', content: LONG },
    { role: 'user', content: question },
  ],
  max_tokens: 5,
  ...extra,
});

const cachedOf = (body: { usage?: { prompt_tokens_details?: { cached_tokens?: number } } }): number | undefined =>
  body.usage?.prompt_tokens_details?.cached_tokens;

describe('automatic prompt caching on chat completions', () => {
  it('reads a long prefix the second time, rounded down to a multiple of 128 (>= 1,024)', async () => {
    expect(countTokens(LONG)).toBeGreaterThan(1152);
    const { app } = mock();
    const key = { prompt_cache_key: 'k1' };
    const first = await chat(app, ask('Output exactly: one', key));
    expect(cachedOf(first.body)).toBe(0);
    const second = await chat(app, ask('Output exactly: two', key));
    const cached = cachedOf(second.body)!;
    expect(cached % 128).toBe(0);
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached).toBeLessThanOrEqual(second.body.usage!.prompt_tokens);
    // The shared part is the system message: its tokens, rounded down.
    expect(cached).toBe(Math.floor((countTokens(LONG) + 4) / 128) * 128);
  });

  it('keeps each prompt_cache_key apart: another key starts cold, no key is a bucket of its own', async () => {
    const { app } = mock();
    await chat(app, ask('Output exactly: one', { prompt_cache_key: 'a' }));
    expect(cachedOf((await chat(app, ask('Output exactly: two', { prompt_cache_key: 'b' }))).body)).toBe(0);
    expect(cachedOf((await chat(app, ask('Output exactly: three'))).body)).toBe(0);
    expect(cachedOf((await chat(app, ask('Output exactly: four'))).body)).toBeGreaterThan(0);
    expect(cachedOf((await chat(app, ask('Output exactly: five', { prompt_cache_key: 'a' }))).body)).toBeGreaterThan(0);
  });

  it('caches nothing under 1,024 tokens, and keeps the answer otherwise unchanged', async () => {
    const { app } = mock();
    const short = { model: 'mock-model', messages: [{ role: 'user', content: 'Output exactly: OK' }] };
    await chat(app, short);
    const again = await chat(app, short);
    expect(cachedOf(again.body)).toBe(0);
    const { app: fresh } = mock();
    const cold = await chat(fresh, ask('Output exactly: one'));
    const warm = await chat(app, ask('Output exactly: zero'));
    await chat(app, ask('Output exactly: one'));
    const hit = await chat(app, ask('Output exactly: one'));
    expect(cachedOf(warm.body)).toBe(0);
    expect({ ...hit.body.choices, usage: undefined }).toEqual({ ...cold.body.choices, usage: undefined });
  });

  it('reports the cached tokens in the streamed usage chunk too', async () => {
    const { app } = mock();
    await chat(app, ask('Output exactly: one'));
    const res = await request(app)
      .post('/v1/chat/completions')
      .set(AUTH)
      .send(ask('Output exactly: two', { stream: true, stream_options: { include_usage: true } }));
    const usage = res.text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { usage?: unknown })
      .find((c) => c.usage)?.usage as { prompt_tokens_details: { cached_tokens: number } };
    expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
  });
});

describe('automatic prompt caching on Responses', () => {
  it('reports input_tokens_details.cached_tokens and honours prompt_cache_key', async () => {
    const { app } = mock();
    const send = (input: string, key: string) =>
      request(app)
        .post('/v1/responses')
        .set(AUTH)
        .send({ model: 'mock-model', instructions: LONG, input, prompt_cache_key: key, max_output_tokens: 16 });
    const first = await send('Output exactly: one', 'k');
    expect(first.status).toBe(200);
    expect(first.body.usage.input_tokens_details.cached_tokens).toBe(0);
    const second = await send('Output exactly: two', 'k');
    expect(second.body.usage.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
    const other = await send('Output exactly: three', 'other');
    expect(other.body.usage.input_tokens_details.cached_tokens).toBe(0);
  });
});

describe('PromptCache.automatic', () => {
  /** A system prompt of 1,100 tokens, n messages of 10, and a 5-token tail. */
  const segments = (n: number, tail: string): AutomaticPrompt => {
    const texts = ['system', ...Array.from({ length: n }, (_, i) => `m${i}`), tail];
    const tokens = [1100, ...Array.from({ length: n }, () => 10), 5];
    return { texts, tokensThrough: (i) => tokens.slice(0, i + 1).reduce((a, b) => a + b, 0) };
  };

  it('holds at most its capacity, the least recently used going first', () => {
    const cache = new PromptCache(8);
    for (let i = 0; i < 20; i++) cache.automatic('m', `key${i}`, segments(0, 'x'));
    expect(cache.size).toBe(8);
    expect(cache.automatic('m', 'key0', segments(0, 'y'))).toBe(0);
    expect(cache.automatic('m', 'key19', segments(0, 'y'))).toBe(1024);
  });

  it('writes at most AUTOMATIC_POINTS_PER_PROMPT points per prompt (its longest prefixes)', () => {
    const cache = new PromptCache(10_000);
    cache.automatic('m', null, segments(500, 'x'));
    expect(cache.size).toBe(AUTOMATIC_POINTS_PER_PROMPT);
  });

  it('with warmup 2, reads a point only once two prompts wrote it', () => {
    const cache = new PromptCache();
    expect(cache.automatic('m', 'k', segments(0, 'a'), 2)).toBe(0);
    expect(cache.automatic('m', 'k', segments(0, 'b'), 2)).toBe(0);
    expect(cache.automatic('m', 'k', segments(0, 'c'), 2)).toBe(1024);
  });

  it('puts tools first, then the messages; the tokens up to each from prompt_tokens, counting only what follows', () => {
    const request = {
      model: 'm',
      tools: [{ type: 'function' as const, function: { name: 'f' } }],
      messages: [
        { role: 'system' as const, content: 'be brief' },
        { role: 'user' as const, content: 'hello world' },
      ],
    };
    const p = chatCachePrompt(request, 2000);
    expect(p.texts.map((x) => x.slice(0, 7))).toEqual(['tools:[', 'system:', 'user:he']);
    expect(p.tokensThrough(2)).toBe(2000 - 3);
    expect(p.tokensThrough(1)).toBe(2000 - 3 - (countMessageTokens([request.messages[1]!]) - 3));
    expect(p.tokensThrough(0)).toBe(2000 - 3 - (countMessageTokens(request.messages) - 3));
    // Asked again out of order, still right.
    expect(p.tokensThrough(2)).toBe(2000 - 3);
  });

  it('the realistic model draws a warmup of 1 or 2 per seed, the same for every prompt', () => {
    const warmups = new Set([1, 2, 3, 4, 5, 6].map((seed) => drawRealism(seed, 'a', false).cacheWarmup));
    expect(warmups).toEqual(new Set([1, 2]));
    expect(drawRealism(3, 'a', false).cacheWarmup).toBe(drawRealism(3, 'b', true).cacheWarmup);
  });
});

describe('cache-key-dropped on Responses', () => {
  it('a relay that drops prompt_cache_key lets another key read the prefix', async () => {
    const { app } = mock();
    const send = (input: string, key: string) =>
      request(app)
        .post('/v1/responses')
        .set({ ...AUTH, 'x-mock-break': 'cache-key-dropped' })
        .send({ model: 'mock-model', instructions: LONG, input, prompt_cache_key: key, max_output_tokens: 16 });
    expect((await send('Output exactly: one', 'a')).body.usage.input_tokens_details.cached_tokens).toBe(0);
    expect((await send('Output exactly: two', 'b')).body.usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  });
});
