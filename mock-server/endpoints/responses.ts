// POST {path}, GET and DELETE {path}/{id} for a profile that serves OpenAI's Responses API:
// the shared prologue (breaks, key, body, fault), the translation onto the chat planner
// (protocols/responses.ts), the fixture step, the plan, and the reply as a Response or its
// named SSE events. Stored responses (store, previous_response_id) live in a bounded map of
// this mock's own, as does the secret encrypted reasoning is signed with.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatMessage } from '../../spec/generated/types.js';
import { checkRequest } from '../completion/check.js';
import { planCompletion } from '../completion/plan.js';
import { drawRealism } from '../completion/realistic.js';
import { ApiError, routeNotFound } from '../core/api-error.js';
import { lastUserText } from '../core/instructions.js';
import type { Quirks } from '../breaks/index.js';
import { isObject } from '../breaks/json.js';
import { sendError, sendJson, sendText, type ErrorState } from '../http/reply.js';
import { writeSse } from '../http/sse-writer.js';
import {
  asResponsesError,
  failedEvents,
  failedResponse,
  formatEvent,
  openReasoning,
  outputMessages,
  renderEvents,
  renderEventsBody,
  renderResponse,
  responseId,
  sealReasoning,
  toChatRequest,
  type RenderContext,
} from '../protocols/responses.js';
import { answerFor, authError, awaitLatency, openRequest, selectQuirks, type AppContext } from './prologue.js';
import { cachePrompt } from './prompt-caching.js';

/** Stored responses kept at most; the least recently used goes first. */
export const RESPONSE_STORE_SIZE = 1000;

interface Stored {
  /**
   * The Response as JSON text, as GET sends it: one string rather than an object graph, which
   * a thousand-entry store would keep alive into the old generation for the collector to copy.
   */
  text: string;
  /** The conversation up to and including this response's output, for previous_response_id. */
  history: ChatMessage[];
  /** The ids of its output items (item_reference). */
  itemIds: string[];
}

