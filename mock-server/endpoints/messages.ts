// POST {path} and {path}/count_tokens for a profile that serves Anthropic's Messages format:
// the shared prologue (breaks, key, body, fault) with Anthropic's key headers and faults, its
// translation onto the chat planner (protocols/anthropic.ts), the fixture step, the plan, and
// the reply as Anthropic's message or its named SSE events.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { RelayEndpoint } from '../../spec/generated/types.js';
import type { ResolvedOptions } from '../assembly/options.js';
import { checkRequest } from '../completion/check.js';
import { planCompletion } from '../completion/plan.js';
import { drawRealism } from '../completion/realistic.js';
import { lastUserText } from '../core/instructions.js';
import { ApiError } from '../core/api-error.js';
import { parseFault, type Fault } from '../http/faults.js';
import type { ErrorState } from '../http/reply.js';
import { writeSse } from '../http/sse-writer.js';
import {
  anthropicError,
  anthropicErrorBody,
  checkBetas,
  checkThinkingHistory,
  countPromptTokens,
  errorEvent,
  promptSegments,
  promptUsage,
  renderMessage,
  renderMessageEvents,
  signThinking,
  thinkingOf,
  toChatRequest,
  type MessageExtras,
} from '../protocols/anthropic.js';
import { PromptCache } from '../protocols/prompt-cache.js';
import type { Quirks } from '../breaks/index.js';
import type { MessagesEvent } from '../breaks/hooks.js';
import { isRecord } from '../core/schema-check.js';
import type { Surface } from '../http/surface.js';
import { answerFor, awaitLatency, openRequest, selectQuirks, type AppContext } from './prologue.js';

/** x-mock-error as chat completions reads it, plus Anthropic's own 529 (overloaded). */
export function parseMessagesFault(header: string | undefined, model: unknown): Fault | ApiError | null {
  const spec = header?.trim() || (typeof model === 'string' && model === 'mock-error-529' ? '529' : '');
  if (spec === '529') return { kind: 'status', error: anthropicError(529, 'overloaded_error', 'Overloaded') };
  return parseFault(header, model);
}

/**
 * Anthropic's clients send the key as x-api-key, or as a Bearer token (ANTHROPIC_AUTH_TOKEN);
 * `bearerOnly`: a relay that reads Authorization only (the messages-x-api-key-refused break).
 */
function messagesSurface(required: readonly string[], bearerOnly = false): Surface {
  return {
    key(req: IncomingMessage) {
      const xKey = bearerOnly ? undefined : req.headers['x-api-key'];
      const key = typeof xKey === 'string' ? xKey : /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '')?.[1];
      return key?.trim() || undefined;
    },
    missingKey: () => anthropicError(401, 'authentication_error', 'x-api-key header is required'),
    wrongKey: () => anthropicError(401, 'authentication_error', 'invalid x-api-key'),
    headers(req: IncomingMessage) {
      const missing = required.find((h) => typeof req.headers[h] !== 'string');
      if (missing) return anthropicError(400, 'invalid_request_error', `${missing}: header is required`);
      // Claude Code's betas (and its ?beta=true, which no route reads) are accepted; a value
      // that is no beta name is refused, as Anthropic refuses a beta it does not know.
      return checkBetas(req.headers['anthropic-beta']);
    },
    parseFault: parseMessagesFault,
  };
}

/** The thinking shown when the plan has no reasoning of its own (a fixture's `reasoning` is shown instead). */
const TEXT_THOUGHT = 'The user asks a question; I will answer it directly in text.';
const TOOL_THOUGHT = 'The user asks for a tool; I will call it with the arguments the request gives.';

/** The headers the endpoint's document requires (e.g. anthropic-version), lower-cased. */
const requiredHeaders = (endpoint: Pick<RelayEndpoint, 'headers'>): string[] =>
  Object.keys(endpoint.headers ?? {}).map((h) => h.toLowerCase());

