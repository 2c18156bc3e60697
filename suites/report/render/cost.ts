// What a run cost in currency: each model's reported tokens at its own list price
// (spec/prices.yaml), the prompt tokens the relay reported as cached at the cache rates,
// "price unknown" for a model the table does not list. One statement for every format, so
// they cannot disagree. Pure.
import { cacheWriteRule, costOf, priceFor, priceTable, promptSplit } from '../../../spec/prices.js';
import type { ReportTarget } from '../../../spec/generated/types.js';

/** One model's share of the run. */
export interface ModelCost {
  model: string;
  tokens: number;
  /** Undefined when the table has no price for the model. */
  amount: number | undefined;
  confirmed: boolean;
  /** Prompt tokens read from the prompt cache, and written to it (within `tokens`). */
  cacheRead: number;
  cacheWrite: number;
  /** Cache reads priced at the input price: the table states no cached price for the model. */
  cacheReadAtInput: boolean;
  /** Cache writes cost this multiple of the input price (1 where the provider has no rule). */
  cacheWriteMultiplier: number;
}

export interface RunCost {
  amount: number;
  currency: string;
  /** The chat model when it is priced, else the first model priced. */
  model: string;
  /** When the table's prices were read. */
  read: string;
  /** False when some price applied rests on secondary sources only. */
  confirmed: boolean;
  /** Per model (one row, the chat model's, for a report without `usage.byModel`). */
  parts: ModelCost[];
  /** Models whose tokens are not in `amount`: no price known. */
  unpriced: string[];
  /** A report without `usage.byModel`: the other configured models, priced as the chat model. */
  alsoPriced: string[];
  /** Prompt tokens priced as cache reads and as cache writes, over the priced models. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Priced models with cache reads but no cached price in the table: read at the input price. */
  cachedAtInput: string[];
}

type Costed = Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'usage'>;

/**
 * The run's cost, or undefined when the table prices none of its models. Tokens are split by
 * the model each request named (usage.byModel: the Messages, reasoning and vision models apart
 * from the chat model), with the prompt tokens the relay reported as read from or written to
 * the prompt cache priced at those rates; a report written before that split keeps one count,
 * priced as the chat model's with the other models named, every prompt token as uncached
 * input (an upper bound), as are the prompt tokens of rows written before cache counts were.
 */
export function runCost(t: Costed): RunCost | undefined {
  const table = priceTable();
  const split = t.usage.byModel;
  const rows =
    split && split.length > 0
      ? split
      : [{ model: t.model, promptTokens: t.usage.promptTokens, completionTokens: t.usage.completionTokens }];
  const parts = rows.map((r): ModelCost => {
    const price = priceFor(r.model);
    const cache = promptSplit(r);
    return {
      model: r.model,
      tokens: r.promptTokens + r.completionTokens,
      amount: price ? costOf(price, r) : undefined,
      confirmed: price?.confirmed ?? false,
      cacheRead: cache.cacheRead,
      cacheWrite: cache.cacheWrite,
      cacheReadAtInput: price !== undefined && price.cachedInput === undefined,
      cacheWriteMultiplier: (price && cacheWriteRule(price)?.multiplier) ?? 1,
    };
  });
  const priced = parts.filter((p) => p.amount !== undefined);
  if (priced.length === 0) return undefined;
  const alsoPriced = split
    ? []
    : [...new Set([t.reasoningModel, t.visionModel])].filter((m): m is string => m !== undefined && m !== t.model);
  return {
    amount: priced.reduce((n, p) => n + p.amount!, 0),
    currency: table.currency,
    model: (priced.find((p) => p.model === t.model) ?? priced[0]!).model,
    read: table.read,
    confirmed: priced.every((p) => p.confirmed),
    parts,
    unpriced: parts.filter((p) => p.amount === undefined).map((p) => p.model),
    alsoPriced,
    cacheReadTokens: priced.reduce((n, p) => n + p.cacheRead, 0),
    cacheWriteTokens: priced.reduce((n, p) => n + p.cacheWrite, 0),
    cachedAtInput: priced.filter((p) => p.cacheRead > 0 && p.cacheReadAtInput).map((p) => p.model),
  };
}

