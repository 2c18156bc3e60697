// The price table (spec/prices.yaml): valid, dated, every price sourced, and covering the
// models the catalogue runs on: the OpenAI ids the dialects and the README name, and every
// claude-* id the reference profile serves (or stated as unknown here, on purpose).
import { describe, expect, it } from 'vitest';
import { cacheWriteRule, costOf, priceFor, priceTable, ratesOf } from '../../spec/prices.js';
import { loadRelays, referenceRelay } from '../../spec/relays.js';
import { validate } from '../../spec/validators.js';
import { readSpecYaml } from '../../spec/load.js';

/** Named by a dialect, but no trustworthy published price was found (spec/prices.yaml says so). */
const UNKNOWN = new Set(['gpt-5.2', 'o1-preview']);

describe('spec/prices.yaml', () => {
  it('validates, in USD per 1M tokens, read on a stated date', () => {
    expect(validate('prices', readSpecYaml('prices.yaml')).errors).toEqual([]);
    const t = priceTable();
    expect([t.currency, t.per]).toEqual(['USD', 1_000_000]);
    expect(t.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const p of t.prices) {
      expect(p.source, p.model).toMatch(/^https:\/\//);
      expect(p.output, p.model).toBeGreaterThanOrEqual(p.input);
      if (p.cachedInput !== undefined) expect(p.cachedInput, p.model).toBeLessThan(p.input);
      if (!p.confirmed) expect(p.note, `${p.model}: say why it is unconfirmed`).toBeTruthy();
    }
  });

  it("prices the dialects' OpenAI models and the reference profile's claude-* ids", () => {
    const openai = loadRelays()
      .flatMap((r) => r.models.map((m) => m.id))
      .filter((id) => /^(gpt-|o\d)/.test(id));
    const claude = referenceRelay()
      .models.map((m) => m.id)
      .filter((id) => id.startsWith('claude-'));
    expect(claude.length).toBeGreaterThan(0);
    for (const id of [...new Set([...openai, ...claude, 'o3-mini', 'gpt-4.1', 'gpt-5'])])
      expect(priceFor(id) === undefined, id).toBe(UNKNOWN.has(id));
  });

  it("bills Anthropic's cache writes at 1.25× input (the 5-minute cache), OpenAI's at input (no write charge)", () => {
    for (const p of priceTable().prices) {
      const anthropic = p.model.startsWith('claude-');
      expect(cacheWriteRule(p)?.provider, p.model).toBe(anthropic ? 'Anthropic' : undefined);
      expect(ratesOf(p).cacheWrite, p.model).toBeCloseTo(p.input * (anthropic ? 1.25 : 1), 12);
    }
    const sonnet = priceFor('claude-sonnet-4-5-20250929')!;
    // Anthropic's pricing page: Sonnet's 5m cache writes $3.75, cache hits $0.30, on $3 input.
    expect(ratesOf(sonnet)).toMatchObject({ input: 3, cacheRead: 0.3, cacheWrite: 3.75, cacheReadAtInput: false });
    expect(ratesOf(priceFor('gpt-5')!)).toMatchObject({ cacheRead: 1.25, cacheReadAtInput: true });
    for (const r of priceTable().cacheWrites ?? []) expect(r.source, r.provider).toMatch(/^https:\/\//);
  });

  it('prices a dated snapshot or a provider-prefixed id as its alias, and nothing else', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(priceFor('openai/gpt-4o')?.model).toBe('gpt-4o');
    expect(priceFor('claude-sonnet-4-5-20250929')?.model).toBe('claude-sonnet-4-5');
    expect(priceFor('gpt-4o-mini-tts')).toBeUndefined();
    expect(priceFor('mock-model')).toBeUndefined();
    expect(costOf(priceFor('gpt-4o')!, { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(12.5, 10);
  });
});
