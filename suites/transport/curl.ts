// A copy-pasteable POSIX shell command that replays a request with curl. The API key is
// never written out: the command reads it from an environment variable.
import { isSensitiveHeader, type Redactor } from './redact.js';

export interface CurlRequest {
  method: string;
  url: string;
  headers?: Record<string, string | undefined>;
  /** A JSON body (serialised with JSON.stringify); ignored when `bodyRaw` is set. */
  body?: unknown;
  /** The body as raw text, sent verbatim (e.g. a deliberately malformed body). */
  bodyRaw?: string;
  /** A streaming request: adds `-N` (no output buffering). Also implied by `body.stream: true`. */
  expectStream?: boolean;
}

export interface CurlOptions {
  /** The environment variable holding the key; default RELAYCHECK_API_KEY. */
  keyEnvVar?: string;
  /**
   * How the key is sent: `Authorization: Bearer $VAR` (default), `api-key: $VAR`
   * (Azure-style gateways), or not at all (`none`, to reproduce a missing-key request).
   */
  authScheme?: 'bearer' | 'api-key' | 'none';
  /** Applied to the URL, header values and body (defence in depth; headers that carry secrets are dropped anyway). */
  redactor?: Redactor;
}

export const DEFAULT_KEY_ENV_VAR = 'RELAYCHECK_API_KEY';

/** Quote a string for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(request: CurlRequest, options: CurlOptions = {}): string {
  const envVar =
    options.keyEnvVar && /^[A-Za-z_][A-Za-z0-9_]*$/.test(options.keyEnvVar) ? options.keyEnvVar : DEFAULT_KEY_ENV_VAR;
  const scheme = options.authScheme ?? 'bearer';
  const redact = (s: string): string => (options.redactor ? options.redactor.text(s) : s);
  const method = (request.method || 'GET').toUpperCase();

  let body: string | undefined;
  if (typeof request.bodyRaw === 'string') body = request.bodyRaw;
  else if (request.body !== undefined && request.body !== null) body = JSON.stringify(request.body);
  if (body !== undefined) body = redact(body);

  const streaming =
    request.expectStream === true ||
    (typeof request.body === 'object' &&
      request.body !== null &&
      (request.body as Record<string, unknown>)['stream'] === true);

  const head = ['curl', '-sS'];
  if (streaming) head.push('-N');
  const inferred = body === undefined ? 'GET' : 'POST';
  if (method !== inferred) head.push('-X', shellQuote(method));
  head.push(shellQuote(redact(request.url)));

  const lines = [head.join(' ')];
  if (scheme === 'bearer') lines.push(`-H "Authorization: Bearer $${envVar}"`);
  else if (scheme === 'api-key') lines.push(`-H "api-key: $${envVar}"`);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined || isSensitiveHeader(name)) continue;
    if (value.includes('[REDACTED]')) continue;
    lines.push(`-H ${shellQuote(`${name}: ${redact(value)}`)}`);
  }
  if (body !== undefined) lines.push(`--data-raw ${shellQuote(body)}`);
  return lines.join(' \\\n  ');
}
