import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  REASONING_TOKENS,
  WORDS,
  generateProse,
  generateReasoning,
  generateSentence,
} from '../../../mock-server/core/prose.js';
import { createRng } from '../../../mock-server/core/rng.js';
import { countTokens } from '../../../mock-server/core/tokens.js';

const seed = fc.integer({ min: 0, max: 0xffffffff });

describe('generateSentence', () => {
  it('has 6–14 vocabulary words, a capital first letter and a final period', () => {
    const vocab = new Set([...WORDS, 'an', 'and']);
    fc.assert(
      fc.property(seed, (s) => {
        const sentence = generateSentence(createRng(s));
        expect(sentence).toMatch(/^[A-Z][a-z ]*\.$/);
        const words = sentence.slice(0, -1).toLowerCase().split(' ');
        expect(words.length).toBeGreaterThanOrEqual(6);
        expect(words.length).toBeLessThanOrEqual(14);
        for (const w of words) expect(vocab.has(w)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('generateProse', () => {
  it('reaches the target with whole sentences, overshooting by less than one sentence', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 200 }), (s, target) => {
        const text = generateProse(createRng(s), target);
        const n = countTokens(text);
        expect(n).toBeGreaterThanOrEqual(Math.max(target, 1));
        expect(text.endsWith('.')).toBe(true);
        const sentences = text.split(/(?<=\.) /);
        const last = sentences.at(-1) ?? '';
        // Without its last sentence the text was still short of the target (else it would stop).
        if (sentences.length > 1)
          expect(countTokens(text.slice(0, text.length - last.length - 1))).toBeLessThan(target);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(generateProse(createRng(1), 50)).toBe(generateProse(createRng(1), 50));
    const texts = new Set([1, 2, 3, 4, 5].map((s) => generateProse(createRng(s), 50)));
    expect(texts.size).toBe(5);
  });

  it('has a vocabulary of about 150 distinct words', () => {
    expect(new Set(WORDS).size).toBeGreaterThanOrEqual(140);
  });
});

describe('generateReasoning', () => {
  it('grows with effort and defaults to medium', () => {
    for (const s of [1, 2, 3]) {
      const low = countTokens(generateReasoning(createRng(s), 'low'));
      const medium = countTokens(generateReasoning(createRng(s), 'medium'));
      const high = countTokens(generateReasoning(createRng(s), 'high'));
      expect(low).toBeGreaterThanOrEqual(REASONING_TOKENS.low);
      expect(low).toBeLessThan(medium);
      expect(medium).toBeLessThan(high);
      expect(high).toBeLessThan(REASONING_TOKENS.high + 40);
      expect(generateReasoning(createRng(s), undefined)).toBe(generateReasoning(createRng(s), 'medium'));
    }
  });

  it('is deterministic per seed', () => {
    expect(generateReasoning(createRng(9), 'high')).toBe(generateReasoning(createRng(9), 'high'));
    expect(generateReasoning(createRng(9), 'high')).not.toBe(generateReasoning(createRng(10), 'high'));
  });
});
