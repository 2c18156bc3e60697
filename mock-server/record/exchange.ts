// One recorded exchange as a fixture: pure. The match is read from the request (so the same
// request replays it), the reply from the response in the fixture reply form (so it replays
// through the pipeline in any dialect, on any surface): a JSON answer, an SSE stream, or an
// error, of chat completions, the Responses API or Anthropic's Messages.
import type { ErrorReply, Fixture, FixtureMatch, FixtureReply } from '../../spec/generated/types.js';
import { lastUserText } from '../core/instructions.js';
import type { MessageLike } from '../core/tokens.js';
import { createRedactor } from '../core/redact.js';
import {
  fromMessage,
  fromMessagesStream,
  fromResponse,
  fromResponsesStream,
  type Assembled,
  type StreamRead,
} from './answers.js';
import { chatUsage } from './usage.js';

/** The protocol an exchange was recorded on. */
export type RecordedSurface = 'chat' | 'responses' | 'messages';

export interface RecordedExchange {
  /** Chat completions when absent. */
  surface?: RecordedSurface;
  /** The request as a chat-completions body (the Responses and Messages endpoints' own translation). */
  request: unknown;
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** The response body as received: JSON text, or the raw SSE text of a stream. */
  body: string;
  /** When it was recorded (the fixture's name says so). */
  at: Date;
}

/** A fixture, or why the exchange gives none (then nothing is recorded). */
export type ExchangeFixture = { fixture: Fixture } | { skipped: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The conditions the same request meets again: its last user message (whole), model, tool result, format. */
export function matchFromRequest(request: unknown): FixtureMatch {
  const match: FixtureMatch = {};
  if (!isObject(request)) return match;
  const messages = Array.isArray(request.messages) ? (request.messages as MessageLike[]) : [];
  const user = lastUserText(messages);
  // Anchored: a recorded "hi" must not answer "this" (a fixture's text is a substring match).
  if (user !== '') match.userMessage = { regex: `^${escapeRegex(user)}$` };
  if (typeof request.model === 'string' && request.model !== '') match.model = request.model;
  const last = messages[messages.length - 1] as { role?: unknown } | undefined;
  match.hasToolResult = last?.role === 'tool';
  const format = isObject(request.response_format) ? request.response_format.type : undefined;
  match.responseFormat = format === 'json_object' || format === 'json_schema' ? format : 'text';
  return match;
}

/** Arguments as an object when that serialises back to the same text, else the text itself. */
function toolArguments(text: string): object | string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed) && JSON.stringify(parsed) === text) return parsed;
  } catch {
    // not JSON: kept as sent
  }
  return text;
}

function toReply(a: Assembled): FixtureReply {
  const reply: FixtureReply = {};
  // A reply carries content or tool calls, not both: the calls are what the client acts on.
  if (a.toolCalls.length > 0) {
    reply.toolCalls = a.toolCalls.map((c) => ({
      name: c.name,
      // A custom tool's input is free text: kept as it came, even when it reads as JSON.
      arguments: c.custom ? c.arguments : toolArguments(c.arguments),
      ...(c.id ? { id: c.id } : {}),
    }));
  } else {
    reply.content = a.content ?? '';
  }
  if (a.reasoning) reply.reasoning = a.reasoning;
  if (a.refusal) reply.refusal = a.refusal;
  if (a.usage) reply.usage = a.usage;
  return reply;
}

/** The first choice of a JSON chat completion. */
function fromCompletion(json: unknown): Assembled | undefined {
  const choice = isObject(json) && Array.isArray(json.choices) ? (json.choices[0] as unknown) : undefined;
  if (!isObject(choice) || !isObject(choice.message)) return undefined;
  const m = choice.message;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  return {
    content: str(m.content),
    reasoning: str(m.reasoning_content) ?? str(m.reasoning),
    refusal: str(m.refusal),
    toolCalls: calls.filter(isObject).map((c) => {
      const fn = isObject(c.function) ? c.function : {};
      return { id: str(c.id), name: str(fn.name) ?? '', arguments: str(fn.arguments) ?? '' };
    }),
    finish: str(choice.finish_reason),
    usage: isObject(json) ? chatUsage(json.usage) : undefined,
  };
}

/** The `data:` payloads of an SSE text, in order (comments and other fields ignored). */
export function ssePayloads(text: string): string[] {
  const out: string[] = [];
  for (const event of text.replace(/\r\n?/g, '\n').split(/\n\n+/)) {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length > 0) out.push(data.join('\n'));
  }
  return out;
}

