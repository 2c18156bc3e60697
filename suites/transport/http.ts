// One logical HTTP request to a relay nobody controls: bounded in time and size, retried
// on 429/5xx/connection errors with bounded back-off, never following redirects (the key
// must never travel to another origin), recorded as redacted evidence. Never throws.
import { inert } from './inert.js';
import type {
  ReportExchange,
  ReportExchangeRequest,
  ReportExchangeResponse,
  ReportPreviousAttempt,
} from '../../spec/generated/types.js';
import { createRedactor, secretsFromHeaders, type Redactor } from './redact.js';
import {
  SseParser,
  interpretChatStream,
  parseSse,
  type ChatStreamInterpretation,
  type SseEvent,
  type SseObservations,
} from './sse.js';

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A JSON body, serialised with JSON.stringify (content-type application/json added if absent). */
  body?: unknown;
  /** A body sent verbatim instead of `body` (e.g. deliberately malformed JSON). */
  bodyRaw?: string;
  /** The caller asked for a stream (`stream: true`): the body is parsed as SSE as it arrives. */
  expectStream?: boolean;
  /** Copied into the evidence. */
  label?: string;
}

/** Bounds of one exchange. Every field has a default (DEFAULT_LIMITS). */
export interface ExchangeLimits {
  /**
   * Deadline for the whole attempt, body included, from sending. For a
   * `text/event-stream` response it covers the time to the headers only; the body is
   * then bounded by `maxStreamMs`. Default 30 000 ms. Error kind `timeout`.
   */
  timeoutMs: number;
  /** Deadline for the response headers, from sending. Default 20 000 ms. Error kind `timeout`. */
  firstByteTimeoutMs: number;
  /**
   * Body bytes read at most; past it reading stops, the body is marked truncated and the
   * connection is aborted. Default 1 MiB (1 048 576). Error kind `too-large`.
   */
  maxBodyBytes: number;
  /** Duration of an SSE body, from the headers. Default 30 000 ms. Error kind `stream-too-long`. */
  maxStreamMs: number;
  /**
   * How long a stream may stay open after `data: [DONE]` before relaycheck closes it
   * itself (recorded as a note, not an error). Default 2 000 ms.
   */
  doneGraceMs: number;
  /** Retries after 429/500/502/503/504 or a connection error before the headers. Default 2. */
  maxRetries: number;
  /** First back-off delay when no Retry-After is sent; doubled per retry. Default 500 ms. */
  baseRetryDelayMs: number;
  /** Cap on any back-off delay, Retry-After included. Default 8 000 ms. */
  maxRetryDelayMs: number;
  /**
   * Deadline for the whole logical request, every attempt and back-off wait included, so
   * a relay dripping retryable 500s cannot hold one request for timeoutMs × attempts. No
   * retry starts that could not finish its wait inside it. Default 45 000 ms. Error kind `timeout`.
   */
  totalTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<ExchangeLimits> = Object.freeze({
  timeoutMs: 30_000,
  firstByteTimeoutMs: 20_000,
  maxBodyBytes: 1024 * 1024,
  maxStreamMs: 30_000,
  doneGraceMs: 2_000,
  maxRetries: 2,
  baseRetryDelayMs: 500,
  maxRetryDelayMs: 8_000,
  totalTimeoutMs: 45_000,
});

/** Each body kept in evidence (request, response, raw SSE) is capped at this many bytes. */
export const EVIDENCE_BODY_BYTES = 64 * 1024;
/** Strings longer than this inside a recorded request body (base64 images) are shortened. */
export const EVIDENCE_STRING_CHARS = 4096;
/** Statuses that are retried. */
export const RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * A 429 that says the quota or credit is gone (OpenAI's `insufficient_quota`): waiting
 * cannot help, so it is not retried.
 */
export function quotaExhausted(status: number | undefined, body: Uint8Array): boolean {
  if (status !== 429 && status !== 402) return false;
  return /insufficient_quota/i.test(new TextDecoder().decode(body.subarray(0, 8192)));
}

/** What an attempt failed with, to tell a deterministic failure from a hiccup. */
function failureSignature(outcome: AttemptOutcome): string | undefined {
  if (outcome.status === undefined) return outcome.error ? `net:${outcome.error.message}` : undefined;
  if (outcome.status < 500) return undefined;
  return `${outcome.status}:${Buffer.from(outcome.body).toString('utf8')}`;
}

export interface ExchangeOptions {
  /**
   * Applied to everything recorded or returned. The values of the request's secret-bearing
   * headers (Authorization, api-key...) are always redacted too, even without it.
   */
  redactor?: Redactor;
  /** Back-off wait; injectable so tests do not really wait. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms since the epoch (timings, Retry-After dates). Default Date.now. */
  now?: () => number;
  /** Default: the global fetch (undici). */
  fetch?: typeof fetch;
  /** Aborts the exchange (the run's deadline): the attempt in flight stops, no retry follows. */
  signal?: AbortSignal;
}

export type ExchangeErrorKind = NonNullable<ReportExchange['errorKind']>;

export interface ExchangeSse {
  events: SseEvent[];
  observations: SseObservations;
  chat: ChatStreamInterpretation;
}

/** Everything here is redacted, like the evidence. */
export interface ExchangeResult {
  evidence: ReportExchange;
  /** The final attempt's status, or null when no response came. */
  status: number | null;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The media type of the response, lower case, without parameters ("" when absent). */
  contentType: string;
  /** The body parsed as JSON, when it parsed (not for SSE). */
  json?: unknown;
  /** The body as text (up to maxBodyBytes). */
  text: string;
  /** Set when the body is a Server-Sent Events stream (by content type, or by its look). */
  sse?: ExchangeSse;
  error?: { kind: ExchangeErrorKind; message: string };
  /** How many times the request was sent. */
  attempts: number;
  /** Body bytes received (final attempt). */
  bytes: number;
  /** The body returned is not the whole body (read cap, cut stream, timeout, reset). */
  truncated: boolean;
  /**
   * Retried, and every attempt failed the same way (same status and body, or the same
   * connection error): a deterministic failure, not a hiccup.
   */
  repeatedFailure?: boolean;
}

interface Stop {
  kind: ExchangeErrorKind | 'done-grace';
  message: string;
}

interface AttemptOutcome {
  startedAt: number;
  ms: number;
  firstByteMs?: number;
  status?: number;
  rawHeaders?: Headers;
  body: Uint8Array;
  bytes: number;
  /** Reading stopped before the end of the body. */
  cut: boolean;
  error?: { kind: ExchangeErrorKind; message: string };
  /** A connection error before any response: worth a retry. */
  retryableNetwork: boolean;
  parser?: SseParser;
  events: SseEvent[];
  notes: string[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The error message of an exchange cut by the run's deadline (ExchangeOptions.signal). */
export const RUN_DEADLINE = 'run deadline reached';

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return `${e.message}: ${typeof code === 'string' && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}`;
  }
  return e.message;
}

function mediaType(headers: Headers | undefined): string {
  return (headers?.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Cut text to at most `maxBytes` of UTF-8, never inside a character. */
export function capText(s: string, maxBytes: number = EVIDENCE_BODY_BYTES): { text: string; truncated: boolean } {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= maxBytes) return { text: s, truncated: false };
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes), { stream: true });
  return { text, truncated: true };
}

function shortenStrings(v: unknown, maxChars: number, changed: { value: boolean }): unknown {
  if (typeof v === 'string') {
    if (v.length <= maxChars) return v;
    changed.value = true;
    return `${v.slice(0, maxChars)}…[${v.length - maxChars} more characters]`;
  }
  if (Array.isArray(v)) return v.map((x) => shortenStrings(x, maxChars, changed));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = shortenStrings(x, maxChars, changed);
    return out;
  }
  return v;
}

