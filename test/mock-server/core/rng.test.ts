import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, hashString, seedFrom, stableId } from '../../../mock-server/core/rng.js';

describe('hashString', () => {
  it('is a deterministic unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const h = hashString(s);
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
        expect(hashString(s)).toBe(h);
      }),
    );
  });

  it('separates near-identical inputs', () => {
    const hashes = new Set(['a', 'b', 'ab', 'ba', 'request-1', 'request-2', ''].map(hashString));
    expect(hashes.size).toBe(7);
    expect(seedFrom('ab', 'c')).not.toBe(seedFrom('a', 'bc'));
  });

  it('is cheap on a large body', () => {
    const big = 'x'.repeat(1_000_000);
    const t0 = performance.now();
    hashString(big);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('createRng', () => {
  it('replays the same sequence for the same seed and another for another seed', () => {
    const seq = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 20 }, () => r.next());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
  });

  it('next() stays in [0, 1) and int() in its inclusive bounds, reaching both ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 10 }),
        (seed, lo, span) => {
          const r = createRng(seed);
          for (let i = 0; i < 50; i++) {
            const x = r.next();
            expect(x >= 0 && x < 1).toBe(true);
            const n = r.int(lo, lo + span);
            expect(Number.isInteger(n) && n >= lo && n <= lo + span).toBe(true);
          }
        },
      ),
    );
    const r = createRng(1);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('pick() returns members and refuses an empty array', () => {
    const r = createRng(5);
    const arr = ['a', 'b', 'c'] as const;
    for (let i = 0; i < 30; i++) expect(arr).toContain(r.pick(arr));
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe('stableId', () => {
  it('has the prefix and base62 body of the requested length, stable per input', () => {
    const id = stableId('chatcmpl-', '{"model":"gpt-4o"}', 29);
    expect(id).toMatch(/^chatcmpl-[0-9A-Za-z]{29}$/);
    expect(stableId('chatcmpl-', '{"model":"gpt-4o"}', 29)).toBe(id);
    expect(stableId('chatcmpl-', '{"model":"gpt-4o-mini"}', 29)).not.toBe(id);
    expect(stableId('call_', 'x', 24)).toMatch(/^call_[0-9A-Za-z]{24}$/);
  });
});
