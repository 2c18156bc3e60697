// Reading a relay's answer the way a client would: a chat completion (JSON, or a stream
// assembled from its chunks), an honest refusal, a transport failure, or something no client
// can use. Pure; shared by every judge so they all draw the same lines.
import { inert } from '../transport/inert.js';
import type { Finding, Observed } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ToolCallView {
  /** As received (streams: the first delta's); undefined when absent. */
  index: unknown;
  id: unknown;
  type: unknown;
  name: unknown;
  /** JSON: as received (should be a string); streams: the fragments concatenated. */
  arguments: unknown;
}

export interface ChoiceView {
  index: number;
  /** As received (streams: the first delta's role). */
  role: unknown;
  /** The text: string content, or null when absent/null (`contentRaw` keeps other shapes). */
  content: string | null;
  contentRaw: unknown;
  /** DeepSeek-style `reasoning_content`, null when absent or empty. */
  reasoningContent: string | null;
  /** OpenRouter/vLLM-style `reasoning`, null when absent or empty. */
  reasoning: string | null;
  toolCalls: ToolCallView[];
  /** The last non-null finish_reason (null when none came). */
  finishReason: unknown;
  logprobs: unknown;
}

export interface Completion {
  format: 'json' | 'sse';
  /** The JSON body, or the first chunk of a stream. */
  top: JsonObject;
  /** A stream's chunks (objects only), in order; [] for JSON. */
  chunks: JsonObject[];
  /** By index, ascending. */
  choices: ChoiceView[];
  /** JSON: `usage`; streams: the last non-null `usage` of any chunk. */
  usage: JsonObject | undefined;
}

export type Reply =
  /** No usable answer: transport failure, timeout, a stream that never ended, 5xx after retries. */
  | { kind: 'failed'; reason: string }
  /** A refusal: a non-2xx status, or a 2xx whose body is an error or empty. */
  | { kind: 'refused'; status: number; message: string; via2xx: boolean }
  /** A 2xx no client can use: not JSON, not a completion. */
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; completion: Completion; warnings: string[] };

/** How a transport error reads in a summary. */
function transportReason(o: Observed): string | undefined {
  if (!o.error || o.error.kind === 'invalid-utf8') return undefined;
  switch (o.error.kind) {
    case 'timeout':
      return `timed out (${o.error.message})`;
    case 'stream-too-long':
      return `the stream never ended (${o.error.message})`;
    case 'too-large':
      return `the body was too large (${o.error.message})`;
    case 'redirect':
      return `redirected (${o.error.message}); relaycheck never follows redirects`;
    default:
      return `connection failed (${o.error.message})`;
  }
}

/** One event of a named-event stream (Responses, Messages): its `event:` name, its data (null if not a JSON object). */
export interface NamedEvent {
  name: string;
  data: JsonObject | null;
}

/** The exchange's SSE events as named events, each data parsed as JSON. */
export function namedEvents(o: Observed): NamedEvent[] {
  return (o.sse?.events ?? []).map((e) => {
    let data: JsonObject | null = null;
    try {
      const parsed: unknown = JSON.parse(e.data);
      if (isObject(parsed)) data = parsed;
    } catch {
      // not JSON: kept as null, reported by the judge
    }
    return { name: e.event, data };
  });
}

/**
 * What is wrong with a named-event stream whatever its protocol: data that is not a JSON object
 * (broken), and an `event:` name other than the data's `type` (partial; `message` is SSE's default).
 */
export function eventFindings(events: readonly NamedEvent[]): Finding[] {
  const out: Finding[] = [];
  const bad = events.filter((e) => e.data === null).length;
  if (bad > 0) out.push({ verdict: 'broken', text: `${bad} event(s) whose data is not a JSON object` });
  const misnamed = events.filter((e) => e.name !== 'message' && e.data !== null && e.name !== e.data['type']).length;
  if (misnamed > 0)
    out.push({ verdict: 'partial', text: `${misnamed} event(s) whose event: name differs from their data's type` });
  return out;
}

/** Relay text for a summary: one inert line (suites/transport/inert.ts), at most `max` characters. */
export function oneLine(s: string, max = 140): string {
  return inert(s, max);
}

/** The error message of an error body in any of the shapes relays use, else the text. */
export function errorMessage(o: Observed): string {
  const body = o.json;
  const candidates: unknown[] = [];
  if (isObject(body)) {
    const e = body['error'];
    candidates.push(isObject(e) ? e['message'] : e, body['message'], body['detail']);
  } else if (Array.isArray(body) && isObject(body[0])) {
    const e = body[0]['error'];
    candidates.push(isObject(e) ? e['message'] : e, body[0]['message']);
  }
  if (o.sse) {
    for (const ev of o.sse.chat.errorEvents) {
      if (isObject(ev)) {
        const e = ev['error'];
        candidates.push(isObject(e) ? e['message'] : e);
      }
    }
  }
  for (const c of candidates) if (typeof c === 'string' && c.trim() !== '') return oneLine(c);
  const text = o.text.trim();
  return text === '' ? '(empty body)' : oneLine(text);
}

