// OpenAI's automatic prompt caching on chat completions and Responses: one bounded cache per
// mock (the same models stand behind both endpoints), so a long prefix sent again reports
// cached tokens, in the bucket of its prompt_cache_key (protocols/prompt-cache.ts).
import type { ChatCompletionRequest, Usage } from '../../spec/generated/types.js';
import { AUTOMATIC_MINIMUM, AUTOMATIC_STEP, chatCachePrompt, PromptCache } from '../protocols/prompt-cache.js';
import type { AppContext } from './prologue.js';

/** Cache points one mock keeps: each a 64-hex key and two numbers, well under 1 MB in all. */
export const AUTOMATIC_CACHE_ENTRIES = 4096;

const caches = new WeakMap<AppContext, PromptCache>();

/**
 * Read and write the cache for this prompt and set usage.prompt_tokens_details.cached_tokens.
 * A prompt under 1,024 tokens is not looked at (most requests: no hashing, no counting).
 */
export function cachePrompt(
  ctx: AppContext,
  request: ChatCompletionRequest,
  key: string | null | undefined,
  usage: Usage,
  warmup = 1,
): void {
  if (usage.prompt_tokens < AUTOMATIC_MINIMUM) return;
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new PromptCache(AUTOMATIC_CACHE_ENTRIES)));
  const read = cache.automatic(request.model, key ?? null, chatCachePrompt(request, usage.prompt_tokens), warmup);
  // Never more than the prompt.
  const cached = Math.min(read, Math.floor(usage.prompt_tokens / AUTOMATIC_STEP) * AUTOMATIC_STEP);
  usage.prompt_tokens_details = { ...usage.prompt_tokens_details, cached_tokens: cached };
}
