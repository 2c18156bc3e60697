// Prompt caching: the cached count zeroed, or prompt_cache_key dropped before the upstream.
import type { BreakImpl, JsonObject } from './hooks.js';
import { isObject, objectChunks } from './json.js';

function zeroCached(item: JsonObject): void {
  const details = isObject(item.usage) ? item.usage.prompt_tokens_details : undefined;
  if (isObject(details) && typeof details.cached_tokens === 'number') details.cached_tokens = 0;
}

export const cachingBreaks: Record<string, BreakImpl> = {
  'cache-tokens-zeroed': {
    response: zeroCached,
    chunks(chunks) {
      objectChunks(chunks).forEach(zeroCached);
      return chunks;
    },
  },
  'cache-key-dropped': {
    request(req) {
      delete req.prompt_cache_key;
    },
    responsesRequest(body) {
      delete body.prompt_cache_key;
    },
  },
};
