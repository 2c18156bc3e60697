// max_tokens / max_completion_tokens, stop sequences and n, streamed and not.
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../mock-server/core/tokens.js';
import { assemble, body, chat, expectError, mock, post, stream } from './helpers.js';

const PROSE = 'Tell me a long story about rivers.';

describe('token limits', () => {
  const { app } = mock();

  it('max_tokens cuts the same text at exactly that many tokens, finish "length"', async () => {
    const full = (await chat(app, body(PROSE))).body;
    const fullText = full.choices[0]!.message.content!;
    expect(full.choices[0]!.finish_reason).toBe('stop');
    expect(countTokens(fullText)).toBeGreaterThan(10);

    const cut = (await chat(app, body(PROSE, { max_tokens: 5 }))).body;
    const text = cut.choices[0]!.message.content!;
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(5);
    expect(countTokens(text)).toBe(5);
    expect(fullText.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(fullText.length);
  });

  it('max_completion_tokens limits the same way', async () => {
    const { body: r } = await chat(app, body(PROSE, { max_completion_tokens: 4 }));
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage!.completion_tokens).toBe(4);
  });

  it('with both, max_tokens wins (smaller or larger)', async () => {
    const a = (await chat(app, body(PROSE, { max_tokens: 3, max_completion_tokens: 9 }))).body;
    expect(a.usage!.completion_tokens).toBe(3);
    const b = (await chat(app, body(PROSE, { max_tokens: 9, max_completion_tokens: 3 }))).body;
    expect(b.usage!.completion_tokens).toBe(9);
  });

  it('a limit above the answer changes nothing: finish "stop"', async () => {
    const { body: r } = await chat(app, body('Output exactly: one two three', { max_tokens: 50 }));
    expect(r.choices[0]!.message.content).toBe('one two three');
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  it('an answer of exactly max_tokens tokens is complete, not cut', async () => {
    const { body: r } = await chat(
      app,
      body('Output exactly: one two three', { max_tokens: countTokens('one two three') }),
    );
    expect(r.choices[0]!.message.content).toBe('one two three');
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  it('streaming cuts at the same place: one content chunk per token, finish "length"', async () => {
    const plain = (await chat(app, body(PROSE, { max_tokens: 6 }))).body;
    const s = await stream(app, body(PROSE, { max_tokens: 6, stream: true, stream_options: { include_usage: true } }));
    const { choices, usage } = assemble(s.chunks);
    expect(choices).toHaveLength(1);
    expect(choices[0]!.content).toBe(plain.choices[0]!.message.content);
    expect(choices[0]!.contentChunks).toBe(6);
    expect(choices[0]!.finishReason).toBe('length');
    expect(usage).toEqual(plain.usage);
  });

  it('max_tokens below 1 is a 400 naming the field', async () => {
    expectError(await post(app, body(PROSE, { max_tokens: 0 })), 400, {
      type: 'invalid_request_error',
      param: 'max_tokens',
    });
  });
});

describe('stop sequences', () => {
  const { app } = mock();
  const text = 'Output exactly: alpha beta gamma delta';

  it('a string: output ends before it, the sequence is not included, finish "stop"', async () => {
    const { body: r } = await chat(app, body(text, { stop: ' gamma' }));
    expect(r.choices[0]!.message.content).toBe('alpha beta');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.completion_tokens).toBe(countTokens('alpha beta'));
  });

  it('a list: the earliest match in the text wins, whatever its place in the list', async () => {
    const { body: r } = await chat(app, body(text, { stop: ['delta', 'beta', 'zzz'] }));
    expect(r.choices[0]!.message.content).toBe('alpha ');
  });

  it('usage and logprobs follow the cut content', async () => {
    const { body: r } = await chat(app, body(text, { stop: 'gamma', logprobs: true }));
    const c = r.choices[0]!;
    expect(c.message.content).toBe('alpha beta ');
    expect(c.logprobs!.content!.map((t) => t.token).join('')).toBe('alpha beta ');
    expect(r.usage!.completion_tokens).toBe(countTokens('alpha beta '));
  });

  it('a sequence that never occurs changes nothing', async () => {
    const { body: r } = await chat(app, body(text, { stop: ['omega'] }));
    expect(r.choices[0]!.message.content).toBe('alpha beta gamma delta');
  });

  it('cuts prose too', async () => {
    const full = (await chat(app, body(PROSE))).body.choices[0]!.message.content!;
    const firstSentenceEnd = full.indexOf('.');
    expect(firstSentenceEnd).toBeGreaterThan(0);
    const { body: r } = await chat(app, body(PROSE, { stop: '.' }));
    expect(r.choices[0]!.message.content).toBe(full.slice(0, firstSentenceEnd));
  });

  it('more than 4 sequences is a 400 with param "stop"', async () => {
    expectError(await post(app, body(text, { stop: ['a', 'b', 'c', 'd', 'e'] })), 400, {
      type: 'invalid_request_error',
      param: 'stop',
    });
    await chat(app, body(text, { stop: ['a', 'b', 'c', 'd'] }));
  });

  it('streaming stops at the same place; the sequence never shows up in a delta', async () => {
    const s = await stream(app, body(text, { stop: ['gamma'], stream: true }));
    const { choices } = assemble(s.chunks);
    expect(choices[0]!.content).toBe('alpha beta ');
    expect(choices[0]!.finishReason).toBe('stop');
    expect(s.raw).not.toContain('gamma');
  });
});

describe('n choices', () => {
  const { app } = mock();

  it('n choices with indexes 0..n-1, each answering; usage counts them all', async () => {
    const { body: r } = await chat(app, body(PROSE, { n: 3 }));
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    const texts = r.choices.map((c) => c.message.content!);
    expect(new Set(texts).size).toBe(3); // independent samples of prose
    const sum = texts.reduce((n, t) => n + countTokens(t), 0);
    expect(r.usage!.completion_tokens).toBe(sum);
  });

  it('n with an instruction: every choice follows it', async () => {
    const { body: r } = await chat(app, body('Output exactly: same', { n: 2 }));
    expect(r.choices.map((c) => c.message.content)).toEqual(['same', 'same']);
  });

  it('streamed: deltas interleaved by index, each choice with one role delta and one finish chunk', async () => {
    const plain = (await chat(app, body(PROSE, { n: 3 }))).body;
    const s = await stream(app, body(PROSE, { n: 3, stream: true }));
    for (const c of s.chunks) expect(c.choices).toHaveLength(1);
    const { choices } = assemble(s.chunks);
    expect(choices.map((c) => c.index)).toEqual([0, 1, 2]);
    for (const c of choices) {
      expect(c.roleChunks).toBe(1);
      expect(c.finishChunks).toBe(1);
      expect(c.content).toBe(plain.choices[c.index]!.message.content);
      expect(c.finishReason).toBe(plain.choices[c.index]!.finish_reason);
    }
    // Interleaved: the first three chunks are the three role deltas, and choice 1 and 2
    // advance before choice 0 has finished.
    expect(s.chunks.slice(0, 3).map((c) => c.choices[0]!.index)).toEqual([0, 1, 2]);
    const lastOf0 = Math.max(...choices[0]!.contentAt);
    expect(choices[1]!.contentAt[0]).toBeLessThan(lastOf0);
    expect(choices[2]!.contentAt[0]).toBeLessThan(lastOf0);
  });

  it('n above the limit is a 400 with param "n"', async () => {
    expectError(await post(mock({ limits: { maxN: 2 } }).app, body(PROSE, { n: 3 })), 400, {
      type: 'invalid_request_error',
      param: 'n',
    });
    expectError(await post(app, body(PROSE, { n: 0 })), 400, { param: 'n' });
  });
});
