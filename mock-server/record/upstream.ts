// Record mode's upstream leg: one bounded request to the relay (size, time, stream silence; no
// redirect followed), the headers that may pass back to the client, and the secrets to mask.
// Bounded like the suite's own exchange, but streaming: the client sees the answer as it comes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSensitiveHeader, secretsFromHeaders, type Redactor } from '../core/redact.js';

/** Request headers never sent upstream: the client's credentials, and what fetch sets itself. */
export const DROP_REQUEST =
  /^(host|connection|keep-alive|content-length|transfer-encoding|te|trailer|upgrade|proxy-.*|authorization|x-api-key|api-key|cookie|accept-encoding|expect)$/i;

/**
 * The only upstream response headers passed on to the client: what a client reads (the body's
 * type, back-off hints, request ids and rate-limit counters). Anything else, an echoed
 * Authorization or a Set-Cookie among them, stays with the recorder.
 */
export const PASSED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'cache-control',
  'retry-after',
  'retry-after-ms',
  'x-request-id',
  'openai-processing-ms',
  'openai-version',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  // Anthropic's: its request id and rate-limit counters.
  'request-id',
  ...['requests', 'tokens', 'input-tokens', 'output-tokens'].flatMap((what) =>
    ['limit', 'remaining', 'reset'].map((field) => `anthropic-ratelimit-${what}-${field}`),
  ),
]);

/**
 * A forwarded client header whose value is a secret besides those the suite's redactor knows
 * by name (Authorization, x-api-key...): relay gateways take keys in headers such as
 * `x-portkey-api-key` or `x-relay-token`, which the fixture file must not keep either.
 */
const SECRET_HEADER_NAME = /(?:^|[-_])(?:auth|authorization|token|secret|key|password|credentials?)$/i;

/**
 * How far record mode waits and reads, like the suite's own exchange (suites/transport/http.ts)
 * but sized for recording real sessions: a reasoning model may think for minutes, and a
 * streamed answer's SSE framing takes ~200 bytes per token.
 */
export interface RecordLimits {
  /** The upstream's response headers, from sending. Past it: 504, nothing recorded. */
  firstByteTimeoutMs: number;
  /** A whole JSON answer (headers and body), from sending. Past it: 504. */
  timeoutMs: number;
  /** A streamed answer's duration, from its headers. Past it the stream ends with an in-band error. */
  maxStreamMs: number;
  /** Silence inside a stream (no bytes) before it is given up. */
  idleTimeoutMs: number;
  /**
   * Answer bytes kept at most. A larger answer is not recorded; its reading stops and what
   * was read is dropped, and the client gets a 502 (or, mid-stream, an in-band error).
   */
  maxBodyBytes: number;
}

export const DEFAULT_RECORD_LIMITS: Readonly<RecordLimits> = Object.freeze({
  firstByteTimeoutMs: 60_000,
  timeoutMs: 300_000,
  maxStreamMs: 300_000,
  idleTimeoutMs: 60_000,
  // 32 MiB: a 100k-token stream is ~20 MB of SSE; far beyond any answer worth a fixture.
  maxBodyBytes: 32 * 1024 * 1024,
});

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

export const shown = (u: URL): string => `${u.protocol}//${u.host}${u.pathname}`;

/** The record limits: the defaults, each replaced by a given finite non-negative number. */
export function recordLimits(given: Partial<RecordLimits> = {}): RecordLimits {
  const limits: RecordLimits = { ...DEFAULT_RECORD_LIMITS };
  for (const [name, value] of Object.entries(given) as [keyof RecordLimits, unknown][]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[name] = value;
  }
  return limits;
}

/** Values of the client's secret-bearing headers (by the redactor's names or SECRET_HEADER_NAME). */
export function clientSecrets(headers: IncomingMessage['headers']): string[] {
  const named: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !(isSensitiveHeader(name) || SECRET_HEADER_NAME.test(name))) continue;
    named[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // secretsFromHeaders knows the auth schemes (Bearer, Basic...) but only the redactor's names.
  const schemes = secretsFromHeaders(Object.fromEntries(Object.entries(named).filter(([n]) => isSensitiveHeader(n))));
  return [...schemes, ...Object.values(named).map((v) => v.trim())];
}

/** A forwarded exchange that completed (any status), or why it did not. */
type Forwarded =
  | { kind: 'done'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'failed'; status: number; code: string; message: string; clientLeft?: boolean };

interface Stop {
  status: number;
  code: string;
  message: string;
  clientLeft?: boolean;
}

/**
 * One request upstream, bounded: headers within firstByteTimeoutMs, a JSON answer whole within
 * timeoutMs, a stream within maxStreamMs with no silence over idleTimeoutMs, at most
 * maxBodyBytes kept, redirects never followed. A stream is passed to `res` as it comes (its
 * headers written first); a JSON answer is written only once it is whole, so an oversized or
 * late one can still be answered with a 502/504 envelope. On failure nothing read is kept.
 */
