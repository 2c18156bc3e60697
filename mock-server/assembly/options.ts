// Everything a caller can configure on the mock, with the defaults in one place.
import type { ActiveBreak } from '../../spec/breaks.js';
import type { Fixture } from '../../spec/generated/types.js';
import { FixtureStore } from '../fixtures/store.js';
import { composeQuirks, type Quirks } from '../breaks/index.js';
import { DEFAULT_MAX_JSON_DEPTH } from '../http/read-body.js';
import { NO_PACING, type Pacing } from '../http/sse-writer.js';
import type { RecordEvent } from '../record/events.js';
import type { RecordLimits } from '../record/upstream.js';
import type { MockLimits, MockModel } from '../core/types.js';
import { DEFAULT_PROFILE, loadProfile, type Profile } from './profile.js';
import type { ModelStyle } from '../completion/realistic.js';

export type { MockLimits, MockModel } from '../core/types.js';

export interface MockOptions {
  /** A relay dialect from spec/relays/ (default `openai`, the faithful reference). */
  profile?: string;
  /** Extra breaks (single deviations) on top of the profile's, e.g. `[{ id: 'stop-ignored' }]`. */
  breaks?: ActiveBreak[];
  /** The models served; default: the profile's. */
  models?: MockModel[];
  /** Accepted API keys (one key, or a list); omitted = any non-empty key. */
  apiKeys?: string | readonly string[];
  pacing?: Partial<Pacing>;
  /** Content tokens per streamed delta (default 1, as OpenAI); a positive integer. */
  chunkTokens?: number;
  limits?: Partial<MockLimits>;
  /**
   * `created` (seconds) for a response. Defaults to a value derived from the request's
   * hash, so the same request gives the same bytes; pass `() => Math.floor(Date.now()/1000)`
   * for wall-clock time.
   */
  clock?: (hash: number) => number;
  /** Requests kept by the journal (0 disables it). */
  journalSize?: number;
  /** Scripted answers (spec/fixtures.schema.yaml); first match wins, the rest are computed. */
  fixtures?: Fixture[];
  /** With fixtures: a request no fixture matches gets an error explaining the nearest miss. */
  strict?: boolean;
  /**
   * `realistic`: answers vary the way real models' do (casing, hidden reasoning, declined
   * optional tool calls, dated model ids, chunking), the protocol exact. Default `faithful`.
   */
  style?: ModelStyle;
  /** The realistic model's world: the same seed gives the same answers (default 1). */
  seed?: number;
  /** Record mode: chat completions are forwarded to a real relay and each exchange appended as a fixture. */
  record?: RecordOptions;
}

export interface RecordOptions {
  /** The fixture file appended to (created when missing). */
  file: string;
  /** The upstream relay's base URL, e.g. `https://relay.example/v1`. */
  upstream: string;
  /** The key sent upstream (never the client's); it is written nowhere. */
  upstreamKey: string;
  /** Serve the requests a loaded fixture matches; forward and record only the others. */
  onMiss?: boolean;
  /** Told what happened to each exchange (the CLI logs it). */
  onEvent?: (event: RecordEvent) => void;
  /** Bounds on the upstream's answer; each defaults to DEFAULT_RECORD_LIMITS (record/forward.ts). */
  limits?: Partial<RecordLimits>;
}

export const DEFAULT_LIMITS: MockLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
  maxMessages: 2048,
  maxN: 16,
  maxTools: 128,
  maxGeneratedTokens: 4096,
  maxResponseTokens: 16_384,
  maxSchemaValues: 10_000,
  maxSchemaDepth: 32,
  maxSchemaNodes: 2000,
  requestTimeoutMs: 15_000,
};

/** 2025-01-01T00:00:00Z: hash-derived `created` values fall in the year after it. */
const EPOCH_2025 = 1_735_689_600;

export const hashClock = (hash: number): number => EPOCH_2025 + (hash % 31_536_000);

export interface ResolvedOptions {
  profile: Profile;
  /** The extra breaks (beyond the profile's). */
  breaks: ActiveBreak[];
  /** The profile's breaks plus the extra ones, composed. */
  quirks: Quirks;
  models: Map<string, MockModel>;
  /**
   * Ids the caller added (the `models` option's ids the profile does not list, fixture
   * models): served on every surface, Anthropic's Messages included, whatever the profile's
   * endpoints list.
   */
  anySurface: Set<string>;
  apiKeys: Set<string> | undefined;
  pacing: Pacing;
  chunkTokens: number;
  limits: MockLimits;
  clock: (hash: number) => number;
  journalSize: number;
  fixtures: FixtureStore;
  /** The realistic model's seed; undefined for the faithful model. */
  realisticSeed: number | undefined;
  record: RecordOptions | undefined;
}