/** A JSON value as kept in evidence: long strings shortened, then the whole capped. */
function capJson(v: unknown, shorten: boolean): { value: unknown; truncated: boolean } {
  const changed = { value: false };
  const value = shorten ? shortenStrings(v, EVIDENCE_STRING_CHARS, changed) : v;
  const serialised = JSON.stringify(value) ?? 'null';
  if (Buffer.byteLength(serialised, 'utf8') <= EVIDENCE_BODY_BYTES) return { value, truncated: changed.value };
  return { value: capText(serialised).text, truncated: true };
}

/** Milliseconds asked for by Retry-After / retry-after-ms, if any. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function looksLikeSse(text: string): boolean {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .find((l) => l.trim() !== '');
  return first !== undefined && /^(data|event|id|retry)?:/.test(first);
}

function bodyInit(request: ExchangeRequest): string | undefined {
  if (typeof request.bodyRaw === 'string') return request.bodyRaw;
  if (request.body === undefined) return undefined;
  return JSON.stringify(request.body);
}

function sendHeaders(request: ExchangeRequest, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  if (hasBody && !('content-type' in headers)) headers['content-type'] = 'application/json';
  return headers;
}

/** An attempt that has received nothing yet. */
function emptyOutcome(startedAt: AttemptOutcome['startedAt']): AttemptOutcome {
  return {
    startedAt,
    ms: 0,
    body: new Uint8Array(0),
    bytes: 0,
    cut: false,
    retryableNetwork: false,
    events: [],
    notes: [],
  };
}

