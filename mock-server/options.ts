// Everything a caller can configure on the mock, with the defaults in one place.
import type { ActiveBreak } from '../spec/breaks.ts';
import { composeQuirks, type Quirks } from './breaks/index.ts';
import { NO_PACING, type Pacing } from './http/sse-writer.ts';
import { DEFAULT_PROFILE, loadProfile, type Profile } from './profile.ts';

export interface MockModel {
  id: string;
  /** Emits `reasoning_content` and accepts `reasoning_effort`. */
  reasoning?: boolean;
  /** Accepts image_url content parts. */
  vision?: boolean;
  ownedBy?: string;
  /** Parameters and roles this model refuses with 400 (o1-style models). */
  rejects?: { params?: string[]; roles?: string[] };
}

export interface MockLimits {
  /** Request bodies larger than this get 413. */
  maxBodyBytes: number;
  maxMessages: number;
  maxN: number;
  /** Generated tokens per choice when the request sets no limit. */
  maxGeneratedTokens: number;
  /** Nodes of a generated JSON instance (response_format / tool arguments). */
  maxSchemaNodes: number;
  /** A client that has not sent its whole request by then is cut off. */
  requestTimeoutMs: number;
}

export interface MockOptions {
  /** A relay dialect from spec/relays/ (default `openai`, the faithful reference). */
  profile?: string;
  /** Extra breaks (single deviations) on top of the profile's, e.g. `[{ id: 'stop-ignored' }]`. */
  breaks?: ActiveBreak[];
  /** The models served; default: the profile's. */
  models?: MockModel[];
  /** Accepted API keys; omitted = any non-empty key. */
  apiKeys?: string[];
  pacing?: Partial<Pacing>;
  limits?: Partial<MockLimits>;
  /**
   * `created` (seconds) for a response. Defaults to a value derived from the request's
   * hash, so the same request gives the same bytes; pass `() => Math.floor(Date.now()/1000)`
   * for wall-clock time.
   */
  clock?: (hash: number) => number;
  /** Requests kept by the journal (0 disables it). */
  journalSize?: number;
}

export const DEFAULT_LIMITS: MockLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxMessages: 2048,
  maxN: 16,
  maxGeneratedTokens: 4096,
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
  apiKeys: Set<string> | undefined;
  pacing: Pacing;
  limits: MockLimits;
  clock: (hash: number) => number;
  journalSize: number;
}

/** Throws (an ApiError naming the problem) for an unknown profile or break. */
export function resolveOptions(options: MockOptions = {}): ResolvedOptions {
  const profile = loadProfile(options.profile ?? DEFAULT_PROFILE);
  const models = new Map((options.models ?? profile.models).map((m) => [m.id, m]));
  return {
    profile,
    breaks: options.breaks ?? [],
    quirks: composeQuirks([...profile.breaks, ...(options.breaks ?? [])]),
    models,
    apiKeys: options.apiKeys ? new Set(options.apiKeys) : undefined,
    pacing: { ...NO_PACING, ...options.pacing },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    clock: options.clock ?? hashClock,
    journalSize: options.journalSize ?? 1000,
  };
}
