// The reasoning model (reasoning_content, reasoning_effort, reasoning_tokens) and logprobs.
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../mock-server/core/tokens.js';
import type { ChatCompletionResponse, TokenLogprob } from '../../spec/generated/types.js';
import { assemble, body, chat, expectError, mock, post, stream } from './helpers.js';

const reasoner = (text: string, extra: Record<string, unknown> = {}) =>
  body(text, { model: 'mock-reasoner', ...extra });
const reasoningOf = (r: ChatCompletionResponse): string => {
  const m = r.choices[0]!.message as { reasoning_content?: unknown };
  expect(typeof m.reasoning_content).toBe('string');
  return m.reasoning_content as string;
};

describe('reasoning (mock-reasoner)', () => {
  const { app } = mock();

  it('reasoning_content on the message, the answer in content, reasoning_tokens accounted', async () => {
    const { body: r } = await chat(app, reasoner('Count from 1 to 5'));
    const reasoning = reasoningOf(r);
    expect(reasoning.length).toBeGreaterThan(20);
    expect(r.choices[0]!.message.content).toBe('1, 2, 3, 4, 5');
    const u = r.usage!;
    expect(u.completion_tokens_details!.reasoning_tokens).toBe(countTokens(reasoning));
    expect(u.completion_tokens).toBe(countTokens(reasoning) + countTokens('1, 2, 3, 4, 5'));
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
  });

  it('mock-model has no reasoning: no reasoning_content, reasoning_tokens 0', async () => {
    const { body: r } = await chat(app, body('Count from 1 to 5'));
    expect(r.choices[0]!.message).not.toHaveProperty('reasoning_content');
    expect(r.usage!.completion_tokens_details!.reasoning_tokens).toBe(0);
  });

  it('streamed: reasoning deltas come before any content delta and assemble to the same message', async () => {
    const payload = reasoner('Output exactly: the answer is 42');
    const plain = (await chat(app, payload)).body;
    const s = await stream(app, { ...payload, stream: true, stream_options: { include_usage: true } });
    const { choices, usage } = assemble(s.chunks);
    const c = choices[0]!;
    expect(c.reasoningAt.length).toBeGreaterThan(1);
    expect(c.contentAt.length).toBeGreaterThan(1);
    expect(Math.max(...c.reasoningAt)).toBeLessThan(Math.min(...c.contentAt));
    expect(c.reasoning).toBe(reasoningOf(plain));
    expect(c.content).toBe('the answer is 42');
    expect(usage).toEqual(plain.usage);
  });

  it('reasoning_effort low < medium < high in reasoning length', async () => {
    for (const prompt of ['Count from 1 to 3', 'Tell me about rivers.']) {
      const tokens: number[] = [];
      for (const effort of ['low', 'medium', 'high'] as const) {
        const { body: r } = await chat(app, reasoner(prompt, { reasoning_effort: effort }));
        tokens.push(r.usage!.completion_tokens_details!.reasoning_tokens!);
        expect(r.usage!.completion_tokens_details!.reasoning_tokens).toBe(countTokens(reasoningOf(r)));
      }
      expect(tokens[0]).toBeLessThan(tokens[1]!);
      expect(tokens[1]).toBeLessThan(tokens[2]!);
    }
  });

  it('no effort means medium', async () => {
    const none = (await chat(app, reasoner('Count from 1 to 3'))).body.usage!.completion_tokens_details!
      .reasoning_tokens!;
    const low = (await chat(app, reasoner('Count from 1 to 3', { reasoning_effort: 'low' }))).body.usage!
      .completion_tokens_details!.reasoning_tokens!;
    const high = (await chat(app, reasoner('Count from 1 to 3', { reasoning_effort: 'high' }))).body.usage!
      .completion_tokens_details!.reasoning_tokens!;
    expect(none).toBeGreaterThan(low);
    expect(none).toBeLessThan(high);
  });

  it('the token limit covers reasoning too', async () => {
    const { body: r } = await chat(app, reasoner('Count from 1 to 5', { max_completion_tokens: 6 }));
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(6);
    expect(r.usage!.completion_tokens_details!.reasoning_tokens).toBeLessThanOrEqual(6);
    expect(r.choices[0]!.finish_reason).toBe('length');
  });

  it('reasoning_effort on mock-model is a 400 naming reasoning_effort; a bad effort is a 400 too', async () => {
    expectError(await post(app, body('hi', { reasoning_effort: 'high' })), 400, {
      type: 'invalid_request_error',
      param: 'reasoning_effort',
    });
    expectError(await post(app, reasoner('hi', { reasoning_effort: 'extreme' })), 400, { param: 'reasoning_effort' });
  });
});

