/// <reference types="vite/client" />
// The break mechanism as a whole: every catalogued break has an implementation and a test
// (the per-break tables in breaks/cases-*.ts, run by breaks-request, breaks-stream and
// breaks-response.test.ts), breaks compose, and conflicting or unknown breaks are refused
// with a 400 envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakById, breakIds, conflictsOf } from '../../spec/breaks.js';
import { validate } from '../../spec/validators.js';
import { IMPLEMENTATIONS } from '../../mock-server/breaks/index.js';
import { ApiError } from '../../mock-server/core/api-error.js';
import { createMockProvider } from '../../mock-server/index.js';
import {
  BATTERY_ITEMS,
  battery,
  chat,
  expectSame,
  json,
  post,
  runBattery,
  send,
  sse,
  start,
  STREAM_USAGE,
  WEATHER_TOOL,
  type BatteryItem,
  type BreakCases,
  type J,
  type Reply,
  type Running,
} from './breaks/harness.js';

/**
 * Every case table (an export named *Cases of a breaks/cases-*.ts file), found by name: a new
 * break's case, or a new table, needs no entry here.
 */
const TABLES: BreakCases[] = Object.values(
  import.meta.glob<Record<string, unknown>>('./breaks/cases-*.ts', { eager: true }),
).flatMap((module) =>
  Object.entries(module)
    .filter(([name]) => name.endsWith('Cases'))
    .map(([, table]) => table as BreakCases),
);
const ALL_CASES: BreakCases = Object.assign({}, ...TABLES) as BreakCases;

/** `fn` over `items`, a few at a time (one mock serves them all). */
async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, size = 8): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** A break's error reply, as the mock and createMockProvider produce it. */
function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  return expect.fail('expected an ApiError');
}

describe('the break catalogue, its implementations and its tests', () => {
  it('every break in spec/breaks.yaml has a test case, in the table of its category, and no case is for an unknown break', () => {
    const tested = TABLES.flatMap((t) => Object.keys(t));
    expect(new Set(tested).size, 'a break is in two tables').toBe(tested.length);
    expect([...tested].sort()).toEqual([...breakIds()].sort());
    for (const table of TABLES) {
      const categories = new Set(Object.keys(table).map((id) => breakById(id).category));
      expect([...categories], `one table, one category: ${Object.keys(table).join(', ')}`).toHaveLength(1);
    }
  });

  it('every implementation key is a catalogue id, and every catalogue id is implemented', () => {
    expect(Object.keys(IMPLEMENTATIONS).sort()).toEqual([...breakIds()].sort());
    for (const [id, impl] of Object.entries(IMPLEMENTATIONS))
      expect(Object.keys(impl).length, `${id} has no hook`).toBeGreaterThan(0);
  });
});

