import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sampleRegex } from '../../../mock-server/core/regex-sample.js';
import { createRng } from '../../../mock-server/core/rng.js';

const PATTERNS = [
  '^[A-Z]{3}$',
  '^\\d{4}-\\d{2}-\\d{2}$',
  '^(red|green|blue)$',
  '^[a-z0-9_]+$',
  '^\\+?[0-9 ]{7,15}$',
  '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$',
  '^\\p{Lu}\\p{Ll}+$',
  '^[\\w.-]+$',
  'abc',
  '^#[0-9a-fA-F]{6}$',
  '^v\\d+(\\.\\d+){2}$',
  '^(?:ab|cde)*x?$',
  '^[^a-z]{2}\\D\\W\\S$',
  '^\\u0041\\x42\\.$',
  '^(?<word>[a-z]{2,3})-\\1?$',
  '^😀+$',
  '^[\\-\\]a]+$',
];

describe('sampleRegex', () => {
  it('produces matching samples for common pattern shapes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATTERNS), fc.integer({ min: 0, max: 1e9 }), (p, seed) => {
        const s = sampleRegex(p, createRng(seed));
        if (p.includes('\\1'))
          expect(s).toBeNull(); // backreference: unsupported, says so
        else expect(s !== null && new RegExp(p, 'u').test(s), `${p} → ${s}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('hits a requested length when the pattern allows it', () => {
    const cases: [string, number, number][] = [
      ['^[a-z]+$', 1, 40],
      ['^(ab|cde)+$', 2, 30],
      ['^[a-z0-9_]{2,8}$', 2, 8],
      ['^v\\d+(\\.\\d+){2}$', 6, 20],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.nat(), fc.integer({ min: 0, max: 1e9 }), ([p, lo, hi], k, seed) => {
        const want = lo + (k % (hi - lo + 1));
        const s = sampleRegex(p, createRng(seed), want);
        expect(s !== null && new RegExp(p, 'u').test(s)).toBe(true);
        expect([...(s ?? '')].length).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it('returns null for unsupported or invalid syntax instead of throwing', () => {
    for (const p of ['(?=a)b', '(?<!a)b', '(a', 'a\\', '[a-', '*a', '\\p{NoSuchProperty}']) {
      expect(sampleRegex(p, createRng(1))).toBeNull();
    }
  });
});
