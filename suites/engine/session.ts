// One target's connection to the suite: turns a probe's RequestSpec into an HTTP exchange,
// sends each distinct request once (probes asking for the same request share it, even while
// it is in flight), keeps at most `concurrency` requests in flight, and counts what the run
// cost (requests, including retries, and the tokens the relay reported).
import { modelForRole } from '../roles.js';
import { createLimiter, type Limiter } from './concurrency.js';
import { isObject, streamChunks, usageInt } from '../wire/read.js';
import { WRONG_KEY } from '../wire/requests.js';
import type { ModelRole, RequestSpec } from '../wire/types.js';
import type { Target } from '../target.js';
import { toCurl } from '../transport/curl.js';
import {
  exchange,
  type ExchangeLimits,
  type ExchangeOptions,
  type ExchangeRequest,
  type ExchangeResult,
} from '../transport/http.js';
import { createRedactor, type Redactor } from '../transport/redact.js';

export interface SessionOptions {
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  limits?: Partial<ExchangeLimits>;
  /** Injected into exchange() (tests). */
  fetch?: typeof fetch;
  sleep?: ExchangeOptions['sleep'];
  /** The run's deadline: aborts requests in flight and answers later ones without sending them. */
  signal?: AbortSignal;
}

/** A request as sent, kept to build its curl reproducer. */
export interface Sent {
  request: ExchangeRequest;
  auth: NonNullable<RequestSpec['auth']>;
  /** The header the key went in (absent: the target's scheme). */
  scheme?: KeyScheme;
  result: ExchangeResult;
}

export interface SessionUsage {
  /** Attempts on the wire, retries included. */
  requests: number;
  /** Distinct requests asked for (a shared or retried one counts once). */
  logicalRequests: number;
  promptTokens: number;
  completionTokens: number;
  /**
   * The same tokens by the model each request named, so each is priced at its own price, with
   * the prompt tokens the relay reported as read from (cacheReadTokens) or written to
   * (cacheWriteTokens) the prompt cache: both are part of promptTokens.
   */
  byModel: ModelUsage[];
}

export interface ModelUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export type KeyScheme = 'bearer' | 'api-key' | 'x-api-key';

/** The header a spec's key goes in, given the target's scheme. */
function keySchemeOf(spec: RequestSpec, target: Target['auth']): KeyScheme {
  switch (spec.keyHeader) {
    case undefined:
      return target;
    case 'anthropic':
      return target === 'api-key' ? 'x-api-key' : 'bearer';
    default:
      return spec.keyHeader;
  }
}

/** The key's header line for a scheme. */
const KEY_HEADER: Record<KeyScheme, (key: string) => [string, string]> = {
  bearer: (key) => ['authorization', `Bearer ${key}`],
  'api-key': (key) => ['api-key', key],
  'x-api-key': (key) => ['x-api-key', key],
};

/** Keys sorted, so equal bodies give equal cache keys whatever the property order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

/**
 * The tokens one exchange used, as the relay reported them. `prompt` is the whole prompt,
 * cached or not; `cacheRead` and `cacheWrite` are the parts of it billed apart (read from the
 * prompt cache; written to it, Anthropic only), so prompt - cacheRead - cacheWrite is the
 * uncached input.
 */
export interface UsedTokens {
  prompt: number;
  completion: number;
  cacheRead: number;
  cacheWrite: number;
}

const nonNegative = (n: number | undefined): number => (n !== undefined && n > 0 ? n : 0);

/**
 * One usage object's prompt, in any surface's shape. OpenAI's counts INCLUDE the cached
 * tokens (chat: prompt_tokens ⊇ prompt_tokens_details.cached_tokens; Responses: input_tokens ⊇
 * input_tokens_details.cached_tokens); Anthropic's input_tokens EXCLUDES them (the prompt is
 * input_tokens + cache_read_input_tokens + cache_creation_input_tokens). A cached count above
 * its prompt (a hostile relay) is cut to the prompt, so no part is ever negative.
 */
