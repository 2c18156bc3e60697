// Response metadata and usage, and the model list.
import { FAMILIES, chatPromptTokens, tokenizerFamily } from '../../spec/tokenizer.js';
import { routeNotFound } from '../core/api-error.js';
import type { BreakImpl, JsonObject, StageContext } from './hooks.js';
import { bodyOf, choicesOf, isObject, objectChunks } from './json.js';

/** Apply `edit` to the response, or to every chunk of a stream. */
function everywhere(edit: (item: JsonObject) => void): Pick<BreakImpl, 'response' | 'chunks'> {
  return {
    response: edit,
    chunks(chunks) {
      objectChunks(chunks).forEach(edit);
      return chunks;
    },
  };
}

function mismatchTotal(item: JsonObject): void {
  if (isObject(item.usage) && typeof item.usage.total_tokens === 'number') item.usage.total_tokens += 7;
}

/** What usage-constant reports for every answer, whatever was asked. */
const CONSTANT_USAGE = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };

/** Completion counted as the request's cap plus an overhead, where a cap was set (consistent total). */
function overCap(item: JsonObject, ctx: StageContext): void {
  const caps = [ctx.request.max_tokens, ctx.request.max_completion_tokens].filter((c) => typeof c === 'number');
  if (caps.length === 0) return;
  const cap = Math.min(...caps);
  if (!isObject(item.usage) || typeof item.usage.prompt_tokens !== 'number') return;
  item.usage.completion_tokens = cap + 8;
  item.usage.total_tokens = item.usage.prompt_tokens + cap + 8;
}

/** A relay billing more than its upstream: prompt_tokens a third higher, total kept consistent. */
const INFLATION = 4 / 3;

function setPrompt(item: JsonObject, prompt: (was: number) => number): void {
  if (!isObject(item.usage) || typeof item.usage.prompt_tokens !== 'number') return;
  const usage = item.usage;
  const next = prompt(usage.prompt_tokens as number);
  usage.prompt_tokens = next;
  if (typeof usage.completion_tokens === 'number') usage.total_tokens = next + usage.completion_tokens;
}

/**
 * prompt_tokens as the other OpenAI family counts the messages (a cheaper model served under
 * the name): only the messages' share changes. Other models have no family: untouched.
 */
function otherFamily(item: JsonObject, ctx: StageContext): void {
  const family = tokenizerFamily(ctx.request.model);
  const other = FAMILIES.find((f) => f !== family);
  if (!family || !other) return;
  const shift = chatPromptTokens(other, ctx.request.messages) - chatPromptTokens(family, ctx.request.messages);
  setPrompt(item, (was) => Math.max(0, was + shift));
}

export const metadataBreaks: Record<string, BreakImpl> = {
  'model-rewritten': everywhere((item) => {
    item.model = `openai/${String(item.model)}`;
  }),
  'model-snapshot': everywhere((item) => {
    item.model = `${String(item.model)}-2024-07-18`;
  }),
  'created-millis': everywhere((item) => {
    if (typeof item.created === 'number') item.created = item.created * 1000 + 417;
  }),
  'id-empty': everywhere((item) => {
    item.id = '';
  }),
  'message-role-missing': {
    response(body) {
      for (const choice of choicesOf(body)) delete bodyOf(choice)?.role;
    },
  },
  'extra-field': {
    response(body, ctx) {
      const { name, value, in: where } = ctx.params as { name: string; value: unknown; in: string[] };
      if (where.includes('response')) body[name] = value;
    },
    chunks(chunks, ctx) {
      const { name, value, in: where } = ctx.params as { name: string; value: unknown; in: string[] };
      objectChunks(chunks).forEach((chunk, i) => {
        if (where.includes('every-chunk') || (i === 0 && where.includes('first-chunk'))) chunk[name] = value;
      });
      return chunks;
    },
  },
  'usage-total-mismatch': everywhere(mismatchTotal),
  'usage-constant': everywhere((item) => {
    if (isObject(item.usage)) item.usage = { ...CONSTANT_USAGE };
  }),
  'usage-over-max-tokens': {
    response: overCap,
    chunks(chunks, ctx) {
      objectChunks(chunks).forEach((c) => overCap(c, ctx));
      return chunks;
    },
  },
  'usage-inflated': everywhere((item) => setPrompt(item, (was) => Math.round(was * INFLATION))),
  'usage-wrong-tokenizer': {
    response: otherFamily,
    chunks(chunks, ctx) {
      objectChunks(chunks).forEach((c) => otherFamily(c, ctx));
      return chunks;
    },
  },
  'models-created-ms': {
    models(list) {
      if (!Array.isArray(list.data)) return;
      for (const m of list.data.filter(isObject)) if (typeof m.created === 'number') m.created = m.created * 1000;
    },
  },
  'models-list-nonstandard': {
    models(list) {
      if (!Array.isArray(list.data)) return;
      list.data = list.data.filter(isObject).map((m) => ({ id: m.id, created_at: m.created }));
    },
  },
  'models-list-empty': {
    models(list) {
      list.data = [];
    },
  },
  'models-endpoint-missing': {
    models: () => routeNotFound('GET', '/models'),
  },
};
