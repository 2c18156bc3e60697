// Response metadata and usage, and the model list.
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
