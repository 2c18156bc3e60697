// Reads a JSON request body ourselves instead of body-parser: we need the raw text (the
// determinism hash is taken over it), a hard size cap, a nesting cap, a deadline for slow
// senders, and our own error envelope.
import type { IncomingMessage } from 'node:http';
import { jsonNestsDeeper } from '../core/json-limits.js';
import { ApiError, invalidRequest } from '../core/api-error.js';
import { noteBody } from './journal.js';

export interface RawJsonBody {
  text: string;
  json: unknown;
}

/** What readJsonBody enforces (the fields of the same name in MockLimits). */
export interface BodyLimits {
  /** A larger body is a 413. */
  maxBodyBytes: number;
  /** Arrays/objects nested deeper than this are a 400, before anything parses the body. */
  maxJsonDepth: number;
  /**
   * A body not received in full within this many ms (from when it starts being read) is a
   * 408 and the connection is closed. Default: the server's `requestTimeout`, if it has one.
   */
  requestTimeoutMs?: number;
}

/** Stateless between calls (no `stream: true`), so one decoder serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Nesting accepted when the caller does not say: far above any real request (a tool schema nested 20 levels is ~45).
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * `limits` may be just the byte cap (the other limits then take their defaults) or the
 * mock's MockLimits as they are.
 */
export function readJsonBody(req: IncomingMessage, limits: number | BodyLimits): Promise<RawJsonBody> {
  const { maxBodyBytes: maxBytes, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH } =
    typeof limits === 'number' ? { maxBodyBytes: limits } : limits;
  const timeoutMs = (typeof limits === 'number' ? undefined : limits.requestTimeoutMs) ?? serverRequestTimeout(req);
  // No body at all (Content-Length: 0, or neither a length nor chunked encoding, as a bare
  // `fetch(url, { method: 'POST' })` sends) is an empty request, whatever its type says.
  const length = req.headers['content-length'];
  if (
    (length !== undefined && Number(length) === 0) ||
    (length === undefined && req.headers['transfer-encoding'] === undefined)
  ) {
    req.resume();
    return Promise.reject(emptyBody());
  }
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('application/json') && !type.includes('+json')) {
    req.resume();
    return Promise.reject(
      new ApiError(
        415,
        'invalid_request_error',
        `Unsupported Content-Type '${type || '(none)'}': send application/json.`,
        null,
        'unsupported_media_type',
      ),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let failed = false;
    // A sender that never finishes (slowloris) is answered 408 and its connection closed
    // after the answer, instead of holding a socket until the server's periodic check.
    const timer =
      timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            if (failed) return;
            failed = true;
            parts.length = 0;
            reject(
              new ApiError(
                408,
                'invalid_request_error',
                `The request body was not received within ${timeoutMs} ms.`,
                null,
                'request_timeout',
                { Connection: 'close' },
              ),
            );
          }, timeoutMs)
        : undefined;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        clearTimeout(timer);
        parts.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      parts.push(chunk);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      if (!failed) reject(invalidRequest(`Could not read the request body: ${err.message}`));
      failed = true;
    });
    // A client that leaves before sending everything: nobody is waiting for an answer.
    req.on('close', () => clearTimeout(timer));
    req.on('end', () => {
      clearTimeout(timer);
      if (failed) return;
      const buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      let text: string;
      try {
        text = UTF8.decode(buffer);
      } catch {
        reject(invalidRequest('The request body is not valid UTF-8.', null, 'invalid_encoding'));
        return;
      }
      // The journal shows what was sent, even when it is refused below.
      noteBody(req, text);
      if (text.trim() === '') {
        reject(emptyBody());
        return;
      }
      if (jsonNestsDeeper(text, maxJsonDepth)) {
        reject(
          invalidRequest(
            `The request body nests arrays and objects more than ${maxJsonDepth} levels deep.`,
            null,
            'json_too_deep',
          ),
        );
        return;
      }
      try {
        const json = JSON.parse(text) as unknown;
        noteBody(req, text, json, true);
        resolve({ text, json });
      } catch (err) {
        const detail = err instanceof Error ? err.message : 'parse error';
        reject(invalidRequest(`We could not parse the JSON body of your request (${detail}).`, null, 'invalid_json'));
      }
    });
  });
}

/** The `requestTimeout` of the node:http server the request came in on (0 or absent: none). */
function serverRequestTimeout(req: IncomingMessage): number | undefined {
  const server = (req.socket as { server?: { requestTimeout?: unknown } } | undefined)?.server;
  const ms = server?.requestTimeout;
  return typeof ms === 'number' && ms > 0 ? ms : undefined;
}

function emptyBody(): ApiError {
  return invalidRequest('The request body is empty: send a JSON object.', null, 'invalid_json');
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    'invalid_request_error',
    `The request body exceeds the limit of ${maxBytes} bytes.`,
    null,
    'request_too_large',
  );
}
