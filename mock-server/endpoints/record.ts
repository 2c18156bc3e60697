// Record mode's handlers (chat completions, the Responses API, Anthropic's Messages and its
// count_tokens): each request goes to the upstream relay with the recorder's own key (never
// the client's), the client gets the upstream's answer (a stream chunk by chunk as it comes, a
// JSON answer once whole), and the finished exchange is appended to the record file as a
// fixture, which replays on any surface. With onMiss, a request a fixture matches is served by
// the mock instead, and only the misses are forwarded and recorded. The upstream is someone
// else's server: its answer is bounded in time and size, a redirect is never followed, only a
// short list of its headers reaches the client, and the file is masked by the suite's redactor.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Fixture } from '../../spec/generated/types.js';
import { normalizeChatRequest } from '../fixtures/request.js';
import { ApiError, routeNotFound } from '../core/api-error.js';
import { authError, openRequest, selectQuirks, type AppContext, type PlainHandler } from './prologue.js';
import { sendError, sendJson, type ErrorState } from '../http/reply.js';
import { serveFixtureModels, type RecordOptions } from '../assembly/options.js';
import { createRedactor, type Redactor } from '../core/redact.js';
import { FixtureAppender } from '../record/append.js';
import { clientSecrets, DROP_REQUEST, forwardBounded, recordLimits, shown, upstreamBase } from '../record/upstream.js';
import { exchangeToFixture, redactFixture, type RecordedSurface } from '../record/exchange.js';
import { anthropicErrorBody } from '../protocols/anthropic.js';
import {
  RECORD_SURFACES,
  upstreamUrl,
  type ChatView,
  type RecordRoute,
  type RecordSurface,
} from '../record/surfaces.js';

export type { RecordEvent } from '../record/events.js';
export type { RecordRoute } from '../record/surfaces.js';

export interface Recorder {
  /** Chat completions' handler. */
  handler: PlainHandler;
  /** The handler of another route, `mock` answering its fixture hits (onMiss). */
  forward(route: RecordRoute, mock: PlainHandler): PlainHandler;
  /** GET/DELETE of a stored response, forwarded; `mock` answers an id its store holds (onMiss). */
  byId(mock: PlainHandler, held: (id: string) => boolean): PlainHandler;
  appender: FixtureAppender;
  /** Resolves once every finished exchange is written. */
  flush(): Promise<void>;
}

