// Anthropic's prompt caching, computed: the prompt (tools, system, messages, in that order)
// as segments, each cache_control block a breakpoint keyed by the hash of the prefix up to
// it. A breakpoint shorter than the model's minimum caches nothing (as Anthropic: silently).
// The cache is bounded (least recently used out); no I/O.
import { createHash, type Hash } from 'node:crypto';

/** One block of the prompt as the cache sees it: its tokens, its text, and whether it carries cache_control. */
export interface PromptSegment {
  text: string;
  tokens: number;
  breakpoint: boolean;
}

/** Anthropic's usage of the prompt: input_tokens + the two cache fields = the whole prompt. */
export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** At most this many cache_control blocks in one request (Anthropic's limit). */
export const MAX_BREAKPOINTS = 4;

/**
 * The minimum cacheable prefix by model (Anthropic's prompt-caching documentation, 2026):
 * first match wins, 1024 otherwise (Opus 4.8, Sonnet 4.5/4.6, Opus 4/4.1...).
 */
const MINIMUM_BY_MODEL: readonly (readonly [RegExp, number])[] = [
  [/opus-4-[56]|haiku-4-5/, 4096],
  [/opus-4-7|haiku-3|3-5-haiku|3-haiku/, 2048],
];

export function minimumCacheable(model: string): number {
  return MINIMUM_BY_MODEL.find(([pattern]) => pattern.test(model))?.[1] ?? 1024;
}

export class PromptCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly capacity = 1024) {}

  /**
   * The usage of this prompt, and the cache updated: the longest cached breakpoint is read,
   * the prefix up to the last eligible breakpoint is written (its tokens beyond the read part).
   */
  use(model: string, segments: readonly PromptSegment[]): CacheUsage {
    const minimum = minimumCacheable(model);
    const total = segments.reduce((n, s) => n + s.tokens, 0);
    const points: { key: string; tokens: number }[] = [];
    const hash: Hash = createHash('sha256').update(model);
    let tokens = 0;
    for (const s of segments) {
      hash.update(`\u0000${s.text}`);
      tokens += s.tokens;
      if (s.breakpoint && tokens >= minimum) points.push({ key: hash.copy().digest('hex'), tokens });
    }
    let read = 0;
    for (const p of points) if (this.entries.has(p.key)) read = Math.max(read, p.tokens);
    const last = points.at(-1)?.tokens ?? 0;
    for (const p of points) this.touch(p.key, p.tokens);
    const creation = Math.max(0, last - read);
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
    };
  }

  private touch(key: string, tokens: number): void {
    this.entries.delete(key);
    this.entries.set(key, tokens);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
