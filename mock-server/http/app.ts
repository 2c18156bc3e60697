// The Express app: routing, auth, and the order in which a request is checked. Everything
// that decides *what* to answer is pure and lives in ../completion.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ChatCompletionRequest, ModelList, Model } from '../../spec/generated/types.ts';
import { validate } from '../../spec/validators.ts';
import { checkRequest } from '../completion/check.ts';
import { planCompletion } from '../completion/plan.ts';
import { renderChunks, renderResponse } from '../completion/render.ts';
import type { ResolvedOptions } from '../options.ts';
import { formatEvents } from '../stream/sse-format.ts';
import { ApiError, fromSchemaErrors, routeNotFound, unauthorized } from './api-error.ts';
import { FAULT_HEADER, parseFault } from './faults.ts';
import type { Journal } from './journal.ts';
import { readJsonBody } from './read-body.ts';
import { writeSse } from './sse-writer.ts';

export const JOURNAL_PATH = '/__mock/journal';
/** Bodies larger than this are journaled as a size only. */
const JOURNAL_BODY_BYTES = 64 * 1024;
/** `created` of every listed model: fixed, so /models is deterministic too. */
const MODEL_CREATED = 1_735_689_600;

export interface AppContext {
  options: ResolvedOptions;
  journal: Journal;
  basePath: string;
}

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
  api.use(authenticate(ctx));
  api.post('/chat/completions', (req, res) => chatCompletions(ctx, req, res));
  api.get('/models', (_req, res) => {
    const list: ModelList = { object: 'list', data: [...ctx.options.models.values()].map(toModel) };
    res.json(list);
  });
  api.get('/models/*id', (req, res) => {
    const id = ([] as string[]).concat((req.params as { id: string | string[] }).id).join('/');
    const model = ctx.options.models.get(id);
    if (!model) throw new ApiError(404, 'invalid_request_error', `The model '${id}' does not exist`, 'model', 'model_not_found');
    res.json(toModel(model));
  });
  app.use(ctx.basePath, api);

  app.use((req, _res, next) => next(routeNotFound(req.method, req.path)));
  app.use(sendError);
  return app;
}

function toModel(m: { id: string; ownedBy?: string }): Model {
  return { id: m.id, object: 'model', created: MODEL_CREATED, owned_by: m.ownedBy ?? 'relaycheck' };
}

function authenticate(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S.*)$/i.exec(header);
    if (!match) {
      next(unauthorized("You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'."));
      return;
    }
    const key = match[1]!.trim();
    if (ctx.options.apiKeys && !ctx.options.apiKeys.has(key)) {
      // Never echo the key back: only its last four characters, as OpenAI does.
      next(unauthorized(`Incorrect API key provided: ****${key.slice(-4)}.`));
      return;
    }
    next();
  };
}

async function chatCompletions(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const { options } = ctx;
  const body = await readJsonBody(req, options.limits.maxBodyBytes);
  const journalBody = body.text.length <= JOURNAL_BODY_BYTES ? body.json : { omitted: true, bytes: body.text.length };
  res.on('finish', () => record(ctx, req, res.statusCode, journalBody));
  res.on('close', () => {
    if (!res.writableFinished) record(ctx, req, res.statusCode, journalBody);
  });

  const fault = parseFault(req.headers[FAULT_HEADER] as string | undefined, (body.json as { model?: unknown } | null)?.model);
  if (fault instanceof ApiError) throw fault;
  if (fault?.kind === 'status') throw fault.error;

  const checked = validate('chat-request', body.json);
  if (!checked.valid) throw fromSchemaErrors(checked.errors, body.json);
  const request = body.json as ChatCompletionRequest;
  const model = options.models.get(request.model);
  const problem = checkRequest(request, model, options.limits);
  if (problem) throw problem;

  const plan = planCompletion({ request, model: model!, rawBody: body.text, limits: options.limits, clock: options.clock });
  if (plan instanceof ApiError) throw plan;

  if (options.pacing.latencyMs > 0) await new Promise((r) => setTimeout(r, options.pacing.latencyMs));
  if (request.stream !== true) {
    res.json(renderResponse(plan));
    return;
  }
  const chunks: unknown[] = renderChunks(plan, { includeUsage: request.stream_options?.include_usage === true });
  if (fault?.kind === 'stream-error') {
    chunks.splice(fault.after, chunks.length, fault.error.toBody());
  }
  const events = formatEvents(chunks, { lineEnding: '\n', spaceAfterColon: true, multilineData: false, done: fault?.kind !== 'stream-error' });
  await writeSse(res, events, options.pacing, fault?.kind === 'stream-cut' ? { cutAfter: fault.after } : {});
}

function record(ctx: AppContext, req: Request, status: number, body: unknown): void {
  const stream = typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
  ctx.journal.record({ method: req.method, path: req.originalUrl, headers: req.headers, body, status, stream });
}

/** Every error leaves in OpenAI's envelope; nothing internal (no stack) ever reaches a client. */
function sendError(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  let error: ApiError;
  if (err instanceof ApiError) {
    error = err;
  } else {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      error = new ApiError(status, 'invalid_request_error', 'The request could not be understood.', null, null);
    } else {
      process.stderr.write(`relaycheck mock: internal error on ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}\n`);
      error = new ApiError(500, 'server_error', 'The mock had an internal error while processing your request.', null, null);
    }
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(error.status).set(error.headers).json(error.toBody());
}
