// Prompt caching, computed, for both protocols that report it: the prompt as segments (tools
// first, then the messages), a cache point keyed by the hash of the prefix up to it.
// - Anthropic's (`use`): each cache_control block is a breakpoint; one shorter than the
//   model's minimum caches nothing (as Anthropic: silently).
// - OpenAI's automatic caching (`automatic`, chat completions and Responses): every segment
//   end at 1,024 tokens or more is a point, within the bucket of the request's
//   prompt_cache_key (OpenAI routes by key and prefix, so another key starts cold); the cached
//   count is the longest cached prefix rounded down to a multiple of 128.
// Segment granularity: a prefix is cached up to the last whole segment it shares (OpenAI
// matches token by token; for a long shared system prompt the two agree after rounding).
// The cache is bounded in entries (least recently used out), each a 64-hex key and two
// numbers, so in bytes too; no I/O.
import { createHash, type Hash } from 'node:crypto';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import { countMessageTokens, countTokens, REPLY_PRIMING_TOKENS } from '../core/tokens.js';

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

/** OpenAI's automatic caching (prompt-caching guide): from 1,024 tokens, in steps of 128. */
export const AUTOMATIC_MINIMUM = 1024;
export const AUTOMATIC_STEP = 128;
/** Cache points one prompt writes at most (its longest prefixes): a huge history cannot flush the cache. */
export const AUTOMATIC_POINTS_PER_PROMPT = 32;

interface Entry {
  tokens: number;
  /** How many prompts wrote this point: a realistic model may need two before it reads. */
  seen: number;
}

export class PromptCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 1024) {}

  /**
   * The usage of this prompt, and the cache updated: the longest cached breakpoint is read,
   * the prefix up to the last eligible breakpoint is written (its tokens beyond the read part).
   */
  use(model: string, segments: readonly PromptSegment[]): CacheUsage {
    const minimum = minimumCacheable(model);
    const total = segments.reduce((n, s) => n + s.tokens, 0);
    const points = prefixPoints(model, segments, (s, tokens) => s.breakpoint && tokens >= minimum);
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

  /**
   * OpenAI's automatic caching: the cached tokens of this prompt (0, or a multiple of 128 from
   * 1,024), and the cache updated with its points. `key` is prompt_cache_key (null: none, a
   * bucket of its own); `warmup` is how many prompts must have written a point before it is
   * read (1: the next one; the realistic model may draw 2, as a cache write can land late).
   */
  automatic(model: string, key: string | null, prompt: AutomaticPrompt, warmup = 1): number {
    // The points: the last segment ends at 1,024 tokens or more, found from the end, so a
    // long history's early messages are never counted again (usage counted them once).
    const ends = new Map<number, number>();
    for (let i = prompt.texts.length - 1; i >= 0 && ends.size < AUTOMATIC_POINTS_PER_PROMPT; i--) {
      const tokens = prompt.tokensThrough(i);
      if (tokens < AUTOMATIC_MINIMUM) break;
      ends.set(i, tokens);
    }
    if (ends.size === 0) return 0;
    const points: { key: string; tokens: number }[] = [];
    const hash: Hash = createHash('sha256').update(`openai\u0000${model}\u0000${key ?? ''}`);
    prompt.texts.forEach((text, i) => {
      hash.update(`\u0000${text}`);
      const tokens = ends.get(i);
      if (tokens !== undefined) points.push({ key: hash.copy().digest('hex'), tokens });
    });
    let read = 0;
    for (const p of points) if ((this.entries.get(p.key)?.seen ?? 0) >= warmup) read = Math.max(read, p.tokens);
    for (const p of points) this.touch(p.key, p.tokens);
    return Math.floor(read / AUTOMATIC_STEP) * AUTOMATIC_STEP;
  }

  /** Entries held (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  private touch(key: string, tokens: number): void {
    const seen = (this.entries.get(key)?.seen ?? 0) + 1;
    this.entries.delete(key);
    this.entries.set(key, { tokens, seen });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** The cache points of a prompt: the hash of the prefix up to each eligible segment end. */
function prefixPoints(
  seed: string,
  segments: readonly PromptSegment[],
  eligible: (segment: PromptSegment, tokens: number) => boolean,
): { key: string; tokens: number }[] {
  const points: { key: string; tokens: number }[] = [];
  const hash: Hash = createHash('sha256').update(seed);
  let tokens = 0;
  for (const s of segments) {
    hash.update(`\u0000${s.text}`);
    tokens += s.tokens;
    if (eligible(s, tokens)) points.push({ key: hash.copy().digest('hex'), tokens });
  }
  return points;
}

/**
 * A message as the cache keys it: role and text for the common plain message (serialising a
 * 4 MB string costs as much as hashing it), the whole JSON otherwise ("{" never starts a role).
 */
function messageText(m: ChatCompletionRequest['messages'][number]): string {
  return typeof m.content === 'string' && Object.keys(m).length === 2 ? `${m.role}:${m.content}` : JSON.stringify(m);
}

/** A prompt as automatic caching sees it: its segments' texts, and the tokens up to each end. */
export interface AutomaticPrompt {
  texts: readonly string[];
  /** Prompt tokens up to and including segment i (asked from the last segment backwards). */
  tokensThrough(i: number): number;
}

/**
 * A chat request's prompt in caching order: the tools and the response format's schema (which
 * OpenAI renders before the messages), then one segment a message. The tokens up to a segment
 * are prompt_tokens minus what follows it, each message counted as usage counts it: only the
 * messages after a point are counted, never the whole history again.
 */
export function chatCachePrompt(request: ChatCompletionRequest, promptTokens: number): AutomaticPrompt {
  const texts: string[] = [];
  const tokenCounts: (() => number)[] = [];
  const add = (text: string, count: () => number): void => {
    texts.push(text);
    tokenCounts.push(count);
  };
  if (request.tools) {
    const json = JSON.stringify(request.tools);
    add(`tools:${json}`, () => countTokens(json));
  }
  const schema = request.response_format?.json_schema;
  if (schema) {
    const json = JSON.stringify(schema.schema ?? {});
    add(`schema:${json}`, () => countTokens(json));
  }
  for (const m of request.messages) add(messageText(m), () => countMessageTokens([m]) - REPLY_PRIMING_TOKENS);
  // The tokens after segment `cursor`, summed from the end as points are asked for.
  let cursor = texts.length - 1;
  let after = 0;
  const tokensAfter = (i: number): number => {
    if (i > cursor) [cursor, after] = [texts.length - 1, 0];
    for (; cursor > i; cursor--) after += tokenCounts[cursor]!();
    return after;
  };
  return { texts, tokensThrough: (i) => promptTokens - REPLY_PRIMING_TOKENS - tokensAfter(i) };
}