export async function forwardBounded(
  endpoint: string,
  /** The upstream as messages name it (no credentials). */
  origin: string,
  headers: Record<string, string>,
  /** POST with the client's body, or a body-less GET/DELETE of a stored response. */
  request: { method: 'POST' | 'GET' | 'DELETE'; body?: string },
  limits: RecordLimits,
  res: ServerResponse,
  /** Masks the passed-on header values (a relay may echo the key in x-request-id). */
  redactor: Redactor,
): Promise<Forwarded> {
  const abort = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stop: Stop | undefined;
  const halt = (s: Stop): void => {
    stop ??= s;
    abort.abort();
  };
  const after = (ms: number, s: Stop): ReturnType<typeof setTimeout> => {
    const t = setTimeout(() => halt(s), ms);
    timers.add(t);
    return t;
  };
  const clear = (t: ReturnType<typeof setTimeout> | undefined): void => {
    if (t === undefined) return;
    clearTimeout(t);
    timers.delete(t);
  };
  // A client that leaves stops the upstream request too; its exchange is not recorded.
  const onClose = (): void => {
    if (!res.writableFinished)
      halt({
        status: 499,
        code: 'client_closed',
        message: `The client left before the upstream relay at ${origin} finished answering; nothing was recorded.`,
        clientLeft: true,
      });
  };
  res.on('close', onClose);
  const timeout = (what: string): Stop => ({
    status: 504,
    code: 'upstream_timeout',
    message: `The upstream relay at ${origin} sent ${what}; nothing was recorded.`,
  });
  const overall = after(limits.timeoutMs, timeout(`no complete answer within ${limits.timeoutMs} ms`));
  const firstByte = after(
    limits.firstByteTimeoutMs,
    timeout(`no response headers within ${limits.firstByteTimeoutMs} ms`),
  );
  const failed = (fallback: Stop): Forwarded => ({ kind: 'failed', ...(stop ?? fallback) });
  try {
    let upstream: Response;
    try {
      upstream = await fetch(endpoint, { ...request, headers, redirect: 'manual', signal: abort.signal });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      return failed({
        status: 502,
        code: 'upstream_unreachable',
        message: `The upstream relay at ${origin} could not be reached (${why}); nothing was recorded.`,
      });
    }
    clear(firstByte);
    if (upstream.status >= 300 && upstream.status < 400) {
      // The request (prompt and key) must never go to another origin, nor another origin's
      // answer be recorded as the relay's.
      halt({
        status: 502,
        code: 'upstream_redirect',
        message: `The upstream relay at ${origin} answered ${upstream.status}, a redirect, which record mode never follows; nothing was recorded.`,
      });
      return failed(stop!);
    }
    const tooLarge: Stop = {
      status: 502,
      code: 'upstream_too_large',
      message: `The upstream relay at ${origin} sent an answer larger than ${limits.maxBodyBytes} bytes; it was not recorded.`,
    };
    const declared = Number(upstream.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      halt(tooLarge);
      return failed(tooLarge);
    }
    const passed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (PASSED_RESPONSE_HEADERS.has(lower)) passed[lower] = redactor.text(value);
    });
    const isStream = (passed['content-type'] ?? '').toLowerCase().includes('text/event-stream');
    let idle: ReturnType<typeof setTimeout> | undefined;
    const silence = timeout(`nothing for ${limits.idleTimeoutMs} ms in the middle of its stream`);
    if (isStream) {
      clear(overall);
      after(limits.maxStreamMs, timeout(`a stream still open after ${limits.maxStreamMs} ms`));
      idle = after(limits.idleTimeoutMs, silence);
      res.writeHead(upstream.status, passed);
    }
    let parts: Buffer[] = [];
    let kept = 0;
    const reader = upstream.body?.getReader();
    if (reader) {
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (err) {
          return failed({
            status: 502,
            code: 'upstream_cut',
            message: `The upstream relay at ${origin} cut its answer (${(err as Error).message}); nothing was recorded.`,
          });
        }
        if (r.done) break;
        kept += r.value.length;
        if (kept > limits.maxBodyBytes) {
          // Drop what was read now: a 2 GB answer must not stay allocated while it is refused.
          parts = [];
          halt(tooLarge);
          reader.cancel().catch(() => undefined);
          return failed(tooLarge);
        }
        const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        parts.push(chunk);
        if (isStream) {
          clear(idle);
          idle = after(limits.idleTimeoutMs, silence);
          res.write(chunk);
        }
      }
    }
    if (stop) return failed(stop);
    const text = Buffer.concat(parts).toString('utf8');
    parts = [];
    if (!isStream) {
      res.writeHead(upstream.status, passed);
      res.end(text);
    } else {
      res.end();
    }
    return { kind: 'done', status: upstream.status, headers: passed, body: text };
  } finally {
    for (const t of timers) clearTimeout(t);
    res.off('close', onClose);
    if (!abort.signal.aborted && stop) abort.abort();
  }
}
