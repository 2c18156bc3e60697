// The Express app: every route of the mock, each answered by its endpoint (endpoints/). The
// busiest one, POST {basePath}/chat/completions, is a plain node:http handler that start()'s
// server also calls directly; the app routes to it too (supertest on provider.app).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { composeQuirks } from './breaks/index.js';
import { routeNotFound } from './core/api-error.js';
import { chatCompletionsHandler } from './endpoints/chat.js';
import { clearJournal, JOURNAL_PATH, readJournal } from './endpoints/control.js';
import { countTokensHandler, messagesHandler, messagesNotFound } from './endpoints/messages.js';
import { getModel, listModels } from './endpoints/models.js';
import { authError, selectQuirks, type AppContext, type PlainHandler } from './endpoints/prologue.js';
import { responsesFor } from './endpoints/responses.js';
import { CONTROL_PREFIX, foreignHost, hostAllowed, isControlPath } from './http/control-access.js';
import { watchRequest } from './http/journal.js';
import { sendError, type ErrorState } from './http/reply.js';

export { BREAK_HEADER, type AppContext } from './endpoints/prologue.js';
export { JOURNAL_PATH } from './endpoints/control.js';

/** No breaks: the control endpoints check the key whatever the profile's breaks (any-key-accepted). */
const CONTROL_QUIRKS = composeQuirks([]);

/** What the control endpoints know of the server they are served by. */
export interface ControlAccess {
  /** The host start() was told to listen on: accepted in a control request's Host besides the loopback names. */
  boundHost?: string;
}

/** What a request's handlers share: its quirks (unset outside the API routes), and whether it asked for a stream. */
const state = (res: Response): Partial<ErrorState> => res.locals as Partial<ErrorState>;

/** The chat path under each base path (the profile's, then its aliases). */
export const chatPaths = (ctx: AppContext): string[] =>
  ctx.options.profile.basePaths.map((base) => `${base}/chat/completions`);

/** Record mode: the handler that forwards a route instead, `mock` answering its fixture hits. */
export type Forward = (route: 'responses' | 'messages' | 'count_tokens', mock: PlainHandler) => PlainHandler;
/** Record mode: GET/DELETE of a stored response forwarded instead, `mock` answering the ids `held` knows. */
export type ForwardById = (mock: PlainHandler, held: (id: string) => boolean) => PlainHandler;

export function buildApp(
  ctx: AppContext,
  chat: PlainHandler = chatCompletionsHandler(ctx),
  access: ControlAccess = {},
  forward?: Forward,
  forwardById?: ForwardById,
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
  app.get(JOURNAL_PATH, readJournal(ctx));
  app.delete(JOURNAL_PATH, clearJournal(ctx));

  // Ahead of the router below: the handler chooses the quirks and checks the key itself.
  for (const path of chatPaths(ctx)) app.post(path, (req, res) => chat(req, res));

  const api = express.Router();
  api.use(gate(ctx));
  api.get(
    '/models',
    listModels(ctx, (res) => state(res).quirks!),
  );
  api.get('/models/*id', getModel(ctx));
  // Other protocols a relay documents (e.g. Anthropic's /v1/messages), at their own paths.
  for (const endpoint of ctx.options.profile.endpoints) {
    if (endpoint.protocol === 'openai-responses') {
      // OpenAI's own surface: its errors in OpenAI's envelope, unknown subpaths left to the API router.
      const responses = responsesFor(ctx, endpoint.path);
      const create = forward?.('responses', responses.create) ?? responses.create;
      app.post(endpoint.path, (req, res) => create(req, res));
      const get = forwardById?.(responses.get, responses.held) ?? responses.get;
      const remove = forwardById?.(responses.delete, responses.held) ?? responses.delete;
      app.get(`${endpoint.path}/:id`, (req, res) => get(req, res));
      app.delete(`${endpoint.path}/:id`, (req, res) => remove(req, res));
      continue;
    }
    app.post(endpoint.path, routed(messagesHandler(ctx, endpoint), 'messages', forward));
    app.post(`${endpoint.path}/count_tokens`, routed(countTokensHandler(ctx, endpoint), 'count_tokens', forward));
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

/** An Express handler of the mock, or record mode's forwarding in its place. */
function routed(
  own: (req: Request, res: Response) => Promise<void>,
  route: 'messages' | 'count_tokens',
  forward: Forward | undefined,
): (req: Request, res: Response) => Promise<void> {
  if (!forward) return own;
  // A fixture hit is replayed on a copy of the request carrying what the handler reads (its
  // headers and body); the response is Express's own.
  const forwarded = forward(route, (req, res) => own(req as Request, res as Response));
  return (req, res) => forwarded(req, res);
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
