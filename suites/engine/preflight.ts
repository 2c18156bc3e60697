// The preflight, pure: what a few cheap requests sent before the catalogue say about a
// target's health. The runner (suites/engine/runner.ts) sends them; this file only reads them, so
// every unhealthy kind (unreachable, HTML, redirect, key refused, missing model, no credit,
// canned answers) is judged and unit-tested without sockets.
//
// Requests (at most 3 per model, tiny max_tokens, counted in the budget):
//   GET /models        shared with the models.list probe; tells "unreachable" and "key refused" early
//   prompt A, prompt B two "Output exactly: <words>" requests to the chat model: the API
//                      answers, the model exists and follows a trivial instruction, and two
//                      different prompts get two different answers
//   one request        to each other configured model (reasoning, vision)
import { MODEL_ROLES } from '../roles.js';
import type { ReportHealth } from '../../spec/generated/types.js';
import { errorMessage, isErrorBody, isObject, oneLine } from '../wire/read.js';
import { BASIC, BASIC_REQUEST, reasoningBody, user, WITH_IMAGE } from '../wire/requests.js';
import type { ModelRole, Observed, RequestSpec } from '../wire/types.js';

/** Prompt B: like the basic request (prompt A), another text to repeat. */
export const PROMPT_B = 'Output exactly: one two three four';
const TOKEN_A = 'alpha beta gamma delta';

/**
 * The preflight's chat requests. Prompt A and the other models' requests are byte-identical
 * to probe requests (chat.basic, reasoning.effort, vision.image_url), so the session sends
 * them once and they cost nothing extra; prompt B is the one added request.
 */
export function preflightRequest(which: 'A' | 'B' | ModelRole): RequestSpec {
  if (which === 'A') return { ...BASIC_REQUEST, label: 'preflight A' };
  if (which === 'B') return { label: 'preflight B', body: { ...BASIC, messages: [user(PROMPT_B)] } };
  if (which === 'reasoning-model')
    return { label: 'preflight reasoning model', body: reasoningBody('low', 'max_tokens'), model: which };
  if (which === 'vision-model') return { label: 'preflight vision model', body: WITH_IMAGE, model: which };
  return preflightRequest('A');
}

/** Causes that say a configured extra model cannot be used at all (others are the probes' to judge). */
export const MODEL_UNUSABLE = new Set(['model-not-found', 'no-credit', 'key-refused', 'not-the-api']);

/** The CLI flag that configures each model role (from the one role table, suites/roles.ts). */
export const ROLE_FLAG: Record<ModelRole, string> = Object.fromEntries(
  MODEL_ROLES.map((r) => [r.role, r.flag]),
) as Record<ModelRole, string>;

/** Why a target (or one of its models) cannot be measured: a stable id and one line. */
export interface Cause {
  cause: string;
  line: string;
}