export function promptParts(u: Record<string, unknown>): Omit<UsedTokens, 'completion'> {
  const chat = nonNegative(usageInt(u, 'prompt_tokens'));
  if (chat > 0)
    return {
      prompt: chat,
      cacheRead: Math.min(chat, nonNegative(usageInt(u, 'prompt_tokens_details', 'cached_tokens'))),
      cacheWrite: 0,
    };
  const input = nonNegative(usageInt(u, 'input_tokens'));
  const read = nonNegative(usageInt(u, 'cache_read_input_tokens'));
  const write = nonNegative(usageInt(u, 'cache_creation_input_tokens'));
  const responsesCached = Math.min(input, nonNegative(usageInt(u, 'input_tokens_details', 'cached_tokens')));
  return { prompt: input + read + write, cacheRead: read + responsesCached, cacheWrite: write };
}

/** The usage the relay reported in an exchange (JSON body, or the last usage of a stream). */
export function reportedUsage(result: ExchangeResult): UsedTokens {
  // A Responses stream's usage is in its terminal event's `response`, an Anthropic stream's
  // input in message_start's `message` (message_delta may carry only output_tokens).
  const usageIn = (o: Record<string, unknown>): Record<string, unknown> | undefined => {
    for (const holder of [o, o['response'], o['message']])
      if (isObject(holder) && isObject(holder['usage'])) return holder['usage'];
    return undefined;
  };
  const completion = (u: Record<string, unknown> | undefined): number =>
    nonNegative(usageInt(u, 'completion_tokens') ?? usageInt(u, 'output_tokens'));
  const usages = result.sse
    ? streamChunks(result).map(usageIn)
    : [isObject(result.json) ? usageIn(result.json) : undefined];
  const found = usages.filter((u): u is Record<string, unknown> => u !== undefined);
  // The prompt of the usage that reports the most (a stream may repeat it, or report it once).
  const prompt = found
    .map(promptParts)
    .reduce((best, p) => (p.prompt > best.prompt ? p : best), { prompt: 0, cacheRead: 0, cacheWrite: 0 });
  return { ...prompt, completion: found.length > 0 ? completion(found[found.length - 1]) : 0 };
}

export class TargetSession {
  readonly redactor: Redactor;
  readonly usage: SessionUsage = {
    requests: 0,
    logicalRequests: 0,
    promptTokens: 0,
    completionTokens: 0,
    byModel: [],
  };
  /** Features (or "preflight") whose requests needed retries. */
  readonly retried = new Set<string>();
  private readonly limit: Limiter;
  private readonly cache = new Map<string, Promise<Sent>>();
  private readonly base: string;

  constructor(
    readonly target: Target,
    private readonly options: SessionOptions = {},
  ) {
    this.redactor = createRedactor(target.secrets);
    this.limit = createLimiter(options.concurrency ?? 4);
    this.base = target.baseUrl.replace(/\/+$/, '');
  }

  /** The model id a role maps to on this target (undefined when not configured). */
  modelFor(role: ModelRole): string | undefined {
    return modelForRole(this.target.models, role);
  }

