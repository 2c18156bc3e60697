// POST {basePath}/chat/completions as a plain node:http handler: no framework on the mock's
// busiest path. The Express app routes to it (supertest on provider.app), and start()'s
// server calls it directly; it is the one implementation of the endpoint. The order in which
// a request is checked: breaks (x-mock-break), auth, body, faults, schema, the breaks'
// refusals, the request's own rules; then the plan, bent by the breaks stage by stage.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import {
  composeQuirks,
  parseBreakList,
  type ChoiceContext,
  type JsonObject,
  type Quirks,
  type StreamShape,
} from '../breaks/index.js';
import { checkRequest } from '../completion/check.js';
import { planCompletion, type PlannedChoice, type ScriptedAnswer } from '../completion/plan.js';
import { normalizeChatRequest } from '../fixtures/request.js';
import { fixtureError, FIXTURE_MISS_HEADER } from '../fixtures/reply.js';
import { drawRealism, type Realism } from '../completion/realistic.js';
import { renderChunks, renderResponse, renderStreamBody } from '../completion/render.js';
import { lastUserText } from '../core/instructions.js';
import { createRng, hashString } from '../core/rng.js';
import type { ResolvedOptions } from '../assembly/options.js';
import { formatEvents, OPENAI_FRAMING, splitWrites } from '../stream/sse-format.js';
import { ApiError, fromSchemaErrors, unauthorized } from '../core/api-error.js';
import { FAULT_HEADER, parseFault } from '../http/faults.js';
import { noteHeaders, type Journal } from '../http/journal.js';
import { readJsonBody } from '../http/read-body.js';
import { sendError, sendJson, type ErrorState } from '../http/reply.js';
import { writeSse } from '../http/sse-writer.js';

/** Per-request breaks on top of the profile's, e.g. `x-mock-break: stop-ignored,n-ignored`. */
export const BREAK_HEADER = 'x-mock-break';

export interface AppContext {
  options: ResolvedOptions;
  journal: Journal;
}

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The profile's breaks, plus any the request names in its x-mock-break header. Throws an ApiError for a bad list. */
export function selectQuirks(ctx: AppContext, req: IncomingMessage): Quirks {
  const header = req.headers[BREAK_HEADER] as string | undefined;
  const extra = header ? parseBreakList(header) : [];
  if (extra.length === 0) return ctx.options.quirks;
  return composeQuirks([...ctx.options.profile.breaks, ...ctx.options.breaks, ...extra]);
}

/** Why the request's credentials are refused, or null. */
export function authError(ctx: AppContext, quirks: Quirks, req: IncomingMessage): ApiError | null {
  if (quirks.acceptAnyKey) return null;
  const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
  if (!match)
    return unauthorized("You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.");
  const key = match[1]!.trim();
  if (ctx.options.apiKeys && !ctx.options.apiKeys.has(key)) {
    // Never echo the key back: only its last four characters, as OpenAI does, and none of
    // a key so short that four characters would be most of it.
    return unauthorized(`Incorrect API key provided: ****${key.length >= 12 ? key.slice(-4) : ''}.`);
  }
  return null;
}

/**
 * The breaks' choice stage as planCompletion's hook. Made here rather than inline in the call:
 * tsx (esbuild's keepNames) names a closure written as an object property each time it is
 * created, a defineProperty per request that showed in the profile.
 */
const choiceStage =
  (quirks: Quirks, stage: Omit<ChoiceContext, 'params'>) =>
  (choice: PlannedChoice): void =>
    quirks.choice(choice, stage);

/** What the handler has learnt about a request so far. */
type ChatState = ErrorState;

export function chatCompletionsHandler(ctx: AppContext): PlainHandler {
  return async (req, res) => {
    // The profile's own quirks bend the refusal of a bad x-mock-break list.
    const state: ChatState = { quirks: ctx.options.quirks, stream: false };
    try {
      await chatCompletions(ctx, req, res, state);
    } catch (err) {
      sendError(err, req, res, state);
    }
  };
}

