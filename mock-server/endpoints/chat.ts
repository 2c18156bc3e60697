// POST {basePath}/chat/completions as a plain node:http handler: no framework on the mock's
// busiest path. The Express app routes to it (supertest on provider.app), and start()'s
// server calls it directly; it is the one implementation of the endpoint. A request's life,
// top to bottom in chatCompletions: the shared prologue (breaks, key, body, fault), the raw
// and request breaks, the schema and the request's own rules, the fixture step (the one place
// fault and pacing are settled), the plan (bent per choice), then the reply: JSON bent by the
// response stage, or a stream bent by the chunk and stream stages and cut by the fault.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import type { ResolvedOptions } from '../assembly/options.js';
import type { ChoiceContext, JsonObject, Quirks, StreamShape } from '../breaks/index.js';
import { checkRequest } from '../completion/check.js';
import type { PlannedChoice } from '../completion/choice.js';
import { planCompletion } from '../completion/plan.js';
import { drawRealism, type Realism } from '../completion/realistic.js';
import { renderChunks, renderResponse, renderStreamBody } from '../completion/render.js';
import { ApiError, fromSchemaErrors } from '../core/api-error.js';
import { lastUserText } from '../core/instructions.js';
import { createRng, hashString } from '../core/rng.js';
import { sendError, sendJson, type ErrorState } from '../http/reply.js';
import { writeSse } from '../http/sse-writer.js';
import { formatEvents, OPENAI_FRAMING, splitWrites } from '../stream/sse-format.js';
import { answerFor, awaitLatency, openRequest, type AppContext, type PlainHandler } from './prologue.js';
import { cachePrompt } from './prompt-caching.js';

export type { AppContext, PlainHandler } from './prologue.js';

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
  const { quirks, body, fault: asked } = await openRequest(ctx, req, state);

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
  const answer = answerFor(ctx, req, request, asked);
  const { fault } = answer;

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
    scripted: answer.scripted,
    realism,
  });
  if (plan instanceof ApiError) throw plan;
  // After the request stage: a relay that drops prompt_cache_key lands in the keyless bucket.
  // A stated usage already says what the cache read.
  if (!plan.usageStated) cachePrompt(ctx, request, request.prompt_cache_key, plan.usage, realism?.cacheWarmup);
  const output = { ...stage, usage: plan.usage };

  await awaitLatency(answer);
  if (!stream) {
    const response = renderResponse(plan) as unknown as JsonObject;
    quirks.response(response, output);
    sendJson(res, 200, response);
    return;
  }
  const chunkOptions = { includeUsage, chunkTokens: streamChunkTokens(options.chunkTokens, realism, request) };
  const paced = chunkPacing(answer.pacing, options.chunkTokens);
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