describe('composing breaks', () => {
  let server: Running;
  let faithful: Partial<Record<BatteryItem, Reply>>;
  const single = new Map<string, Partial<Record<BatteryItem, Reply>>>();
  beforeAll(async () => {
    server = await start();
    faithful = await runBattery(server, battery());
  });
  afterAll(async () => {
    await server.provider.stop();
  });

  /** The battery items a break changes, run with it on (the others are the faithful ones). */
  async function brokenBattery(id: string): Promise<Partial<Record<BatteryItem, Reply>>> {
    let b = single.get(id);
    if (!b) {
      const all = battery();
      b = await runBattery(server, Object.fromEntries(ALL_CASES[id]!.changes.map((item) => [item, all[item]!])), id);
      single.set(id, b);
    }
    return b;
  }

  /**
   * Whether two breaks may change the same battery item: they list a common item, or one
   * bends refusals (the errors category) and the other turns a success into a refusal or
   * decides whether a refusal is a streamed one (stream-default-true).
   */
  function interact(a: string, b: string, refusing: (id: string) => boolean): boolean {
    if (ALL_CASES[a]!.changes.some((item) => ALL_CASES[b]!.changes.includes(item))) return true;
    const bendsRefusals = (id: string): boolean => breakById(id).category === 'errors';
    const shapesRefusals = (id: string): boolean => refusing(id) || id === 'stream-default-true';
    // A break that serves a refusal as a completion (unknown-model-served) hands it to the
    // other's answer edits.
    const servesRefusals = (id: string): boolean =>
      ALL_CASES[id]!.changes.some((item) => single.get(id)![item]!.status < 400 && faithful[item]!.status >= 400);
    const editsAnswers = (id: string): boolean =>
      ALL_CASES[id]!.changes.some((item) => !['error', 'error-stream', 'models'].includes(item));
    return (
      (bendsRefusals(a) && shapesRefusals(b)) ||
      (bendsRefusals(b) && shapesRefusals(a)) ||
      (servesRefusals(a) && editsAnswers(b)) ||
      (servesRefusals(b) && editsAnswers(a))
    );
  }

  it('each break composes with another that changes other battery items: each item comes out as its one break makes it', async () => {
    const ids = breakIds();
    await inBatches(ids, (id) => brokenBattery(id));
    const refusing = (id: string): boolean =>
      ALL_CASES[id]!.changes.some((item) => single.get(id)![item]!.status >= 400 && faithful[item]!.status < 400);
    // Pair the breaks off, each with a partner further on in the catalogue (a stride, so
    // partners spread over the categories) that it may be on with and that does not
    // interact with it; a break left over takes an already paired partner.
    const pairs: [string, string][] = [];
    const paired = new Set<string>();
    const fits = (a: string, b: string): boolean => b !== a && !conflictsOf(a).includes(b) && !interact(a, b, refusing);
    ids.forEach((a, i) => {
      if (paired.has(a)) return;
      const candidates = Array.from({ length: ids.length - 1 }, (_, k) => ids[(i + (k + 1) * 7) % ids.length]!);
      const b = candidates.find((c) => !paired.has(c) && fits(a, c)) ?? candidates.find((c) => fits(a, c));
      if (b === undefined) return;
      pairs.push([a, b]);
      paired.add(a).add(b);
    });
    expect([...paired].sort(), 'every break is in a pair').toEqual([...ids].sort());
    const together = await inBatches(pairs, ([a, b]) => runBattery(server, battery(), `${a},${b}`));
    for (const [i, [a, b]] of pairs.entries()) {
      const [ra, rb, both] = [single.get(a)!, single.get(b)!, together[i]!];
      for (const item of BATTERY_ITEMS) {
        const expected = ALL_CASES[a]!.changes.includes(item)
          ? ra[item]!
          : ALL_CASES[b]!.changes.includes(item)
            ? rb[item]!
            : faithful[item]!;
        expectSame(both[item]!, expected, `${a} + ${b} on '${item}'`);
      }
    }
  });

  it('two breaks on the same stream both apply, in either order (role-missing + no-done)', async () => {
    const S = post(chat('Count from 1 to 4', STREAM_USAGE));
    const [f, ab, ba] = await Promise.all([
      send(server, S),
      send(server, S, 'role-missing,no-done'),
      send(server, S, 'no-done, role-missing'),
    ]);
    expect(ab.text).toBe(ba.text);
    const expected = sse(f).chunks;
    delete expected[0].choices[0].delta.role;
    expect(sse(ab).chunks).toEqual(expected);
    expect(sse(ab).done).toBe(false);
  });

  it('usage-duplicated + usage-total-mismatch: both usages off by the same amount', async () => {
    const S = post(chat('Count from 1 to 4', STREAM_USAGE));
    const [f, b] = await Promise.all([send(server, S), send(server, S, 'usage-duplicated,usage-total-mismatch')]);
    const faithfulUsage = sse(f).chunks.at(-1).usage;
    const withUsage = sse(b).chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(2);
    const [onFinish, separate] = withUsage.map((c) => c.usage);
    expect(onFinish).toEqual(separate);
    // Off as usage-total-mismatch alone puts it off: the duplicate is the same usage, not
    // a second copy bent twice.
    const alone = sse(await send(server, S, 'usage-total-mismatch')).chunks.at(-1).usage;
    expect(alone.total_tokens).not.toBe(faithfulUsage.total_tokens);
    expect(onFinish).toEqual(alone);
  });

  it('tool-index-missing + tool-args-resent: each call still resends its own arguments', async () => {
    const T2 = post(
      chat('What is the weather in Paris and in Tokyo? Use the tools.', { tools: [WEATHER_TOOL], stream: true }),
    );
    const [resent, both] = await Promise.all([
      send(server, T2, 'tool-args-resent'),
      send(server, T2, 'tool-index-missing,tool-args-resent'),
    ]);
    const expected = sse(resent).chunks;
    for (const c of expected) for (const d of c.choices[0]?.delta?.tool_calls ?? []) delete d.index;
    expect(
      new Set(expected.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []).map((d: J) => d.function.arguments)),
    ).toEqual(new Set(['', '{"city":"Paris"}', '{"city":"Tokyo"}']));
    expect(sse(both).chunks).toEqual(expected);
  });

  it('no-finish-chunk + usage-on-finish-chunk: with no finish chunk, usage is on the last chunk (not lost)', async () => {
    const S = post(chat('Count from 1 to 4', STREAM_USAGE));
    const [f, noFinish, both] = await Promise.all([
      send(server, S),
      send(server, S, 'no-finish-chunk'),
      send(server, S, 'no-finish-chunk,usage-on-finish-chunk'),
    ]);
    const expected = sse(noFinish).chunks;
    const usage = expected.pop().usage;
    expect(usage).toEqual(sse(f).chunks.at(-1).usage);
    expected.at(-1).usage = usage;
    expect(sse(both).chunks).toEqual(expected);
  });

  it("a request's breaks add to the profile's (aireiter + model-rewritten)", async () => {
    const relay = await start({ profile: 'aireiter' });
    try {
      const P = post(chat('Output exactly: hi', { stream: false }, 'gpt-4o'));
      const [f, b] = await Promise.all([send(relay, P), send(relay, P, 'model-rewritten')]);
      expect(json(f).task_id).toBe('task_abc123');
      expect(json(b)).toEqual({ ...json(f), model: json(b).model });
      expect(json(b).model).toBe('openai/gpt-4o');
    } finally {
      await relay.provider.stop();
    }
  });

  it('createMockProvider({ breaks }) serves what the header does', async () => {
    const started = await start({ breaks: [{ id: 'json-fenced' }, { id: 'usage-on-finish-chunk' }] });
    try {
      const items = battery();
      const [viaStartup, viaHeader] = await Promise.all([
        runBattery(started, items),
        runBattery(server, items, 'json-fenced,usage-on-finish-chunk'),
      ]);
      for (const item of BATTERY_ITEMS) expectSame(viaStartup[item]!, viaHeader[item]!, item);
    } finally {
      await started.provider.stop();
    }
  });
});