  /** The HTTP request for a spec; `role` is the probe's model role (the spec's `model` wins). */
  resolve(
    spec: RequestSpec,
    role: ModelRole,
  ): { request: ExchangeRequest; auth: NonNullable<RequestSpec['auth']>; scheme: KeyScheme; key: string } {
    const method = spec.method ?? 'POST';
    const path = spec.path ?? '/chat/completions';
    const auth = spec.auth ?? 'key';
    const which = spec.model ?? role;
    const model = typeof which === 'object' ? which.id : this.modelFor(which);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.target.headers)) {
      // The key goes only where `auth` says: a custom auth header would defeat the no-key probe.
      if (!/^(authorization|api-key)$/i.test(name)) headers[name] = value;
    }
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name] = value;
    const scheme = keySchemeOf(spec, this.target.auth);
    if (auth !== 'none') {
      const [name, value] = KEY_HEADER[scheme](auth === 'wrong' ? WRONG_KEY : this.target.apiKey);
      headers[name] = value;
    }
    const body: Record<string, unknown> | undefined =
      spec.body !== undefined && spec.bodyRaw === undefined ? { model, ...spec.body } : undefined;
    const request: ExchangeRequest = {
      method,
      url: `${this.base}${path}`,
      headers,
      label: spec.label,
      ...(body !== undefined ? { body } : {}),
      ...(spec.bodyRaw !== undefined ? { bodyRaw: spec.bodyRaw } : {}),
      ...(body?.['stream'] === true ? { expectStream: true } : {}),
    };
    const key = JSON.stringify([
      method,
      path,
      auth,
      scheme,
      canonical(spec.headers ?? null),
      canonical(body ?? null),
      spec.bodyRaw ?? null,
      spec.repeat ?? 0,
      spec.noRetry === true,
    ]);
    return { request, auth, scheme, key };
  }

  /** Send a request, or join the identical one already sent. Never throws (exchange() does not). */
  send(spec: RequestSpec, role: ModelRole): Promise<Sent> {
    const { request, auth, scheme, key } = this.resolve(spec, role);
    let pending = this.cache.get(key);
    if (!pending) {
      const limits = spec.noRetry ? { ...this.options.limits, maxRetries: 0 } : this.options.limits;
      pending = this.limit(async () => {
        const result = await exchange(request, limits, {
          redactor: this.redactor,
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
        this.usage.requests += result.attempts;
        this.usage.logicalRequests += 1;
        const used = reportedUsage(result);
        this.usage.promptTokens += used.prompt;
        this.usage.completionTokens += used.completion;
        this.countFor(isObject(request.body) ? request.body['model'] : undefined, used);
        return { request, auth, ...(scheme !== this.target.auth ? { scheme } : {}), result };
      });
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** Tokens to the model the request named (a request without one, e.g. raw bytes: the chat model's). */
  private countFor(named: unknown, used: UsedTokens): void {
    if (used.prompt === 0 && used.completion === 0) return;
    const model = typeof named === 'string' ? named : (this.modelFor('model') ?? 'unknown');
    let row = this.usage.byModel.find((r) => r.model === model);
    if (!row)
      this.usage.byModel.push(
        (row = { model, promptTokens: 0, completionTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }),
      );
    row.promptTokens += used.prompt;
    row.completionTokens += used.completion;
    row.cacheReadTokens += used.cacheRead;
    row.cacheWriteTokens += used.cacheWrite;
  }

  /** A curl command replaying a sent request; the key is read from the target's variable. */
  curl(sent: Sent): string {
    const headers: Record<string, string> = { ...this.target.headers };
    // The surface's own headers (anthropic-version), as sent; the key's header is written below.
    for (const [name, value] of Object.entries(sent.request.headers))
      if (!(name in headers) && !/^(authorization|api-key|x-api-key)$/i.test(name)) headers[name] = value;
    if (sent.request.body !== undefined || sent.request.bodyRaw !== undefined)
      headers['content-type'] = 'application/json';
    const command = toCurl(
      {
        method: sent.request.method,
        url: sent.request.url,
        headers,
        ...(sent.request.body !== undefined ? { body: sent.request.body } : {}),
        ...(sent.request.bodyRaw !== undefined ? { bodyRaw: sent.request.bodyRaw } : {}),
        ...(sent.request.expectStream ? { expectStream: true } : {}),
      },
      {
        keyEnvVar: this.target.keyEnv,
        authScheme: sent.auth === 'key' ? (sent.scheme ?? this.target.auth) : 'none',
        ...(this.target.secretHeaders ? { secretHeaders: this.target.secretHeaders } : {}),
        redactor: this.redactor,
      },
    );
    if (sent.auth !== 'wrong') return command;
    // The wrong key is no secret: write it out so the command reproduces the refusal.
    const [name, value] = KEY_HEADER[sent.scheme ?? this.target.auth](WRONG_KEY);
    const header = `${name === 'authorization' ? 'Authorization' : name}: ${value}`;
    const [first, ...rest] = command.split(' \\\n  ');
    return [first, `-H '${header}'`, ...rest].join(' \\\n  ');
  }
}
