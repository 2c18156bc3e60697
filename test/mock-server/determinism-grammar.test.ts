// Determinism (same request → same bytes), the instruction grammar, and the one token count
// behind usage.
import { describe, expect, it } from 'vitest';
import { countMessageTokens, countTokens, tokenize } from '../../mock-server/core/tokens.js';
import { body, chat, mock, stream } from './helpers.js';

describe('determinism', () => {
  const { app } = mock();

  it('the same request gives the same bytes, id and created included', async () => {
    const payload = body('Tell me about rivers.', { seed: 7 });
    const a = await chat(app, payload);
    const b = await chat(app, payload);
    expect(b.text).toBe(a.text);
    expect(a.body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{20,}$/);
    expect(String(a.body.created)).toMatch(/^\d{10}$/);
    // A second provider (a fresh process, as far as the mock knows) says the same.
    const again = await chat(mock().app, payload);
    expect(again.text).toBe(a.text);
  });

  it('a streamed answer is byte-identical across runs too', async () => {
    const payload = body('Tell me about rivers.', { stream: true, stream_options: { include_usage: true } });
    const a = await stream(app, payload);
    const b = await stream(app, payload);
    expect(b.raw).toBe(a.raw);
    expect(String(a.chunks[0]!.created)).toMatch(/^\d{10}$/);
  });

  it('different seeds give different prose; the seed is what changes it', async () => {
    const texts = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const { body: r } = await chat(app, body('Tell me about rivers.', { seed }));
      texts.add(r.choices[0]!.message.content!);
    }
    expect(texts.size).toBe(3);
  });

  it('different requests get different ids', async () => {
    const a = await chat(app, body('Output exactly: one'));
    const b = await chat(app, body('Output exactly: two'));
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('created is wall-clock seconds when the clock option says so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { body: r } = await chat(mock({ clock: () => Math.floor(Date.now() / 1000) }).app, body('hi'));
    expect(r.created).toBeGreaterThanOrEqual(now);
    expect(r.created).toBeLessThan(now + 60);
  });
});

describe('instruction grammar', () => {
  const { app } = mock();
  const say = async (text: string): Promise<string | null> =>
    (await chat(app, body(text))).body.choices[0]!.message.content;

  it('"Output exactly: X" answers X', async () => {
    expect(await say('Output exactly: alpha beta gamma delta')).toBe('alpha beta gamma delta');
    expect(await say('Please reply with exactly: "OK"')).toBe('OK');
  });

  it('"Count from 1 to N" answers 1, 2, …, N', async () => {
    expect(await say('Count from 1 to 5.')).toBe('1, 2, 3, 4, 5');
    const twenty = await say('Count from 1 to 20, separated by commas.');
    expect(twenty).toBe(Array.from({ length: 20 }, (_, i) => i + 1).join(', '));
  });

  it('reads the LAST user message, not an earlier one nor the system prompt', async () => {
    const { body: r } = await chat(app, {
      model: 'mock-model',
      messages: [
        { role: 'system', content: 'Output exactly: from-system' },
        { role: 'user', content: 'Output exactly: first' },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: 'Output exactly: second' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('second');
  });

  it('reads text content parts and developer messages as OpenAI defines them', async () => {
    const { body: r } = await chat(app, {
      model: 'mock-model',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Output exactly: from parts' }] },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('from parts');
  });

  it('anything else is English prose: sentences of words, ending with a period', async () => {
    const text = (await say('Tell me about rivers.'))!;
    expect(text.split(' ').length).toBeGreaterThan(10);
    expect(text).toMatch(/^[A-Z][a-z ]+\.( [A-Z][a-z ]+\.)*$/);
  });
});

describe('usage: one token count', () => {
  const { app } = mock();

  it('completion_tokens is the token count of the content; total = prompt + completion; details filled', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Tell me about rivers and bridges.' },
    ];
    const { body: r } = await chat(app, { model: 'mock-model', messages });
    const u = r.usage!;
    const content = r.choices[0]!.message.content!;
    expect(u.completion_tokens).toBe(countTokens(content));
    expect(u.completion_tokens).toBe(tokenize(content).length);
    expect(u.prompt_tokens).toBe(countMessageTokens(messages));
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    expect(u.prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    expect(u.completion_tokens_details).toEqual({
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    });
  });

  it('a longer prompt costs more prompt tokens', async () => {
    const short = (await chat(app, body('Output exactly: x'))).body.usage!;
    const long = (await chat(app, body(`Output exactly: x ${'and more words '.repeat(20)}`))).body.usage!;
    expect(long.prompt_tokens).toBeGreaterThan(short.prompt_tokens + 20);
  });

  it('the same count limits max_tokens and sizes logprobs', async () => {
    const { body: r } = await chat(app, body('Tell me about rivers.', { max_tokens: 7, logprobs: true }));
    const c = r.choices[0]!;
    expect(r.usage!.completion_tokens).toBe(7);
    expect(c.logprobs!.content).toHaveLength(7);
    expect(countTokens(c.message.content!)).toBe(7);
  });
});

describe('instructions outside the user turn', () => {
  const provider = mock();
  const ask = async (messages: unknown[]) => (await chat(provider.app, { model: 'mock-model', messages })).body;

  it('follows a system or developer instruction when the user gives none, as a real model does', async () => {
    for (const role of ['system', 'developer']) {
      const r = await ask([
        { role, content: 'Whatever the user writes, reply with exactly: BANANA' },
        { role: 'user', content: 'Hi!' },
      ]);
      expect(r.choices[0]!.message.content).toBe('BANANA');
    }
  });

  it("lets the user's own instruction win", async () => {
    const r = await ask([
      { role: 'system', content: 'Reply with exactly: BANANA' },
      { role: 'user', content: 'Output exactly: APPLE' },
    ]);
    expect(r.choices[0]!.message.content).toBe('APPLE');
  });
});
