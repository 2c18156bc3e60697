// Record mode's chat-completions handler: each request goes to the upstream relay with the
// recorder's own key (never the client's), the client gets the upstream's answer as it comes
// (a stream passes through chunk by chunk), and the finished exchange is appended to the
// record file as a fixture. With onMiss, a request a fixture matches is served by the mock
// instead, and only the misses are forwarded and recorded.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ChatCompletionRequest, Fixture } from '../../spec/generated/types.js';
import { normalizeChatRequest } from '../fixtures/request.js';
import { ApiError } from '../core/api-error.js';
import { openRequest, type AppContext, type PlainHandler } from './prologue.js';
import { sendError, type ErrorState } from '../http/reply.js';
import { serveFixtureModels, type RecordOptions } from '../assembly/options.js';
import { FixtureAppender } from '../record/append.js';
import { exchangeToFixture, redactFixture } from '../record/exchange.js';

export type { RecordEvent } from '../record/events.js';

/** Request headers never sent upstream: the client's credentials, and what fetch sets itself. */
const DROP_REQUEST =
  /^(host|connection|keep-alive|content-length|transfer-encoding|te|trailer|upgrade|proxy-.*|authorization|x-api-key|api-key|cookie|accept-encoding|expect)$/i;
/** Response headers not passed back: fetch has already decoded and de-chunked the body. */
const DROP_RESPONSE =
  /^(connection|keep-alive|content-length|content-encoding|transfer-encoding|set-cookie|trailer|upgrade)$/i;

export interface Recorder {
  handler: PlainHandler;
  appender: FixtureAppender;
  /** Resolves once every finished exchange is written. */
  flush(): Promise<void>;
}

/** The upstream's base URL without credentials or a trailing slash (what messages may show). */
export function upstreamBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`the upstream '${url}' is not a URL (give its base URL, e.g. https://relay.example/v1)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`the upstream '${url}' is not http(s)`);
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

const shown = (u: URL): string => `${u.protocol}//${u.host}${u.pathname}`;

/** A request as fixtures see it, from a body not yet validated (undefined if it cannot be read so). */
function looseRequest(json: unknown, headers: IncomingMessage['headers']) {
  const body = json as Partial<ChatCompletionRequest> | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) return undefined;
  try {
    return normalizeChatRequest(body as ChatCompletionRequest, headers);
  } catch {
    return undefined;
  }
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

export function createRecorder(ctx: AppContext, mock: PlainHandler, options: RecordOptions): Recorder {
  const base = upstreamBase(options.upstream);
  const endpoint = `${base.href.replace(/\/+$/, '')}/chat/completions`;
  const appender = new FixtureAppender(options.file);
  const notify = options.onEvent ?? (() => undefined);
  const secrets = [options.upstreamKey];

  const handler: PlainHandler = async (req, res) => {
    const state: ErrorState = { quirks: ctx.options.quirks, stream: false };
    let text: string;
    let json: unknown;
    try {
      ({ text, json } = (await openRequest(ctx, req, state)).body);
    } catch (err) {
      sendError(err, req, res, state);
      return;
    }
    if (options.onMiss) {
      const seen = looseRequest(json, req.headers);
      if (seen && ctx.options.fixtures.matches(seen)) {
        notify({ kind: 'served' });
        await mock(replay(req, Buffer.from(text)), res);
        return;
      }
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROP_REQUEST.test(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    headers['content-type'] = 'application/json';
    headers.authorization = `Bearer ${options.upstreamKey}`;
    const abort = new AbortController();
    // A client that leaves stops the upstream request too; its exchange is not recorded.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });

    let upstream: Response;
    try {
      upstream = await fetch(endpoint, { method: 'POST', headers, body: text, signal: abort.signal });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      const message = `The upstream relay at ${shown(base)} could not be reached (${why}); nothing was recorded.`;
      notify({ kind: 'upstream-error', message });
      sendError(new ApiError(502, 'upstream_error', message, null, 'upstream_unreachable'), req, res, state);
      return;
    }

    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!DROP_RESPONSE.test(name)) responseHeaders[name.toLowerCase()] = value;
    });
    res.writeHead(upstream.status, responseHeaders);
    const parts: Buffer[] = [];
    try {
      if (upstream.body) {
        for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
          const buffer = Buffer.from(chunk);
          parts.push(buffer);
          res.write(buffer);
        }
      }
      res.end();
    } catch (err) {
      // The upstream (or the client) went away mid-answer: the client sees the cut; nothing recorded.
      res.destroy();
      notify({
        kind: 'not-recorded',
        status: upstream.status,
        reason: `the answer was cut (${(err as Error).message})`,
      });
      return;
    }

    const made = exchangeToFixture({
      request: json,
      status: upstream.status,
      headers: responseHeaders,
      body: Buffer.concat(parts).toString('utf8'),
      at: new Date(),
    });
    if ('skipped' in made) {
      notify({ kind: 'not-recorded', status: upstream.status, reason: made.skipped });
      return;
    }
    const fixture: Fixture = redactFixture(made.fixture, secrets);
    try {
      await appender.append(fixture);
    } catch (err) {
      notify({ kind: 'not-recorded', status: upstream.status, reason: (err as Error).message });
      return;
    }
    if (options.onMiss) {
      // A miss recorded is a hit next time, with a model the mock then serves.
      ctx.options.fixtures.add([fixture], 'recorded');
      serveFixtureModels(ctx.options.models, [fixture]);
    }
    notify({
      kind: 'recorded',
      index: appender.fixtures.length - 1,
      status: upstream.status,
      stream: state.stream,
      name: fixture.name ?? '',
    });
  };

  return { handler, appender, flush: () => appender.flush() };
}