async function attemptOnce(
  request: ExchangeRequest,
  headers: Record<string, string>,
  body: string | undefined,
  limits: ExchangeLimits,
  doFetch: typeof fetch,
  now: () => number,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const startedAt = now();
  const controller = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stop: Stop | undefined;
  const abortWith = (s: Stop): void => {
    if (stop) return;
    stop = s;
    controller.abort(new Error(`${s.kind}: ${s.message}`));
  };
  const after = (ms: number, s: Stop): ReturnType<typeof setTimeout> => {
    const t = setTimeout(() => abortWith(s), Math.max(0, ms));
    timers.add(t);
    return t;
  };
  const clear = (t: ReturnType<typeof setTimeout> | undefined): void => {
    if (t === undefined) return;
    clearTimeout(t);
    timers.delete(t);
  };
  const outcome = emptyOutcome(startedAt);
  const overall = after(limits.timeoutMs, {
    kind: 'timeout',
    message: `no complete response within ${limits.timeoutMs} ms`,
  });
  const firstByte = after(limits.firstByteTimeoutMs, {
    kind: 'timeout',
    message: `no response headers within ${limits.firstByteTimeoutMs} ms`,
  });
  // Never cleared, streams included: the logical request's budget and the run's deadline.
  after(deadline - startedAt, {
    kind: 'timeout',
    message: `the request took more than its ${limits.totalTimeoutMs} ms budget (retries included)`,
  });
  const onAbort = (): void => abortWith({ kind: 'timeout', message: RUN_DEADLINE });
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await doFetch(request.url, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      if (stop && stop.kind !== 'done-grace') {
        outcome.error = { kind: stop.kind, message: stop.message };
      } else {
        outcome.error = { kind: 'network', message: describeError(e) };
        // undici reports connection failures as TypeError('fetch failed', {cause}).
        outcome.retryableNetwork = e instanceof TypeError && e.message === 'fetch failed';
      }
      return outcome;
    }
    clear(firstByte);
    outcome.firstByteMs = now() - startedAt;
    outcome.status = response.status;
    outcome.rawHeaders = response.headers;
    const type = mediaType(response.headers);
    const isSse = type === 'text/event-stream';

    if (REDIRECT_STATUSES.has(response.status)) {
      const location = response.headers.get('location');
      outcome.error = {
        kind: 'redirect',
        message: `HTTP ${response.status} redirect${location ? ` to ${location}` : ''} not followed`,
      };
    }
    if (isSse) {
      clear(overall);
      after(limits.maxStreamMs, {
        kind: 'stream-too-long',
        message: `stream still open after ${limits.maxStreamMs} ms`,
      });
    }
    const parser = isSse || request.expectStream === true ? new SseParser() : undefined;
    const chunks: Uint8Array[] = [];
    let kept = 0;
    let doneSeen = false;
    const reader = response.body?.getReader();
    if (reader) {
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          if (!stop)
            outcome.error ??= {
              kind: 'network',
              message: `connection lost after ${outcome.bytes} body bytes: ${describeError(e)}`,
            };
          outcome.cut = stop?.kind !== 'done-grace';
          break;
        }
        if (r.done) break;
        const chunk = r.value;
        outcome.bytes += chunk.length;
        const room = limits.maxBodyBytes - kept;
        const piece = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(0, room));
        if (piece.length > 0) {
          chunks.push(piece);
          kept += piece.length;
        }
        if (parser && piece.length > 0) {
          const events = parser.feed(piece);
          outcome.events.push(...events);
          if (!doneSeen && events.some((ev) => ev.data.trim() === '[DONE]')) {
            doneSeen = true;
            if (isSse) {
              after(limits.doneGraceMs, {
                kind: 'done-grace',
                message: `stream still open ${limits.doneGraceMs} ms after [DONE]; closed by relaycheck`,
              });
            }
          }
        }
        if (piece.length < chunk.length) {
          abortWith({ kind: 'too-large', message: `body larger than ${limits.maxBodyBytes} bytes; stopped reading` });
          outcome.cut = true;
          reader.cancel().catch(() => undefined);
          break;
        }
      }
    }
    if (stop) {
      if (stop.kind === 'done-grace') outcome.notes.push(stop.message);
      else outcome.error = { kind: stop.kind, message: stop.message };
    }
    if (parser) {
      outcome.events.push(...parser.end());
      outcome.parser = parser;
    }
    outcome.body = concat(chunks, kept);
    return outcome;
  } catch (e) {
    // Defensive: nothing above should throw, but the contract is "never throws".
    outcome.error ??= { kind: 'network', message: describeError(e) };
    return outcome;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const t of timers) clearTimeout(t);
    if (!controller.signal.aborted && outcome.error) controller.abort();
    outcome.ms = now() - startedAt;
  }
}

