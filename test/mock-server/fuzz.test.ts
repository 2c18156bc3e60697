// The mock against bad input: random and mutated requests (fast-check, fixed seeds so a
// failure reproduces), every limit's edge, and each relay dialect. Every answer must be a
// valid completion or stream, or a 4xx in OpenAI's envelope; never a 5xx that was not asked
// for, never a stack trace, never more than a second of CPU, never a crash.
// The long campaign (20,000 requests) is scripts/dev/reliability/run.ts; figures in docs/RELIABILITY.md.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockProvider, type MockProvider } from '../../mock-server/index.js';
import { loadProfile } from '../../mock-server/assembly/profile.js';
import { relayIds } from '../../spec/relays.js';
import {
  anyRequest,
  closeSender,
  CPU_LIMIT_MS,
  damagedBytesRequest,
  EXTREMES,
  hostileSchemaRequest,
  judge,
  mutatedRequest,
  oddHeadersRequest,
  send,
  type FuzzCase,
} from '../../scripts/dev/reliability/fuzz.js';

let mock: MockProvider;
let origin: string;
const crashes: unknown[] = [];
const onCrash = (e: unknown): void => void crashes.push(e);

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  mock = createMockProvider({ journalSize: 50 });
  ({ url: origin } = await mock.start({ port: 0 }));
});

afterAll(async () => {
  closeSender();
  await mock.stop();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  expect(crashes).toEqual([]);
});

/** fast-check property: every case of `arb` gets a right answer. */
async function holds(arb: fc.Arbitrary<FuzzCase>, numRuns: number, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      const problem = judge(c, await send(origin, c));
      if (problem !== null)
        throw new Error(
          `${problem}\n  ${c.kind} ${c.method} ${c.path} ${JSON.stringify(c.headers)}\n  ${c.body?.toString('utf8').slice(0, 600) ?? ''}`,
        );
    }),
    { numRuns, seed, endOnFailure: true },
  );
}

describe('random and mutated requests (property-based)', () => {
  it(
    'valid requests changed in 1-3 places: wrong types, extreme numbers, deletions, deep nesting',
    () => holds(mutatedRequest, 220, 20250601),
    30_000,
  );
  it(
    'bodies damaged at the byte level: cut, invalid UTF-8, flipped bits, garbage, BOM',
    () => holds(damagedBytesRequest, 120, 20250602),
    30_000,
  );
  it(
    'odd headers, methods and paths: content types, keys, break lists, injected errors',
    () => holds(oddHeadersRequest, 120, 20250603),
    30_000,
  );
  it(
    'hostile schemas in response_format and tools: $ref loops, unsatisfiable, evil patterns, n 16',
    () => holds(hostileSchemaRequest, 100, 20250604),
    30_000,
  );
});

describe('the limits and past them', () => {
  for (const extreme of EXTREMES) {
    it(extreme.name, async () => {
      const c = extreme.make();
      const a = await send(origin, c, 20_000);
      expect(judge(c, a)).toBeNull();
      expect(a.cpuMs).toBeLessThan(CPU_LIMIT_MS);
    });
  }
});

describe('every relay dialect: no 5xx, no stack trace, bounded CPU', () => {
  const profiles = relayIds().filter((p) => p !== 'openai');
  it.each(profiles)(
    '%s',
    async (profile) => {
      const dialect = createMockProvider({ profile, journalSize: 0 });
      const started = await dialect.start({ port: 0 });
      const base = new URL(started.baseUrl).pathname;
      const model = loadProfile(profile).models[0]?.id;
      try {
        await fc.assert(
          fc.asyncProperty(anyRequest, async (c) => {
            // The dialect's own base path and model, so requests reach its code.
            const moved: FuzzCase = { ...c, path: c.path.replace(/^\/v1/, base) };
            if (model && c.body)
              moved.body = Buffer.from(c.body.toString('latin1').replaceAll('mock-model', model), 'latin1');
            const problem = judge(moved, await send(started.url, moved), { strict: false });
            if (problem !== null)
              throw new Error(
                `${profile}: ${problem}\n  ${moved.method} ${moved.path} ${moved.body?.toString('utf8').slice(0, 400) ?? ''}`,
              );
          }),
          { numRuns: 40, seed: 20250605, endOnFailure: true },
        );
      } finally {
        await dialect.stop();
      }
    },
    30_000,
  );
});