/** The same request again, body already read, for the mock's own handler. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as unknown as IncomingMessage;
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  const originalUrl = (req as IncomingMessage & { originalUrl?: string }).originalUrl;
  Object.assign(copy, { headers, method: req.method, url: req.url, socket: req.socket, originalUrl });
  return copy;
}

/** An error the recorder answers itself, in the route's envelope (OpenAI's through sendError, with its framing). */
function sendRouteError(
  surface: RecordSurface,
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  state: ErrorState,
): void {
  if (surface.envelope === 'openai') {
    sendError(err, req, res, state);
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const error = err instanceof ApiError ? err : new ApiError(500, 'api_error', 'Internal server error', null, null);
  sendJson(res, error.status, anthropicErrorBody(error), error.headers);
}

const isRecorded = (route: RecordRoute): route is RecordedSurface => RECORD_SURFACES[route].recorded;

export function createRecorder(ctx: AppContext, mock: PlainHandler, options: RecordOptions): Recorder {
  const base = upstreamBase(options.upstream);
  const appender = new FixtureAppender(options.file);
  const notify = options.onEvent ?? (() => undefined);
  const limits = recordLimits(options.limits);

  /** A fixture-matching request (onMiss), as the mock's fixture step sees it. */
  const hit = (view: ChatView | string, req: IncomingMessage): boolean => {
    if (typeof view === 'string') return false;
    let seen;
    try {
      seen = normalizeChatRequest(view.chat, req.headers);
    } catch {
      // A body not yet validated may not read as fixtures expect: then nothing matches it.
      return false;
    }
    seen.toolNames.push(...view.otherTools);
    return ctx.options.fixtures.matches(seen);
  };

  /** A recorded fixture served from now on (onMiss), with a model the mock then serves on every surface. */
  const serve = (fixture: Fixture): void => {
    ctx.options.fixtures.add([fixture], 'recorded');
    const id = fixture.match.model;
    if (id !== undefined && !ctx.options.models.has(id)) ctx.options.anySurface.add(id);
    serveFixtureModels(ctx.options.models, [fixture]);
  };

  /** The client's headers for the upstream: its own credentials dropped, the recorder's key in their place. */
  const upstreamHeaders = (surface: RecordSurface, req: IncomingMessage): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROP_REQUEST.test(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return Object.assign(headers, surface.credentials(options.upstreamKey, req.headers));
  };

  /** An exchange the upstream did not finish, told to the client in the route's words. */
  const failed = (
    surface: RecordSurface,
    outcome: { status: number; code: string; message: string; clientLeft?: boolean },
    redactor: Redactor,
    req: IncomingMessage,
    res: ServerResponse,
    stream: boolean,
  ): void => {
    const message = redactor.text(outcome.message);
    notify({ kind: 'upstream-error', message });
    if (outcome.clientLeft) return;
    // Mid-stream: the status is gone, so the failure is the stream's in-band error frame.
    if (res.headersSent) {
      res.end(surface.streamError(message, outcome.code));
      return;
    }
    // The plain envelope, not the profile's: this is the recorder's failure, not a relay's.
    const failure = new ApiError(outcome.status, 'upstream_error', message, null, outcome.code);
    sendRouteError(surface, failure, req, res, { quirks: undefined, stream });
  };

  /**
   * GET or DELETE of a stored response: the relay stored what was forwarded to it, so these go
   * there too (never recorded: a retrieval is no answer to replay). With onMiss, an id the
   * mock's own store holds (a fixture hit it answered) is the mock's.
   */
  const byId = (own: PlainHandler, held: (id: string) => boolean): PlainHandler => {
    const surface = RECORD_SURFACES.responses;
    return async (req, res) => {
      const state: ErrorState = { quirks: ctx.options.quirks, stream: false };
      const raw = (req as IncomingMessage & { params?: Record<string, unknown> }).params?.id;
      const id = typeof raw === 'string' ? raw : '';
      if (options.onMiss && held(id)) {
        notify({ kind: 'served' });
        await own(req, res);
        return;
      }
      try {
        const quirks = (state.quirks = selectQuirks(ctx, req));
        const refused = authError(ctx, quirks, req, surface.prologue);
        if (refused) throw refused;
        // A decoded slash or a dot segment would change the upstream path: the route would not match either.
        if (id.includes('/') || /^\.*$/.test(id))
          throw routeNotFound(req.method ?? 'GET', (req.url ?? '').split('?')[0]!);
      } catch (err) {
        sendError(err, req, res, state);
        return;
      }
      const method = req.method === 'DELETE' ? 'DELETE' : 'GET';
      const redactor = createRedactor([options.upstreamKey, ...clientSecrets(req.headers)]);
      const path = `${surface.upstreamPath}/${encodeURIComponent(id)}`;
      const endpoint = upstreamUrl(base, { ...surface, upstreamPath: path }, req.url);
      const outcome = await forwardBounded(
        endpoint,
        shown(base),
        upstreamHeaders(surface, req),
        { method },
        limits,
        res,
        redactor,
      );
      if (outcome.kind === 'failed') {
        failed(surface, outcome, redactor, req, res, false);
        return;
      }
      notify({
        kind: 'not-recorded',
        status: outcome.status,
        reason: `${method} ${surface.upstreamPath}/{id} is forwarded, never recorded`,
      });
    };
  };

  const forward = (route: RecordRoute, own: PlainHandler): PlainHandler => {
    const surface = RECORD_SURFACES[route];
    return async (req, res) => {
      const state: ErrorState = { quirks: ctx.options.quirks, stream: false };
      let text: string;
      let json: unknown;
      try {
        ({ text, json } = (await openRequest(ctx, req, state, surface.prologue)).body);
      } catch (err) {
        sendRouteError(surface, err, req, res, state);
        return;
      }
      const view = surface.asChat(json);
      if (options.onMiss && hit(view, req)) {
        notify({ kind: 'served' });
        await own(replay(req, Buffer.from(text)), res);
        return;
      }

      const headers = upstreamHeaders(surface, req);
      headers['content-type'] = 'application/json';
      const secrets = [options.upstreamKey, ...clientSecrets(req.headers)];
      const redactor = createRedactor(secrets);
      const endpoint = upstreamUrl(base, surface, req.url);
      const outcome = await forwardBounded(
        endpoint,
        shown(base),
        headers,
        { method: 'POST', body: text },
        limits,
        res,
        redactor,
      );
      if (outcome.kind === 'failed') {
        failed(surface, outcome, redactor, req, res, state.stream);
        return;
      }
      if (!isRecorded(route)) {
        notify({ kind: 'not-recorded', status: outcome.status, reason: `${route} is forwarded, never recorded` });
        return;
      }
      if (typeof view === 'string') {
        notify({ kind: 'not-recorded', status: outcome.status, reason: view });
        return;
      }
      const made = exchangeToFixture({
        surface: route,
        request: view.chat,
        status: outcome.status,
        headers: outcome.headers,
        body: outcome.body,
        at: new Date(),
      });
      if ('skipped' in made) {
        notify({ kind: 'not-recorded', status: outcome.status, reason: made.skipped });
        return;
      }
      const fixture: Fixture = redactFixture(made.fixture, secrets);
      try {
        await appender.append(fixture);
      } catch (err) {
        notify({ kind: 'not-recorded', status: outcome.status, reason: redactor.text((err as Error).message) });
        return;
      }
      // A miss recorded is a hit next time.
      if (options.onMiss) serve(fixture);
      notify({
        kind: 'recorded',
        index: appender.fixtures.length - 1,
        status: outcome.status,
        stream: state.stream,
        name: fixture.name ?? '',
      });
    };
  };

  return { handler: forward('chat', mock), forward, byId, appender, flush: () => appender.flush() };
}