/** Send an error in Anthropic's envelope (with its headers, e.g. Retry-After), or cut a stream already started. */
function sendAnthropicError(res: Response, err: unknown, quirks?: Quirks): void {
  const error = err instanceof ApiError ? err : anthropicError(500, 'api_error', 'Internal server error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const reply = { status: error.status, body: anthropicErrorBody(error) as Record<string, unknown> };
  if (quirks && quirks.ids.length > 0) quirks.messagesError(reply);
  res.status(reply.status).set(error.headers).json(reply.body);
}

/** The surface for this request: its breaks may make the relay read Authorization only. */
function surfaceFor(ctx: AppContext, req: IncomingMessage, surfaces: { plain: Surface; bearerOnly: Surface }) {
  return selectQuirks(ctx, req).bearerOnly ? surfaces.bearerOnly : surfaces.plain;
}

/** What the relay forwards: a copy of the body bent by the request's breaks, or a refusal. */
function forwarded(quirks: Quirks, json: unknown, req: IncomingMessage): unknown {
  if (quirks.ids.length === 0 || !isRecord(json)) return json;
  const copy = structuredClone(json);
  const query = new URL(req.url ?? '/', 'http://relay').searchParams;
  const refusal = quirks.messagesRequest(copy, { headers: req.headers, query });
  if (refusal) throw refusal;
  return copy;
}

/** Anthropic's SSE events as objects, for the breaks that edit a stream, and back. */
const parseEvent = (text: string): MessagesEvent => ({
  event: /^event: (.*)$/m.exec(text)?.[1] ?? 'message',
  data: JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '{}') as Record<string, unknown>,
});
const formatEvent = (e: MessagesEvent): string => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

/**
 * The endpoint's model, or a 404 in Anthropic's envelope: the ids the endpoint lists (even
 * when the caller's `models` replaced the profile's chat models), and any id the caller
 * configured (`models`, `--models`, fixtures).
 */
function modelFor(options: ResolvedOptions, models: readonly string[] | undefined, id: string) {
  const model = options.models.get(id);
  const listed = models === undefined ? model !== undefined : models.includes(id);
  if (!listed && !options.anySurface.has(id)) throw anthropicError(404, 'not_found_error', `model: ${id}`);
  // Claude models read images through this endpoint whatever the chat model list says.
  return { ...(model ?? { id }), vision: true };
}

/**
 * The Express handlers for a documented endpoint: only its models, and the headers its
 * document requires (e.g. anthropic-version). The order is chat completions': key, body,
 * faults, the request's rules, fixtures, then the plan.
 */
