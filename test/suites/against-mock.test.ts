// The suite against the mock provider (one file, so the mock and spec/ load once):
// - the faithful mock: every feature supported, within budget, a valid report without the key;
// - the mock proves every probe can fail: with one break of spec/breaks.yaml on (per request,
//   x-mock-break), the suite gives exactly that break's `flips` and `supported` elsewhere;
// - each relay dialect of spec/relays/ gets the verdicts it expects.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, priceFor, priceTable, type TokenCounts } from '../../spec/prices.js';
import { featureIds, features } from '../../spec/features.js';
import { BREAK_HEADER, createMockProvider, type MockProvider } from '../../mock-server/index.js';
import { breaks } from '../../spec/breaks.js';
import type { ReportTarget } from '../../spec/generated/types.js';
import { loadRelays } from '../../spec/relays.js';
import { runAgainstMock } from '../../suites/against-mock.js';
import { validate } from '../../spec/validators.js';
import { buildReport, costLine, renderTable } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import { KEY, target } from './helpers.js';

/**
 * To stay fast, a break runs the features its category can reach, not the whole catalogue:
 * every feature a break of that category flips (spec/breaks.yaml), with the rest of their
 * groups (spec/features.yaml), derived so that no list here needs a new feature or break.
 * Request-handling breaks are diverse and run everything (`undefined`).
 */
function scopeOf(category: string): readonly string[] | undefined {
  if (category === 'request') return undefined;
  const flipped = new Set(
    breaks()
      .filter((b) => b.category === category)
      .flatMap((b) => Object.keys(b.flips)),
  );
  const groups = new Set(
    features()
      .filter((f) => flipped.has(f.id))
      .map((f) => f.group),
  );
  return features()
    .filter((f) => flipped.has(f.id) || groups.has(f.group))
    .map((f) => f.id);
}

function differences(results: ReportTarget['results'], want: Record<string, string | undefined>): string[] {
  return results
    .filter((r) => r.verdict !== want[r.feature])
    .map((r) => `${r.feature}: got ${r.verdict}, want ${want[r.feature]} (${r.summary})`);
}

/**
 * The README's budget sentence: requests, tokens, dollars, the price it used (input, cached
 * input, output, read), and the prompt tokens billed at the cached rate.
 */
