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
