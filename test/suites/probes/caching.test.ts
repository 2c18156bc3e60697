// usage.cache: the judge on hand-made usage, its request rounds, and the whole probe against
// the mock (faithful, each cache break, and the realistic model whose cache writes land late).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAK_HEADER, createMockProvider, type MockProvider } from '../../../mock-server/index.js';
import { CACHE_REQUESTS, cachePrefix, usageCache } from '../../../suites/probes/caching.js';
import { runTarget } from '../../../suites/run.js';
import type { Observed, ProbeContext, RequestSpec, Seen } from '../../../suites/wire/types.js';
import { json, KEY, ok, target } from '../helpers.js';

const usage = (cached: number | undefined, extra: Record<string, unknown> = {}) => ({
  prompt_tokens: 1150,
  completion_tokens: 1,
  total_tokens: 1151,
  ...(cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: cached } }),
  ...extra,
});
const answer = (cached: number | undefined, extra: Record<string, unknown> = {}): Observed =>
  ok({ usage: usage(cached, extra) });
const L = Object.fromEntries(Object.entries(CACHE_REQUESTS).map(([k, v]) => [k, v.label])) as Record<
  keyof typeof CACHE_REQUESTS,
  string
>;
const CTX: ProbeContext = { model: 'gpt-4o-mini', models: { model: 'gpt-4o-mini' }, runId: 'r1' };

/** The probe's rounds as the runner plays them: each step from what came back before. */
function rounds(answers: Record<string, Observed>): string[] {
  const seen: Record<string, Observed> = {};
  const sent: string[] = [];
  for (const step of usageCache.steps) {
    const specs: readonly RequestSpec[] = typeof step === 'function' ? step(seen as Seen, CTX) : step;
    for (const s of specs) {
      sent.push(s.label);
      seen[s.label] = answers[s.label]!;
    }
  }
  return sent;
}

describe('usage.cache: the requests', () => {
  it('a prefix that starts with the run id, and a different last line per request', () => {
    expect(cachePrefix('abc')).toMatch(/^Session abc\. /);
    expect(cachePrefix('abc').length).toBeGreaterThan(4000);
    const first = usageCache.steps[0] as (s: Seen, c: ProbeContext) => RequestSpec[];
    const body = first({}, CTX)[0]!.body!;
    expect(body['prompt_cache_key']).toBe(CACHE_REQUESTS.first.key);
    expect(JSON.stringify(body)).toContain('Session r1.');
  });

  it('three requests when the repeat reads and another key starts cold', () => {
    expect(rounds({ [L.first]: answer(0), [L.repeat]: answer(1024), [L.other]: answer(0) })).toEqual([
      L.first,
      L.repeat,
      L.other,
    ]);
  });

  it('one more repeat when the second read nothing, none when no count is reported at all', () => {
    const late = { [L.first]: answer(0), [L.repeat]: answer(0), [L.again]: answer(1024), [L.other]: answer(0) };
    expect(rounds(late)).toEqual([L.first, L.repeat, L.again, L.other]);
    expect(rounds({ [L.first]: answer(undefined), [L.repeat]: answer(undefined) })).toEqual([L.first, L.repeat]);
  });

  it('a third key only when the second one read the cache', () => {
    const all = { [L.first]: answer(0), [L.repeat]: answer(1024), [L.other]: answer(1024), [L.third]: answer(0) };
    expect(rounds(all)).toEqual([L.first, L.repeat, L.other, L.third]);
  });
});