/**
 * Perform one logical request (with retries) and return what happened, redacted.
 * Never throws; a failure is reported in `error` and in the evidence.
 */
export async function exchange(
  request: ExchangeRequest,
  limits: Partial<ExchangeLimits> = {},
  options: ExchangeOptions = {},
): Promise<ExchangeResult> {
  const lim: ExchangeLimits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(limits) as Array<[keyof ExchangeLimits, number | undefined]>) {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) lim[k] = v;
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const doFetch = options.fetch ?? fetch;
  const auto = createRedactor(secretsFromHeaders(request.headers));
  const outer = options.redactor;
  const redactor: Redactor = {
    text: (s) => auto.text(outer ? outer.text(s) : s),
    headers: (h) => auto.headers(outer ? outer.headers(h) : h),
    json: (v) => auto.json(outer ? outer.json(v) : v),
  };
  const begin = now();
  const deadline = begin + lim.totalTimeoutMs;

  let body: string | undefined;
  let headers: Record<string, string> = {};
  let setupError: string | undefined;
  try {
    body = bodyInit(request);
    headers = sendHeaders(request, body !== undefined);
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') setupError = `unsupported URL scheme ${url.protocol}`;
    else if (body !== undefined && /^(GET|HEAD)$/i.test(request.method))
      setupError = `${request.method} cannot have a body`;
  } catch (e) {
    setupError = `invalid request: ${describeError(e)}`;
  }

  const previous: ReportPreviousAttempt[] = [];
  const signatures: Array<string | undefined> = [];
  let attempts = 0;
  let outcome: AttemptOutcome;
  if (setupError !== undefined) {
    outcome = { ...emptyOutcome(begin), error: { kind: 'network', message: setupError } };
  } else if (options.signal?.aborted) {
    outcome = { ...emptyOutcome(begin), error: { kind: 'timeout', message: RUN_DEADLINE } };
  } else {
    for (;;) {
      attempts++;
      outcome = await attemptOnce(request, headers, body, lim, doFetch, now, deadline, options.signal);
      signatures.push(failureSignature(outcome));
      const retryableStatus =
        outcome.status !== undefined &&
        RETRY_STATUSES.includes(outcome.status) &&
        !quotaExhausted(outcome.status, outcome.body);
      if (attempts > lim.maxRetries || !(retryableStatus || outcome.retryableNetwork)) break;
      const asked = retryAfterMs(outcome.rawHeaders, now());
      const backoff = lim.baseRetryDelayMs * 2 ** (attempts - 1);
      const waitMs = Math.min(lim.maxRetryDelayMs, Math.max(0, asked ?? backoff));
      // A retry that could not even start inside the budget (or after the run's deadline) is not sent.
      if (options.signal?.aborted || now() + waitMs >= deadline) break;
      const record: ReportPreviousAttempt = { waitMs };
      if (outcome.status !== undefined) record.status = outcome.status;
      if (outcome.error) record.error = redactor.text(`${outcome.error.kind}: ${outcome.error.message}`);
      const retryAfter = outcome.rawHeaders?.get('retry-after');
      // Echoed by the relay: masked like every other echo, one bounded line.
      if (retryAfter) record.retryAfter = inert(redactor.text(retryAfter), 200);
      previous.push(record);
      await sleep(waitMs);
    }
  }
  const result = buildResult(request, headers, body, outcome, attempts || 1, previous, redactor, begin, now());
  if (signatures.length > 1 && signatures[0] !== undefined && signatures.every((s) => s === signatures[0]))
    result.repeatedFailure = true;
  return result;
}