const BUDGET =
  /costs about (\d+) requests and ([\d,]+) tokens per model \(measured on the reference mock with gpt-4o-mini: ≈ \$([\d.]+) at its list price of \$([\d.]+) input, \$([\d.]+) cached input and \$([\d.]+) output per 1M tokens, read (\d{4}-\d{2}-\d{2}), with ([\d,]+) prompt tokens at the cached rate/;

/** A run's tokens summed over its models, cache parts included (rows of old reports have none). */
function totals(t: ReportTarget): Required<TokenCounts> {
  const rows = t.usage.byModel ?? [];
  const sum = (k: keyof Required<TokenCounts>): number => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
  return {
    promptTokens: sum('promptTokens'),
    completionTokens: sum('completionTokens'),
    cacheReadTokens: sum('cacheReadTokens'),
    cacheWriteTokens: sum('cacheWriteTokens'),
  };
}

/** The chat model is an OpenAI id, so usage.tokenizer is judged too (the mock counts it with its real tokenizer). */
const MODELS = { model: 'gpt-4o-mini', reasoning: 'mock-reasoner', vision: 'mock-model' };
/**
 * The Messages group runs apart, on a Claude id the reference profile serves there: its cost
 * is priced at that model's rate, not gpt-4o-mini's (in the main run it falls back on
 * gpt-4o-mini, which /messages does not serve: skipped, one request).
 */
const MESSAGES_MODEL = 'claude-sonnet-4-5';
const MESSAGES_GROUP = features()
  .filter((f) => f.group === 'messages')
  .map((f) => f.id);

let mock: MockProvider;
let baseUrl: string;
let faithful: ReportTarget;
let messages: ReportTarget;

beforeAll(async () => {
  mock = createMockProvider({ apiKeys: [KEY], journalSize: 0 });
  baseUrl = (await mock.start({ port: 0 })).baseUrl;
  faithful = (await runTarget(target(baseUrl, { models: MODELS }))).report;
  messages = (
    await runTarget(target(baseUrl, { models: { ...MODELS, messages: MESSAGES_MODEL } }), { only: MESSAGES_GROUP })
  ).report;
});
afterAll(async () => {
  await mock.stop();
});

describe('the suite against the faithful mock', () => {
  it('says supported for every feature (but the known mock gaps)', () => {
    const group = new Set(MESSAGES_GROUP);
    const want = Object.fromEntries(
      faithful.results.map((r) => [r.feature, group.has(r.feature) ? 'skipped' : 'supported']),
    );
    expect(differences(faithful.results, want)).toEqual([]);
    expect(faithful.results).toHaveLength(featureIds().length);
    // Anthropic's Messages on a model served there: every feature supported.
    const served = Object.fromEntries(messages.results.map((r) => [r.feature, 'supported']));
    expect(differences(messages.results, served)).toEqual([]);
    expect(messages.results.map((r) => r.feature)).toEqual(MESSAGES_GROUP);
  });
  // usage.cache's three ~1,150-token prompts (1,460 with the mock's count) are most of it.
  // One request is the Messages group's basic one, refused for gpt-4o-mini ("not served").
  // responses.retrieve's GET, DELETE, GET: 3 requests without tokens.
  it('stays within budget: ≤ 67 requests and ≤ 9,500 tokens for the whole catalogue', () => {
    expect(faithful.usage.requests).toBeLessThanOrEqual(67);
    expect(faithful.usage.promptTokens + faithful.usage.completionTokens).toBeLessThanOrEqual(9500);
    expect(faithful.usage.completionTokens).toBeGreaterThan(0);
  });
  it("stays within the Messages group's budget: ≤ 24 requests and ≤ 6,500 tokens (with the preflight's 5)", () => {
    // The preflight: GET /models, two prompts, the reasoning and the vision model.
    expect(messages.usage.requests).toBeLessThanOrEqual(24 + 5);
    expect(messages.usage.promptTokens + messages.usage.completionTokens).toBeLessThanOrEqual(6500);
  });
  it("matches the README's budget: requests, tokens and dollars at gpt-4o-mini's price in spec/prices.yaml", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const m = BUDGET.exec(readme);
    expect(m, 'the budget sentence').not.toBeNull();
    const [requests, tokens, dollars, input, cachedInput, output, read, cached] = m!
      .slice(1)
      .map((x) => x.replaceAll(',', ''));
    const price = priceFor(MODELS.model)!;
    expect([Number(input), Number(cachedInput), Number(output), read]).toEqual([
      price.input,
      price.cachedInput,
      price.output,
      priceTable().read,
    ]);
    const u = faithful.usage;
    // Every model's tokens at gpt-4o-mini's price, the cached ones (usage.cache's) at its cached rate.
    const all = totals(faithful);
    expect(all.promptTokens + all.completionTokens).toBe(u.promptTokens + u.completionTokens);
    expect(all.cacheReadTokens).toBeGreaterThan(0);
    expect(
      Math.abs(Number(cached) - all.cacheReadTokens) / all.cacheReadTokens,
      `README ${cached} cached, measured ${all.cacheReadTokens}`,
    ).toBeLessThan(0.05);
    const cost = costOf(price, all);
    expect(
      Math.abs(Number(requests) - u.requests),
      `README ${requests} requests, measured ${u.requests}`,
    ).toBeLessThanOrEqual(2);
    const measured = u.promptTokens + u.completionTokens;
    expect(
      Math.abs(Number(tokens) - measured) / measured,
      `README ${tokens} tokens, measured ${measured}`,
    ).toBeLessThan(0.05);
    expect(Math.abs(Number(dollars) - cost) / cost, `README $${dollars}, measured $${cost}`).toBeLessThan(0.05);
  });
  it("splits the tokens by model and prices each at its own price (the Messages group's at Claude's)", () => {
    const byModel = Object.fromEntries(
      (messages.usage.byModel ?? []).map((r) => [r.model, r.promptTokens + r.completionTokens]),
    );
    const total = messages.usage.promptTokens + messages.usage.completionTokens;
    expect(Object.values(byModel).reduce((a, b) => a + b, 0)).toBe(total);
    // The preflight runs on the chat model, the group on the Messages model.
    expect(byModel[MESSAGES_MODEL]).toBeGreaterThan(byModel[MODELS.model]!);
    const cost = buildReport([messages]).targets[0]!.usage.cost!;
    const rows = messages.usage.byModel!;
    const want = rows.reduce((n, r) => {
      const price = priceFor(r.model);
      return price ? n + costOf(price, r) : n;
    }, 0);
    expect(cost.amount).toBeCloseTo(want, 12);
    expect(cost.amount).toBeGreaterThan(
      costOf(priceFor(MODELS.model)!, { promptTokens: total, completionTokens: 0 }) * 2,
    );
    // messages.cache wrote its prefix to the cache, then read it: both counted and priced apart
    // (writes at 1.25× input, reads at a tenth), so the run costs less than all prompt as input.
    const claude = rows.find((r) => r.model === MESSAGES_MODEL)!;
    expect(claude.cacheWriteTokens).toBeGreaterThan(1000);
    expect(claude.cacheReadTokens).toBeGreaterThan(1000);
    expect(cost).toMatchObject({ cacheReadTokens: claude.cacheReadTokens, cacheWriteTokens: claude.cacheWriteTokens });
    const uncached = rows.reduce((n, r) => {
      const price = priceFor(r.model);
      return price ? n + costOf(price, { promptTokens: r.promptTokens, completionTokens: r.completionTokens }) : n;
    }, 0);
    expect(cost.amount).toBeLessThan(uncached);
    expect(costLine(messages)).toContain(
      `${(claude.cacheReadTokens ?? 0).toLocaleString('en-US')} prompt tokens at the cached rate; ${(claude.cacheWriteTokens ?? 0).toLocaleString('en-US')} written to the cache at 1.25× input`,
    );
    // usage.cache's second prompt read from the cache, on the chat model.
    const chat = faithful.usage.byModel!.find((r) => r.model === MODELS.model)!;
    expect(chat.cacheReadTokens).toBeGreaterThanOrEqual(1024);
    expect(buildReport([faithful]).targets[0]!.usage.cost?.cacheReadTokens).toBe(chat.cacheReadTokens);
    // The faithful run's reasoning and vision models are mock ids: no price, said so.
    expect(buildReport([faithful]).targets[0]!.usage.cost?.unpriced).toEqual(
      expect.arrayContaining([MODELS.reasoning, MODELS.vision]),
    );
  });
  it('gives every result evidence and a curl reproducer reading the key from the environment', () => {
    for (const r of faithful.results) {
      expect(r.evidence.length, r.feature).toBeGreaterThan(0);
      expect(r.reproduce, r.feature).toMatch(/^curl -sS/);
    }
    expect(faithful.results.find((r) => r.feature === 'chat.basic')!.reproduce).toContain(
      'Authorization: Bearer $RELAYCHECK_API_KEY',
    );
    expect(faithful.results.find((r) => r.feature === 'auth')!.reproduce).toContain('sk-relaycheck-wrong-key');
    // Anthropic's surface: its version header, and the key where the target sends it.
    const reproducer = messages.results.find((r) => r.feature === 'messages.basic')!.reproduce;
    expect(reproducer).toContain("-H 'anthropic-version: 2023-06-01'");
    expect(reproducer).toContain('Authorization: Bearer $RELAYCHECK_API_KEY');
    const viaXKey = messages.results.find((r) => r.feature === 'messages.auth')!.evidence.map((e) => e.request);
    expect(JSON.stringify(viaXKey)).toContain('x-api-key');
  });
  it('writes a report that validates against spec/report.schema.yaml, with the key nowhere', () => {
    const full = buildReport([faithful]);
    expect(validate('report', full).errors).toEqual([]);
    const text = JSON.stringify(full);
    expect(text).not.toContain(KEY);
    expect(text).toContain('[REDACTED]');
    expect(renderTable(full)).toContain('chat.basic');
  });
});

describe('every break flips exactly what spec/breaks.yaml says', () => {
  it.concurrent.each(breaks().map((b) => [b.id, b] as const))('%s', async (_, b) => {
    const only = scopeOf(b.category);
    const models = { ...MODELS, messages: MESSAGES_MODEL };
    const run = await runTarget(target(baseUrl, { name: b.id, headers: { [BREAK_HEADER]: b.id }, models }), {
      concurrency: 8,
      ...(only ? { only } : {}),
    });
    const features = run.report.results.map((r) => r.feature);
    for (const feature of Object.keys(b.flips)) expect(features).toContain(feature);
    const flips = b.flips as Record<string, string | undefined>;
    const want = Object.fromEntries(features.map((f) => [f, flips[f] ?? 'supported']));
    expect(differences(run.report.results, want)).toEqual([]);
  });
});

describe('every relay dialect gets its expected verdicts', () => {
  it.concurrent.each(loadRelays().map((r) => [r.id, r] as const))('%s', async (_, relay) => {
    const run = await runAgainstMock(relay, { concurrency: 8 });
    expect(run.problems).toEqual([]);
    expect(run.mismatches).toEqual([]);
  });
});
