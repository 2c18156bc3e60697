import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  IMAGE_PART_TOKENS,
  TOKEN_SOURCE,
  contentText,
  countMessageTokens,
  countTokens,
  tokenize,
  truncateTokens,
} from '../../../mock-server/core/tokens.js';

// Strings mixing the cases the rule distinguishes, plus arbitrary code points and lone surrogates.
const pieces = [
  'a',
  'Z',
  '7',
  'é',
  'e\u0301',
  ' ',
  '  ',
  '\n',
  '\t',
  ',',
  '!',
  '日',
  '本',
  'カ',
  '한',
  '😀',
  '👍🏽',
  '\u200d',
  '\ud800',
  '\udc00',
  'word',
  'tokenizer',
];
const mixed = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(''));
const anyText = fc.oneof(
  mixed,
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
  fc.string({ unit: 'binary-ascii' }),
);

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

describe('tokenize', () => {
  it('is lossless and never splits a surrogate pair', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        const tokens = tokenize(t);
        expect(tokens.join('')).toBe(t);
        expect(tokens.every((x) => x.length > 0)).toBe(true);
        for (let i = 0; i + 1 < tokens.length; i++) {
          const a = tokens[i] as string;
          const b = tokens[i + 1] as string;
          expect(isHigh(a.charCodeAt(a.length - 1)) && isLow(b.charCodeAt(0))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with countTokens', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        expect(countTokens(t)).toBe(tokenize(t).length);
      }),
    );
  });

  it('follows the documented rule on examples', () => {
    expect(tokenize('Hello, world!')).toEqual(['Hell', 'o', ',', ' worl', 'd', '!']);
    expect(tokenize('The cat sat.')).toEqual(['The', ' cat', ' sat', '.']);
    expect(tokenize('tokenizer')).toEqual(['toke', 'nize', 'r']);
    expect(tokenize('a \n\n  b')).toEqual(['a', ' \n\n ', ' b']);
    expect(tokenize('日本語')).toEqual(['日', '本', '語']);
    expect(tokenize('hi 😀!')).toEqual(['hi', ' ', '😀', '!']);
    expect(tokenize('café')).toEqual(['café']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('alpha beta gamma delta')).toEqual(['alph', 'a', ' beta', ' gamm', 'a', ' delt', 'a']);
  });
});

// The rule's definition: the regex alone, on a fresh instance (no shared lastIndex), with
// truncation as "the first max tokens". The ASCII fast path must agree with it exactly.
const tokenizeByRegex = (t: string): string[] => t.match(new RegExp(TOKEN_SOURCE, 'gu')) ?? [];
function truncateByRegex(t: string, max: number): { text: string; truncated: boolean } {
  const tokens = tokenizeByRegex(t);
  const limit = Math.max(0, Math.floor(max));
  return tokens.length > limit
    ? { text: tokens.slice(0, limit).join(''), truncated: true }
    : { text: t, truncated: false };
}

// ASCII where the scanner's decisions happen: runs of spaces/newlines next to words of every
// length around the 4-char cut, digits, punctuation and the other ASCII controls.
const asciiUnits = [
  ' ',
  ' ',
  ' ',
  ' ',
  '\n',
  '\n',
  '\t',
  '\r',
  '\v',
  '\f',
  'a',
  'b',
  'Z',
  'x',
  '7',
  '0',
  '.',
  ',',
  '-',
  '_',
  '"',
  '{',
  '\x00',
  '\x1f',
  '\x7f',
];
const asciiText = fc.string({ unit: fc.constantFrom(...asciiUnits), maxLength: 60 });
// The same with the non-ASCII chars the fallback must catch: letters and marks that continue
// a word (incl. \p{N} digits), spaces JS \s knows (NBSP, U+2028, BOM, ideographic space) and
// ones it does not (NEL, ZWSP), CJK, emoji, lone surrogates.
const nonAscii = [
  'é',
  'ß',
  'Ж',
  '\u0301',
  '٣',
  '²',
  'ª',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u3000',
  '\u1680',
  '\u0085',
  '\u200b',
  '\u00ad',
  '日',
  'カ',
  '한',
  '😀',
  '👍🏽',
  '\ud800',
  '\udc00',
  '—',
];
const sprinkled = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...asciiUnits) },
      { weight: 1, arbitrary: fc.constantFrom(...nonAscii) },
    ),
    { maxLength: 60 },
  )
  .map((a) => a.join(''));
