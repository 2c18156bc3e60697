// A run's cost in currency (spec/prices.yaml × the target's tokens), stated the same way in
// every format: the text summary, report.json, Markdown, HTML and JUnit; "price unknown" when
// the table has no price for the model.
import { describe, expect, it } from 'vitest';
import { priceFor } from '../../../../spec/prices.js';
import { validate } from '../../../../spec/validators.js';
import { costStatement, formatMoney, runCost } from '../../../../suites/report/render/cost.js';
import { renderHtml, renderJunit, renderMarkdown } from '../../../../suites/report/render/index.js';
import { buildReport, costLine } from '../../../../suites/report/report-file.js';
import { report, target } from '../fixtures.js';

// 12,345 prompt + 2,345 completion tokens at gpt-4o-mini's $0.15 / $0.60 per 1M tokens.
const EXPECTED = (12_345 * 0.15 + 2_345 * 0.6) / 1e6;

describe('the cost of a run', () => {
  const known = target('a');
  const unknown = target('b', {}, { model: 'mock-model' });

  it("is the tokens at the chat model's list price, dated", () => {
    const price = priceFor('gpt-4o-mini')!;
    expect([price.input, price.output]).toEqual([0.15, 0.6]);
    expect(runCost(known)?.amount).toBeCloseTo(EXPECTED, 12);
    expect(costStatement(known)).toBe(`≈ $0.0033 at gpt-4o-mini's list price of 2026-12-07`);
    expect(costStatement(unknown)).toBe('price unknown for mock-model');
    expect(runCost(unknown)).toBeUndefined();
  });

  it('names the other models whose tokens are priced alike, and secondary sources', () => {
    const mixed = target('c', {}, { model: 'gpt-5', reasoningModel: 'o3-mini', visionModel: 'gpt-5' });
    expect(costStatement(mixed)).toMatch(
      /at gpt-5's list price of 2026-12-07 \(secondary sources\); o3-mini priced alike$/,
    );
  });

  it("prices each model's tokens at its own price, and says which price is unknown", () => {
    // The chat model, the Messages model and a reasoning model the table does not list.
    const byModel = [
      { model: 'gpt-4o-mini', promptTokens: 10_000, completionTokens: 2_000 },
      { model: 'claude-sonnet-4-5', promptTokens: 2_345, completionTokens: 345 },
      { model: 'mock-reasoner', promptTokens: 100, completionTokens: 20 },
    ];
    const split = target('d', {}, { reasoningModel: 'mock-reasoner', messagesModel: 'claude-sonnet-4-5' });
    split.usage = { requests: 57, promptTokens: 12_445, completionTokens: 2_365, byModel };
    const mini = (10_000 * 0.15 + 2_000 * 0.6) / 1e6;
    const claude = (2_345 * 3 + 345 * 15) / 1e6;
    const c = runCost(split)!;
    expect(c.amount).toBeCloseTo(mini + claude, 12);
    expect([c.model, c.unpriced, c.confirmed]).toEqual(['gpt-4o-mini', ['mock-reasoner'], false]);
    expect(costStatement(split)).toBe(
      "≈ $0.015 at each model's list price of 2026-12-07: gpt-4o-mini $0.0027 (12,000 tokens), " +
        'claude-sonnet-4-5 $0.012 (2,690 tokens) (secondary sources); price unknown for mock-reasoner (120 tokens, not counted)',
    );
    const json = buildReport([split]);
    expect(validate('report', json).errors).toEqual([]);
    expect(json.targets[0]!.usage.cost).toMatchObject({ model: 'gpt-4o-mini', unpriced: ['mock-reasoner'] });
    // One model carrying every token: the short statement.
    const alone = target('e');
    alone.usage = {
      ...alone.usage,
      byModel: [{ model: 'gpt-4o-mini', promptTokens: 12_345, completionTokens: 2_345 }],
    };
    expect(costStatement(alone)).toBe(`≈ $0.0033 at gpt-4o-mini's list price of 2026-12-07`);
    // None priced.
    const none = target('f', {}, { model: 'mock-model' });
    none.usage = { ...none.usage, byModel: [{ model: 'mock-model', promptTokens: 5, completionTokens: 1 }] };
    expect(costStatement(none)).toBe('price unknown for mock-model');
  });

  it('spells money with two significant digits below a dollar', () => {
    expect(formatMoney(0.00325875, 'USD')).toBe('$0.0033');
    expect(formatMoney(0.42, 'USD')).toBe('$0.42');
    expect(formatMoney(0.000000104, 'USD')).toBe('$0.00000010');
    expect(formatMoney(12.3, 'USD')).toBe('$12.30');
    expect(formatMoney(0, 'USD')).toBe('$0');
  });

  it('is stated in every format', () => {
    const r = report([known, unknown]);
    for (const text of [renderMarkdown(r), renderHtml(r), renderJunit(r), costLine(known) + costLine(unknown)]) {
      expect(text).toContain('$0.0033');
      expect(text).toMatch(/price unknown for mock-model/);
    }
    const json = buildReport([known, unknown]);
    expect(validate('report', json).errors).toEqual([]);
    expect(json.targets[0]!.usage.cost).toEqual({
      amount: EXPECTED,
      currency: 'USD',
      model: 'gpt-4o-mini',
      priceRead: '2026-12-07',
      confirmed: true,
    });
    expect(json.targets[1]!.usage.cost).toBeUndefined();
  });
});
