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

  it('prices the prompt tokens the relay reported cached at the cache rates, and every format says how many', () => {
    // A chat model whose relay read 2,048 prompt tokens from the cache, and a Messages model
    // that wrote 1,100 and read 1,000 (all within promptTokens).
    const byModel = [
      {
        model: 'gpt-4o-mini',
        promptTokens: 10_000,
        completionTokens: 2_000,
        cacheReadTokens: 2_048,
        cacheWriteTokens: 0,
      },
      {
        model: 'claude-sonnet-4-5',
        promptTokens: 2_345,
        completionTokens: 345,
        cacheReadTokens: 1_000,
        cacheWriteTokens: 1_100,
      },
    ];
    const cached = target('g', {}, { messagesModel: 'claude-sonnet-4-5' });
    cached.usage = { requests: 60, promptTokens: 12_345, completionTokens: 2_345, byModel };
    const mini = ((10_000 - 2_048) * 0.15 + 2_048 * 0.075 + 2_000 * 0.6) / 1e6;
    const claude = (245 * 3 + 1_000 * 0.3 + 1_100 * 3.75 + 345 * 15) / 1e6;
    const c = runCost(cached)!;
    expect(c.amount).toBeCloseTo(mini + claude, 12);
    // Less than the same tokens all priced as uncached input.
    const uncached = (10_000 * 0.15 + 2_000 * 0.6 + 2_345 * 3 + 345 * 15) / 1e6;
    expect(c.amount).toBeLessThan(uncached);
    const clause = '(3,048 prompt tokens at the cached rate; 1,100 written to the cache at 1.25× input)';
    expect(costStatement(cached)).toBe(
      `≈ ${formatMoney(mini + claude, 'USD')} ${clause} at each model's list price of 2026-12-07: ` +
        `gpt-4o-mini ${formatMoney(mini, 'USD')} (12,000 tokens), claude-sonnet-4-5 ${formatMoney(claude, 'USD')} (2,690 tokens) (secondary sources)`,
    );
    const r = report([cached]);
    for (const text of [renderMarkdown(r), renderHtml(r), renderJunit(r), costLine(cached)])
      expect(text).toContain('3,048 prompt tokens at the cached rate');
    const json = buildReport([cached]);
    expect(validate('report', json).errors).toEqual([]);
    expect(json.targets[0]!.usage.cost).toMatchObject({ cacheReadTokens: 3_048, cacheWriteTokens: 1_100 });
    expect(json.targets[0]!.usage.cost?.amount).toBeCloseTo(mini + claude, 12);

    // A model without a cached price: its reads at the input price, and said so.
    const gpt5 = target('h', {}, { model: 'gpt-5' });
    gpt5.usage = {
      requests: 3,
      promptTokens: 2_000,
      completionTokens: 10,
      byModel: [
        { model: 'gpt-5', promptTokens: 2_000, completionTokens: 10, cacheReadTokens: 1_024, cacheWriteTokens: 0 },
      ],
    };
    expect(runCost(gpt5)!.amount).toBeCloseTo((2_000 * 1.25 + 10 * 10) / 1e6, 12);
    expect(costStatement(gpt5)).toContain(
      '(1,024 cached prompt tokens at the input price (no cached price known for gpt-5))',
    );
    expect(buildReport([gpt5]).targets[0]!.usage.cost).toMatchObject({
      cacheReadTokens: 1_024,
      cachedAtInput: ['gpt-5'],
    });

    // A report written before cached tokens were counted: still valid, priced as uncached, no clause.
    const old = target('i');
    old.usage = {
      requests: 10,
      promptTokens: 12_345,
      completionTokens: 2_345,
      byModel: [{ model: 'gpt-4o-mini', promptTokens: 12_345, completionTokens: 2_345 }],
    };
    const oldJson = buildReport([old]);
    expect(validate('report', oldJson).errors).toEqual([]);
    expect(oldJson.targets[0]!.usage.cost?.amount).toBeCloseTo(EXPECTED, 12);
    expect(oldJson.targets[0]!.usage.cost).not.toHaveProperty('cacheReadTokens');
    expect(costStatement(old)).toBe(`≈ $0.0033 at gpt-4o-mini's list price of 2026-12-07`);
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
