// The stream-integrity comparator (suites/wire/integrity.ts), pure: the rule that tells a
// relay's duplicated or replayed deltas from a model's different wording, and the usage check.
import { describe, expect, it } from 'vitest';
import {
  charsPerFourEstimate,
  compareStreamedText,
  compareToolArgs,
  compareUsage,
  judgeIntegrity,
  pickStreamedUsage,
} from '../../../suites/wire/integrity.js';

const ANSWER = 'alpha beta gamma delta';
const usage = (prompt: number | undefined, completion: number | undefined) => ({ prompt, completion });

describe('compareStreamedText', () => {
  it('equal: the deltas concatenate to the reference, however they are cut', () => {
    const r = compareStreamedText(['al', 'pha', '', ' beta gamma', ' delta'], ANSWER);
    expect(r).toMatchObject({ equal: true, replayed: false, replays: [], streamed: ANSWER });
  });
  it('a partial delta replayed after a split (nullplatform\'s "alph", "alpha", " beta")', () => {
    const r = compareStreamedText(['alph', 'alpha', ' beta', ' gamma', ' delta'], ANSWER);
    expect(r.equal).toBe(false);
    expect(r.streamed).toBe('alphalpha beta gamma delta');
    expect(r.replayed).toBe(true);
    expect(r.replays).toEqual([{ at: 1, delta: 'alpha', resent: 'alph', previous: 'alph' }]);
  });
  it('a whole delta duplicated, and the whole text re-sent at the end', () => {
    expect(compareStreamedText(['alpha', ' beta', ' beta', ' gamma delta'], ANSWER).replays).toEqual([
      { at: 2, delta: ' beta', resent: ' beta', previous: ' beta' },
    ]);
    const tail = compareStreamedText(['alpha beta', ' gamma delta', ANSWER, ANSWER], ANSWER);
    expect(tail.replayed).toBe(true);
    expect(tail.replays.map((r) => r.at)).toEqual([2, 3]);
  });
  it('a replay spanning two earlier deltas ("a", "lph", "alpha")', () => {
    const r = compareStreamedText(['a', 'lph', 'alpha', ' beta gamma delta'], ANSWER);
    expect(r.replays).toEqual([{ at: 2, delta: 'alpha', resent: 'alph', previous: 'lph' }]);
  });
  it('a different wording is not a replay: the model sampled otherwise', () => {
    for (const deltas of [
      ['Alpha', ' beta', ' gamma', ' delta'],
      ['alpha', ' beta', ' gamma'], // shorter: a real model may stop earlier
      ['Sure! ', 'alpha beta gamma delta'],
      ['alpha alpha', ' beta gamma delta'], // a repeat no delta boundary explains
    ]) {
      const r = compareStreamedText(deltas, ANSWER);
      expect(r.equal, deltas.join('|')).toBe(false);
      expect(r.replayed, deltas.join('|')).toBe(false);
      expect(r.replays).toEqual([]);
    }
  });
  it('a hostile size stays linear: a 60,000-character answer in 30,000 deltas, and one past the cap', () => {
    const reference = 'ab'.repeat(30_000);
    const deltas = Array.from({ length: 30_000 }, () => 'ab');
    deltas.splice(1, 0, 'ab');
    const started = performance.now();
    const r = compareStreamedText(deltas, reference);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.replayed).toBe(true);
    expect(r.replays).toHaveLength(1);
    const huge = compareStreamedText(['x'.repeat(70_000), 'x'], 'x'.repeat(70_000));
    expect(huge).toMatchObject({ equal: false, replayed: false, replays: [] });
  });
  it('a replay followed by text the reference does not have proves nothing', () => {
    expect(compareStreamedText(['alph', 'alpha', ' BETA'], ANSWER).replayed).toBe(false);
  });
});

