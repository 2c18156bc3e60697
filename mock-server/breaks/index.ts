// The break registry, and the composition of the active breaks into one function per
// pipeline stage. Which breaks exist, what they flip and their parameters are data
// (spec/breaks.yaml); only what each one does is code, here.
import type { BreakParams } from '../../spec/generated/types.js';
import { breakById, breakIds, conflictingPairs, resolveBreakParams, type ActiveBreak } from '../../spec/breaks.js';
import { type ApiError, invalidRequest } from '../core/api-error.js';
import { cachingBreaks } from './caching.js';
import { errorBreaks } from './errors.js';
import type {
  BreakImpl,
  ChoiceContext,
  ErrorContext,
  ErrorReply,
  JsonObject,
  MessagesContext,
  MessagesErrorReply,
  MessagesEvent,
  MessagesReceived,
  ResponsesContext,
  StageContext,
  StreamShape,
} from './hooks.js';
import { messagesBreaks } from './messages.js';
import { metadataBreaks } from './metadata.js';
import { reasoningBreaks } from './reasoning.js';
import { requestBreaks } from './request.js';
import { responsesBreaks } from './responses.js';
import { streamBreaks } from './stream.js';
import { structuredBreaks } from './structured.js';
import { toolBreaks } from './tools.js';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import type { PlannedChoice } from '../completion/choice.js';

export type { ChoiceContext, ErrorReply, JsonObject, StageContext, StreamShape } from './hooks.js';
export type { ActiveBreak } from '../../spec/breaks.js';

export const IMPLEMENTATIONS: Readonly<Record<string, BreakImpl>> = {
  ...requestBreaks,
  ...streamBreaks,
  ...toolBreaks,
  ...structuredBreaks,
  ...reasoningBreaks,
  ...errorBreaks,
  ...metadataBreaks,
  ...responsesBreaks,
  ...cachingBreaks,
  ...messagesBreaks,
};

/** The active breaks composed, stage by stage, in catalogue order. */
export interface Quirks {
  ids: string[];
  acceptAnyKey: boolean;
  serveUnknownModels: boolean;
  /** Some break edits the chunks or the stream's framing: the stream must be built chunk by chunk. */
  reshapesStream: boolean;
  raw(body: JsonObject): void;
  request(request: ChatCompletionRequest): ApiError | null;
  choice(choice: PlannedChoice, ctx: Omit<ChoiceContext, 'params'>): void;
  response(body: JsonObject, ctx: Omit<StageContext, 'params'>): void;
  chunks(chunks: (JsonObject | string)[], ctx: Omit<StageContext, 'params'>): (JsonObject | string)[];
  stream(shape: StreamShape, ctx: Omit<StageContext, 'params'>): void;
  error(reply: ErrorReply, ctx: Omit<ErrorContext, 'params'>): void;
  models(list: JsonObject): ApiError | null;
  /** Some break drops the routes GET and DELETE /responses/{id}. */
  noResponseRoutes: boolean;
  /** Some break answers DELETE /responses/{id} without deleting. */
  keepDeleted: boolean;
  responsesRequest(body: JsonObject): void;
  responsesError(error: ApiError): JsonObject | null;
  responsesBody(body: JsonObject, ctx: Omit<ResponsesContext, 'params'>): void;
  responsesEvents(events: JsonObject[], ctx: Omit<ResponsesContext, 'params'>): JsonObject[];
  /** Some break reads the key from Authorization only on the Messages surface. */
  bearerOnly: boolean;
  messagesRequest(body: JsonObject, received: MessagesReceived): ApiError | null;
  messagesBody(body: JsonObject, ctx: Omit<MessagesContext, 'params'>): void;
  /** Whether some break edits a Messages stream (the events must be handled as objects). */
  editsMessagesEvents: boolean;
  messagesEvents(events: MessagesEvent[], ctx: Omit<MessagesContext, 'params'>): MessagesEvent[];
  messagesCount(answer: JsonObject, request: JsonObject): void;
  messagesError(reply: MessagesErrorReply): void;
}

/**
 * Resolve break ids (with optional parameters) into Quirks. Throws an ApiError (400) naming
 * the problem for an unknown id, bad parameters or two breaks that cannot be on together.
 */
