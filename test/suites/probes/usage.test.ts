import { describe, expect, it } from 'vitest';
import { readReply, type Completion } from '../../../suites/wire/read.js';
import { capOf, constantFinding, judgeTokenizer, outputChars, promptChars } from '../../../suites/probes/usage.js';
import { TOKENIZER_PASSAGE } from '../../../suites/wire/requests.js';
import { chatPromptTokens } from '../../../spec/tokenizer.js';
import { ok } from '../helpers.js';

const completionOf = (content: string): Completion => {
  const r = readReply(ok({ content }), { stream: false });
  if (r.kind !== 'ok') throw new Error('not a completion');
  return r.completion;
};
const body = (text: string) => ({ messages: [{ role: 'user', content: text }], max_tokens: 20 });
const counts = { prompt: 10, completion: 20, total: 30 };

describe('usage plausibility helpers', () => {
  it('identical counts are flagged only for prompts of clearly different length', () => {
    const short = { what: 'a', body: body('Output exactly: hi'), completion: completionOf('hi') };
    const alike = { what: 'b', body: body('Output exactly: ho'), completion: completionOf('ho') };
    const long = { what: 'c', body: body('word '.repeat(40)), completion: completionOf('ok') };
    expect(constantFinding(short, counts, alike, counts)).toBeUndefined();
    expect(constantFinding(short, counts, long, counts)?.verdict).toBe('broken');
    expect(constantFinding(short, counts, long, { ...counts, prompt: 60, total: 80 })).toBeUndefined();
  });
  it('prompt size counts the tool definitions; output size counts content; the cap is the smaller one', () => {
    expect(promptChars({ ...body('x'), tools: [{ type: 'function', function: { name: 'f' } }] })).toBeGreaterThan(
      promptChars(body('x')) + 20,
    );
    expect(outputChars(completionOf('alpha beta'))).toBe(10);
    expect(capOf({ max_tokens: 40, max_completion_tokens: 25 })).toBe(25);
    expect(capOf({})).toBeUndefined();
  });
});

describe('usage.tokenizer: prompt_tokens against the model family', () => {
  const short = [{ role: 'user', content: 'Output exactly: alpha beta gamma delta' }];
  const long = [
    { role: 'system', content: TOKENIZER_PASSAGE },
    { role: 'user', name: 'relaycheck', content: 'Output exactly: OK' },
  ];
  const o = (m: typeof short) => chatPromptTokens('o200k_base', m);
  const cl = (m: typeof short) => chatPromptTokens('cl100k_base', m);
  const samples = (a: number, b: number) => [
    { what: 'the short', messages: short, billed: a },
    { what: 'the long', messages: long, billed: b },
  ];

  it('the long prompt tells the two families apart', () => {
    expect(cl(long) - o(long)).toBeGreaterThan(50);
  });
  it('equal counts are supported, with both numbers', () => {
    const v = judgeTokenizer('gpt-4o-mini', 'o200k_base', samples(o(short), o(long)));
    expect(v.verdict).toBe('supported');
    expect(v.summary).toContain(`${o(short)} and ${o(long)}`);
  });
  it('a constant difference of a token or two is framing: supported with a warning; more is billed above', () => {
    const v = judgeTokenizer('gpt-5', 'o200k_base', samples(o(short) - 1, o(long) - 1));
    expect(v.verdict).toBe('supported');
    expect(v.warnings.join()).toMatch(/framing/);
    const w = judgeTokenizer('gpt-5', 'o200k_base', samples(o(short) + 9, o(long) + 9));
    expect(w.verdict).toBe('partial');
    expect(w.summary).toMatch(/billed above the tokenizer's count.*constant 9 tokens/);
  });
  it('a consistent ratio above the count is named: billed above the tokenizer', () => {
    const v = judgeTokenizer(
      'gpt-4o-mini',
      'o200k_base',
      samples(Math.round(o(short) * 1.25), Math.round(o(long) * 1.25)),
    );
    expect(v.verdict).toBe('partial');
    expect(v.summary).toMatch(/^billed above the tokenizer's count: .*×1\.25/);
    expect(v.summary).toContain(`where o200k_base counts ${o(short)} and ${o(long)}`);
  });
  it("the other family's count is named: another model served under the name", () => {
    const v = judgeTokenizer('gpt-4o', 'o200k_base', samples(cl(short), cl(long)));
    expect(v.verdict).toBe('partial');
    expect(v.summary).toMatch(/^another model served under the name: .*match cl100k_base/);
    const w = judgeTokenizer('gpt-4', 'cl100k_base', samples(o(short), o(long)));
    expect(w.summary).toMatch(/match o200k_base .*not the cl100k_base that gpt-4 uses/);
  });
  it('any other mismatch is partial with both numbers, unnamed; one sample is judged alone', () => {
    const v = judgeTokenizer('gpt-4o-mini', 'o200k_base', samples(o(short) + 20, o(long) - 30));
    expect(v.verdict).toBe('partial');
    expect(v.summary).toContain(`prompt_tokens ${o(short) + 20} and ${o(long) - 30}`);
    expect(v.summary).not.toMatch(/billed above|another model/);
    const single = judgeTokenizer('gpt-4o-mini', 'o200k_base', [{ what: 'x', messages: short, billed: 99 }]);
    expect(single.verdict).toBe('partial');
  });
});
