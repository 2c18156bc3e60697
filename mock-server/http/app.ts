// The Express app: routing, auth, and the order in which a request is checked. Everything
// that decides *what* to answer is pure and lives in ../completion; how a relay dialect
// bends it is ../breaks, applied here stage by stage.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ChatCompletionRequest, Model, ModelList } from '../../spec/generated/types.ts';
import { validate } from '../../spec/validators.ts';
import { messagesHandler } from '../anthropic/messages.ts';
import { composeQuirks, parseBreakList, type ErrorReply, type JsonObject, type Quirks, type StreamShape } from '../breaks/index.ts';
import { checkRequest } from '../completion/check.ts';
import { planCompletion } from '../completion/plan.ts';
import { renderChunks, renderResponse } from '../completion/render.ts';
import { createRng, hashString } from '../core/rng.ts';
import type { ResolvedOptions } from '../options.ts';
import { formatEvents, OPENAI_FRAMING, splitWrites } from '../stream/sse-format.ts';
import { ApiError, fromSchemaErrors, routeNotFound, unauthorized } from './api-error.ts';
import { FAULT_HEADER, parseFault } from './faults.ts';
import type { Journal } from './journal.ts';
import { readJsonBody } from './read-body.ts';
import { writeSse } from './sse-writer.ts';

export const JOURNAL_PATH = '/__mock/journal';
/** Per-request breaks on top of the profile's, e.g. `x-mock-break: stop-ignored,n-ignored`. */
export const BREAK_HEADER = 'x-mock-break';
/** Bodies larger than this are journaled as a size only. */
const JOURNAL_BODY_BYTES = 64 * 1024;
/** `created` of every listed model: fixed, so /models is deterministic too. */
const MODEL_CREATED = 1_735_689_600;

export interface AppContext {
  options: ResolvedOptions;
  journal: Journal;
}

/** What a request's handlers share: its quirks, and whether it asked for a stream. */
interface RequestState {
  quirks: Quirks;
  stream: boolean;
}

const state = (res: Response): RequestState => res.locals as RequestState;

export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get(JOURNAL_PATH, (_req, res) => {
    res.json({ object: 'list', data: ctx.journal.list() });
  });
  app.delete(JOURNAL_PATH, (_req, res) => {
    ctx.journal.clear();
    res.status(204).end();
  });

  const api = express.Router();
  api.use(selectQuirks(ctx));
  api.use(authenticate(ctx));
  api.post('/chat/completions', (req, res) => chatCompletions(ctx, req, res));
  api.get('/models', (_req, res) => {
    const list: ModelList = { object: 'list', data: [...ctx.options.models.values()].map(toModel) };
    const body = list as unknown as JsonObject;
    const refusal = state(res).quirks.models(body);
    if (refusal) throw refusal;
    res.json(body);
  });
  api.get('/models/*id', (req, res) => {
    const id = ([] as string[]).concat((req.params as { id: string | string[] }).id).join('/');
    const model = ctx.options.models.get(id);
    if (!model) throw new ApiError(404, 'invalid_request_error', `The model '${id}' does not exist`, 'model', 'model_not_found');
    res.json(toModel(model));
  });
  // Other protocols a relay documents (e.g. Anthropic's /v1/messages), at their own paths.
  for (const endpoint of ctx.options.profile.endpoints) {
    app.post(endpoint.path, messagesHandler(ctx.options, endpoint));
  }
  for (const basePath of ctx.options.profile.basePaths) app.use(basePath, api);

  app.use((req, _res, next) => next(routeNotFound(req.method, req.path)));
  app.use(sendError);
  return app;
}

function toModel(m: { id: string; ownedBy?: string }): Model {
  return { id: m.id, object: 'model', created: MODEL_CREATED, owned_by: m.ownedBy ?? 'relaycheck' };
}

/** The profile's breaks, plus any the request names in its x-mock-break header. */
function selectQuirks(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const s = state(res);
    s.quirks = ctx.options.quirks;
    s.stream = false;
    const extra = parseBreakList(req.headers[BREAK_HEADER] as string | undefined);
    if (extra.length === 0) return next();
    try {
      s.quirks = composeQuirks([...ctx.options.profile.breaks, ...ctx.options.breaks, ...extra]);
      next();
    } catch (err) {
      next(err);
    }
  };
}

function authenticate(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (state(res).quirks.acceptAnyKey) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S.*)$/i.exec(header);
    if (!match) {
      next(unauthorized("You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'."));
      return;
    }
    const key = match[1]!.trim();
    if (ctx.options.apiKeys && !ctx.options.apiKeys.has(key)) {
      // Never echo the key back: only its last four characters, as OpenAI does, and none of
      // a key so short that four characters would be most of it.
      next(unauthorized(`Incorrect API key provided: ****${key.length >= 12 ? key.slice(-4) : ''}.`));
      return;
    }
    next();
  };
}