describe('usage.cache: the judge', () => {
  const judge = (entries: Record<string, Observed>, ctx: ProbeContext = CTX) => usageCache.judge(entries, ctx);

  it('supported: the repeat read, another key cold', () => {
    const j = judge({ [L.first]: answer(0), [L.repeat]: answer(1024), [L.other]: answer(0) });
    expect(j.verdict).toBe('supported');
    expect(j.summary).toMatch(/read 1024 cached tokens.*another prompt_cache_key it started cold/);
  });

  it('supported after a late cache write; one lucky hit under another key is only a warning', () => {
    expect(
      judge({ [L.first]: answer(0), [L.repeat]: answer(0), [L.again]: answer(1024), [L.other]: answer(0) }).verdict,
    ).toBe('supported');
    const lucky = judge({
      [L.first]: answer(0),
      [L.repeat]: answer(1024),
      [L.other]: answer(1024),
      [L.third]: answer(0),
    });
    expect(lucky.verdict).toBe('supported');
    expect(lucky.warnings?.join()).toMatch(/two keys may share a machine/);
  });

  it('supported with a warning when the comparison under another key gets no completion', () => {
    const no = json({ error: { message: 'upstream' } }, 500);
    const j = judge({ [L.first]: answer(0), [L.repeat]: answer(1024), [L.other]: no });
    expect(j.verdict).toBe('supported');
    expect(j.warnings?.join()).toMatch(/whether the key is forwarded is not known/);
  });

  it('ignored: two fresh keys read a prefix they never wrote (the key is dropped)', () => {
    const j = judge({
      [L.first]: answer(0),
      [L.repeat]: answer(1024),
      [L.other]: answer(1024),
      [L.third]: answer(1024),
    });
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/prompt_cache_key has no effect.*drops the key/);
  });

  it('ignored: counts stay 0 on a model known to cache; inconclusive on another model', () => {
    const zero = { [L.first]: answer(0), [L.repeat]: answer(0), [L.again]: answer(0) };
    const j = judge(zero);
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/stayed 0 .*three times.*zeroes the count/);
    expect(judge(zero, { ...CTX, model: 'openai/gpt-4.1-mini' }).verdict).toBe('ignored');
    const other = judge(zero, { ...CTX, model: 'claude-sonnet-4-5' });
    expect(other.verdict).toBe('inconclusive');
    expect(other.summary).toMatch(/may not cache/);
  });

  it('inconclusive: no cached count reported at all', () => {
    const j = judge({ [L.first]: answer(undefined), [L.repeat]: answer(undefined) });
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toMatch(/^no cached tokens reported.*this model\/relay may not cache/);
  });

  it('inconclusive: a prompt the model counts under 1,024 tokens', () => {
    const short = ok({
      usage: {
        prompt_tokens: 900,
        completion_tokens: 1,
        total_tokens: 901,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(judge({ [L.first]: short, [L.repeat]: short, [L.again]: short }).verdict).toBe('inconclusive');
  });

  it('partial: cached, but under another name (DeepSeek-style prompt_cache_hit_tokens)', () => {
    const j = judge({
      [L.first]: answer(undefined),
      [L.repeat]: answer(undefined, { prompt_cache_hit_tokens: 1024 }),
      [L.again]: answer(undefined, { prompt_cache_hit_tokens: 1024 }),
    });
    expect(j.verdict).toBe('partial');
    expect(j.summary).toMatch(/usage\.prompt_cache_hit_tokens 1024/);
  });

  it('the first request refused: rejected; a later one refused: inconclusive', () => {
    const no = json({ error: { message: 'Unknown parameter: prompt_cache_key', type: 'invalid_request_error' } }, 400);
    expect(judge({ [L.first]: no }).verdict).toBe('rejected');
    expect(judge({ [L.first]: answer(0), [L.repeat]: no }).verdict).toBe('inconclusive');
  });
});

describe('usage.cache against the mock', () => {
  const mocks: MockProvider[] = [];
  let faithful: string;
  beforeAll(async () => {
    const mock = createMockProvider({ apiKeys: [KEY], journalSize: 0 });
    mocks.push(mock);
    faithful = (await mock.start({ port: 0, host: '127.0.0.1' })).baseUrl;
  });
  afterAll(async () => {
    await Promise.all(mocks.map((m) => m.stop()));
  });
  const run = async (baseUrl: string, breakId?: string) =>
    (
      await runTarget(target(baseUrl, breakId ? { headers: { [BREAK_HEADER]: breakId } } : {}), {
        only: ['usage.cache'],
      })
    ).report.results[0]!;

  it('faithful: supported, twice on one mock (each run its own prefix)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await run(faithful);
      expect(r.verdict, r.summary).toBe('supported');
      expect(r.evidence.map((e) => e.label)).toEqual([L.first, L.repeat, L.other]);
    }
  });

  it.each([
    ['cache-tokens-zeroed', /stayed 0/],
    ['cache-key-dropped', /prompt_cache_key has no effect/],
  ])('%s: ignored', async (id, why) => {
    const r = await run(faithful, id);
    expect(r.verdict, r.summary).toBe('ignored');
    expect(r.summary).toMatch(why);
  });

  it('the realistic model, a late cache write included: supported', async () => {
    const summaries: string[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const mock = createMockProvider({ apiKeys: [KEY], journalSize: 0, style: 'realistic', seed });
      mocks.push(mock);
      const r = await run((await mock.start({ port: 0, host: '127.0.0.1' })).baseUrl);
      expect(r.verdict, `seed ${seed}: ${r.summary}`).toBe('supported');
      summaries.push(r.summary);
    }
    expect(summaries.join('\n')).toMatch(/the second read nothing/);
  });
});