export function messagesHandler(ctx: AppContext, endpoint: Pick<RelayEndpoint, 'models' | 'headers'>) {
  const { options } = ctx;
  const models = endpoint.models;
  const surfaces = {
    plain: messagesSurface(requiredHeaders(endpoint)),
    bearerOnly: messagesSurface(requiredHeaders(endpoint), true),
  };
  // Per mock: signatures from another server (or another run) are refused, as Anthropic's are.
  const secret = randomBytes(32);
  const cache = new PromptCache();
  return async (req: Request, res: Response): Promise<void> => {
    const state: ErrorState = { quirks: undefined, stream: false };
    try {
      const surface = surfaceFor(ctx, req, surfaces);
      const { body, fault: asked, quirks } = await openRequest(ctx, req, state, surface);
      const json = forwarded(quirks, body.json, req);
      const request = toChatRequest(json);
      if (request instanceof ApiError) throw request;
      const raw = json as Record<string, unknown>;
      const model = modelFor(options, models, request.model);
      const thinking = thinkingOf(raw);
      if (thinking instanceof ApiError) throw thinking;
      const history = thinking ? checkThinkingHistory(raw, secret) : null;
      if (history) throw history;
      const segments = promptSegments(raw);
      if (segments instanceof ApiError) throw segments;
      // The same limits as chat completions (messages, tools, schema size), in Anthropic's error shape.
      const problem = checkRequest(request, model, options.limits);
      if (problem) throw anthropicError(problem.status, problem.type, problem.message);
      const answer = answerFor(ctx, req, request, asked, surface);
      // The realistic model varies here as on chat (casing, declined optional calls, chunking).
      const realism =
        options.realisticSeed === undefined
          ? undefined
          : drawRealism(options.realisticSeed, lastUserText(request.messages), state.stream);
      const plan = planCompletion({
        request,
        model,
        rawBody: body.text,
        limits: options.limits,
        clock: options.clock,
        scripted: answer.scripted,
        realism,
      });
      if (plan instanceof ApiError) throw anthropicError(400, 'invalid_request_error', plan.message);
      const chunkTokens = realism ? (realism.chunkTokens === 0 ? 1000 : realism.chunkTokens) : options.chunkTokens;
      // A stated usage (a fixture's) already says what the cache read and wrote.
      const usage = plan.usageStated ? promptUsage(plan) : cache.use(request.model, segments);
      const extras: MessageExtras = { usage, chunkTokens };
      if (thinking) {
        const choice = plan.choices[0]!;
        const text = choice.reasoning || (choice.toolCalls.length > 0 ? TOOL_THOUGHT : TEXT_THOUGHT);
        extras.thinking = { text, signature: signThinking(secret, text) };
      }
      await awaitLatency(answer);
      const stage = { request: raw, stream: state.stream };
      if (!state.stream) {
        const message = renderMessage(plan, extras);
        if (quirks.ids.length > 0) quirks.messagesBody(message, stage);
        res.json(message);
        return;
      }
      const streamFault = answer.fault;
      let events = renderMessageEvents(plan, extras);
      if (quirks.editsMessagesEvents) events = quirks.messagesEvents(events.map(parseEvent), stage).map(formatEvent);
      if (streamFault?.kind === 'stream-error') {
        events = [...events.slice(0, streamFault.after), errorEvent(streamFault.error)];
      }
      const cut =
        streamFault?.kind === 'stream-cut' ? { cutAfter: Math.min(streamFault.after, events.length - 1) } : {};
      await writeSse(res, events, answer.pacing, cut);
    } catch (err) {
      sendAnthropicError(res, err, state.quirks);
    }
  };
}

/** POST {path}/count_tokens: the input tokens a message with this request would be charged. */
export function countTokensHandler(ctx: AppContext, endpoint: Pick<RelayEndpoint, 'models' | 'headers'>) {
  const { options } = ctx;
  const surfaces = {
    plain: messagesSurface(requiredHeaders(endpoint)),
    bearerOnly: messagesSurface(requiredHeaders(endpoint), true),
  };
  return async (req: Request, res: Response): Promise<void> => {
    const state: ErrorState = { quirks: undefined, stream: false };
    try {
      const { body, quirks } = await openRequest(ctx, req, state, surfaceFor(ctx, req, surfaces));
      const json = forwarded(quirks, body.json, req);
      const request = toChatRequest(json, { countOnly: true });
      if (request instanceof ApiError) throw request;
      const model = modelFor(options, endpoint.models, request.model);
      const problem = checkRequest(request, model, options.limits);
      if (problem) throw anthropicError(problem.status, problem.type, problem.message);
      const segments = promptSegments(json as Record<string, unknown>);
      if (segments instanceof ApiError) throw segments;
      const answer: Record<string, unknown> = { input_tokens: countPromptTokens(segments) };
      if (quirks.ids.length > 0) quirks.messagesCount(answer, json as Record<string, unknown>);
      res.json(answer);
    } catch (err) {
      sendAnthropicError(res, err, state.quirks);
    }
  };
}

/** Any other method or path under the endpoint: a 404 in Anthropic's envelope, not OpenAI's. */
export function messagesNotFound(req: Request, res: Response): void {
  sendAnthropicError(res, anthropicError(404, 'not_found_error', `Not found: ${req.method} ${req.path}`));
}