describe('compareToolArgs', () => {
  it('a replayed fragment that still parses as JSON is found; equal JSON is fine', () => {
    const found = compareToolArgs([
      { name: 'get_weather', fragments: ['{"city":"Par', 'Par', 'is"}'], reference: '{"city":"Paris"}' },
      { name: 'get_server_time', fragments: ['{ }'], reference: '{}' },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.name).toBe('get_weather');
    expect(found[0]!.integrity.streamed).toBe('{"city":"ParParis"}');
  });
  it('arguments that are not JSON (tools.stream judges them) and other arguments (the model chose) are left alone', () => {
    expect(
      compareToolArgs([
        { name: 'a', fragments: ['{"city":"Paris"}', '{"city":"Paris"}'], reference: '{"city":"Paris"}' },
        { name: 'b', fragments: ['{"city":', '"Lyon"}'], reference: '{"city":"Paris"}' },
      ]),
    ).toEqual([]);
  });
});

describe('compareUsage', () => {
  it('agreeing usage, and a missing side, raise nothing', () => {
    expect(compareUsage(usage(20, 4), usage(20, 4), { textsEqual: true })).toEqual({ problems: [] });
    expect(compareUsage(usage(undefined, undefined), usage(20, 4), { textsEqual: true }).missing).toMatch(
      /stream reported no usage/,
    );
  });
  it('prompt_tokens must be equal; completion_tokens only when the texts are', () => {
    expect(compareUsage(usage(21, 4), usage(20, 4), { textsEqual: true }).problems[0]).toBe(
      'streamed and non-streamed usage of the same request disagree: prompt_tokens 21 streamed, 20 not streamed',
    );
    expect(compareUsage(usage(20, 9), usage(20, 4), { textsEqual: true }).problems[0]).toMatch(
      /completion_tokens 9 streamed, 4 not streamed/,
    );
    expect(compareUsage(usage(20, 9), usage(20, 4), { textsEqual: false }).problems).toEqual([]);
  });
  it('names a streamed usage near the characters/4 estimate', () => {
    const estimate = charsPerFourEstimate(38, 22); // 10 prompt, 6 completion
    expect(estimate).toEqual({ prompt: 10, completion: 6 });
    const u = compareUsage(usage(10, 6), usage(24, 4), { textsEqual: true, estimate });
    expect(u.problems[0]).toMatch(/^streamed usage looks estimated \(about characters\/4: 10 prompt, 6 completion\)/);
    // Far from the estimate: only "disagree".
    expect(compareUsage(usage(40, 4), usage(24, 4), { textsEqual: true, estimate }).problems[0]).toMatch(/disagree/);
  });
});

describe('judgeIntegrity', () => {
  const base = { reference: ANSWER, streamedUsage: usage(20, 4), nonStreamedUsage: usage(20, 4) };
  it('supported: same text, same usage', () => {
    const j = judgeIntegrity({ ...base, deltas: ['alpha', ' beta', ' gamma', ' delta'] });
    expect(j.verdict).toBe('supported');
    expect(j.summary).toBe(
      'the 4 streamed delta(s) reassemble to the non-streamed answer; streamed and non-streamed usage agree',
    );
  });
  it('broken: both texts and the offending deltas in the summary and the details', () => {
    const j = judgeIntegrity({ ...base, deltas: ['alph', 'alpha', ' beta', ' gamma', ' delta'] });
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('"alphalpha beta gamma delta"');
    expect(j.summary).toContain('"alpha beta gamma delta"');
    expect(j.summary).toContain('"alph" then "alpha" (re-sends "alph")');
    expect(j.details).toMatchObject({
      streamed: 'alphalpha beta gamma delta',
      nonStreamed: ANSWER,
      offendingDeltas: [{ at: 1, delta: 'alpha', resent: 'alph' }],
    });
  });
  it('relay text in the summary is inert: no control or escape characters', () => {
    const j = judgeIntegrity({
      ...base,
      reference: 'a\u001b]0;x\u0007b',
      deltas: ['a\u001b]0;', 'a\u001b]0;x\u0007b'],
    });
    expect(j.verdict).toBe('broken');
    expect([...j.summary].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toEqual([]);
  });
  it('partial: estimated streamed usage; inconclusive: a different wording', () => {
    const j = judgeIntegrity({
      ...base,
      deltas: ['alpha beta gamma delta'],
      streamedUsage: usage(10, 6),
      nonStreamedUsage: usage(24, 4),
      promptChars: 38,
    });
    expect(j).toMatchObject({ verdict: 'partial' });
    expect(j.summary).toMatch(/streamed usage looks estimated/);
    const k = judgeIntegrity({ ...base, deltas: ['Alpha beta gamma delta.'] });
    expect(k.verdict).toBe('inconclusive');
    expect(k.summary).toMatch(/model's sampling/);
  });
  it('broken by a tool call whose arguments replay a fragment, even when the text is fine', () => {
    const j = judgeIntegrity({
      ...base,
      deltas: [ANSWER],
      toolArgs: [{ name: 'get_weather', fragments: ['{"city":"Par', 'Par', 'is"}'], reference: '{"city":"Paris"}' }],
    });
    expect(j.verdict).toBe('broken');
    expect(j.summary).toMatch(/arguments of get_weather "\{\\"city\\":\\"ParParis\\"\}"/);
  });
});

describe('pickStreamedUsage', () => {
  it("takes a usage that agrees when several come (placement is stream.include_usage's), else the last", () => {
    const zero = usage(0, 0);
    // @nullplatform/llm-gateway unpaced: zeros on every chunk, the real counts once, zeros again.
    expect(pickStreamedUsage([zero, usage(19, 7), zero], usage(19, 7))).toEqual({ usage: usage(19, 7), others: 2 });
    expect(pickStreamedUsage([zero, usage(10, 6)], usage(19, 7))).toEqual({ usage: usage(10, 6), others: 1 });
    expect(pickStreamedUsage([], usage(19, 7)).usage).toEqual(usage(undefined, undefined));
  });
});
