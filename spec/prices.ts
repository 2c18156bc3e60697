// The price table (spec/prices.yaml): list prices per model id, with source and date. Read
// once, validated against spec/prices.schema.yaml, cached. Pure lookups and arithmetic.
import { assertNoProblems, readValidatedSpecYaml } from './features.js';
import type { ModelPrice, PriceTable } from './generated/types.js';

export const PRICES_FILE = 'prices.yaml';

let cache: PriceTable | undefined;

/** The table, validated (each model listed once). */
export function priceTable(): PriceTable {
  if (!cache) {
    const table = readValidatedSpecYaml<PriceTable>(PRICES_FILE, 'prices');
    const ids = table.prices.map((p) => p.model);
    assertNoProblems(
      PRICES_FILE,
      ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `model '${id}' is listed twice`),
    );
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

/** Cost in the table's currency of `prompt` uncached input and `completion` output tokens at `price`. */
export function costOf(price: ModelPrice, prompt: number, completion: number): number {
  return (prompt * price.input + completion * price.output) / priceTable().per;
}
