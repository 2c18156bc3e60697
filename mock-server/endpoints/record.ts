// Record mode's chat-completions handler: each request goes to the upstream relay with the
// recorder's own key (never the client's), the client gets the upstream's answer (a stream
// chunk by chunk as it comes, a JSON answer once whole), and the finished exchange is appended
// to the record file as a fixture. With onMiss, a request a fixture matches is served by the mock
// instead, and only the misses are forwarded and recorded. The upstream is someone else's
// server: its answer is bounded in time and size, a redirect is never followed, only a short
// list of its headers reaches the client, and the file is masked by the suite's redactor.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ChatCompletionRequest, Fixture } from '../../spec/generated/types.js';
import { normalizeChatRequest } from '../fixtures/request.js';
import { ApiError } from '../core/api-error.js';
import { OPENAI_SURFACE, openRequest, type AppContext, type PlainHandler, type Surface } from './prologue.js';
import { sendError, type ErrorState } from '../http/reply.js';
import { serveFixtureModels, type RecordOptions } from '../assembly/options.js';
import { createRedactor } from '../core/redact.js';
import { FixtureAppender } from '../record/append.js';
import { clientSecrets, DROP_REQUEST, forwardBounded, recordLimits, shown, upstreamBase } from '../record/upstream.js';
import { exchangeToFixture, redactFixture } from '../record/exchange.js';

export type { RecordEvent } from '../record/events.js';

/** Chat's key rules; x-mock-error is forwarded with the request, for the upstream to answer (or not). */
const RECORDING: Surface = { ...OPENAI_SURFACE, parseFault: () => null };

export interface Recorder {
  handler: PlainHandler;
  appender: FixtureAppender;
  /** Resolves once every finished exchange is written. */
  flush(): Promise<void>;
}

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
  const limits = recordLimits(options.limits);

  const handler: PlainHandler = async (req, res) => {
    const state: ErrorState = { quirks: ctx.options.quirks, stream: false };
    let text: string;
    let json: unknown;
    try {
      ({ text, json } = (await openRequest(ctx, req, state, RECORDING)).body);
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
    const secrets = [options.upstreamKey, ...clientSecrets(req.headers)];
    const redactor = createRedactor(secrets);
    const outcome = await forwardBounded(endpoint, shown(base), headers, text, limits, res, redactor);
    if (outcome.kind === 'failed') {
      const message = redactor.text(outcome.message);
      notify({ kind: 'upstream-error', message });
      if (outcome.clientLeft) return;
      if (res.headersSent) {
        // Mid-stream: the status is gone, so the failure is the stream's in-band error frame.
        const error = { message, type: 'upstream_error', param: null, code: outcome.code };
        res.end(`data: ${JSON.stringify({ error })}\n\n`);
        return;
      }
      // The plain envelope, not the profile's: this is the recorder's failure, not a relay's.
      const failure = new ApiError(outcome.status, 'upstream_error', message, null, outcome.code);
      sendError(failure, req, res, { quirks: undefined, stream: state.stream });
      return;
    }

    const made = exchangeToFixture({
      request: json,
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
    if (options.onMiss) {
      // A miss recorded is a hit next time, with a model the mock then serves.
      ctx.options.fixtures.add([fixture], 'recorded');
      serveFixtureModels(ctx.options.models, [fixture]);
    }
    notify({
      kind: 'recorded',
      index: appender.fixtures.length - 1,
      status: outcome.status,
      stream: state.stream,
      name: fixture.name ?? '',
    });
  };

  return { handler, appender, flush: () => appender.flush() };
}
