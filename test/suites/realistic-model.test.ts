// The suite against a realistic model: the mock in `style: realistic`, several seeds (each a
// different world of casing, hidden reasoning, flat effort, declined optional tool calls,
// dated model ids and chunking). Contract-legal behaviour must never read as a deviation:
// only supported, partial or inconclusive, and every non-supported verdict says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockProvider, type MockProvider } from '../../mock-server/index.js';
import type { ReportTarget } from '../../spec/generated/types.js';
import { runTarget } from '../../suites/run.js';
import { features } from '../../spec/features.js';
import { KEY, target } from './helpers.js';

const SEEDS = [1, 2, 3, 4, 5];
const ALLOWED = new Set(['supported', 'partial', 'inconclusive']);

const runs = new Map<number, ReportTarget>();
const mocks: MockProvider[] = [];

beforeAll(async () => {
  await Promise.all(
    SEEDS.map(async (seed) => {
      const mock = createMockProvider({ apiKeys: [KEY], journalSize: 0, style: 'realistic', seed });
      mocks.push(mock);
      const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
      // An OpenAI id for the chat model, so usage.tokenizer is judged too; a Claude id for Messages.
      const models = {
        model: 'gpt-4o-mini',
        reasoning: 'mock-reasoner',
        vision: 'mock-model',
        messages: 'claude-sonnet-4-5',
      };
      const run = await runTarget(target(baseUrl, { name: `realistic-${seed}`, models }), { concurrency: 8 });
      runs.set(seed, run.report);
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.stop()));
});

describe('the realistic model: no false alarm', () => {
  it.each(SEEDS)('seed %i: no feature ignored, rejected, broken or in error', (seed) => {
    const wrong = runs
      .get(seed)!
      .results.filter((r) => !ALLOWED.has(r.verdict))
      .map((r) => `${r.feature}: ${r.verdict} (${r.summary})`);
    expect(wrong).toEqual([]);
  });

  it.each(SEEDS)('seed %i: each non-supported verdict names a behaviour the realistic model has', (seed) => {
    // The causes the realistic model can produce; anything else would be a wrong summary.
    const causes =
      /another case|snapshot|counted .* not returned as text|thought about as long|tool_choice auto|hit|forced|model/i;
    for (const r of runs.get(seed)!.results.filter((x) => x.verdict !== 'supported'))
      expect(r.summary, `${r.feature} (${r.verdict})`).toMatch(causes);
  });

  it('judges usage.tokenizer (an OpenAI chat model) and finds the counts right in every seed', () => {
    for (const [seed, run] of runs)
      expect(run.results.find((r) => r.feature === 'usage.tokenizer')?.verdict, `seed ${seed}`).toBe('supported');
  });

  it.each(SEEDS)('seed %i: the stream reassembles to the non-streamed answer (stream.integrity)', (seed) => {
    // Chunking varies by seed (one token, three, the whole answer at once): never a replay.
    const r = runs.get(seed)!.results.find((x) => x.feature === 'stream.integrity')!;
    expect(`${r.verdict}: ${r.summary}`).toMatch(/^supported: /);
  });

  it.each(SEEDS)('seed %i: the stored response is read back and deleted (responses.retrieve)', (seed) => {
    // Whatever the style drew for the create answer, GET returns that answer.
    const r = runs.get(seed)!.results.find((x) => x.feature === 'responses.retrieve')!;
    expect(`${r.verdict}: ${r.summary}`).toMatch(/^supported: /);
  });

  it("Anthropic's Messages: every feature supported in every seed, but a stop word restyled in another case", () => {
    const group = new Set(
      features()
        .filter((f) => f.group === 'messages')
        .map((f) => f.id),
    );
    const results = [...runs.values()].flatMap((t) => t.results.filter((r) => group.has(r.feature)));
    expect(results).toHaveLength(group.size * SEEDS.length);
    const off = results.filter((r) => r.verdict !== 'supported' && !/another case/.test(r.summary));
    expect(off.map((r) => `${r.feature}: ${r.verdict} (${r.summary})`)).toEqual([]);
    // A text answer under tool_choice auto is sampled again, so the thinking round trip is done.
    expect(results.some((r) => r.feature === 'messages.thinking' && /second sample/.test(r.summary))).toBe(true);
  });

  it('the variations really happen across the seeds', () => {
    const all = [...runs.values()].flatMap((t) => t.results);
    const summaries = all.map((r) => r.summary).join('\n');
    expect(summaries, 'a dated model id reported').toMatch(/snapshot/);
    expect(
      all.some((r) => r.feature === 'reasoning.content' && r.verdict === 'inconclusive'),
      'hidden reasoning in some seed',
    ).toBe(true);
    expect(all.some((r) => r.verdict === 'supported' && r.feature === 'reasoning.content')).toBe(true);
    expect(
      all.some((r) => r.feature === 'reasoning.effort' && /thought about as long/.test(r.summary)),
      'flat effort in some seed',
    ).toBe(true);
    expect(
      all.some(
        (r) => r.feature === 'tools.stream' && r.verdict === 'supported' && /tool_choice "required"/.test(r.summary),
      ),
      'an optional call declined when streamed, then forced, in some seed',
    ).toBe(true);
    expect(summaries, 'a restyled answer seen by stop').toMatch(/another case/);
    expect(
      all.some(
        (r) => r.feature === 'usage.cache' && r.verdict === 'supported' && /the second read nothing/.test(r.summary),
      ),
      'a late cache write in some seed, read on the third send',
    ).toBe(true);
  });
});