export function composeQuirks(active: readonly ActiveBreak[]): Quirks {
  const known = new Set(breakIds());
  const byId = new Map<string, BreakParams | undefined>();
  for (const a of active) {
    if (!known.has(a.id))
      throw invalidRequest(
        `Unknown break '${a.id}'. 'relaycheck mock --list-breaks' lists them.`,
        null,
        'unknown_break',
      );
    try {
      byId.set(a.id, resolveBreakParams(a.id, a.params));
    } catch (err) {
      throw invalidRequest((err as Error).message, null, 'invalid_break');
    }
  }
  const pairs = conflictingPairs([...byId.keys()]);
  if (pairs.length > 0) {
    throw invalidRequest(
      `These breaks cannot be on together: ${pairs.map((p) => p.join(' + ')).join(', ')}.`,
      null,
      'conflicting_breaks',
    );
  }
  // Catalogue order, so the same set always composes the same way.
  const ordered = breakIds()
    .filter((id) => byId.has(id))
    .map((id) => ({ id, params: byId.get(id), impl: IMPLEMENTATIONS[id] ?? {} }));
  const withHook = <K extends keyof BreakImpl>(hook: K) =>
    ordered.filter((b) => b.impl[hook] !== undefined) as ((typeof ordered)[number] & {
      impl: Required<Pick<BreakImpl, K>>;
    })[];

  return {
    ids: ordered.map((b) => b.id),
    acceptAnyKey: ordered.some((b) => b.impl.acceptAnyKey),
    serveUnknownModels: ordered.some((b) => b.impl.serveUnknownModels),
    reshapesStream: withHook('chunks').length > 0 || withHook('stream').length > 0,
    raw(body) {
      for (const b of withHook('raw')) b.impl.raw(body, b.params);
    },
    request(request) {
      for (const b of withHook('request')) {
        const refusal = b.impl.request(request, b.params);
        if (refusal) return refusal;
      }
      return null;
    },
    choice(choice, ctx) {
      for (const b of withHook('choice')) b.impl.choice(choice, { ...ctx, params: b.params });
    },
    response(body, ctx) {
      for (const b of withHook('response')) b.impl.response(body, { ...ctx, params: b.params });
    },
    chunks(chunks, ctx) {
      let out = chunks;
      for (const b of withHook('chunks')) out = b.impl.chunks(out, { ...ctx, params: b.params });
      return out;
    },
    stream(shape, ctx) {
      for (const b of withHook('stream')) b.impl.stream(shape, { ...ctx, params: b.params });
    },
    error(reply, ctx) {
      for (const b of withHook('error')) b.impl.error(reply, { ...ctx, params: b.params });
    },
    noResponseRoutes: ordered.some((b) => b.impl.noResponseRoutes),
    keepDeleted: ordered.some((b) => b.impl.keepDeleted),
    responsesRequest(body) {
      for (const b of withHook('responsesRequest')) b.impl.responsesRequest(body, b.params);
    },
    responsesError(error) {
      for (const b of withHook('responsesError')) {
        const body = b.impl.responsesError(error, b.params);
        if (body) return body;
      }
      return null;
    },
    responsesBody(body, ctx) {
      for (const b of withHook('responsesBody')) b.impl.responsesBody(body, { ...ctx, params: b.params });
    },
    responsesEvents(events, ctx) {
      let out = events;
      for (const b of withHook('responsesEvents')) out = b.impl.responsesEvents(out, { ...ctx, params: b.params });
      return out;
    },
    bearerOnly: ordered.some((b) => b.impl.bearerOnly),
    messagesRequest(body, received) {
      for (const b of withHook('messagesRequest')) {
        const refusal = b.impl.messagesRequest(body, b.params, received);
        if (refusal) return refusal;
      }
      return null;
    },
    messagesBody(body, ctx) {
      for (const b of withHook('messagesBody')) b.impl.messagesBody(body, { ...ctx, params: b.params });
    },
    editsMessagesEvents: withHook('messagesEvents').length > 0,
    messagesEvents(events, ctx) {
      let out = events;
      for (const b of withHook('messagesEvents')) out = b.impl.messagesEvents(out, { ...ctx, params: b.params });
      return out;
    },
    messagesCount(answer, request) {
      for (const b of withHook('messagesCount')) b.impl.messagesCount(answer, request, b.params);
    },
    messagesError(reply) {
      for (const b of withHook('messagesError')) b.impl.messagesError(reply, b.params);
    },
    models(list) {
      for (const b of withHook('models')) {
        const refusal = b.impl.models(list, b.params);
        if (refusal) return refusal;
      }
      return null;
    },
  };
}

export const NO_QUIRKS: Quirks = composeQuirks([]);

/** `stop-ignored,extra-field` → active breaks with default parameters. */
export function parseBreakList(list: string | undefined): ActiveBreak[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((id) => ({ id }));
}

/** One line per break, for `relaycheck mock --list-breaks`. */
export function describeBreaks(): string[] {
  return breakIds().map((id) => {
    const b = breakById(id);
    const flips = Object.entries(b.flips)
      .map(([f, v]) => `${f}→${String(v)}`)
      .join(', ');
    return `${id.padEnd(31)} ${b.description}${flips ? `  [${flips}]` : ''}`;
  });
}
