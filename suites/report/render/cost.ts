// What a run cost in currency: the target's reported tokens at its chat model's list price
// (spec/prices.yaml). One statement for every format, so they cannot disagree. Pure.
import { costOf, priceFor, priceTable } from '../../../spec/prices.js';
import type { ReportTarget } from '../../../spec/generated/types.js';

export interface RunCost {
  amount: number;
  currency: string;
  /** The model whose price was applied (the chat model). */
  model: string;
  /** When the table's prices were read. */
  read: string;
  /** False when the price rests on secondary sources only. */
  confirmed: boolean;
  /** Other configured models whose tokens are in the count, priced as the chat model. */
  alsoPriced: string[];
}

type Costed = Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'usage'>;

/**
 * The run's cost at the chat model's list price, or undefined when the table has no price for
 * it. The report keeps one token count per target, not per model, so the reasoning and vision
 * models' tokens are priced as the chat model's (and named). Cached tokens are not reported
 * apart, so every prompt token is priced as uncached input: an upper bound.
 */
export function runCost(t: Costed): RunCost | undefined {
  const price = priceFor(t.model);
  if (!price) return undefined;
  const table = priceTable();
  const alsoPriced = [...new Set([t.reasoningModel, t.visionModel])].filter(
    (m): m is string => m !== undefined && m !== t.model,
  );
  return {
    amount: costOf(price, t.usage.promptTokens, t.usage.completionTokens),
    currency: table.currency,
    model: t.model,
    read: table.read,
    confirmed: price.confirmed,
    alsoPriced,
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

/** "≈ $0.0012 at gpt-4o-mini's list price of 2026-12-07", or "price unknown for m". */
export function costStatement(t: Costed): string {
  const c = runCost(t);
  if (!c) return `price unknown for ${t.model}`;
  const unconfirmed = c.confirmed ? '' : ' (secondary sources)';
  const also = c.alsoPriced.length > 0 ? `; ${c.alsoPriced.join(' and ')} priced alike` : '';
  return `≈ ${formatMoney(c.amount, c.currency)} at ${c.model}'s list price of ${c.read}${unconfirmed}${also}`;
}