function expectConsistent(lp: readonly TokenLogprob[], content: string, top: number): void {
  expect(lp.map((t) => t.token).join('')).toBe(content);
  expect(lp.length).toBe(countTokens(content));
  for (const t of lp) {
    expect(t.logprob).toBeLessThanOrEqual(0);
    expect(t.bytes).toEqual([...Buffer.from(t.token, 'utf8')]);
    expect(t.top_logprobs).toHaveLength(top);
    const alternatives = t.top_logprobs.map((a) => a.token);
    expect(new Set(alternatives).size).toBe(alternatives.length);
    for (const a of t.top_logprobs) expect(a.logprob).toBeLessThanOrEqual(0);
    if (top > 0) expect(t.top_logprobs[0]!.token).toBe(t.token);
  }
}

describe('logprobs', () => {
  const { app } = mock();

  it('not asked: logprobs is null, and the key is present', async () => {
    for (const extra of [{}, { logprobs: false }]) {
      const { body: r } = await chat(app, body('Output exactly: hi', extra));
      expect(r.choices[0]).toHaveProperty('logprobs', null);
    }
  });

  it('logprobs: true — one entry per content token, tokens joined == content, no alternatives', async () => {
    const { body: r } = await chat(app, body('Tell me about rivers.', { logprobs: true }));
    const c = r.choices[0]!;
    expect(c.logprobs!.refusal).toBeNull();
    expectConsistent(c.logprobs!.content!, c.message.content!, 0);
    expect(c.logprobs!.content!.length).toBe(r.usage!.completion_tokens);
  });

  it.each([1, 5, 20])('top_logprobs %i gives that many alternatives per token', async (top) => {
    const { body: r } = await chat(
      app,
      body('Output exactly: héllo wörld, 世界 🙂 done', { logprobs: true, top_logprobs: top }),
    );
    const c = r.choices[0]!;
    expect(c.message.content).toBe('héllo wörld, 世界 🙂 done');
    expectConsistent(c.logprobs!.content!, c.message.content!, top);
  });

  it('top_logprobs outside 0..20, or without logprobs, is a 400 naming top_logprobs', async () => {
    expectError(await post(app, body('hi', { logprobs: true, top_logprobs: 21 })), 400, {
      type: 'invalid_request_error',
      param: 'top_logprobs',
    });
    expectError(await post(app, body('hi', { logprobs: true, top_logprobs: -1 })), 400, { param: 'top_logprobs' });
    expectError(await post(app, body('hi', { top_logprobs: 2 })), 400, { param: 'top_logprobs' });
  });

  it("streamed: each content chunk carries its token's logprobs; they join to the content", async () => {
    const payload = body('Tell me about rivers.', { logprobs: true, top_logprobs: 3 });
    const plain = (await chat(app, payload)).body.choices[0]!;
    const s = await stream(app, { ...payload, stream: true });
    const c = assemble(s.chunks).choices[0]!;
    expect(c.content).toBe(plain.message.content);
    expectConsistent(c.logprobs, c.content!, 3);
    expect(c.logprobs).toEqual(plain.logprobs!.content);
    for (const chunk of s.chunks) {
      const choice = chunk.choices[0]!;
      const piece = choice.delta.content;
      if (typeof piece === 'string' && piece !== '')
        expect(choice.logprobs!.content!.map((t) => t.token).join('')).toBe(piece);
      else expect(choice.logprobs ?? null).toBeNull();
    }
  });

  it('logprobs under max_tokens cover exactly the kept tokens', async () => {
    const { body: r } = await chat(app, body('Tell me about rivers.', { logprobs: true, max_tokens: 4 }));
    expectConsistent(r.choices[0]!.logprobs!.content!, r.choices[0]!.message.content!, 0);
    expect(r.choices[0]!.logprobs!.content).toHaveLength(4);
  });
});
