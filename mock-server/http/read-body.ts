// Reads a JSON request body ourselves instead of body-parser: we need the raw text (the
// determinism hash is taken over it), a hard size cap, and our own error envelope.
import type { IncomingMessage } from 'node:http';
import { ApiError, invalidRequest } from './api-error.ts';

export interface RawJsonBody {
  text: string;
  json: unknown;
}

export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<RawJsonBody> {
  // No body at all (Content-Length: 0, or neither a length nor chunked encoding, as a bare
  // `fetch(url, { method: 'POST' })` sends) is an empty request, whatever its type says.
  const length = req.headers['content-length'];
  if ((length !== undefined && Number(length) === 0) || (length === undefined && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return Promise.reject(emptyBody());
  }
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('application/json') && !type.includes('+json')) {
    req.resume();
    return Promise.reject(
      new ApiError(415, 'invalid_request_error', `Unsupported Content-Type '${type || '(none)'}': send application/json.`, null, 'unsupported_media_type'),
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
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        parts.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      parts.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) reject(invalidRequest(`Could not read the request body: ${err.message}`));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      const buffer = Buffer.concat(parts, size);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
      } catch {
        reject(invalidRequest('The request body is not valid UTF-8.', null, 'invalid_encoding'));
        return;
      }
      if (text.trim() === '') {
        reject(emptyBody());
        return;
      }
      try {
        resolve({ text, json: JSON.parse(text) as unknown });
      } catch (err) {
        const detail = err instanceof Error ? err.message : 'parse error';
        reject(invalidRequest(`We could not parse the JSON body of your request (${detail}).`, null, 'invalid_json'));
      }
    });
  });
}

function emptyBody(): ApiError {
  return invalidRequest('The request body is empty: send a JSON object.', null, 'invalid_json');
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'invalid_request_error', `The request body exceeds the limit of ${maxBytes} bytes.`, null, 'request_too_large');
}
