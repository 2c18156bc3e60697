// The Express app: every route but the busiest one, POST {basePath}/chat/completions, which
// is a plain node:http handler (./chat-handler.ts) that this app routes to as well.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Model, ModelList } from '../../spec/generated/types.js';
import { countTokensHandler, messagesHandler, messagesNotFound } from '../anthropic/messages.js';
import { composeQuirks, type JsonObject } from '../breaks/index.js';
import { ApiError, routeNotFound } from './api-error.js';
import { authError, chatCompletionsHandler, selectQuirks, type AppContext, type PlainHandler } from './chat-handler.js';
import { CONTROL_PREFIX, foreignHost, hostAllowed, isControlPath, parsePageQuery } from './control.js';
import { watchRequest } from './journal.js';
import { sendError, sendJson, type ErrorState } from './reply.js';

export { BREAK_HEADER, type AppContext } from './chat-handler.js';
export const JOURNAL_PATH = `${CONTROL_PREFIX}/journal`;
/** No breaks: the control endpoints check the key whatever the profile's breaks (any-key-accepted). */
const CONTROL_QUIRKS = composeQuirks([]);

/** What the control endpoints know of the server they are served by. */
export interface ControlAccess {
  /** The host start() was told to listen on: accepted in a control request's Host besides the loopback names. */
  boundHost?: string;
}
/** `created` of every listed model: fixed, so /models is deterministic too. */
const MODEL_CREATED = 1_735_689_600;

/** What a request's handlers share: its quirks (unset outside the API routes), and whether it asked for a stream. */
const state = (res: Response): Partial<ErrorState> => res.locals as Partial<ErrorState>;

/** The chat path under each base path (the profile's, then its aliases). */
export const chatPaths = (ctx: AppContext): string[] =>
  ctx.options.profile.basePaths.map((base) => `${base}/chat/completions`);

export function buildApp(
  ctx: AppContext,
  chat: PlainHandler = chatCompletionsHandler(ctx),
  access: ControlAccess = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Before every route: each request is journaled once its response is over, refused or not.
  // The control endpoints are not (reading the journal would change it).
  app.use((req, res, next) => {
    if (!isControlPath(req.path)) watchRequest(ctx.journal, req, res);
    next();
  });

  // Every control endpoint, known or not: a loopback (or the bound) Host, then the key when
  // keys are configured (the API's own check and envelope).
  app.use(CONTROL_PREFIX, (req, _res, next) => {
    if (!hostAllowed(req.headers.host, access.boundHost)) next(foreignHost());
    else next((ctx.options.apiKeys && authError(ctx, CONTROL_QUIRKS, req)) || undefined);
  });
  // Paged (`?limit=&after=`): one request's work is bounded however full the journal is.
  app.get(JOURNAL_PATH, (req, res) => {
    const { after, limit } = parsePageQuery(req.query as Record<string, unknown>);
    sendJson(res, 200, ctx.journal.page(after, limit));
  });
  app.delete(JOURNAL_PATH, (_req, res) => {
    ctx.journal.clear();
    res.status(204).end();
  });

  // Ahead of the router below: the handler chooses the quirks and checks the key itself.
  for (const path of chatPaths(ctx)) app.post(path, (req, res) => chat(req, res));

  const api = express.Router();
  api.use(gate(ctx));
  api.get('/models', (_req, res) => {
    const list: ModelList = { object: 'list', data: [...ctx.options.models.values()].map(toModel) };
    const body = list as unknown as JsonObject;
    const refusal = state(res).quirks!.models(body);
    if (refusal) throw refusal;
    sendJson(res, 200, body);
  });
  api.get('/models/*id', (req, res) => {
    const id = ([] as string[]).concat((req.params as { id: string | string[] }).id).join('/');
    const model = ctx.options.models.get(id);
    if (!model)
      throw new ApiError(404, 'invalid_request_error', `The model '${id}' does not exist`, 'model', 'model_not_found');
    sendJson(res, 200, toModel(model));
  });
  // Other protocols a relay documents (e.g. Anthropic's /v1/messages), at their own paths.
  for (const endpoint of ctx.options.profile.endpoints) {
    app.post(endpoint.path, messagesHandler(ctx.options, endpoint));
    app.post(`${endpoint.path}/count_tokens`, countTokensHandler(ctx.options, endpoint));
    // Its own paths answer in its own envelope, even the unknown ones.
    app.all(endpoint.path, messagesNotFound);
    app.all(`${endpoint.path}/*rest`, messagesNotFound);
  }
  for (const basePath of ctx.options.profile.basePaths) app.use(basePath, api);

  app.use((req, _res, next) => next(routeNotFound(req.method, req.path)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { quirks, stream = false } = state(res);
    sendError(err, req, res, { quirks, stream });
  });
  return app;
}

function toModel(m: { id: string; ownedBy?: string }): Model {
  return { id: m.id, object: 'model', created: MODEL_CREATED, owned_by: m.ownedBy ?? 'relaycheck' };
}

/** The quirks for this request (x-mock-break), then its credentials: before every API route. */
function gate(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const s = state(res);
    // The profile's own quirks bend the refusal of a bad x-mock-break list.
    s.quirks = ctx.options.quirks;
    s.stream = false;
    try {
      s.quirks = selectQuirks(ctx, req);
    } catch (err) {
      next(err);
      return;
    }
    next(authError(ctx, s.quirks, req) ?? undefined);
  };
}