describe('refusing breaks that cannot be on', () => {
  let server: Running;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.provider.stop();
  });

  const P = post(chat('Output exactly: hi'));
  const refusal = (r: Reply, code: string): string => {
    expect(r.status, r.text).toBe(400);
    expect(validate('error', json(r)).errors).toEqual([]);
    expect(json(r).error).toMatchObject({ type: 'invalid_request_error', code });
    return json(r).error.message as string;
  };

  const conflicting = breakIds().flatMap((a) => (breakById(a).conflicts ?? []).map((b) => [a, b] as const));

  it(`each of the ${conflicting.length} conflicting pairs in spec/breaks.yaml is refused with 400 conflicting_breaks (header and startup)`, async () => {
    expect(conflicting.length).toBeGreaterThan(10);
    const replies = await Promise.all(conflicting.map(([a, b]) => send(server, P, `${a},${b}`)));
    conflicting.forEach(([a, b], i) => {
      const message = refusal(replies[i]!, 'conflicting_breaks');
      expect(message).toContain(a);
      expect(message).toContain(b);
      const err = thrown(() => createMockProvider({ breaks: [{ id: b }, { id: a }] }));
      expect(err.status).toBe(400);
      expect(err.code).toBe('conflicting_breaks');
    });
  });

  it("a request's break that conflicts with its profile's is refused (aireiter's stop-ignored + stop-included)", async () => {
    const relay = await start({ profile: 'aireiter' });
    try {
      const r = await send(relay, post(chat('hi', { stream: false }, 'gpt-4o')), 'stop-included');
      expect(refusal(r, 'conflicting_breaks')).toContain('stop-ignored');
    } finally {
      await relay.provider.stop();
    }
  });

  it('unknown break ids are refused with 400 unknown_break, alone or with known ones', async () => {
    for (const header of ['no-such-break', 'stop-ignored,no-such-break', 'STOP-IGNORED']) {
      const r = await send(server, P, header);
      expect(refusal(r, 'unknown_break')).toMatch(/Unknown break '(no-such-break|STOP-IGNORED)'/);
    }
    expect(thrown(() => createMockProvider({ breaks: [{ id: 'no-such-break' }] })).code).toBe('unknown_break');
    // The refusal is the request's, not the server's: the next request is served.
    expect((await send(server, P)).status).toBe(200);
  });

  it('parameters are refused for a break without them, and invalid parameters for one with them', () => {
    expect(thrown(() => createMockProvider({ breaks: [{ id: 'stop-ignored', params: { x: 1 } }] })).code).toBe(
      'invalid_break',
    );
    expect(
      thrown(() => createMockProvider({ breaks: [{ id: 'error-status', params: { condition: 'nope', status: 402 } }] }))
        .code,
    ).toBe('invalid_break');
    expect(
      thrown(() =>
        createMockProvider({ breaks: [{ id: 'extra-field', params: { name: '1bad', value: 1, in: ['response'] } }] }),
      ).code,
    ).toBe('invalid_break');
  });

  it('an empty or blank header switches nothing on', async () => {
    const [f, blank, commas] = await Promise.all([send(server, P), send(server, P, ' '), send(server, P, ' , ,')]);
    expectSame(blank, f);
    expectSame(commas, f);
  });
});