async function chatCompletions(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  state: ChatState,
): Promise<void> {
  const { options } = ctx;
  const quirks = selectQuirks(ctx, req);
  state.quirks = quirks;
  const refused = authError(ctx, quirks, req);
  if (refused) throw refused;

  const body = await readJsonBody(req, options.limits);
  const sent = body.json as { model?: unknown; stream?: unknown } | null;
  state.stream = sent?.stream === true;

  const asked = parseFault(req.headers[FAULT_HEADER] as string | undefined, sent?.model);
  if (asked instanceof ApiError) throw asked;
  let fault = asked;
  if (fault?.kind === 'status') throw fault.error;

  // Breaks change what "upstream" sees, never what the journal recorded: work on a copy.
  const bent =
    quirks.ids.length > 0 && typeof body.json === 'object' && body.json !== null
      ? (structuredClone(body.json) as JsonObject)
      : body.json;
  if (bent !== body.json) quirks.raw(bent as JsonObject);
  const checked = validate('chat-request', bent);
  if (!checked.valid) throw fromSchemaErrors(checked.errors, bent);
  const request = bent as ChatCompletionRequest;
  const refusal = quirks.request(request);
  if (refusal) throw refusal;
  const stream = request.stream === true;
  state.stream = stream;
  const model =
    options.models.get(request.model) ??
    (quirks.serveUnknownModels && !stream ? options.models.values().next().value : undefined);
  const problem = checkRequest(request, model, options.limits);
  if (problem) throw problem;

  // A fixture's reply replaces the computed answer; everything after this treats it alike.
  let scripted: ScriptedAnswer | undefined;
  let pacing = options.pacing;
  if (options.fixtures.size > 0 || options.fixtures.strict) {
    const found = options.fixtures.lookup(normalizeChatRequest(request, req.headers));
    if (found.kind === 'miss') {
      if (options.fixtures.strict) {
        noteHeaders(req, { [FIXTURE_MISS_HEADER]: found.nearest });
        throw fixtureError.miss(found.nearest);
      }
    } else {
      const { error, fault: scriptedFault, pacing: scriptedPacing, ...answer } = found.reply;
      if (error) throw fixtureError.reply(error);
      if (scriptedFault && !fault) fault = parseFault(scriptedFault, undefined) as typeof fault;
      if (scriptedPacing) pacing = { ...pacing, ...scriptedPacing };
      scripted = answer;
    }
  }

  const includeUsage = request.stream_options?.include_usage === true;
  const stage = { request, stream, includeUsage };
  const realism =
    options.realisticSeed === undefined
      ? undefined
      : drawRealism(options.realisticSeed, lastUserText(request.messages), stream);
  const plan = planCompletion({
    request,
    model: model!,
    rawBody: body.text,
    limits: options.limits,
    clock: options.clock,
    adjustChoice: choiceStage(quirks, stage),
    scripted,
    realism,
  });
  if (plan instanceof ApiError) throw plan;
  const output = { ...stage, usage: plan.usage };

  if (pacing.latencyMs > 0) await new Promise((r) => setTimeout(r, pacing.latencyMs));
  if (!stream) {
    const response = renderResponse(plan) as unknown as JsonObject;
    quirks.response(response, output);
    sendJson(res, 200, response);
    return;
  }
  const chunkOptions = { includeUsage, chunkTokens: streamChunkTokens(options.chunkTokens, realism, request) };
  const paced = chunkPacing(pacing, options.chunkTokens);
  // Nothing to bend, cut or pace: the body is written straight from the plan, in one piece.
  if (!quirks.reshapesStream && !fault && paced.tokensPerSecond <= 0) {
    await writeSse(res, [renderStreamBody(plan, chunkOptions)], paced);
    return;
  }
  let chunks: (JsonObject | string)[] = renderChunks(plan, chunkOptions) as unknown as JsonObject[];
  chunks = quirks.chunks(chunks, output);
  const shape: StreamShape = {
    framing: { ...OPENAI_FRAMING },
    splitWrites: false,
    contentType: 'text/event-stream; charset=utf-8',
  };
  quirks.stream(shape, output);
  let payloads: unknown[] = chunks;
  if (fault?.kind === 'stream-error') {
    payloads = [...chunks.slice(0, fault.after), fault.error.toBody()];
    shape.framing.done = false;
  }
  const events = formatEvents(payloads, shape.framing);
  const writes = shape.splitWrites ? splitAtRandom(events, body.text) : events;
  // A cut asked for past the end still happens, before the last write ([DONE]): the fault is
  // always seen.
  const cut = fault?.kind === 'stream-cut' ? { cutAfter: Math.min(fault.after, writes.length - 1) } : {};
  await writeSse(
    res,
    writes,
    paced,
    { ...cut, keepWrites: shape.splitWrites },
    {
      'Content-Type': shape.contentType,
    },
  );
}

/** The realistic model's chunking (one token with logprobs: they are per token), else the option. */
function streamChunkTokens(configured: number, realism: Realism | undefined, request: ChatCompletionRequest): number {
  if (!realism || request.logprobs) return configured;
  return realism.chunkTokens === 0 ? 1000 : realism.chunkTokens;
}

/** tokensPerSecond counts tokens: with several tokens per chunk, the chunks come that much less often. */
function chunkPacing(pacing: ResolvedOptions['pacing'], chunkTokens: number): ResolvedOptions['pacing'] {
  return chunkTokens > 1 && pacing.tokensPerSecond > 0
    ? { ...pacing, tokensPerSecond: pacing.tokensPerSecond / chunkTokens }
    : pacing;
}

/** The stream's bytes cut at offsets drawn from the request, so the same request is cut the same way. */
function splitAtRandom(events: string[], rawBody: string): Buffer[] {
  const rng = createRng(hashString(rawBody));
  return splitWrites(events, (max) => rng.int(0, max - 1));
}
