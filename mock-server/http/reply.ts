// Writing a reply with plain node:http, byte for byte what Express's res.json / res.send /
// res.end sent before (the same headers, in the same order): the chat-completions handler
// runs without Express, and the Express routes answer through these too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorReply, Quirks } from '../breaks/index.js';
import { formatEvents, OPENAI_FRAMING } from '../stream/sse-format.js';
import { ApiError } from '../core/api-error.js';
import { endReply } from './reply-batch.js';

/** res.json(body): `extra` headers first, then Content-Type and Content-Length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void {
  sendText(res, status, JSON.stringify(body), 'application/json; charset=utf-8', extra);
}

/** res.send(text) with the given Content-Type. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  extra?: Record<string, string>,
): void {
  // Flat [name, value, ...] pairs: node:http writes them in order without building a headers object.
  const headers: Array<string | number> = [];
  if (extra) for (const name of Object.keys(extra)) headers.push(name, extra[name]!);
  headers.push('Content-Type', contentType, 'Content-Length', Buffer.byteLength(text));
  res.writeHead(status, headers as string[]);
  endReply(res, text);
}

/**
 * res.status(status).set(headers).end(text): node:http adds Content-Length itself (after
 * Date and Connection), so this keeps that header where it was.
 */
function sendRaw(res: ServerResponse, status: number, headers: Record<string, string>, text?: string): void {
  res.statusCode = status;
  for (const name of Object.keys(headers)) res.setHeader(name, headers[name]!);
  res.end(text);
}

/** What the refused request had been found to be when it was refused. */
export interface ErrorState {
  /** Undefined outside the API routes (the journal, an unknown path). */
  quirks: Quirks | undefined;
  /** The request asked for a stream (false until its body has been read). */
  stream: boolean;
}

/** Every error leaves in OpenAI's envelope (unless a break bends it); never a stack trace. */
export function sendError(err: unknown, req: IncomingMessage, res: ServerResponse, state: ErrorState): void {
  const error = toApiError(err, req);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const reply: ErrorReply = {
    status: error.status,
    headers: { ...error.headers },
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
    envelope: 'standard',
    inBand: false,
  };
  state.quirks?.error(reply, { stream: state.stream, cause: error });
  const body = serialiseError(reply);
  if (reply.inBand) {
    const event = formatEvents([body ?? reply.error.message], { ...OPENAI_FRAMING, done: false }).join('');
    sendRaw(res, 200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' }, event);
  } else if (body === undefined) {
    sendRaw(res, reply.status, reply.headers);
  } else if (typeof body === 'string') {
    sendText(res, reply.status, body, 'text/plain; charset=utf-8', reply.headers);
  } else {
    sendJson(res, reply.status, body, reply.headers);
  }
}

function toApiError(err: unknown, req: IncomingMessage): ApiError {
  if (err instanceof ApiError) return err;
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'invalid_request_error', 'The request could not be understood.', null, null);
  }
  const path = (req.url ?? '').split('?')[0];
  process.stderr.write(
    `relaycheck mock: internal error on ${req.method} ${path}: ${err instanceof Error ? err.message : String(err)}\n`,
  );
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