/** A Map used as an LRU: reading an entry makes it the newest. Its output items can be found by id. */
class ResponseStore {
  private readonly entries = new Map<string, Stored>();
  /** Output item id -> the id of the response holding it. */
  private readonly items = new Map<string, string>();
  constructor(private readonly size: number) {}
  /** A stored output item, read from its response's text (item_reference is rare: no copy is kept). */
  item(id: string): unknown {
    const holder = this.items.get(id);
    const stored = holder === undefined ? undefined : this.entries.get(holder);
    if (!stored) return undefined;
    const output = (JSON.parse(stored.text) as { output: { id?: unknown }[] }).output;
    return output.find((i) => i.id === id);
  }
  get(id: string): Stored | undefined {
    const found = this.entries.get(id);
    if (found) {
      this.entries.delete(id);
      this.entries.set(id, found);
    }
    return found;
  }
  /** Keeps `response` (serialised as `text`, when the caller has it already). */
  set(id: string, response: Record<string, unknown>, history: ChatMessage[], text = JSON.stringify(response)): void {
    this.delete(id);
    const itemIds = (response.output as { id?: unknown }[])
      .map((i) => i.id)
      .filter((i): i is string => typeof i === 'string');
    this.entries.set(id, { text, history, itemIds });
    for (const item of itemIds) this.items.set(item, id);
    if (this.entries.size > this.size) this.delete(this.entries.keys().next().value!);
  }
  delete(id: string): boolean {
    const found = this.entries.get(id);
    if (!found) return false;
    for (const item of found.itemIds) this.items.delete(item);
    return this.entries.delete(id);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

const previousNotFound = (id: string): ApiError =>
  new ApiError(
    404,
    'invalid_request_error',
    `Previous response with id '${id}' not found.`,
    'previous_response_id',
    'previous_response_not_found',
  );

const responseNotFound = (id: string): ApiError =>
  new ApiError(404, 'invalid_request_error', `Response with id '${id}' not found.`, null, null);

type Handler = (
  req: IncomingMessage & { params?: Record<string, string | string[]> },
  res: ServerResponse,
) => Promise<void>;

export interface ResponsesHandlers {
  create: Handler;
  get: Handler;
  delete: Handler;
  /** Whether the store holds this id (record mode's onMiss answers it itself). */
  held(id: string): boolean;
}

/** One set of handlers (one store, one secret) per mock and path: the app and start()'s direct path share it. */
const perContext = new WeakMap<AppContext, Map<string, ResponsesHandlers>>();

export function responsesFor(ctx: AppContext, path: string): ResponsesHandlers {
  let byPath = perContext.get(ctx);
  if (!byPath) perContext.set(ctx, (byPath = new Map()));
  let handlers = byPath.get(path);
  if (!handlers) byPath.set(path, (handlers = responsesHandlers(ctx)));
  return handlers;
}

export function responsesHandlers(ctx: AppContext, storeSize = RESPONSE_STORE_SIZE): ResponsesHandlers {
  const { options } = ctx;
  const store = new ResponseStore(storeSize);
  const secret = randomBytes(32);
  const seal = (text: string): string => sealReasoning(secret, text);
  const reader = { openReasoning: (blob: string) => openReasoning(secret, blob), item: (id: string) => store.item(id) };

  const create: Handler = async (req, res) => {
    const state: ErrorState = { quirks: options.quirks, stream: false };
    try {
      const { body, fault: asked, quirks } = await openRequest(ctx, req, state);
      // The breaks see copies: what the relay forwards, and what it sends back.
      const bent = quirks.ids.length > 0;
      const json: unknown = bent && isObject(body.json) ? structuredClone(body.json) : body.json;
      if (bent && isObject(json)) quirks.responsesRequest(json);
      const previousId = (json as { previous_response_id?: unknown } | null)?.previous_response_id;
      let previous: ChatMessage[] = [];
      if (typeof previousId === 'string') {
        const found = store.get(previousId);
        if (!found) throw previousNotFound(previousId);
        previous = found.history;
      }
      const translated = toChatRequest(json, reader, previous);
      if (translated instanceof ApiError) throw translated;
      state.stream = translated.stream;
      const request = translated.chat;
      const model = options.models.get(request.model);
      const problem = checkRequest(request, model, options.limits);
      if (problem) throw asResponsesError(problem);
      // A fixture scripts the answer (its tool calls become the items their tools' kinds ask for).
      const others = [...translated.toolKinds].filter(([, kind]) => kind !== 'function').map(([name]) => name);
      const answer = answerFor(ctx, req, request, asked, undefined, others);
      const realism =
        options.realisticSeed === undefined
          ? undefined
          : drawRealism(options.realisticSeed, lastUserText(request.messages), translated.stream);
      const plan = planCompletion({
        request,
        model: model!,
        rawBody: body.text,
        limits: options.limits,
        clock: options.clock,
        scripted: answer.scripted,
        realism,
      });
      if (plan instanceof ApiError) throw asResponsesError(plan);
      if (!plan.usageStated) cachePrompt(ctx, request, translated.promptCacheKey, plan.usage, realism?.cacheWarmup);
      // Chunking as chat's: the realistic model's (0: the whole text at once), else the option.
      const chunkTokens = realism ? realism.chunkTokens || 1000 : options.chunkTokens;
      const render: RenderContext = { request: translated, createdAt: plan.created, seal, chunkTokens };
      const response = renderResponse(plan, render);
      const failure = translated.stream && answer.fault?.kind === 'stream-error' ? answer.fault.error : null;
      // Unbent, the Response is serialised once: the JSON answer or the stream's last event, and the stored text.
      const text = bent ? undefined : JSON.stringify(response);
      if (translated.store) {
        // A stream that fails is stored as failed, without output, as OpenAI keeps it.
        if (failure) store.set(responseId(plan), failedResponse(plan, render, failure), translated.history);
        else store.set(responseId(plan), response, [...translated.history, ...outputMessages(plan)], text);
      }
      await awaitLatency(answer);
      const stage = { request: isObject(json) ? json : {}, stream: translated.stream };
      if (!translated.stream) {
        if (text !== undefined) {
          sendText(res, 200, text, JSON_TYPE);
          return;
        }
        const sent = structuredClone(response);
        quirks.responsesBody(sent, stage);
        sendJson(res, 200, sent);
        return;
      }
      const { fault } = answer;
      // Nothing to bend, cut or pace: the body is written straight from the plan, in one piece.
      if (!bent && !fault && answer.pacing.tokensPerSecond <= 0) {
        await writeSse(res, [renderEventsBody(plan, render, response, text)], answer.pacing);
        return;
      }
      let events = renderEvents(plan, render);
      if (fault?.kind === 'stream-error') events = failedEvents(events, fault.after, plan, render, fault.error);
      if (bent) events = quirks.responsesEvents(structuredClone(events), stage);
      const writes = events.map(formatEvent);
      // A cut asked for past the end still happens, before the terminal event: the fault is always seen.
      const cut = fault?.kind === 'stream-cut' ? { cutAfter: Math.min(fault.after, writes.length - 1) } : {};
      await writeSse(res, writes, answer.pacing, cut);
    } catch (err) {
      // A break may send a refusal as a 200 instead of in the error envelope.
      const { quirks } = state;
      const instead = err instanceof ApiError && quirks && quirks.ids.length > 0 ? quirks.responsesError(err) : null;
      if (instead) sendJson(res, 200, instead);
      else sendError(err, req, res, state);
    }
  };

  /** GET and DELETE share the key check and the lookup. */
  const byId =
    (answer: (id: string, res: ServerResponse, quirks: Quirks) => void): Handler =>
    async (req, res) => {
      const state: ErrorState = { quirks: options.quirks, stream: false };
      try {
        const quirks = (state.quirks = selectQuirks(ctx, req));
        const refused = authError(ctx, quirks, req);
        if (refused) throw refused;
        // A relay forwarding POST only: the route is unknown, whatever the id.
        if (quirks.noResponseRoutes) throw routeNotFound(req.method ?? 'GET', (req.url ?? '').split('?')[0]!);
        const id = req.params?.id;
        answer(typeof id === 'string' ? id : '', res, quirks);
      } catch (err) {
        sendError(err, req, res, state);
      }
      await Promise.resolve();
    };

  return {
    create,
    get: byId((id, res) => {
      const found = store.get(id);
      if (!found) throw responseNotFound(id);
      sendText(res, 200, found.text, JSON_TYPE);
    }),
    delete: byId((id, res, quirks) => {
      const found = quirks.keepDeleted ? store.get(id) !== undefined : store.delete(id);
      if (!found) throw responseNotFound(id);
      // OpenAI's reference (openai-openapi, deleteResponse): object "response", not "response.deleted".
      sendJson(res, 200, { id, object: 'response', deleted: true });
    }),
    held: (id) => store.get(id) !== undefined,
  };
}
