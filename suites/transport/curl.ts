// A copy-pasteable POSIX shell command that replays a request with curl. The API key and
// every secret header value are never written out: the command reads them from the
// environment variables they came from. Other configured headers are written as they are,
// so a reproducer works against a gateway that needs them.
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
  authScheme?: 'bearer' | 'api-key' | 'x-api-key' | 'none';
  /**
   * Headers whose value holds a secret, by name: the configured template, e.g.
   * `Bearer ${PORTKEY_KEY}`; written with `$PORTKEY_KEY` for the shell to expand.
   */
  secretHeaders?: Record<string, string>;
  /** Applied to the URL, header values and body (defence in depth; headers that carry secrets are dropped anyway). */
  redactor?: Redactor;
}

export const DEFAULT_KEY_ENV_VAR = 'RELAYCHECK_API_KEY';

/** Quote a string for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A double-quoted shell word for `text`, where `${VAR}` stays a variable reference. */
export function shellTemplate(text: string): string {
  const quoteLiteral = (s: string): string => s.replace(/[\\"$`]/g, (c) => `\\${c}`);
  let out = '';
  let at = 0;
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    out += `${quoteLiteral(text.slice(at, m.index))}\${${m[1]!}}`;
    at = m.index + m[0].length;
  }
  return `"${out}${quoteLiteral(text.slice(at))}"`;
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
  else if (scheme === 'api-key' || scheme === 'x-api-key') lines.push(`-H "${scheme}: $${envVar}"`);
  const templates = new Map(
    Object.entries(options.secretHeaders ?? {}).map(([name, template]) => [name.toLowerCase(), template]),
  );
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) continue;
    const template = templates.get(name.toLowerCase());
    if (template !== undefined && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      if (redact(template).includes('[REDACTED]')) continue; // a secret written into the config itself
      lines.push(`-H ${shellTemplate(`${name}: ${template}`)}`);
      continue;
    }
    if (isSensitiveHeader(name)) continue; // the key's own header is written above
    const shown = redact(value);
    if (shown.includes('[REDACTED]')) continue; // holds a secret with no variable to read it from
    lines.push(`-H ${shellQuote(`${name}: ${shown}`)}`);
  }
  if (body !== undefined) lines.push(`--data-raw ${shellQuote(body)}`);
  return lines.join(' \\\n  ');
}