/** Throws (an ApiError naming the problem) for an unknown profile or break. */
export function resolveOptions(options: MockOptions = {}): ResolvedOptions {
  const profile = loadProfile(options.profile ?? DEFAULT_PROFILE);
  const models = new Map((options.models ?? profile.models).map((m) => [m.id, m]));
  // The profile's chat ids stay where its document serves them; the others go everywhere.
  const profileIds = new Set(profile.models.map((m) => m.id));
  serveFixtureModels(models, options.fixtures ?? []);
  return {
    profile,
    breaks: options.breaks ?? [],
    quirks: composeQuirks([...profile.breaks, ...(options.breaks ?? [])]),
    models,
    anySurface: new Set([...models.keys()].filter((id) => !profileIds.has(id))),
    apiKeys: resolveApiKeys(options.apiKeys),
    pacing: resolvePacing(options.pacing),
    chunkTokens: resolveChunkTokens(options.chunkTokens),
    limits: resolveLimits(options.limits),
    clock: options.clock ?? hashClock,
    journalSize: options.journalSize ?? 1000,
    fixtures: new FixtureStore(options.fixtures ?? [], options.strict ?? false),
    realisticSeed: resolveStyle(options.style, options.seed),
    record: options.record,
  };
}

/**
 * A string is one key: `new Set('sk-test')` was the set of its characters, so `s` and `k`
 * were accepted and `sk-test` refused. Anything but a key or a list of keys is refused by
 * name; the error describes the value's shape, never a key.
 */
function resolveApiKeys(keys: unknown): Set<string> | undefined {
  if (keys === undefined) return undefined;
  if (typeof keys !== 'string' && !Array.isArray(keys))
    throw new Error(`apiKeys must be a key or a list of keys, got ${kindOf(keys)}`);
  const list: unknown[] = typeof keys === 'string' ? [keys] : keys;
  list.forEach((key, i) => {
    const name = typeof keys === 'string' ? 'apiKeys' : `apiKeys[${i}]`;
    if (typeof key !== 'string') throw new Error(`${name} must be a string, got ${kindOf(key)}`);
    // The Authorization header cannot carry such a key (it is trimmed): it could never be accepted.
    if (key === '' || key.trim() !== key) throw new Error(`${name} is empty or padded with spaces`);
  });
  return new Set(list as string[]);
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

function resolveStyle(style: ModelStyle | undefined, seed: number | undefined): number | undefined {
  if (style !== undefined && style !== 'faithful' && style !== 'realistic')
    throw new Error(`style must be faithful or realistic, got ${JSON.stringify(style)}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  return style === 'realistic' ? (seed ?? 1) : undefined;
}

/**
 * A model a fixture matches on is served even when the profile has no such model: a recording
 * of a real relay (model gpt-4o) then replays instead of answering 404. A reasoning model when
 * one of its replies carries reasoning.
 */
export function serveFixtureModels(models: Map<string, MockModel>, fixtures: readonly Fixture[]): void {
  for (const f of fixtures) {
    const id = f.match?.model;
    if (id === undefined || models.has(id)) continue;
    const replies = f.sequence ?? (f.reply ? [f.reply] : []);
    models.set(id, { id, reasoning: replies.some((r) => r.reasoning !== undefined) });
  }
}

function resolveChunkTokens(n: number | undefined): number {
  if (n === undefined) return 1;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`chunkTokens must be an integer 1-1000, got ${n}`);
  return n;
}

/** The defaults, with each limit the caller set to a number (undefined keeps the default). */
export function resolveLimits(limits: Partial<MockLimits> = {}): MockLimits {
  const out: MockLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof MockLimits)[]) {
    const value = limits[key];
    if (typeof value === 'number' && !Number.isNaN(value)) out[key] = value;
  }
  return out;
}

/**
 * The no-pacing defaults, with each pacing value the caller set to a number. A plain spread
 * let `{ tokensPerSecond: 20, firstTokenMs: undefined }` (the CLI with one flag) overwrite a
 * default with undefined, and the stream schedule became NaN (no pacing at all).
 */
export function resolvePacing(pacing: Partial<Pacing> = {}): Pacing {
  const out: Pacing = { ...NO_PACING };
  for (const key of Object.keys(NO_PACING) as (keyof Pacing)[]) {
    const value = pacing[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}
