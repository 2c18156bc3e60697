// Prompt caching: each break's scenario and the exact change it must make, spread into the
// table of its category (cases-metadata.ts, cases-request.ts). Each runs on fresh providers
// (the cache is the mock's state): a long prefix sent twice at once, so whichever arrives
// second reads what the first wrote.
import { expect } from 'vitest';
import { json, MODEL, post, type BreakCases, type Reply } from './harness.js';

/** About 1,300 of the mock's tokens. */
const LONG = Array.from({ length: 260 }, (_, i) => `Rule ${i}: keep answers short.`).join(' ');
const long = (key?: string) =>
  post({
    model: MODEL,
    messages: [
      { role: 'system', content: LONG },
      { role: 'user', content: 'Output exactly: OK' },
    ],
    ...(key ? { prompt_cache_key: key } : {}),
  });
const cached = (r: Reply): number => json(r).usage.prompt_tokens_details.cached_tokens as number;
const withoutUsage = (r: Reply): unknown => ({ ...json(r), usage: null });

export const cacheTokensZeroed: BreakCases = {
  'cache-tokens-zeroed': {
    startup: {},
    scenario: [long('k'), long('k')],
    check(f, b) {
      expect(Math.max(...f.map(cached)), 'faithfully the second one reads the cache').toBeGreaterThanOrEqual(1024);
      expect(b.map(cached)).toEqual([0, 0]);
      expect(b.map(withoutUsage), 'nothing else changes').toEqual(f.map(withoutUsage));
      expect(json(b[0]!).usage.prompt_tokens).toBe(json(f[0]!).usage.prompt_tokens);
    },
    changes: [],
  },
};

export const cacheKeyDropped: BreakCases = {
  'cache-key-dropped': {
    startup: {},
    scenario: [long('a'), long('b')],
    check(f, b) {
      expect(f.map(cached), 'faithfully two keys are two buckets').toEqual([0, 0]);
      expect(Math.max(...b.map(cached)), 'without the keys, one reads what the other wrote').toBeGreaterThanOrEqual(
        1024,
      );
      expect(b.map(withoutUsage)).toEqual(f.map(withoutUsage));
    },
    changes: [],
  },
};
