import { describe, expect, it } from 'vitest';
import { readReply, type Completion } from '../../../suites/wire/read.js';
import { capOf, constantFinding, outputChars, promptChars } from '../../../suites/probes/usage.js';
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
