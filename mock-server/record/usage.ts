// A relay's usage, read into the fixture's one neutral form (UsageReply): pure. The relay is
// hostile, so a usage is kept only whole and sound: every count it gives a finite integer from
// 0 to MAX_USAGE_TOKENS, the parts within their totals. Anything else is left out, and the
// replay counts tokens as the mock does.
import type { UsageReply } from '../../spec/generated/types.js';
import { isRecord } from '../core/schema-check.js';
import { isTokenCount, usageProblem } from '../fixtures/usage.js';

const BAD = Symbol('not a token count');
/** A count the relay gave: absent (undefined or null), a count, or not one (the usage is dropped). */
type Read = number | undefined | typeof BAD;

function count(v: unknown): Read {
  if (v === undefined || v === null) return undefined;
  return isTokenCount(v) ? v : BAD;
}

/** A field of a details object the relay may leave out (or null), or send as something else. */
function detail(details: unknown, field: string): Read {
  if (details === undefined || details === null) return undefined;
  return isRecord(details) ? count(details[field]) : BAD;
}

/** The neutral usage from its parts, or undefined when one is bad, a total is missing, or the sums fail. */
function build(parts: {
  prompt: Read;
  completion: Read;
  cached?: Read;
  cacheWrite?: Read;
  reasoning?: Read;
}): UsageReply | undefined {
  const all = Object.values(parts);
  if (all.includes(BAD)) return undefined;
  const { prompt, completion, cached, cacheWrite, reasoning } = parts as Record<keyof typeof parts, number | undefined>;
  if (prompt === undefined || completion === undefined) return undefined;
  const usage: UsageReply = { promptTokens: prompt, completionTokens: completion };
  // An absent detail replays as 0: a zero is left out of the file.
  if (cached) usage.cachedTokens = cached;
  if (cacheWrite) usage.cacheWriteTokens = cacheWrite;
  if (reasoning) usage.reasoningTokens = reasoning;
  return usageProblem(usage) === null ? usage : undefined;
}

/** Chat completions' usage (a JSON answer's, or a stream's usage chunk). */
export function chatUsage(u: unknown): UsageReply | undefined {
  if (!isRecord(u)) return undefined;
  return build({
    prompt: count(u.prompt_tokens),
    completion: count(u.completion_tokens),
    cached: detail(u.prompt_tokens_details, 'cached_tokens'),
    reasoning: detail(u.completion_tokens_details, 'reasoning_tokens'),
  });
}

/** The Responses API's usage (a Response's, or response.completed's). */
export function responsesUsage(u: unknown): UsageReply | undefined {
  if (!isRecord(u)) return undefined;
  return build({
    prompt: count(u.input_tokens),
    completion: count(u.output_tokens),
    cached: detail(u.input_tokens_details, 'cached_tokens'),
    reasoning: detail(u.output_tokens_details, 'reasoning_tokens'),
  });
}

/**
 * Anthropic's usage: its input_tokens leave out the cache's reads and writes, so the prompt
 * billed is the three together (their sum within the bound too).
 */
export function messagesUsage(u: unknown): UsageReply | undefined {
  if (!isRecord(u)) return undefined;
  const input = count(u.input_tokens);
  const read = count(u.cache_read_input_tokens);
  const write = count(u.cache_creation_input_tokens);
  let prompt: Read = input;
  if (typeof input === 'number' && read !== BAD && write !== BAD) prompt = count(input + (read ?? 0) + (write ?? 0));
  return build({ prompt, completion: count(u.output_tokens), cached: read, cacheWrite: write });
}

/**
 * A Messages stream's usage: message_start's (the input and cache counts), with what
 * message_delta reports on top (the output so far; newer streams repeat the input counts).
 */
export function mergeMessagesUsage(start: unknown, delta: unknown): Record<string, unknown> {
  const merged: Record<string, unknown> = isRecord(start) ? { ...start } : {};
  if (isRecord(delta)) for (const [k, v] of Object.entries(delta)) if (v !== null && v !== undefined) merged[k] = v;
  return merged;
}
