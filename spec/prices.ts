// The price table (spec/prices.yaml): list prices per model id, with source and date. Read
// once, validated against spec/prices.schema.yaml, cached. Pure lookups and arithmetic.
import { assertNoProblems, readValidatedSpecYaml } from './features.js';
import type { CacheWriteRule, ModelPrice, PriceTable } from './generated/types.js';

export const PRICES_FILE = 'prices.yaml';

let cache: PriceTable | undefined;

/** The table, validated (each model listed once). */
export function priceTable(): PriceTable {
  if (!cache) {
    const table = readValidatedSpecYaml<PriceTable>(PRICES_FILE, 'prices');
    const ids = table.prices.map((p) => p.model);
    const badPatterns = (table.cacheWrites ?? []).filter((r) => {
      try {
        new RegExp(r.models);
        return false;
      } catch {
        return true;
      }
    });
    assertNoProblems(PRICES_FILE, [
      ...ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `model '${id}' is listed twice`),
      ...badPatterns.map((r) => `cacheWrites: '${r.models}' (${r.provider}) is not a regular expression`),
    ]);
    cache = table;
  }
  return cache;
}

/**
 * The list price of `model`: its own row, else the row of its alias when it is a dated
 * snapshot (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-5-20250929`) or has an `openai/`-style
 * provider prefix. Undefined when the table does not know it.
 */
export function priceFor(model: string): ModelPrice | undefined {
  const rows = priceTable().prices;
  const bare = model.replace(/^[a-z0-9-]+\//i, '');
  const alias = bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  for (const id of [model, bare, alias]) {
    const row = rows.find((p) => p.model === id);
    if (row) return row;
  }
  return undefined;
}

/** A model's tokens as a report tallies them (usage.byModel): the cache parts are within promptTokens. */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from the prompt cache (absent in reports written before they were counted). */
  cacheReadTokens?: number;
  /** Prompt tokens written to the prompt cache (Anthropic's cache_creation_input_tokens). */
  cacheWriteTokens?: number;
}

/** The provider's rule for cache writes of the model `price` is for, if the table has one. */
export function cacheWriteRule(price: ModelPrice): CacheWriteRule | undefined {
  return (priceTable().cacheWrites ?? []).find((r) => new RegExp(r.models).test(price.model));
}

/** What each kind of token costs per `per` tokens, and where a rate fell back on `input`. */
export interface Rates {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** The table states no cached-input price for the model: cache reads at `input`. */
  cacheReadAtInput: boolean;
}

export function ratesOf(price: ModelPrice): Rates {
  const rule = cacheWriteRule(price);
  return {
    input: price.input,
    cacheRead: price.cachedInput ?? price.input,
    cacheWrite: price.input * (rule?.multiplier ?? 1),
    output: price.output,
    cacheReadAtInput: price.cachedInput === undefined,
  };
}

/**
 * The prompt split into what is billed apart: cache reads, cache writes, the rest uncached.
 * Counts are cut so no part is negative and the parts sum to the prompt, whatever a report
 * file or a relay said (cached above the prompt).
 */
export function promptSplit(t: TokenCounts): { uncached: number; cacheRead: number; cacheWrite: number } {
  const prompt = Math.max(0, t.promptTokens);
  const cacheRead = Math.min(prompt, Math.max(0, t.cacheReadTokens ?? 0));
  const cacheWrite = Math.min(prompt - cacheRead, Math.max(0, t.cacheWriteTokens ?? 0));
  return { uncached: prompt - cacheRead - cacheWrite, cacheRead, cacheWrite };
}

/**
 * Cost in the table's currency of a model's tokens at `price`: uncached input at `input`,
 * cache reads at `cachedInput` (else `input`), cache writes at the provider's rule (else
 * `input`), output at `output`.
 */
export function costOf(price: ModelPrice, t: TokenCounts): number {
  const r = ratesOf(price);
  const p = promptSplit(t);
  return (
    (p.uncached * r.input +
      p.cacheRead * r.cacheRead +
      p.cacheWrite * r.cacheWrite +
      Math.max(0, t.completionTokens) * r.output) /
    priceTable().per
  );
}