/** Choice 0 of a streamed completion, from its deltas; usage from the last chunk that carries one (include_usage). */
function fromStream(text: string): StreamRead {
  const a: StreamRead = { toolCalls: [], done: false, events: ssePayloads(text).length };
  const calls = new Map<number, { id?: string; name: string; arguments: string }>();
  let chunks = 0;
  for (const payload of ssePayloads(text)) {
    if (payload.trim() === '[DONE]') {
      a.done = true;
      break;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      continue;
    }
    if (!isObject(json)) continue;
    if (json.error !== undefined) {
      a.errorAfter = chunks;
      break;
    }
    chunks += 1;
    if (isObject(json.usage)) a.usage = chatUsage(json.usage);
    const choices = Array.isArray(json.choices) ? json.choices.filter(isObject) : [];
    const choice = choices.find((c) => (c.index ?? 0) === 0);
    if (!choice) continue;
    if (typeof choice.finish_reason === 'string') a.finish = choice.finish_reason;
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string') a.content = (a.content ?? '') + delta.content;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string') a.reasoning = (a.reasoning ?? '') + reasoning;
    if (typeof delta.refusal === 'string') a.refusal = (a.refusal ?? '') + delta.refusal;
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isObject) : []) {
      const index = typeof call.index === 'number' ? call.index : 0;
      const entry = calls.get(index) ?? { name: '', arguments: '' };
      if (typeof call.id === 'string' && call.id) entry.id = call.id;
      const fn = isObject(call.function) ? call.function : {};
      if (typeof fn.name === 'string') entry.name += fn.name;
      if (typeof fn.arguments === 'string') entry.arguments += fn.arguments;
      calls.set(index, entry);
    }
  }
  a.toolCalls = [...calls.entries()].sort(([x], [y]) => x - y).map(([, c]) => c);
  return a;
}

/** An error response as an error reply: status, and the envelope's type/code/message/param, Retry-After. */
export function errorFromResponse(status: number, headers: Record<string, string>, body: string): ErrorReply {
  const reply: ErrorReply = { status };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  // OpenAI's envelope `{error: {...}}`, or a relay's flat `{message, type, code}`.
  const e = isObject(json) ? (isObject(json.error) ? json.error : json) : undefined;
  if (e) {
    if (typeof e.type === 'string') reply.type = e.type;
    if (typeof e.code === 'string' || e.code === null) reply.code = e.code;
    else if (typeof e.code === 'number') reply.code = String(e.code);
    if (typeof e.message === 'string') reply.message = e.message;
    if (typeof e.param === 'string' || e.param === null) reply.param = e.param;
  } else if (body.trim() !== '') {
    reply.message = body.trim().slice(0, 500);
  }
  const retry = headers['retry-after'];
  if (retry !== undefined && /^\d+$/.test(retry.trim())) reply.retryAfter = Number(retry.trim());
  return reply;
}

/** How each surface's answers are read: a JSON body, a stream, and what a JSON answer must hold. */
const READERS: Record<
  RecordedSurface,
  { json: (json: unknown) => Assembled | undefined; stream: (text: string) => StreamRead; shape: string }
> = {
  chat: { json: fromCompletion, stream: fromStream, shape: 'choices[0].message' },
  responses: { json: fromResponse, stream: fromResponsesStream, shape: 'output list (a Response)' },
  messages: { json: fromMessage, stream: fromMessagesStream, shape: 'content list (a message)' },
};

/** The fixture for one finished exchange. */
export function exchangeToFixture(x: RecordedExchange): ExchangeFixture {
  const match = matchFromRequest(x.request);
  const reader = READERS[x.surface ?? 'chat'];
  const stamp = x.at.toISOString().replace(/\.\d+Z$/, 'Z');
  if (x.status >= 400 && x.status <= 599) {
    return {
      fixture: {
        name: `recorded ${stamp}: error ${x.status}`,
        match,
        reply: { error: errorFromResponse(x.status, x.headers, x.body) },
      },
    };
  }
  if (x.status !== 200) return { skipped: `status ${x.status} is neither an answer nor an error` };
  const type = (x.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('text/event-stream')) {
    const read = reader.stream(x.body);
    const reply = toReply(read);
    let how = `stream, finish ${read.finish ?? 'none'}`;
    // An in-band error or a stream that stopped short replays as the mock's fault of that kind.
    if (read.errorAfter !== undefined) {
      reply.fault = `stream-error@${read.errorAfter}`;
      how = `stream, error after ${read.errorAfter} chunks`;
    } else if (!read.done && read.finish === undefined) {
      reply.fault = `stream-cut@${read.events}`;
      how = `stream, cut after ${read.events} chunks`;
    }
    return { fixture: { name: `recorded ${stamp}: ${how}`, match, reply } };
  }
  let json: unknown;
  try {
    json = JSON.parse(x.body);
  } catch {
    return { skipped: 'the answer is neither JSON nor an SSE stream' };
  }
  const read = reader.json(json);
  if (!read) return { skipped: `the answer has no ${reader.shape}` };
  return { fixture: { name: `recorded ${stamp}: finish ${read.finish ?? 'none'}`, match, reply: toReply(read) } };
}

/**
 * Every secret in the fixture's strings masked by the suite's redactor (raw, URL-encoded,
 * base64, escaped, any case): an upstream may echo the key back, and record files get committed.
 */
export function redactFixture(fixture: Fixture, secrets: readonly string[]): Fixture {
  return createRedactor(secrets).json(fixture) as Fixture;
}