function errorCode(o: Observed): string | undefined {
  const body = o.json;
  if (!isObject(body)) return undefined;
  const e = body['error'];
  const code = isObject(e) ? (e['code'] ?? e['type']) : body['code'];
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** `HTTP 404 model_not_found`: the relay's code made one inert line, as everything quoted from it. */
function statusText(o: Observed): string {
  const code = errorCode(o);
  return `HTTP ${o.status}${code !== undefined ? ` ${oneLine(code, 80)}` : ''}`;
}

function looksHtml(o: Observed): boolean {
  return o.contentType === 'text/html' || /^\s*<(!doctype|html|head|body)/i.test(o.text);
}

function bodyKind(o: Observed): string {
  if (o.text.trim() === '') return 'an empty body';
  if (looksHtml(o)) return 'an HTML page';
  if (o.json === undefined && !o.sse) return `a non-JSON body (${o.contentType || 'no content type'})`;
  return 'JSON that is not a chat completion';
}

/** A chat completion (JSON with choices) or an SSE stream of chunks: the target speaks the API. */
function speaksApi(o: Observed): boolean {
  if (o.sse) return o.sse.events.some((e) => e.data.includes('"choices"'));
  return isObject(o.json) && Array.isArray(o.json['choices']);
}

/** The text of a completion's first choice ('' when there is none). */
export function answerText(o: Observed): string {
  if (o.sse) {
    let text = '';
    for (const e of o.sse.events) {
      try {
        const c: unknown = JSON.parse(e.data);
        const choice = isObject(c) && Array.isArray(c['choices']) ? c['choices'][0] : undefined;
        const delta = isObject(choice) ? choice['delta'] : undefined;
        if (isObject(delta) && typeof delta['content'] === 'string') text += delta['content'];
      } catch {
        // [DONE] and non-JSON events carry no text.
      }
    }
    return text;
  }
  const choice = isObject(o.json) && Array.isArray(o.json['choices']) ? o.json['choices'][0] : undefined;
  const message = isObject(choice) ? choice['message'] : undefined;
  const content = isObject(message) ? message['content'] : undefined;
  return typeof content === 'string' ? content : '';
}

/** Transport-level causes, the same for any request (GET /models or a chat request). */
function transportCause(o: Observed, what: string): Cause | undefined {
  if (o.error?.kind === 'redirect')
    return {
      cause: 'redirect',
      line: `${what} was redirected (${oneLine(o.error.message, 200)}): check --base-url (relaycheck never follows redirects)`,
    };
  if (o.status !== null) return undefined;
  const message = oneLine(o.error?.message ?? 'no response', 200);
  if (o.error?.kind === 'timeout')
    return { cause: 'timeout', line: `the target did not answer (${message}): check --base-url and --timeout-ms` };
  if (/ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET/i.test(message))
    return { cause: 'connection-reset', line: `the target reset the connection (${message}): check --base-url` };
  return { cause: 'unreachable', line: `the target could not be reached (${message}): check --base-url` };
}

/** GET /models: only what it can tell for sure (no answer at all, or the key refused). */
export function judgeModelsList(o: Observed, keyHint: string): Cause | undefined {
  const t = transportCause(o, 'GET /models');
  if (t && t.cause !== 'redirect') return t;
  if (o.status === 401 && !looksHtml(o))
    return {
      cause: 'key-refused',
      line: `the key was refused (GET /models: ${statusText(o)}: ${errorMessage(o)}): check ${keyHint}`,
    };
  return undefined;
}

/** The error says which model: then a 404 is about the model, not about the path. */
function aboutTheModel(o: Observed): boolean {
  return /model/i.test(errorCode(o) ?? '') || /model/i.test(errorMessage(o));
}

/** Not found at this path: 404, or 405 (a server whose root route only answers GET). */
function noRouteHere(o: Observed): boolean {
  return o.status === 404 || o.status === 405;
}

/** `https://relay.example/` -> `https://relay.example/v1`; undefined when the path already names a version. */
export function withV1(baseUrl: string): string | undefined {
  try {
    const u = new URL(baseUrl);
    const path = u.pathname.replace(/\/+$/, '');
    if (/\/v\d+[a-z0-9]*$/i.test(path)) return undefined;
    return `${u.origin}${path}/v1`;
  } catch {
    return undefined;
  }
}

/**
 * GET /models and the first chat request both found no route, the chat error is JSON and does not
 * name the model: the base URL points where no API lives, most often because it lacks `/v1`
 * (the commonest real mistake). Undefined when the answers say something else, and the
 * chat answer is judged on its own (judgeChatAnswer).
 */
export function judgeBasePath(models: Observed, chat: Observed, baseUrl: string): Cause | undefined {
  // An HTML or non-JSON 404 is "not the API" (judgeChatAnswer), which names --base-url already.
  if (chat.json === undefined || looksHtml(chat)) return undefined;
  if (!noRouteHere(models) || !noRouteHere(chat) || aboutTheModel(chat)) return undefined;
  const suggestion = withV1(baseUrl);
  const seen = `GET /models: HTTP ${models.status}, POST /chat/completions: ${statusText(chat)}`;
  return {
    cause: 'wrong-base-url',
    line: suggestion
      ? `no API at this base URL (${seen}): check --base-url: did you mean ${suggestion}?`
      : `no API at this base URL (${seen}): check --base-url`,
  };
}

/** One chat answer of the preflight: undefined when the model answered like a chat API. */
export function judgeChatAnswer(o: Observed, model: string, role: ModelRole, keyHint: string): Cause | undefined {
  const t = transportCause(o, 'the chat request');
  if (t) return t;
  // An answer that never ends (an endless stream, a body still dripping) is not a chat API,
  // however well-formed its first chunks: every probe would pay the full wait.
  if (o.error?.kind === 'stream-too-long')
    return {
      cause: 'not-the-api',
      line: `POST /chat/completions answered HTTP ${o.status} with a stream that never finished (${o.error.message}), not the OpenAI API: check --base-url`,
    };
  if (o.error?.kind === 'timeout')
    return {
      cause: 'timeout',
      line: `the chat answer never finished (HTTP ${o.status}: ${o.error.message}): check --base-url and --timeout-ms`,
    };
  const status = o.status!;
  const code = oneLine(errorCode(o) ?? '', 80);
  const message = oneLine(errorMessage(o), 160);
  const said = `${statusText(o)}${message ? `: ${message}` : ''}`;
  if (status === 402 || /insufficient_quota/i.test(code) || /insufficient_quota/i.test(o.text))
    return { cause: 'no-credit', line: `no credit left on the account (${said}): top up or check the key's plan` };
  if (looksHtml(o) || (status >= 400 && o.json === undefined))
    return {
      cause: 'not-the-api',
      line: `POST /chat/completions answered HTTP ${status} with ${bodyKind(o)}, not the OpenAI API: check --base-url (it usually ends in /v1)`,
    };
  if (status === 401 || status === 403)
    return { cause: 'key-refused', line: `the key was refused (${said}): check ${keyHint}` };
  if (
    /model_not_found|model.?not.?found/i.test(code) ||
    (status === 404 && /model/i.test(message)) ||
    /model .*(does not exist|not found)/i.test(message)
  )
    return {
      cause: 'model-not-found',
      line: `model "${model}" does not exist (${statusText(o)}): check ${ROLE_FLAG[role]}`,
    };
  if (status === 429) return { cause: 'rate-limited', line: `the target kept answering ${said}: retry later` };
  if (status >= 500) return { cause: 'server-error', line: `the target fails every chat request (${said})` };
  if (status >= 400)
    return {
      cause: 'request-refused',
      line: `a plain chat request to "${model}" was refused (${said}): check ${ROLE_FLAG[role]} and the headers`,
    };
  if (isErrorBody(o.json))
    return {
      cause: 'error-body',
      line: `every chat request answers HTTP ${status} with an error body (${code ? `${code}: ` : ''}${message})`,
    };
  if (!speaksApi(o))
    return {
      cause: 'not-the-api',
      line: `POST /chat/completions answered HTTP ${status} with ${bodyKind(o)}, not the OpenAI API: check --base-url`,
    };
  return undefined;
}

export interface PromptCheck {
  /** Two prompts, two different answers, neither a copy of the prompt. */
  promptSensitive: boolean;
  /** The answer to prompt A contains the token it asked for. */
  followed: boolean;
}

/** Pure: do the answers depend on the prompt? Two empty answers say nothing (chat.basic judges those). */
export function judgePromptSensitivity(a: Observed, b: Observed): PromptCheck {
  const ta = answerText(a).trim();
  const tb = answerText(b).trim();
  const echo = (t: string): boolean => /output exactly/i.test(t);
  const followed = ta.toLowerCase().includes(TOKEN_A);
  if (ta === '' && tb === '') return { promptSensitive: true, followed };
  return { promptSensitive: ta !== tb && !echo(ta) && !echo(tb), followed };
}

export const PROMPT_INSENSITIVE = "the model's answers do not depend on the prompt";

/** The health section of a target from its preflight's verdicts. */
export function healthOf(
  fatal: Cause | undefined,
  missing: ReadonlyArray<{ role: ModelRole } & Cause>,
  prompt: PromptCheck | undefined,
): ReportHealth {
  if (fatal) return { status: 'unmeasured', cause: fatal.cause, line: fatal.line };
  const health: ReportHealth = {
    status: 'healthy',
    cause: 'ok',
    line: 'reachable, speaks the API, key accepted, models answer',
  };
  if (prompt) health.promptSensitive = prompt.promptSensitive;
  if (missing.length > 0) {
    health.status = 'limited';
    health.cause = missing[0]!.cause;
    health.line = missing.map((m) => m.line).join('; ');
  } else if (prompt && !prompt.promptSensitive) {
    health.status = 'limited';
    health.cause = 'prompt-insensitive';
    health.line = `${PROMPT_INSENSITIVE} (two different prompts, the same answer or an echo): content-dependent features are inconclusive`;
  } else if (prompt && !prompt.followed) {
    health.line = `${health.line}; the model did not follow a trivial "Output exactly" instruction`;
  }
  return health;
}