/** "$0.0012", "$0.42", "$12.30": two significant digits below a dollar, cents above. */
export function formatMoney(amount: number, currency: string): string {
  const sign = currency === 'USD' ? '$' : `${currency} `;
  if (!Number.isFinite(amount) || amount <= 0) return `${sign}0`;
  if (amount >= 1) return `${sign}${amount.toFixed(2)}`;
  // Two significant digits: 0.0012, 0.42 (toFixed, so never an exponent).
  return `${sign}${amount.toFixed(Math.max(2, 1 - Math.floor(Math.log10(amount))))}`;
}

const SECONDARY = ' (secondary sources)';

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * " (2,048 prompt tokens at the cached rate; 1,100 written to the cache at 1.25× input)", or
 * "" when no priced model reported cached tokens. Cache reads of a model without a cached
 * price are named apart, at the input price. Right after the amount, so a clipped cell keeps it.
 */
function cacheClause(c: RunCost): string {
  const priced = c.parts.filter((p) => p.amount !== undefined);
  const atRate = priced.filter((p) => !p.cacheReadAtInput).reduce((n, p) => n + p.cacheRead, 0);
  const atInput = priced.filter((p) => p.cacheReadAtInput).reduce((n, p) => n + p.cacheRead, 0);
  const writes = new Map<number, number>();
  for (const p of priced)
    if (p.cacheWrite > 0) writes.set(p.cacheWriteMultiplier, (writes.get(p.cacheWriteMultiplier) ?? 0) + p.cacheWrite);
  const said = [
    ...(atRate > 0 ? [`${count(atRate)} prompt tokens at the cached rate`] : []),
    ...(atInput > 0
      ? [
          `${count(atInput)} cached prompt tokens at the input price (no cached price known for ${c.cachedAtInput.join(', ')})`,
        ]
      : []),
    ...[...writes].map(
      ([m, n]) => `${count(n)} written to the cache at ${m === 1 ? 'the input price' : `${m}× input`}`,
    ),
  ];
  return said.length > 0 ? ` (${said.join('; ')})` : '';
}

/**
 * "≈ $0.0012 at gpt-4o-mini's list price of 2026-12-07" when one model carries every token;
 * else each model's share: "≈ $0.0040 at each model's list price of 2026-12-07: gpt-4o-mini
 * $0.0012 (8,000 tokens), claude-sonnet-4-5 $0.0028 (700 tokens); price unknown for
 * mock-reasoner (120 tokens, not counted)"; "price unknown for m" when none is priced. Cached
 * prompt tokens follow the amount: "≈ $0.0011 (2,048 prompt tokens at the cached rate) at ...".
 */
export function costStatement(t: Costed): string {
  const c = runCost(t);
  const split = t.usage.byModel ?? [];
  if (!c) return `price unknown for ${split.length > 0 ? split.map((r) => r.model).join(', ') : t.model}`;
  const money = `${formatMoney(c.amount, c.currency)}${cacheClause(c)}`;
  if (c.parts.length === 1) {
    const also = c.alsoPriced.length > 0 ? `; ${c.alsoPriced.join(' and ')} priced alike` : '';
    return `≈ ${money} at ${c.model}'s list price of ${c.read}${c.confirmed ? '' : SECONDARY}${also}`;
  }
  const shares = c.parts
    .filter((p) => p.amount !== undefined)
    .map(
      (p) =>
        `${p.model} ${formatMoney(p.amount!, c.currency)} (${count(p.tokens)} tokens)${p.confirmed ? '' : SECONDARY}`,
    );
  const unknown = c.parts
    .filter((p) => p.amount === undefined)
    .map((p) => `price unknown for ${p.model} (${count(p.tokens)} tokens, not counted)`);
  return [`≈ ${money} at each model's list price of ${c.read}: ${shares.join(', ')}`, ...unknown].join('; ');
}