const fullUnicode = fc.string({ unit: 'binary', maxLength: 40 });

describe('ASCII fast path', () => {
  const agrees = (text: fc.Arbitrary<string>) => () => {
    fc.assert(
      fc.property(text, fc.integer({ min: -1, max: 25 }), (t, max) => {
        const expected = tokenizeByRegex(t);
        expect(tokenize(t)).toEqual(expected);
        expect(countTokens(t)).toBe(expected.length);
        expect(truncateTokens(t, max)).toEqual(truncateByRegex(t, max));
      }),
      { numRuns: 2000 },
    );
  };
  it('matches the regex on arbitrary unicode', agrees(fullUnicode));
  it('matches the regex on space-heavy ASCII', agrees(asciiText));
  it('matches the regex on ASCII with non-ASCII letters, spaces, CJK and emoji', agrees(sprinkled));

  it('falls back where a non-ASCII char decides the token', () => {
    for (const t of [
      'café',
      'abc\u0301d',
      ' naïve',
      'a\u00a0b',
      'a \u00a0 b',
      'x  é',
      'x  日',
      'x\n\u2028 y',
      'ab²',
      'a \u0085b',
    ]) {
      expect(tokenize(t)).toEqual(tokenizeByRegex(t));
    }
  });
});

describe('truncateTokens', () => {
  it('keeps the longest prefix within max tokens', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: -2, max: 30 }), (t, max) => {
        const r = truncateTokens(t, max);
        const n = countTokens(t);
        expect(t.startsWith(r.text)).toBe(true);
        expect(countTokens(r.text)).toBeLessThanOrEqual(Math.max(0, max));
        expect(r.truncated).toBe(n > Math.max(0, max));
        if (!r.truncated) expect(r.text).toBe(t);
        else expect(r.text).toBe(tokenize(t).slice(0, Math.max(0, max)).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a probe answer at the limit', () => {
    expect(truncateTokens('alpha beta gamma delta', 3)).toEqual({ text: 'alpha beta', truncated: true });
    expect(truncateTokens('ok', 5)).toEqual({ text: 'ok', truncated: false });
  });
});

describe('countMessageTokens', () => {
  it('adds 3 priming + 4 per message + content, name and tool-call tokens', () => {
    expect(countMessageTokens([])).toBe(3);
    expect(countMessageTokens([{ role: 'user', content: 'Hello' }])).toBe(3 + 4 + 2); // Hell|o
    expect(countMessageTokens([{ role: 'assistant', content: null }])).toBe(7);
    expect(countMessageTokens([{ role: 'user', content: 'Hi', name: 'bob' }])).toBe(3 + 4 + 1 + 1);
    expect(
      countMessageTokens([
        { role: 'system', content: 'Be brief.' }, // Be| brie|f|.
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'https://x' } },
          ],
        },
      ]),
    ).toBe(3 + 4 + 4 + 4 + 1 + IMAGE_PART_TOKENS);
    expect(
      countMessageTokens([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
      ]),
    ).toBe(3 + 4 + countTokens('get_weather') + countTokens('{"city":"Paris"}'));
  });

  it('ignores malformed content instead of throwing', () => {
    expect(
      countMessageTokens([
        { role: 'user', content: 42 },
        { role: 'user', content: [null, 'x', { type: 'weird' }] },
      ]),
    ).toBe(11);
  });

  it('contentText joins text parts', () => {
    expect(contentText([{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }])).toBe('a\nb');
    expect(contentText(null)).toBe('');
  });
});