async function chatCompletions(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const { options } = ctx;
  const { quirks } = state(res);
  const body = await readJsonBody(req, options.limits.maxBodyBytes);
  const journalBody = body.text.length <= JOURNAL_BODY_BYTES ? body.json : { omitted: true, bytes: body.text.length };
  res.on('finish', () => record(ctx, req, res.statusCode, journalBody));
  res.on('close', () => {
    if (!res.writableFinished) record(ctx, req, res.statusCode, journalBody);
  });
  const sent = body.json as { model?: unknown; stream?: unknown } | null;
  state(res).stream = sent?.stream === true;

  const fault = parseFault(req.headers[FAULT_HEADER] as string | undefined, sent?.model);
  if (fault instanceof ApiError) throw fault;
  if (fault?.kind === 'status') throw fault.error;

  // Breaks change what "upstream" sees, never what the journal recorded: work on a copy.
  const bent = quirks.ids.length > 0 && typeof body.json === 'object' && body.json !== null ? (structuredClone(body.json) as JsonObject) : body.json;
  if (bent !== body.json) quirks.raw(bent as JsonObject);
  const checked = validate('chat-request', bent);
  if (!checked.valid) throw fromSchemaErrors(checked.errors, bent);
  const request = bent as ChatCompletionRequest;
  const refusal = quirks.request(request);
  if (refusal) throw refusal;
  const stream = request.stream === true;
  state(res).stream = stream;
  const model = options.models.get(request.model);
  const problem = checkRequest(request, model, options.limits);
  if (problem) throw problem;

  const includeUsage = request.stream_options?.include_usage === true;
  const stage = { request, stream, includeUsage };
  const plan = planCompletion({
    request,
    model: model!,
    rawBody: body.text,
    limits: options.limits,
    clock: options.clock,
    adjustChoice: (choice) => quirks.choice(choice, stage),
  });
  if (plan instanceof ApiError) throw plan;
  const output = { ...stage, usage: plan.usage };

  if (options.pacing.latencyMs > 0) await new Promise((r) => setTimeout(r, options.pacing.latencyMs));
  if (!stream) {
    const response = renderResponse(plan) as unknown as JsonObject;
    quirks.response(response, output);
    res.json(response);
    return;
  }
  let chunks: (JsonObject | string)[] = renderChunks(plan, { includeUsage }) as unknown as JsonObject[];
  chunks = quirks.chunks(chunks, output);
  const shape: StreamShape = { framing: { ...OPENAI_FRAMING }, splitWrites: false, contentType: 'text/event-stream; charset=utf-8' };
  quirks.stream(shape, output);
  let payloads: unknown[] = chunks;
  if (fault?.kind === 'stream-error') {
    payloads = [...chunks.slice(0, fault.after), fault.error.toBody()];
    shape.framing.done = false;
  }
  const events = formatEvents(payloads, shape.framing);
  const rng = createRng(hashString(body.text));
  const writes = shape.splitWrites ? splitWrites(events, (max) => rng.int(0, max - 1)) : events;
  // A cut asked for past the end still happens, before the last write ([DONE]): the fault is
  // always seen.
  const cut = fault?.kind === 'stream-cut' ? { cutAfter: Math.min(fault.after, writes.length - 1) } : {};
  await writeSse(res, writes, options.pacing, cut, { 'Content-Type': shape.contentType });
}

function record(ctx: AppContext, req: Request, status: number, body: unknown): void {
  const stream = typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
  ctx.journal.record({ method: req.method, path: req.originalUrl, headers: req.headers, body, status, stream });
}

/** Every error leaves in OpenAI's envelope (unless a break bends it); never a stack trace. */
function sendError(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const error = toApiError(err, req);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const s = state(res);
  const reply: ErrorReply = {
    status: error.status,
    headers: { ...error.headers },
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
    envelope: 'standard',
    inBand: false,
  };
  s.quirks?.error(reply, { stream: s.stream ?? false, cause: error });
  const body = serialiseError(reply);
  if (reply.inBand) {
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(formatEvents([body ?? reply.error.message], { ...OPENAI_FRAMING, done: false }).join(''));
    return;
  }
  res.status(reply.status).set(reply.headers);
  if (body === undefined) res.end();
  else if (typeof body === 'string') res.type('text/plain').send(body);
  else res.json(body);
}

function toApiError(err: unknown, req: Request): ApiError {
  if (err instanceof ApiError) return err;
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'invalid_request_error', 'The request could not be understood.', null, null);
  }
  process.stderr.write(`relaycheck mock: internal error on ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}\n`);
  return new ApiError(500, 'server_error', 'The mock had an internal error while processing your request.', null, null);
}

function serialiseError(reply: ErrorReply): unknown {
  switch (reply.envelope) {
    case 'standard':
      return { error: reply.error };
    case 'object':
      return { object: 'error', ...reply.error };
    case 'array':
      return [{ error: reply.error }];
    case 'text':
      return reply.error.message;
    case 'empty':
      return undefined;
  }
}