function buildResult(
  request: ExchangeRequest,
  sentHeaders: Record<string, string>,
  sentBody: string | undefined,
  outcome: AttemptOutcome,
  attempts: number,
  previous: ReportPreviousAttempt[],
  redactor: Redactor,
  begin: number,
  end: number,
): ExchangeResult {
  const notes = [...outcome.notes];
  let error = outcome.error ? { kind: outcome.error.kind, message: redactor.text(outcome.error.message) } : undefined;

  // The request as recorded.
  const evRequest: ReportExchangeRequest = {
    method: request.method,
    url: redactor.text(request.url),
    headers: redactor.headers(sentHeaders),
    body: null,
  };
  if (typeof request.bodyRaw === 'string') {
    const capped = capText(redactor.text(request.bodyRaw));
    evRequest.bodyRaw = capped.text;
    if (capped.truncated) evRequest.truncated = true;
  } else if (sentBody !== undefined) {
    const capped = capJson(redactor.json(request.body), true);
    evRequest.body = capped.value;
    if (capped.truncated) evRequest.truncated = true;
  }

  // The body, decoded.
  const rawText = new TextDecoder('utf-8').decode(outcome.body);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(outcome.body, { stream: outcome.cut });
  } catch {
    const message = 'the body is not valid UTF-8 (invalid bytes decoded as U+FFFD)';
    if (error) notes.push(message);
    else error = { kind: 'invalid-utf8', message };
  }
  const text = redactor.text(rawText);
  const contentType = mediaType(outcome.rawHeaders);
  const headers = redactor.headers(outcome.rawHeaders);

  let sse: ExchangeSse | undefined;
  let json: unknown;
  let hasJson = false;
  const isSseType = contentType === 'text/event-stream';
  if (outcome.status !== undefined && text.trim() !== '') {
    let asSse = isSseType;
    if (!asSse) {
      try {
        json = redactor.json(JSON.parse(rawText));
        hasJson = true;
      } catch {
        if (looksLikeSse(rawText)) {
          asSse = true;
          notes.push(`SSE served with content-type "${contentType || '(none)'}"`);
        } else if (contentType.includes('json')) {
          notes.push(`content-type is ${contentType} but the body is not JSON`);
        }
      }
    }
    if (asSse) {
      let events = outcome.events;
      let observations = outcome.parser?.observations;
      if (!outcome.parser || !observations) {
        const parsed = parseSse(outcome.body);
        events = parsed.events;
        observations = parsed.observations;
      }
      const redactedEvents = events.map((ev) => ({ ...ev, data: redactor.text(ev.data), id: redactor.text(ev.id) }));
      sse = { events: redactedEvents, observations, chat: interpretChatStream(redactedEvents) };
    }
  }

  let evResponse: ReportExchangeResponse | undefined;
  const truncated = outcome.cut;
  if (outcome.status !== undefined) {
    evResponse = { status: outcome.status, headers, body: null, truncated, bytes: outcome.bytes };
    if (sse) {
      const capped = capText(text);
      evResponse.bodyKind = 'sse';
      evResponse.rawSse = capped.text;
      if (capped.truncated) evResponse.truncated = true;
    } else if (hasJson) {
      const capped = capJson(json, false);
      evResponse.bodyKind = capped.truncated ? 'text' : 'json';
      evResponse.body = capped.value;
      if (capped.truncated) evResponse.truncated = true;
    } else if (text !== '') {
      const capped = capText(text);
      evResponse.bodyKind = 'text';
      evResponse.body = capped.text;
      if (capped.truncated) evResponse.truncated = true;
    } else {
      evResponse.bodyKind = 'empty';
    }
  }

  const evidence: ReportExchange = {
    ...(request.label !== undefined ? { label: request.label } : {}),
    request: evRequest,
    ...(evResponse ? { response: evResponse } : {}),
    ...(error ? { error: `${error.kind}: ${error.message}`, errorKind: error.kind } : {}),
    timing: {
      ...(Number.isFinite(outcome.startedAt) ? { startedAt: new Date(outcome.startedAt).toISOString() } : {}),
      ms: Math.max(0, outcome.ms),
      ...(outcome.firstByteMs !== undefined ? { firstByteMs: Math.max(0, outcome.firstByteMs) } : {}),
      totalMs: Math.max(0, end - begin),
    },
    attempts,
    ...(previous.length > 0 ? { previousAttempts: previous } : {}),
    ...(notes.length > 0 ? { notes: notes.map((n) => redactor.text(n)) } : {}),
  };

  return {
    evidence,
    status: outcome.status ?? null,
    headers,
    contentType,
    ...(hasJson ? { json } : {}),
    text,
    ...(sse ? { sse } : {}),
    ...(error ? { error } : {}),
    attempts,
    bytes: outcome.bytes,
    truncated,
  };
}