/** A JSON body that is an error rather than an answer, in any shape relays use. */
export function isErrorBody(body: unknown): boolean {
  if (isObject(body)) {
    if ('error' in body && body['error'] !== null && body['error'] !== undefined && !('choices' in body)) return true;
    if (body['object'] === 'error') return true;
    return false;
  }
  return Array.isArray(body) && body.length > 0 && isObject(body[0]) && 'error' in body[0];
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * True when the exchange is a refusal: any non-2xx response, or a 2xx whose body is an
 * error, empty, or a stream carrying only error events. Probes that expect a refusal count
 * any of these, whatever the status (the status is judged by errors.status).
 */
export function isRefusal(o: Observed): boolean {
  if (o.status === null) return false;
  if (!is2xx(o.status)) return true;
  if (o.sse) return o.sse.chat.errorEvents.length > 0 && o.sse.chat.chunks.length === 0;
  if (o.text.trim() === '') return true;
  return o.json !== undefined && isErrorBody(o.json);
}

/** A transport failure (no status, or a broken transfer), as a reason; undefined when the exchange completed. */
export function failure(o: Observed | undefined): string | undefined {
  if (!o) return 'the request was not made';
  if (o.status === null) return transportReason(o) ?? 'no response';
  return transportReason(o);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function choiceFromJson(c: JsonObject, position: number): ChoiceView {
  const message = isObject(c['message']) ? c['message'] : {};
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  return {
    index: typeof c['index'] === 'number' ? c['index'] : position,
    role: message['role'],
    content: str(message['content']),
    contentRaw: message['content'],
    reasoningContent: nonEmpty(message['reasoning_content']),
    reasoning: nonEmpty(message['reasoning']),
    toolCalls: calls.map((t, i) => {
      const call = isObject(t) ? t : {};
      const fn = isObject(call['function']) ? call['function'] : {};
      return {
        index: call['index'] ?? i,
        id: call['id'],
        type: call['type'],
        name: fn['name'],
        arguments: fn['arguments'],
      };
    }),
    finishReason: c['finish_reason'] ?? null,
    logprobs: c['logprobs'],
  };
}

interface Acc {
  view: ChoiceView;
  content: string[];
  reasoningContent: string[];
  reasoning: string[];
  sawContent: boolean;
}

/** Assemble a stream's chunks into choices, as SDK accumulators do (by choice index, then tool-call index). */
export function assembleChunks(chunks: readonly JsonObject[]): {
  choices: ChoiceView[];
  usage: JsonObject | undefined;
} {
  const byIndex = new Map<number, Acc>();
  let usage: JsonObject | undefined;
  for (const chunk of chunks) {
    if (isObject(chunk['usage'])) usage = chunk['usage'];
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
    for (const raw of choices) {
      if (!isObject(raw)) continue;
      const index = typeof raw['index'] === 'number' ? raw['index'] : 0;
      let acc = byIndex.get(index);
      if (!acc) {
        acc = {
          view: {
            index,
            role: undefined,
            content: null,
            contentRaw: undefined,
            reasoningContent: null,
            reasoning: null,
            toolCalls: [],
            finishReason: null,
            logprobs: undefined,
          },
          content: [],
          reasoningContent: [],
          reasoning: [],
          sawContent: false,
        };
        byIndex.set(index, acc);
      }
      const delta = isObject(raw['delta']) ? raw['delta'] : {};
      if (acc.view.role === undefined && delta['role'] !== undefined) acc.view.role = delta['role'];
      if (typeof delta['content'] === 'string') {
        acc.content.push(delta['content']);
        acc.sawContent = true;
      }
      if (typeof delta['reasoning_content'] === 'string') acc.reasoningContent.push(delta['reasoning_content']);
      if (typeof delta['reasoning'] === 'string') acc.reasoning.push(delta['reasoning']);
      if (Array.isArray(delta['tool_calls'])) {
        for (const t of delta['tool_calls']) {
          if (!isObject(t)) continue;
          const fn = isObject(t['function']) ? t['function'] : {};
          const calls = acc.view.toolCalls;
          let call: ToolCallView | undefined;
          if (typeof t['index'] === 'number') call = calls.find((c) => c.index === t['index']);
          else if (t['id'] === undefined) call = calls[calls.length - 1];
          if (!call) {
            call = { index: t['index'], id: t['id'], type: t['type'], name: fn['name'], arguments: '' };
            calls.push(call);
          } else {
            if (call.id === undefined) call.id = t['id'];
            if (call.type === undefined) call.type = t['type'];
            if (call.name === undefined) call.name = fn['name'];
          }
          if (typeof fn['arguments'] === 'string') call.arguments = `${String(call.arguments)}${fn['arguments']}`;
        }
      }
      if (raw['finish_reason'] !== null && raw['finish_reason'] !== undefined)
        acc.view.finishReason = raw['finish_reason'];
      if (raw['logprobs'] !== null && raw['logprobs'] !== undefined) acc.view.logprobs = raw['logprobs'];
    }
  }
  const choices = [...byIndex.values()]
    .sort((a, b) => a.view.index - b.view.index)
    .map((acc) => ({
      ...acc.view,
      content: acc.sawContent ? acc.content.join('') : null,
      contentRaw: acc.sawContent ? acc.content.join('') : null,
      reasoningContent: nonEmpty(acc.reasoningContent.join('')),
      reasoning: nonEmpty(acc.reasoning.join('')),
    }));
  return { choices, usage };
}

/** The chunks of an SSE exchange that are JSON objects (errors and non-JSON data left out). */
export function streamChunks(o: Observed): JsonObject[] {
  return (o.sse?.chat.chunks ?? []).filter(isObject);
}

export interface ReadOptions {
  /** The request set `stream: true`. */
  stream: boolean;
  /** The request omitted `stream` (either answer shape is read without a warning). */
  streamOmitted?: boolean;
}

/**
 * Read an exchange as a client reads a chat completion. A streamed answer to a non-streamed
 * request (or the reverse) is still read, with a warning: framing belongs to stream.sse and
 * stream.default, so other probes judge what the answer says.
 */
export function readReply(o: Observed | undefined, options: ReadOptions): Reply {
  const failed = failure(o);
  if (failed !== undefined || !o) return { kind: 'failed', reason: failed ?? 'no response' };
  const status = o.status!;
  if (isRefusal(o)) {
    if (status >= 500) {
      return {
        kind: 'failed',
        reason: `HTTP ${status}${o.attempts > 1 ? ` after ${o.attempts} attempts` : ''}: ${errorMessage(o)}`,
      };
    }
    return { kind: 'refused', status, message: errorMessage(o), via2xx: is2xx(status) };
  }
  if (status >= 300) return { kind: 'invalid', reason: `HTTP ${status}` };
  const warnings: string[] = [];
  if (o.sse) {
    const chunks = streamChunks(o);
    if (chunks.length === 0) {
      const nonJson = o.sse.chat.nonJson[0];
      return {
        kind: 'invalid',
        reason:
          nonJson !== undefined
            ? `the stream holds no JSON chunk (first data: ${JSON.stringify(oneLine(nonJson, 60))})`
            : 'the stream holds no chunk',
      };
    }
    if (!options.stream && !options.streamOmitted)
      warnings.push('answered a `stream: false` request with an SSE stream');
    const { choices, usage } = assembleChunks(chunks);
    if (choices.length === 0) return { kind: 'invalid', reason: 'the stream holds no choice' };
    return { kind: 'ok', completion: { format: 'sse', top: chunks[0]!, chunks, choices, usage }, warnings };
  }
  if (o.json === undefined) {
    return {
      kind: 'invalid',
      reason: `HTTP ${status} with a body that is not JSON: ${JSON.stringify(oneLine(o.text, 60))}`,
    };
  }
  if (!isObject(o.json) || !Array.isArray(o.json['choices'])) {
    return {
      kind: 'invalid',
      reason: `HTTP ${status} with JSON that is not a chat completion (no \`choices\` array): ${oneLine(JSON.stringify(o.json), 80)}`,
    };
  }
  if (options.stream) warnings.push('answered a `stream: true` request with a single JSON body (see stream.sse)');
  const choices = o.json['choices']
    .filter(isObject)
    .map(choiceFromJson)
    .sort((a, b) => a.index - b.index);
  const usage = isObject(o.json['usage']) ? o.json['usage'] : undefined;
  return { kind: 'ok', completion: { format: 'json', top: o.json, chunks: [], choices, usage }, warnings };
}

/** The first choice's text ("" when there is none). */
export function firstText(c: Completion): string {
  return c.choices[0]?.content ?? '';
}

/** All tool calls of the first choice. */
export function firstCalls(c: Completion): ToolCallView[] {
  return c.choices[0]?.toolCalls ?? [];
}

/** An integer field of usage, or undefined. */
export function usageInt(usage: JsonObject | undefined, ...path: string[]): number | undefined {
  let node: unknown = usage;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return typeof node === 'number' && Number.isInteger(node) ? node : undefined;
}

/** JSON.parse that says why it failed instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Content wrapped in a markdown code fence, and the text inside it. */
export function unfence(text: string): string | undefined {
  const m = /^\s*```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```\s*$/.exec(text);
  return m ? m[1] : undefined;
}

/** A quoted excerpt for a summary. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(oneLine(text, max));
}

/** How a reply that is not a completion reads, as the verdict of a probe that wanted one. */
export function unusable(
  reply: Exclude<Reply, { kind: 'ok' }>,
  what: string,
): { verdict: 'error' | 'rejected' | 'broken'; summary: string; warnings: string[] } {
  switch (reply.kind) {
    case 'failed':
      return { verdict: 'error', summary: `${what}: could not measure, ${reply.reason}`, warnings: [] };
    case 'refused':
      return {
        verdict: 'rejected',
        summary: `${what} was refused with HTTP ${reply.status}: ${reply.message}`,
        warnings: reply.via2xx
          ? [`the refusal came with HTTP ${reply.status} instead of a 4xx (see errors.status)`]
          : [],
      };
    case 'invalid':
      return { verdict: 'broken', summary: `${what}: ${reply.reason}`, warnings: [] };
  }
}
