import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildLogprobs, utf8Bytes } from '../../../mock-server/core/logprobs.js';
import { createRng } from '../../../mock-server/core/rng.js';
import { tokenize } from '../../../mock-server/core/tokens.js';

describe('buildLogprobs', () => {
  it('keeps OpenAI’s invariants for any tokens and topN', () => {
    const tokens = fc.array(
      fc.oneof(fc.constantFrom(' the', 'The', ',', '日', '😀', ' a', 'a'), fc.string({ minLength: 1, maxLength: 6 })),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(tokens, fc.integer({ min: -3, max: 25 }), fc.integer({ min: 0, max: 1e9 }), (toks, topN, seed) => {
        const lp = buildLogprobs(toks, topN, createRng(seed));
        const n = Math.max(0, Math.min(20, topN));
        expect(lp.refusal).toBeNull();
        const content = lp.content ?? [];
        expect(lp.content).not.toBeNull();
        expect(content.map((c) => c.token)).toEqual(toks);
        for (const c of content) {
          expect(c.logprob).toBeLessThanOrEqual(0);
          expect(c.bytes).toEqual([...Buffer.from(c.token, 'utf8')]);
          expect(c.top_logprobs).toHaveLength(n);
          if (n > 0) expect(c.top_logprobs[0]).toEqual({ token: c.token, logprob: c.logprob, bytes: c.bytes });
          expect(new Set(c.top_logprobs.map((t) => t.token)).size).toBe(n);
          for (let i = 1; i < c.top_logprobs.length; i++) {
            expect(c.top_logprobs[i]!.logprob).toBeLessThan(c.top_logprobs[i - 1]!.logprob);
          }
          for (const t of c.top_logprobs) expect(t.bytes).toEqual(utf8Bytes(t.token));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic per seed', () => {
    const toks = tokenize('Paris is the capital.');
    expect(buildLogprobs(toks, 2, createRng(3))).toEqual(buildLogprobs(toks, 2, createRng(3)));
    expect(buildLogprobs(toks, 2, createRng(3))).not.toEqual(buildLogprobs(toks, 2, createRng(4)));
  });

  it('encodes multi-byte tokens as UTF-8', () => {
    expect(utf8Bytes('é')).toEqual([0xc3, 0xa9]);
    expect(utf8Bytes('😀')).toEqual([0xf0, 0x9f, 0x98, 0x80]);
  });
});
