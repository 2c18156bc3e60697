// Anthropic's Messages (POST {base}/messages): its probes and their request builders. Every
// request carries anthropic-version and the key as Anthropic's clients send it (x-api-key
// when the target sends its key in a header, --auth api-key; else Bearer, as relays document).
//
// The model is the Messages model (--messages-model, default the chat model). Each probe sends
// the shared basic request first and goes on only when it was answered with a message: a
// target that does not serve the route, or not this model there (404 not_found_error), costs
// one request and gets every feature here skipped by the 'surface not served' step of
// engine/verdict.ts. Prompts are phrased for real models; max_tokens stays tiny, but for
// thinking (its budget at Anthropic's minimum, 1,024, which max_tokens must exceed).
import { SURFACES } from '../../spec/features.js';
import { UNKNOWN_MODEL } from '../wire/requests.js';
import { judgeIntegrity, pickStreamedUsage, type ToolArgsPair, type UsageCounts } from '../wire/integrity.js';
import {
  errorMessage,
  eventFindings,
  failure,
  isObject,
  namedEvents,
  oneLine,
  quote,
  type JsonObject,
  type NamedEvent,
} from '../wire/read.js';
import {
  judgement,
  verdictOf,
  verdictOverRequests,
  type Finding,
  type Judgement,
  type Observed,
  type Probe,
  type RequestSpec,
  type Seen,
  type Step,
} from '../wire/types.js';

export const MESSAGES_PATH = SURFACES.messages.path;
export const COUNT_TOKENS_PATH = `${MESSAGES_PATH}/count_tokens`;
export const ANTHROPIC_VERSION = '2023-06-01';

type Body = Record<string, unknown>;

/** A POST to the Messages path (or under it), with Anthropic's version header and key. */
export const messagesRequest = (label: string, body: Body, extra: Partial<RequestSpec> = {}): RequestSpec => ({
  label,
  path: MESSAGES_PATH,
  body,
  headers: { 'anthropic-version': ANTHROPIC_VERSION },
  keyHeader: 'anthropic',
  ...extra,
});

const user = (content: unknown): Body => ({ role: 'user', content });

export const MESSAGES_PROMPT = 'Output exactly: alpha beta gamma delta';
export const MESSAGES_BASIC: Body = { max_tokens: 32, temperature: 0, messages: [user(MESSAGES_PROMPT)] };
export const MESSAGES_STREAMED: Body = { ...MESSAGES_BASIC, stream: true };

export const BASIC_REQUEST = messagesRequest('messages basic', MESSAGES_BASIC);
const STREAM_REQUEST = messagesRequest('messages stream', MESSAGES_STREAMED);

/** Anthropic's error body ({type: "error", error: {...}}), or OpenAI's. */
const isAnyErrorBody = (body: unknown): boolean =>
  isObject(body) && (body['type'] === 'error' || (isObject(body['error']) && body['type'] !== 'message'));

/** The exchange's message, or the judgement when there is none to read. */
export function messageOf(o: Observed | undefined, what: string, label: string): JsonObject | Judgement {
  const transport = failure(o);
  if (!o || o.status === null)
    return judgement('error', `could not measure: ${what}: ${transport ?? 'no response'}`, { decisive: label });
  if (o.status >= 400 || isAnyErrorBody(o.json))
    return judgement('rejected', `${what} was refused: HTTP ${o.status}: ${errorMessage(o)}`, { decisive: label });
  if (transport) return judgement('error', `could not measure: ${what}: ${transport}`, { decisive: label });
  if (!isObject(o.json))
    return judgement('broken', `${what}: HTTP ${o.status} but not a JSON object: ${quote(o.text)}`, {
      decisive: label,
    });
  return o.json;
}

const isJudgement = (v: JsonObject | Judgement): v is Judgement =>
  typeof v['verdict'] === 'string' && typeof v['summary'] === 'string' && !('type' in v);

/** A message's content blocks; a string content is read as one text block (its shape is messages.basic's). */
export function blocksOf(message: JsonObject): JsonObject[] {
  const content = message['content'];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** The text of a message's text blocks. */
export const textOf = (message: JsonObject): string =>
  blocksOf(message)
    .filter((b) => b['type'] === 'text' && typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');

const int = (o: JsonObject | undefined, key: string): number | undefined => {
  const v = o?.[key];
  return Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
};

const toolUses = (message: JsonObject): JsonObject[] => blocksOf(message).filter((b) => b['type'] === 'tool_use');

/** Whether the shared basic request was answered with a message: the probes go on only then. */
const answered = (seen: Seen): boolean => basicFailed(seen) === null;

/** The basic request, then `next` only when the surface answered it. */
const afterBasic = (next: readonly RequestSpec[] | ((seen: Seen) => readonly RequestSpec[])): Step[] => [
  [BASIC_REQUEST],
  (seen) => (answered(seen) ? (typeof next === 'function' ? next(seen) : next) : []),
];

/**
 * The basic request's verdict when it gave no message to build on (refused, not JSON, cut):
 * the surface step may make it skipped. Every probe judges nothing else then.
 */
function basicFailed(seen: Seen): Judgement | null {
  const basic = messageOf(seen[BASIC_REQUEST.label], 'the basic Messages request', BASIC_REQUEST.label);
  return isJudgement(basic) ? basic : null;
}

/** Read one more exchange of a probe, after the basic one. */
function read(seen: Seen, spec: RequestSpec | string, what: string): JsonObject | Judgement {
  const label = typeof spec === 'string' ? spec : spec.label;
  return basicFailed(seen) ?? messageOf(seen[label], what, label);
}

const STOP_REASONS = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal']);

// ---------------------------------------------------------------- basic

function messageFindings(message: JsonObject, what: string): Finding[] {
  const out: Finding[] = [];
  if (message['type'] !== 'message')
    out.push({ verdict: 'broken', text: `${what}: type is ${JSON.stringify(message['type'])}, not "message"` });
  if (message['role'] !== 'assistant')
    out.push({ verdict: 'partial', text: `${what}: role is ${JSON.stringify(message['role'])}, not "assistant"` });
  if (typeof message['id'] !== 'string') out.push({ verdict: 'partial', text: `${what}: no string id` });
  const content = message['content'];
  if (!Array.isArray(content))
    out.push({
      verdict: 'broken',
      text: `${what}: content is ${typeof content === 'string' ? 'a string' : JSON.stringify(content)}, not a list of blocks (the SDK's message.content[0].text reads nothing)`,
    });
  else if (textOf(message).trim() === '') out.push({ verdict: 'broken', text: `${what}: no text block with text` });
  if (!STOP_REASONS.has(String(message['stop_reason'])))
    out.push({ verdict: 'broken', text: `${what}: stop_reason ${JSON.stringify(message['stop_reason'])}` });
  return out;
}

export const messagesBasic: Probe = {
  feature: 'messages.basic',
  needs: 'messages-model',
  steps: [[BASIC_REQUEST]],
  judge(seen) {
    const message = messageOf(seen[BASIC_REQUEST.label], 'the basic Messages request', BASIC_REQUEST.label);
    if (isJudgement(message)) return message;
    return verdictOf(
      messageFindings(message, 'the message'),
      `a message with a text block: ${quote(textOf(message))} (stop_reason ${String(message['stop_reason'])})`,
      BASIC_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- the stream

const typeOf = (e: NamedEvent): string => String(e.data?.['type'] ?? e.name);

/** What a stream put together: its blocks by index (text and tool input joined), its stop reason. */
export interface Assembled {
  blocks: JsonObject[];
  stopReason: unknown;
  stopSequence: unknown;
  /** message_start's usage, then message_delta's. */
  usage: { start?: JsonObject; delta?: JsonObject };
}

export function assembleStream(events: readonly NamedEvent[]): Assembled {
  const blocks: JsonObject[] = [];
  const out: Assembled = { blocks, stopReason: null, stopSequence: null, usage: {} };
  const json = new Map<number, string>();
  for (const e of events) {
    const d = e.data;
    if (!d) continue;
    const index = typeof d['index'] === 'number' ? d['index'] : -1;
    switch (typeOf(e)) {
      case 'message_start': {
        const message = isObject(d['message']) ? d['message'] : {};
        if (isObject(message['usage'])) out.usage.start = message['usage'];
        break;
      }
      case 'content_block_start':
        if (isObject(d['content_block'])) blocks[index] = { ...d['content_block'] };
        break;
      case 'content_block_delta': {
        const block = blocks[index];
        const delta = isObject(d['delta']) ? d['delta'] : {};
        if (!block) break;
        if (delta['type'] === 'text_delta') block['text'] = String(block['text'] ?? '') + String(delta['text']);
        if (delta['type'] === 'thinking_delta')
          block['thinking'] = String(block['thinking'] ?? '') + String(delta['thinking']);
        if (delta['type'] === 'signature_delta') block['signature'] = String(delta['signature']);
        if (delta['type'] === 'input_json_delta')
          json.set(index, (json.get(index) ?? '') + String(delta['partial_json']));
        break;
      }
      case 'message_delta': {
        const delta = isObject(d['delta']) ? d['delta'] : {};
        out.stopReason = delta['stop_reason'];
        out.stopSequence = delta['stop_sequence'];
        if (isObject(d['usage'])) out.usage.delta = d['usage'];
        break;
      }
    }
  }
  for (const [index, text] of json) {
    const block = blocks[index];
    if (!block) continue;
    try {
      block['input'] = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      block['input'] = text;
    }
  }
  return out;
}

/** Every check of the stream's shape: event order, block indices and lifecycle, the end. */
export function streamFindings(events: readonly NamedEvent[]): Finding[] {
  const out: Finding[] = [];
  const real = events.filter((e) => typeOf(e) !== 'ping');
  if (real.length === 0) return [{ verdict: 'broken', text: 'no event in the stream' }];
  out.push(...eventFindings(events));
  const types = real.map(typeOf);
  if (types[0] !== 'message_start')
    out.push({ verdict: 'broken', text: `the first event is ${types[0]}, not message_start` });
  // Blocks: started in order 0, 1, ...; deltas only inside an open block; every block stopped.
  const open = new Set<number>();
  let next = 0;
  const problems = new Set<string>();
  for (const e of real) {
    const index = e.data?.['index'];
    switch (typeOf(e)) {
      case 'content_block_start':
        if (index !== next) problems.add(`content_block_start has index ${String(index)} where ${next} was due`);
        if (typeof index === 'number') open.add(index);
        next = (typeof index === 'number' ? index : next) + 1;
        break;
      case 'content_block_delta':
        if (typeof index !== 'number' || !open.has(index))
          problems.add(`a content_block_delta for index ${String(index)}, which is not an open block`);
        break;
      case 'content_block_stop':
        if (typeof index !== 'number' || !open.delete(index))
          problems.add(`a content_block_stop for index ${String(index)}, which is not an open block`);
        break;
      case 'message_delta':
      case 'message_stop':
        if (open.size > 0) problems.add(`block ${[...open].join(', ')} never got its content_block_stop`);
        open.clear();
        break;
    }
  }
  if (open.size > 0) problems.add(`block ${[...open].join(', ')} never got its content_block_stop`);
  for (const p of problems) out.push({ verdict: 'broken', text: p });
  if (next === 0) out.push({ verdict: 'broken', text: 'no content_block_start: the stream carries no content' });
  const assembled = assembleStream(real);
  if (!types.includes('message_delta'))
    out.push({
      verdict: 'broken',
      text: 'no message_delta: the stream never says why it stopped, nor its output usage',
    });
  else if (!STOP_REASONS.has(String(assembled.stopReason)))
    out.push({ verdict: 'broken', text: `message_delta's stop_reason is ${JSON.stringify(assembled.stopReason)}` });
  const last = types[types.length - 1];
  if (!types.includes('message_stop'))
    out.push({
      verdict: 'broken',
      text: `the stream ended without message_stop (last event: ${String(last)}): the SDK's stream never finishes its final message`,
    });
  else if (last !== 'message_stop')
    out.push({ verdict: 'partial', text: `events after message_stop (last: ${String(last)})` });
  return out;
}

export const streamedText = (a: Assembled): string =>
  a.blocks
    .filter((b) => b['type'] === 'text')
    .map((b) => String(b['text'] ?? ''))
    .join('');

/** Why a streamed answer cannot be read, or null. */
function notAStream(o: Observed | undefined, what: string, label: string): Judgement | null {
  if (!o || o.status === null)
    return judgement('error', `could not measure: ${what}: ${failure(o) ?? 'no response'}`, { decisive: label });
  const transport = failure(o);
  if (transport && !o.sse) return judgement('error', `could not measure: ${what}: ${transport}`, { decisive: label });
  if (o.status >= 400 || (!o.sse && isAnyErrorBody(o.json)))
    return judgement('rejected', `${what} was refused: HTTP ${o.status}: ${errorMessage(o)}`, { decisive: label });
  if (!o.sse)
    return judgement('broken', `${what} got ${o.contentType || 'no content-type'}, not an SSE stream`, {
      decisive: label,
    });
  return null;
}

/**
 * Stream integrity (suites/wire/integrity.ts) on the Messages surface: the text_delta texts, as
 * the SDK concatenates them, and each tool_use block's input_json_delta fragments, against
 * messages.basic's answer to the same request at temperature 0 (shared, so it costs nothing),
 * and the two usages. Only what the comparison proves is a finding: a replayed delta (broken),
 * usages that disagree (partial); a different wording is the model's.
 */
export function integrityFindings(
  events: readonly NamedEvent[],
  plain: Observed | undefined,
): { findings: Finding[]; notes: string[]; details?: Record<string, unknown> } {
  const none = { findings: [], notes: [] };
  const reference = plain && isObject(plain.json) && !isAnyErrorBody(plain.json) ? plain.json : undefined;
  if (!reference) return none;
  const deltas: string[] = [];
  const fragments = new Map<number, string[]>();
  for (const e of events) {
    const d = e.data;
    const delta = isObject(d?.['delta']) ? d['delta'] : undefined;
    if (typeOf(e) !== 'content_block_delta' || !delta) continue;
    if (delta['type'] === 'text_delta' && typeof delta['text'] === 'string') deltas.push(delta['text']);
    const index = d?.['index'];
    if (delta['type'] === 'input_json_delta' && typeof delta['partial_json'] === 'string' && typeof index === 'number')
      fragments.set(index, [...(fragments.get(index) ?? []), delta['partial_json']]);
  }
  if (deltas.length === 0 && fragments.size === 0) return none;
  const assembled = assembleStream(events);
  // Tool calls paired in order; the reference's input re-serialised, as the SDK's JSON would be.
  const streamedUses = [...fragments.entries()].sort(([a], [b]) => a - b);
  const toolArgs: ToolArgsPair[] = toolUses(reference).flatMap((use, i) => {
    const s = streamedUses[i];
    const name = String(use['name']);
    return s && assembled.blocks[s[0]]?.['name'] === name
      ? [{ name, fragments: s[1], reference: JSON.stringify(use['input'] ?? {}) }]
      : [];
  });
  const counts = (u: JsonObject | undefined, output: JsonObject | undefined): UsageCounts => ({
    prompt: int(u, 'input_tokens'),
    completion: int(output, 'output_tokens'),
  });
  const nonStreamed = counts(
    isObject(reference['usage']) ? reference['usage'] : undefined,
    isObject(reference['usage']) ? reference['usage'] : undefined,
  );
  // input_tokens come in message_start, and in message_delta too on current streams.
  const { start, delta } = assembled.usage;
  const candidates = [
    counts(start, delta),
    ...(int(delta, 'input_tokens') !== undefined ? [counts(delta, delta)] : []),
  ];
  const j = judgeIntegrity({
    deltas,
    reference: textOf(reference),
    toolArgs,
    streamedUsage: pickStreamedUsage(candidates, nonStreamed).usage,
    nonStreamedUsage: nonStreamed,
    promptChars: MESSAGES_PROMPT.length,
    usageNames: { prompt: 'input_tokens', completion: 'output_tokens' },
  });
  // The comparator names Chat's features for usage it could not read: here both are messages.usage's.
  const notes = j.warnings.map((w) => w.replace(/stream\.include_usage|usage\.accounting/, 'messages.usage'));
  // A different wording is the model's: said, not judged.
  if (j.verdict === 'inconclusive') return { findings: [], notes: [j.summary, ...notes] };
  if (j.verdict !== 'broken' && j.verdict !== 'partial') return { findings: [], notes };
  return { findings: [{ verdict: j.verdict, text: j.summary }], notes, details: j.details };
}

export const messagesStream: Probe = {
  feature: 'messages.stream',
  needs: 'messages-model',
  steps: afterBasic([STREAM_REQUEST]),
  judge(seen) {
    const failed = basicFailed(seen);
    if (failed) return failed;
    const o = seen[STREAM_REQUEST.label];
    const cannot = notAStream(o, 'the streamed Messages request', STREAM_REQUEST.label);
    if (cannot) return cannot;
    const events = namedEvents(o!);
    const findings = streamFindings(events);
    const text = streamedText(assembleStream(events));
    // The evidence of a replay or of usages that disagree: both texts, the deltas, both usages.
    const integrity = integrityFindings(events, seen[BASIC_REQUEST.label]);
    findings.push(...integrity.findings);
    const order = [...new Set(events.map(typeOf))];
    const j = verdictOf(
      findings,
      `${events.length} events in order (${oneLine(order.join(' → '), 200)}), blocks indexed and closed, deltas = ${quote(text)}`,
      STREAM_REQUEST.label,
    );
    const warnings = [...(j.warnings ?? []), ...integrity.notes];
    return {
      ...j,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(integrity.details ? { details: integrity.details } : {}),
    };
  },
};

// ---------------------------------------------------------------- usage

const CACHE_FIELDS = ['cache_creation_input_tokens', 'cache_read_input_tokens'] as const;

/** What is wrong with a message's usage. */
function usageFindings(usage: JsonObject | undefined, what: string): Finding[] {
  if (!usage) return [{ verdict: 'broken', text: `${what} has no usage object` }];
  const [input, output] = [int(usage, 'input_tokens'), int(usage, 'output_tokens')];
  if (input === undefined || output === undefined)
    return [
      {
        verdict: 'broken',
        text: `${what}'s usage lacks integer ${[input === undefined ? 'input_tokens' : '', output === undefined ? 'output_tokens' : ''].filter(Boolean).join(', ')} (Chat's names instead?)`,
      },
    ];
  const out: Finding[] = [];
  const cached = CACHE_FIELDS.reduce((n, k) => n + (int(usage, k) ?? 0), 0);
  if (input + cached === 0 || output === 0)
    out.push({
      verdict: 'broken',
      text: `${what}'s usage says input_tokens ${input}, output_tokens ${output} for a prompt and an answer that exist: the counts measure nothing`,
    });
  const missing = CACHE_FIELDS.filter((k) => int(usage, k) === undefined);
  if (missing.length > 0)
    out.push({
      verdict: 'partial',
      text: `${what}'s usage lacks ${missing.join(' and ')} (clients cannot tell what the cache saved)`,
    });
  return out;
}

export const messagesUsage: Probe = {
  feature: 'messages.usage',
  needs: 'messages-model',
  steps: afterBasic([STREAM_REQUEST]),
  judge(seen) {
    const message = messageOf(seen[BASIC_REQUEST.label], 'the basic Messages request', BASIC_REQUEST.label);
    if (isJudgement(message)) return message;
    const usage = isObject(message['usage']) ? message['usage'] : undefined;
    const findings = usageFindings(usage, 'the message');
    // The stream: output_tokens in message_delta (its shape is messages.stream's).
    const o = seen[STREAM_REQUEST.label];
    let decisive = BASIC_REQUEST.label;
    if (findings.length === 0 && o?.sse) {
      const delta = assembleStream(namedEvents(o)).usage.delta;
      if (delta && !(int(delta, 'output_tokens')! > 0)) {
        decisive = STREAM_REQUEST.label;
        findings.push({
          verdict: 'broken',
          text: `the stream's message_delta says output_tokens ${JSON.stringify(delta['output_tokens'])} for an answer that exists`,
        });
      }
    }
    return verdictOf(
      findings,
      `input_tokens ${String(usage?.['input_tokens'])}, output_tokens ${String(usage?.['output_tokens'])}, with the cache fields (creation ${String(usage?.['cache_creation_input_tokens'])}, read ${String(usage?.['cache_read_input_tokens'])})`,
      decisive,
    );
  },
};

// ---------------------------------------------------------------- tools

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;
/** A tool without parameters: converters that translate only tools with properties drop it. */
export const TIME_TOOL = {
  name: 'get_time',
  description: 'The time of day on the server',
  input_schema: { type: 'object', properties: {} },
} as const;
const TOOLS = [WEATHER_TOOL, TIME_TOOL];

/** Forced by name: a real model may decline an optional call, and that is not the relay's fault. */
export const MESSAGES_PARAMETERLESS_CALL: Body = {
  max_tokens: 64,
  tools: TOOLS,
  tool_choice: { type: 'tool', name: TIME_TOOL.name },
  messages: [user('What time is it on the server? Use the get_time tool.')],
};
export const MESSAGES_STREAMED_CALL: Body = {
  max_tokens: 64,
  stream: true,
  tools: TOOLS,
  tool_choice: { type: 'tool', name: WEATHER_TOOL.name },
  messages: [user('What is the weather in Paris? Use the get_weather tool.')],
};
const PARAMETERLESS_REQUEST = messagesRequest('messages tool without parameters', MESSAGES_PARAMETERLESS_CALL);
const STREAMED_CALL_REQUEST = messagesRequest('messages tool call, streamed', MESSAGES_STREAMED_CALL);

/** What is wrong with an answer that had to call `name` once (and get_weather with a city). */
function toolUseFindings(uses: readonly JsonObject[], stopReason: unknown, name: string, what: string): Finding[] {
  if (uses.length === 0)
    return [{ verdict: 'broken', text: `${what}: no tool_use block although tool_choice forced ${name}` }];
  const out: Finding[] = [];
  const use = uses[0]!;
  if (use['name'] !== name)
    out.push({
      verdict: 'broken',
      text: `${what}: called ${JSON.stringify(use['name'])}, not ${name}${name === TIME_TOOL.name ? ' (the tool without parameters was lost on the way)' : ''}`,
    });
  if (typeof use['id'] !== 'string' || use['id'] === '')
    out.push({ verdict: 'broken', text: `${what}: a tool_use without id (its tool_result cannot answer it)` });
  const input = use['input'];
  if (!isObject(input))
    out.push({ verdict: 'broken', text: `${what}: input ${quote(JSON.stringify(input))} is not an object` });
  else if (name === WEATHER_TOOL.name && typeof input['city'] !== 'string')
    out.push({ verdict: 'broken', text: `${what}: input ${quote(JSON.stringify(input))} has no city` });
  if (stopReason !== 'tool_use')
    out.push({ verdict: 'broken', text: `${what}: stop_reason ${JSON.stringify(stopReason)}, not "tool_use"` });
  return out;
}

export const messagesTools: Probe = {
  feature: 'messages.tools',
  needs: 'messages-model',
  steps: afterBasic([PARAMETERLESS_REQUEST, STREAMED_CALL_REQUEST]),
  judge(seen) {
    const failed = basicFailed(seen);
    if (failed) return failed;
    const message = read(seen, PARAMETERLESS_REQUEST, 'the forced call of a tool without parameters');
    if (isJudgement(message)) {
      // A valid request refused: the relay cannot carry a tool without parameters.
      return message.verdict === 'rejected'
        ? judgement('broken', `${message.summary} (get_time has no parameters, as Anthropic allows)`, {
            decisive: PARAMETERLESS_REQUEST.label,
          })
        : message;
    }
    const findings = toolUseFindings(toolUses(message), message['stop_reason'], TIME_TOOL.name, 'non-streamed');
    const o = seen[STREAMED_CALL_REQUEST.label];
    const cannot = notAStream(o, 'the streamed tool call', STREAMED_CALL_REQUEST.label);
    let streamedBad = false;
    if (cannot) findings.push({ verdict: cannot.verdict, text: cannot.summary });
    else {
      const a = assembleStream(namedEvents(o!));
      const streamed = toolUseFindings(
        a.blocks.filter((b) => b?.['type'] === 'tool_use'),
        a.stopReason,
        WEATHER_TOOL.name,
        'streamed (input_json_delta joined)',
      );
      streamedBad = streamed.length > 0;
      findings.push(...streamed);
    }
    const use = toolUses(message)[0];
    return verdictOf(
      findings,
      `get_time (no parameters) called with input ${quote(JSON.stringify(use?.['input']))}; streamed, get_weather's input_json_delta add up to an object with a city`,
      streamedBad ? STREAMED_CALL_REQUEST.label : PARAMETERLESS_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- tool_result, is_error

/** A number the model can only know from the tool's result. */
export const TOOL_RESULT_TEMPERATURE = 23;
const CALL_ID = 'toolu_relaycheck_01';
const askedWeather = user('What is the weather in Paris? Use the get_weather tool, then tell me what it returned.');
const CALL = { type: 'tool_use', id: CALL_ID, name: WEATHER_TOOL.name, input: { city: 'Paris' } } as const;
const calledWeather: Body = { role: 'assistant', content: [CALL] };
/** What Claude says before a call: converters that keep only the tool_calls of a turn drop it. */
const SAID_BEFORE_CALL = { type: 'text', text: 'I will look up the weather in Paris with the tool.' } as const;
const RESULT = `{"city":"Paris","temperature_c":${TOOL_RESULT_TEMPERATURE},"sky":"cloudy"}`;
const RESULT_BLOCKS = user([{ type: 'tool_result', tool_use_id: CALL_ID, content: [{ type: 'text', text: RESULT }] }]);
/** The result as content blocks (converters that keep only string content lose it), after text beside the call. */
export const MESSAGES_TOOL_RESULT: Body = {
  max_tokens: 64,
  tools: [WEATHER_TOOL],
  messages: [askedWeather, { role: 'assistant', content: [SAID_BEFORE_CALL, CALL] }, RESULT_BLOCKS],
};
/** The same turn without the text: its input must count fewer tokens, or the text never reached the model. */
export const MESSAGES_TOOL_RESULT_NO_TEXT: Body = {
  ...MESSAGES_TOOL_RESULT,
  messages: [askedWeather, calledWeather, RESULT_BLOCKS],
};
/** A result that reads like data but is flagged as a failure: only is_error tells the model. */
export const MESSAGES_TOOL_ERROR: Body = {
  max_tokens: 64,
  tools: [WEATHER_TOOL],
  messages: [
    askedWeather,
    calledWeather,
    user([{ type: 'tool_result', tool_use_id: CALL_ID, is_error: true, content: RESULT }]),
  ],
};
const TOOL_RESULT_REQUEST = messagesRequest('messages tool_result', MESSAGES_TOOL_RESULT);
const TOOL_ERROR_REQUEST = messagesRequest('messages tool_result is_error', MESSAGES_TOOL_ERROR);
const NO_TEXT_REQUEST = messagesRequest(
  "messages tool_result, without the assistant's text",
  MESSAGES_TOOL_RESULT_NO_TEXT,
);

/** The whole input a message was charged (Anthropic's input_tokens leave the cache's out). */
const chargedInput = (message: JsonObject): number => {
  const usage = isObject(message['usage']) ? message['usage'] : undefined;
  return ['input_tokens', ...CACHE_FIELDS].reduce((sum, k) => sum + (int(usage, k) ?? 0), 0);
};

/** Words an answer about a failed tool uses. */
const FAILURE_WORDS = /error|fail|unable|could ?n[o']t|can ?n[o']t|unavailable|problem|issue|wrong/i;

export const messagesToolResult: Probe = {
  feature: 'messages.tool_result',
  needs: 'messages-model',
  steps: afterBasic([TOOL_RESULT_REQUEST, NO_TEXT_REQUEST, TOOL_ERROR_REQUEST]),
  judge(seen) {
    const ok = read(seen, TOOL_RESULT_REQUEST, 'the tool_result round trip');
    if (isJudgement(ok)) return ok;
    const failed = read(seen, TOOL_ERROR_REQUEST, 'the tool_result with is_error');
    if (isJudgement(failed)) return failed;
    const twin = read(seen, NO_TEXT_REQUEST, "the round trip without the assistant's text");
    if (isJudgement(twin)) return twin;
    // Model-independent: the text beside the call adds input tokens, unless it was dropped.
    const [withText, withoutText] = [chargedInput(ok), chargedInput(twin)];
    if (withText > 0 && withoutText > 0 && withText <= withoutText)
      return judgement(
        'ignored',
        `the assistant's text beside its tool_use never reached the model: the turn with it was charged ${withText} input tokens, the same turn without it ${withoutText}`,
        { decisive: TOOL_RESULT_REQUEST.label },
      );
    const text = textOf(ok);
    const temperature = String(TOOL_RESULT_TEMPERATURE);
    if (!text.includes(temperature))
      return judgement(
        'ignored',
        toolUses(ok).length > 0
          ? `the model called get_weather again instead of reading the tool_result sent back: the result (content blocks) did not reach it`
          : `the answer does not use the tool_result (temperature ${temperature}, sent as content blocks): ${quote(text)}`,
        { decisive: TOOL_RESULT_REQUEST.label },
      );
    const said = textOf(failed);
    if (FAILURE_WORDS.test(said))
      return judgement(
        'supported',
        `the result reached the model (${quote(text)}) with the assistant's text beside the call (${withText} > ${withoutText} input tokens), and is_error was read as a failure (${quote(said)})`,
        {
          decisive: TOOL_ERROR_REQUEST.label,
        },
      );
    if (said.includes(temperature))
      return judgement(
        'ignored',
        `a tool_result flagged is_error: true was read as a success: ${quote(said)} (the flag was dropped on the way)`,
        { decisive: TOOL_ERROR_REQUEST.label },
      );
    return judgement('inconclusive', `the model's answer to a failed tool names no failure: ${quote(said)}`, {
      decisive: TOOL_ERROR_REQUEST.label,
    });
  },
};

// ---------------------------------------------------------------- tool_choice

const NO_TOOL_PROMPT = 'Reply with exactly: hello';
export const MESSAGES_TOOL_CHOICE: Readonly<Record<'any' | 'tool' | 'none', Body>> = {
  any: { max_tokens: 64, tools: [WEATHER_TOOL], tool_choice: { type: 'any' }, messages: [user(NO_TOOL_PROMPT)] },
  tool: {
    max_tokens: 64,
    tools: TOOLS,
    tool_choice: { type: 'tool', name: WEATHER_TOOL.name },
    messages: [user(NO_TOOL_PROMPT)],
  },
  none: {
    max_tokens: 64,
    tools: [WEATHER_TOOL],
    tool_choice: { type: 'none' },
    messages: [user('What is the weather in Paris? Use the get_weather tool.')],
  },
};
const CHOICE_REQUESTS = (['any', 'tool', 'none'] as const).map((k) => ({
  kind: k,
  spec: messagesRequest(`messages tool_choice ${k}`, MESSAGES_TOOL_CHOICE[k]),
}));

export const messagesToolChoice: Probe = {
  feature: 'messages.tool_choice',
  needs: 'messages-model',
  steps: afterBasic(CHOICE_REQUESTS.map((c) => c.spec)),
  judge(seen) {
    const findings: Finding[] = [];
    let decisive = CHOICE_REQUESTS[0]!.spec.label;
    for (const { kind, spec } of CHOICE_REQUESTS) {
      const message = read(seen, spec, `tool_choice ${kind}`);
      if (isJudgement(message)) return message;
      const uses = toolUses(message);
      const before = findings.length;
      if (kind === 'any' && uses.length === 0)
        findings.push({
          verdict: 'ignored',
          text: `tool_choice any answered in text (${quote(textOf(message))}), no tool_use`,
        });
      if (kind === 'tool' && (uses.length === 0 || uses[0]!['name'] !== WEATHER_TOOL.name))
        findings.push({
          verdict: 'ignored',
          text: `tool_choice {type: tool, name: get_weather} got ${uses.length === 0 ? `text ${quote(textOf(message))}` : `a call of ${JSON.stringify(uses[0]!['name'])}`}`,
        });
      if (kind === 'none' && uses.length > 0)
        findings.push({
          verdict: 'ignored',
          text: `tool_choice none got a tool_use of ${JSON.stringify(uses[0]!['name'])}`,
        });
      if (findings.length > before && before === 0) decisive = spec.label;
    }
    return verdictOf(findings, 'any called a tool, tool called get_weather, none answered in text', decisive);
  },
};

// ---------------------------------------------------------------- stop_sequences

export const STOP_SEQUENCE = 'gamma';
export const MESSAGES_STOP: Body = { ...MESSAGES_BASIC, stop_sequences: [STOP_SEQUENCE] };
const STOP_REQUEST = messagesRequest('messages stop_sequences', MESSAGES_STOP);

export const messagesStopSequences: Probe = {
  feature: 'messages.stop_sequences',
  needs: 'messages-model',
  steps: afterBasic([STOP_REQUEST]),
  judge(seen) {
    const message = read(seen, STOP_REQUEST, 'the request with stop_sequences');
    if (isJudgement(message)) return message;
    const text = textOf(message);
    const decisive = STOP_REQUEST.label;
    const reason = message['stop_reason'];
    if (text.includes(STOP_SEQUENCE))
      return judgement('ignored', `the answer goes past the stop sequence "${STOP_SEQUENCE}": ${quote(text)}`, {
        decisive,
      });
    // Stop sequences match case-sensitively: a model that wrote "Gamma" was rightly not stopped.
    if (text.toLowerCase().includes(STOP_SEQUENCE))
      return judgement(
        'inconclusive',
        `the model wrote "${STOP_SEQUENCE}" in another case (${quote(text)}), which the stop sequence rightly does not match`,
        { decisive },
      );
    if (reason !== 'stop_sequence' || message['stop_sequence'] !== STOP_SEQUENCE)
      return judgement(
        'partial',
        `cut before "${STOP_SEQUENCE}" but stop_reason ${JSON.stringify(reason)}, stop_sequence ${JSON.stringify(message['stop_sequence'])} (clients cannot tell which sequence matched)`,
        { decisive },
      );
    return judgement('supported', `stopped before "${STOP_SEQUENCE}" (${quote(text)}), stop_reason stop_sequence`, {
      decisive,
    });
  },
};

// ---------------------------------------------------------------- max_tokens

export const MESSAGES_CAP = 8;
export const MESSAGES_CAPPED: Body = {
  max_tokens: MESSAGES_CAP,
  temperature: 0,
  messages: [user('Count from 1 to 50, separated by commas.')],
};
const CAPPED_REQUEST = messagesRequest('messages max_tokens', MESSAGES_CAPPED);

export const messagesMaxTokens: Probe = {
  feature: 'messages.max_tokens',
  needs: 'messages-model',
  steps: afterBasic([CAPPED_REQUEST]),
  judge(seen) {
    const message = read(seen, CAPPED_REQUEST, 'the request with max_tokens 8');
    if (isJudgement(message)) return message;
    const decisive = CAPPED_REQUEST.label;
    const output = int(isObject(message['usage']) ? message['usage'] : undefined, 'output_tokens');
    const words = textOf(message)
      .split(/[\s,]+/)
      .filter(Boolean).length;
    if (message['stop_reason'] === 'max_tokens')
      return judgement('supported', `stop_reason max_tokens after ${String(output)} output tokens`, { decisive });
    if (words > MESSAGES_CAP * 2)
      return judgement('ignored', `max_tokens ${MESSAGES_CAP} had no effect: ${words} words came back`, { decisive });
    return judgement(
      'broken',
      `an answer cut by max_tokens ${MESSAGES_CAP} says stop_reason ${JSON.stringify(message['stop_reason'])}, not "max_tokens": clients take it for complete`,
      { decisive },
    );
  },
};

// ---------------------------------------------------------------- thinking and its signature

const THINKING = { type: 'enabled', budget_tokens: 1024 } as const;
/** Thinking cannot be forced into a tool call (tool_choice any/tool is refused with it): asked by name. */
export const MESSAGES_THINKING: Body = {
  max_tokens: 1100,
  thinking: THINKING,
  tools: [WEATHER_TOOL],
  messages: [user('What is the weather in Paris? Use the get_weather tool.')],
};
const THINKING_REQUEST = messagesRequest('messages thinking', MESSAGES_THINKING);
/** A second sample when the first answered in text (a model's free choice under auto), asked more firmly. */
export const MESSAGES_THINKING_AGAIN: Body = {
  ...MESSAGES_THINKING,
  messages: [user('Call the get_weather tool now with city Paris. Do not answer in text.')],
};
const THINKING_AGAIN_REQUEST = messagesRequest('messages thinking, second sample', MESSAGES_THINKING_AGAIN);
const CONTINUED_LABEL = 'messages thinking, continued after the tool';

/** The first sample that called the tool, with its request. */
function calledSample(seen: Seen): { spec: RequestSpec; body: Body; message: JsonObject } | undefined {
  for (const [spec, body] of [
    [THINKING_REQUEST, MESSAGES_THINKING],
    [THINKING_AGAIN_REQUEST, MESSAGES_THINKING_AGAIN],
  ] as const) {
    const o = seen[spec.label];
    if (o?.status === 200 && isObject(o.json) && toolUses(o.json).length > 0) return { spec, body, message: o.json };
  }
  return undefined;
}

/** The next turn: the answer sent back as it came (thinking block and signature included), and the tool's result. */
function continuedBody(sample: { body: Body; message: JsonObject }): Body {
  const use = toolUses(sample.message)[0];
  return {
    ...sample.body,
    messages: [
      ...(sample.body['messages'] as Body[]),
      { role: 'assistant', content: blocksOf(sample.message) },
      user([{ type: 'tool_result', tool_use_id: String(use?.['id']), content: RESULT }]),
    ],
  };
}

const thinkingBlocks = (message: JsonObject): JsonObject[] => blocksOf(message).filter((b) => b['type'] === 'thinking');

export const messagesThinking: Probe = {
  feature: 'messages.thinking',
  needs: 'messages-model',
  steps: [
    ...afterBasic([THINKING_REQUEST]),
    (seen) => {
      const o = seen[THINKING_REQUEST.label];
      return o?.status === 200 && isObject(o.json) && toolUses(o.json).length === 0 && thinkingBlocks(o.json).length > 0
        ? [THINKING_AGAIN_REQUEST]
        : [];
    },
    (seen) => {
      const sample = calledSample(seen);
      return sample ? [messagesRequest(CONTINUED_LABEL, continuedBody(sample))] : [];
    },
  ],
  judge(seen) {
    const message = read(seen, THINKING_REQUEST, 'the request with thinking');
    if (isJudgement(message)) return message;
    const thinking = thinkingBlocks(message);
    const signed = thinking.filter((b) => typeof b['signature'] === 'string' && b['signature'] !== '');
    if (signed.length === 0)
      return judgement(
        'broken',
        thinking.length === 0
          ? 'no thinking block with thinking enabled: the thinking was lost on the way (the next tool turn cannot carry it)'
          : 'the thinking block has no signature: the next tool turn cannot send it back',
        { decisive: THINKING_REQUEST.label },
      );
    const sample = calledSample(seen);
    if (!sample)
      return judgement(
        'inconclusive',
        `a signed thinking block, but the model answered in text twice under tool_choice auto (forced calls are refused with thinking), so the signature's round trip across a tool turn was not exercised`,
        { decisive: seen[THINKING_AGAIN_REQUEST.label] ? THINKING_AGAIN_REQUEST.label : THINKING_REQUEST.label },
      );
    const next = messageOf(seen[CONTINUED_LABEL], 'the tool turn sending the signed thinking back', CONTINUED_LABEL);
    if (isJudgement(next))
      return next.verdict === 'rejected'
        ? judgement('broken', `${next.summary} (the thinking block and signature exactly as the relay returned them)`, {
            decisive: CONTINUED_LABEL,
          })
        : next;
    return judgement(
      'supported',
      `a signed thinking block (signature ${String(signed[0]!['signature']).length} characters) before the tool_use${sample.spec === THINKING_AGAIN_REQUEST ? ' (on a second sample: the first answered in text under tool_choice auto)' : ''}, accepted when sent back with the tool's result`,
      { decisive: CONTINUED_LABEL },
    );
  },
};

// ---------------------------------------------------------------- prompt caching

/**
 * The shortest prefix Anthropic caches, by model (its prompt-caching documentation, 2026):
 * first match wins, 1,024 tokens otherwise. The probe's prefix is sized past it.
 */
const CACHE_MINIMUM: readonly (readonly [RegExp, number])[] = [
  [/opus-4-[56]|haiku-4-5/, 4096],
  [/opus-4-7|haiku-3|3-5-haiku|3-haiku/, 2048],
];
export const cacheMinimum = (model: string): number => CACHE_MINIMUM.find(([p]) => p.test(model))?.[1] ?? 1024;

/**
 * A stable system prompt past `tokens` tokens: four characters a token and 5% more, which this
 * text of numbers and short words (some 3.3 characters a token) passes by a quarter.
 */
export function cachePrefix(tokens: number): string {
  const lines: string[] = ['You answer questions about the archive. Its shelving rules follow.'];
  for (let i = 1; lines.join('\n').length < tokens * 4 * 1.05; i++)
    lines.push(
      `Rule ${i}: item ${i} of the archive stays on shelf ${(i % 17) + 1}, row ${(i % 5) + 1}, in a grey box.`,
    );
  return lines.join('\n');
}

export function cacheBody(model: string): Body {
  return {
    max_tokens: 8,
    system: [{ type: 'text', text: cachePrefix(cacheMinimum(model)), cache_control: { type: 'ephemeral' } }],
    messages: [user('Reply with exactly: OK')],
  };
}
const CACHE_FIRST = 'messages cache_control, first';
const CACHE_SECOND = 'messages cache_control, second';

export const messagesCache: Probe = {
  feature: 'messages.cache',
  needs: 'messages-model',
  steps: [
    ...afterBasic((): RequestSpec[] => []),
    (seen, ctx) => (answered(seen) ? [messagesRequest(CACHE_FIRST, cacheBody(ctx.model))] : []),
    // Sent once the first has been answered: the cache entry exists by then.
    (seen, ctx) => (answered(seen) ? [messagesRequest(CACHE_SECOND, cacheBody(ctx.model), { repeat: 1 })] : []),
  ],
  judge(seen, ctx) {
    const first = read(seen, CACHE_FIRST, 'the first request with cache_control');
    if (isJudgement(first)) return first;
    const second = read(seen, CACHE_SECOND, 'the same request again');
    if (isJudgement(second)) return second;
    const usage = (m: JsonObject): JsonObject | undefined => (isObject(m['usage']) ? m['usage'] : undefined);
    const [u1, u2] = [usage(first), usage(second)];
    const created = int(u1, 'cache_creation_input_tokens');
    const read2 = int(u2, 'cache_read_input_tokens');
    const prefix = `a system prompt of about ${cacheMinimum(ctx.model)}+ tokens with cache_control`;
    if (read2 !== undefined && read2 > 0)
      return judgement(
        'supported',
        `${prefix}: the first request wrote ${String(created)} tokens to the cache, the second read ${read2} from it`,
        { decisive: CACHE_SECOND },
      );
    if (!(int(u2, 'input_tokens')! > 0) && !(int(u2, 'output_tokens')! > 0))
      return judgement(
        'inconclusive',
        `${prefix}, sent twice: the second's usage counts nothing at all, so the cache cannot be seen (see messages.usage)`,
        { decisive: CACHE_SECOND },
      );
    const fields = CACHE_FIELDS.filter((k) => int(u2, k) === undefined);
    return judgement(
      'ignored',
      fields.length > 0
        ? `${prefix}, sent twice: the second usage has no ${fields.join(' or ')}: the cache cannot be seen (cache_control dropped, or usage translated from Chat)`
        : `${prefix}, sent twice: cache_read_input_tokens 0 on the second (creation ${String(created)} on the first): cache_control was dropped on the way, every request pays the full prompt`,
      { decisive: CACHE_SECOND },
    );
  },
};

// ---------------------------------------------------------------- count_tokens

/** The forced tool call's request as count_tokens takes it (no max_tokens). */
const { max_tokens: _cap, ...COUNTED } = MESSAGES_PARAMETERLESS_CALL;
export const MESSAGES_COUNTED: Body = COUNTED;
const COUNT_REQUEST = messagesRequest('messages count_tokens', MESSAGES_COUNTED, { path: COUNT_TOKENS_PATH });

/** How far count_tokens may be from the input the message was charged: Anthropic calls it an estimate. */
const COUNT_TOLERANCE = { tokens: 5, ratio: 0.1 };

export const messagesCountTokens: Probe = {
  feature: 'messages.count_tokens',
  needs: 'messages-model',
  steps: afterBasic([PARAMETERLESS_REQUEST, COUNT_REQUEST]),
  judge(seen) {
    const counted = read(seen, COUNT_REQUEST, 'count_tokens');
    if (isJudgement(counted)) return counted;
    const decisive = COUNT_REQUEST.label;
    const n = int(counted, 'input_tokens');
    if (n === undefined || n === 0)
      return judgement(
        'broken',
        `count_tokens answered without a positive input_tokens: ${quote(JSON.stringify(counted))}`,
        {
          decisive,
        },
      );
    const message = read(seen, PARAMETERLESS_REQUEST, 'the same request sent to /messages');
    if (isJudgement(message))
      return judgement(
        'inconclusive',
        `count_tokens says ${n}, but the same request could not be sent: ${message.summary}`,
        {
          decisive,
        },
      );
    const usage = isObject(message['usage']) ? message['usage'] : undefined;
    const input = ['input_tokens', ...CACHE_FIELDS].reduce((sum, k) => sum + (int(usage, k) ?? 0), 0);
    if (input === 0)
      return judgement('inconclusive', `count_tokens says ${n}; the message reported no input usage to compare with`, {
        decisive,
      });
    const off = Math.abs(n - input);
    if (off > Math.max(COUNT_TOLERANCE.tokens, input * COUNT_TOLERANCE.ratio))
      return judgement(
        'broken',
        `count_tokens says ${n} input tokens, but the same request (two tools, tool_choice) was charged ${input}: budgets computed from it are wrong`,
        { decisive },
      );
    return judgement('supported', `count_tokens says ${n}, the same request was charged ${input} input tokens`, {
      decisive,
    });
  },
};

// ---------------------------------------------------------------- errors and Anthropic's envelope

const ERROR_REQUESTS: readonly RequestSpec[] = [
  messagesRequest(
    'messages unknown model',
    { max_tokens: 8, messages: [user('Output exactly: OK')] },
    { model: { id: UNKNOWN_MODEL }, noRetry: true },
  ),
  messagesRequest('messages without max_tokens', { messages: [user('Output exactly: OK')] }, { noRetry: true }),
  messagesRequest('messages invalid, streamed', { max_tokens: 8, stream: true, messages: [] }, { noRetry: true }),
];

/** What is wrong with a refusal that must come before any 200, in Anthropic's envelope. */
function envelopeFindings(o: Observed | undefined, what: string): Finding[] {
  const transport = failure(o);
  if (!o || o.status === null || (transport && o.status < 400))
    return [{ verdict: 'error', text: `could not measure: ${what}: ${transport ?? 'no response'}` }];
  if (o.status < 400)
    return [
      {
        verdict: 'broken',
        text: `${what} got HTTP ${o.status}${o.sse ? ' and a stream' : ''} instead of a 4xx: the SDK takes the refusal for an answer`,
      },
    ];
  const body = isObject(o.json) ? o.json : undefined;
  const error = isObject(body?.['error']) ? body['error'] : undefined;
  if (body?.['type'] !== 'error' || !error || typeof error['type'] !== 'string' || typeof error['message'] !== 'string')
    return [
      {
        verdict: 'partial',
        text: `${what}: HTTP ${o.status} without Anthropic's {"type": "error", "error": {"type", "message"}} envelope: ${quote(o.text)} (the SDK's error.type reads nothing)`,
      },
    ];
  return [];
}

export const messagesErrors: Probe = {
  feature: 'messages.errors',
  needs: 'messages-model',
  steps: afterBasic(ERROR_REQUESTS),
  judge(seen) {
    const failed = basicFailed(seen);
    if (failed) return failed;
    return verdictOverRequests(
      seen,
      ERROR_REQUESTS,
      envelopeFindings,
      (label) => label.replace('messages ', 'the request: '),
      (statuses) => `refusals before any 200, in Anthropic's envelope (HTTP ${statuses})`,
    );
  },
};

// ---------------------------------------------------------------- auth: x-api-key and Bearer

/** The basic request's body: the way the target is configured shares the basic request. */
const AUTH_BODY: Body = MESSAGES_BASIC;
const X_API_KEY_REQUEST = messagesRequest('messages x-api-key', AUTH_BODY, { keyHeader: 'x-api-key' });
const BEARER_REQUEST = messagesRequest('messages Authorization: Bearer', AUTH_BODY, { keyHeader: 'bearer' });
const WRONG_KEY_REQUEST = messagesRequest('messages wrong key', AUTH_BODY, { auth: 'wrong', noRetry: true });

const isRefused = (o: Observed | undefined): boolean =>
  o !== undefined && o.status !== null && (o.status >= 400 || isAnyErrorBody(o.json));

export const messagesAuth: Probe = {
  feature: 'messages.auth',
  needs: 'messages-model',
  steps: afterBasic([X_API_KEY_REQUEST, BEARER_REQUEST, WRONG_KEY_REQUEST]),
  judge(seen) {
    const failed = basicFailed(seen);
    if (failed) return failed;
    const [x, bearer, wrong] = [X_API_KEY_REQUEST, BEARER_REQUEST, WRONG_KEY_REQUEST].map((s) => seen[s.label]);
    if (!x || !bearer || !wrong || x.status === null || bearer.status === null || wrong.status === null) {
      const spec = [X_API_KEY_REQUEST, BEARER_REQUEST, WRONG_KEY_REQUEST].find((s) => seen[s.label]?.status == null)!;
      return judgement('error', `could not measure: ${spec.label}: ${failure(seen[spec.label]) ?? 'no response'}`, {
        decisive: spec.label,
      });
    }
    if (!isRefused(wrong))
      return judgement('ignored', `a wrong key was accepted (HTTP ${wrong.status}): the key is not checked`, {
        decisive: WRONG_KEY_REQUEST.label,
      });
    const refusedWith = [
      isRefused(x) ? `x-api-key (HTTP ${x.status}: ${errorMessage(x)})` : '',
      isRefused(bearer) ? `Authorization: Bearer (HTTP ${bearer.status}: ${errorMessage(bearer)})` : '',
    ].filter(Boolean);
    if (refusedWith.length === 2)
      return judgement('broken', `the key was refused both ways: ${refusedWith.join('; ')}`, {
        decisive: X_API_KEY_REQUEST.label,
      });
    if (refusedWith.length === 1)
      return judgement(
        'partial',
        `the key is refused in ${refusedWith[0]!}: ${isRefused(x) ? "the Anthropic SDK's default (ANTHROPIC_API_KEY) fails; ANTHROPIC_AUTH_TOKEN works" : 'clients configured with ANTHROPIC_AUTH_TOKEN fail'}`,
        { decisive: isRefused(x) ? X_API_KEY_REQUEST.label : BEARER_REQUEST.label },
      );
    return judgement(
      'supported',
      `the key accepted as x-api-key and as Bearer, a wrong key refused (HTTP ${wrong.status})`,
      {
        decisive: WRONG_KEY_REQUEST.label,
      },
    );
  },
};

// ---------------------------------------------------------------- a system entry inside messages

export const SYSTEM_WORD = 'BANANA';
/** Claude Code's shape: a role "system" entry in `messages` (a mid-conversation instruction). */
export const MESSAGES_SYSTEM_INSIDE: Body = {
  max_tokens: 16,
  temperature: 0,
  messages: [
    { role: 'system', content: `Whatever the user writes, reply with exactly: ${SYSTEM_WORD}` },
    user('Hello'),
  ],
};
const SYSTEM_REQUEST = messagesRequest('messages role system', MESSAGES_SYSTEM_INSIDE);

export const messagesSystemInMessages: Probe = {
  feature: 'messages.system_in_messages',
  needs: 'messages-model',
  steps: afterBasic([SYSTEM_REQUEST]),
  judge(seen) {
    const message = read(seen, SYSTEM_REQUEST, 'a request with a role "system" entry in messages');
    if (isJudgement(message)) return message;
    const text = textOf(message);
    const decisive = SYSTEM_REQUEST.label;
    if (text.toUpperCase().includes(SYSTEM_WORD))
      return judgement('supported', `the system entry was followed: ${quote(text)}`, { decisive });
    return judgement('ignored', `the system entry's instruction (reply ${SYSTEM_WORD}) had no effect: ${quote(text)}`, {
      decisive,
    });
  },
};

// ---------------------------------------------------------------- Claude Code's beta header and query

/**
 * Betas Claude Code sends that Anthropic accepts on every model: it refuses a beta it does not
 * know (400 invalid_request_error naming it), and some newer ones for some models or accounts
 * (effort-2025-11-24, advisor-tool-2026-03-01). claude-code-20250219 is on every Claude Code
 * request; interleaved-thinking-2025-05-14 is accepted where it has no effect.
 */
export const CLAUDE_CODE_BETAS: readonly string[] = ['claude-code-20250219', 'interleaved-thinking-2025-05-14'];
export const BETA_QUERY = 'beta=true';

/** The basic request as Claude Code sends it: the same body, so the header and the query are the only difference. */
const BETA_REQUEST = messagesRequest('messages anthropic-beta, ?beta=true', MESSAGES_BASIC, {
  path: `${MESSAGES_PATH}?${BETA_QUERY}`,
  headers: { 'anthropic-version': ANTHROPIC_VERSION, 'anthropic-beta': CLAUDE_CODE_BETAS.join(',') },
});

/** What of Claude Code's additions a refusal's message names, for the summary. */
function namedBy(message: string): string {
  const named = [
    ...CLAUDE_CODE_BETAS.filter((b) => message.includes(b)),
    ...(/anthropic-beta/i.test(message) ? ['the anthropic-beta header'] : []),
    ...(/beta=true|query/i.test(message) ? ['the query'] : []),
  ];
  return named.length > 0
    ? `it names ${named.join(', ')}`
    : 'it names neither, but the header and the query are all that differs';
}

/** Statuses that say nothing of the request itself: tried again by the transport, then unmeasured. */
const TRANSIENT = new Set([408, 429]);

export const messagesBetaHeader: Probe = {
  feature: 'messages.beta_header',
  needs: 'messages-model',
  steps: afterBasic([BETA_REQUEST]),
  judge(seen) {
    const basic = read(seen, BASIC_REQUEST, 'the basic Messages request');
    if (isJudgement(basic)) return basic;
    const decisive = BETA_REQUEST.label;
    const o = seen[decisive];
    const what = `the basic request as Claude Code sends it (POST ${MESSAGES_PATH}?${BETA_QUERY}, anthropic-beta: ${CLAUDE_CODE_BETAS.join(',')})`;
    const transport = failure(o);
    if (!o || o.status === null) return judgement('error', `could not measure: ${what}: ${transport}`, { decisive });
    if (o.status >= 500 || TRANSIENT.has(o.status))
      return judgement('error', `could not measure: ${what}: HTTP ${o.status}: ${errorMessage(o)}`, { decisive });
    if (o.status >= 400 || isAnyErrorBody(o.json)) {
      const message = errorMessage(o);
      return judgement(
        'broken',
        `${what} was refused with HTTP ${o.status}: ${quote(message)} (${namedBy(message)}), while the same request without them was answered: Claude Code fails on its first turn`,
        { decisive },
      );
    }
    if (transport) return judgement('error', `could not measure: ${what}: ${transport}`, { decisive });
    if (!isObject(o.json) || o.json['type'] !== basic['type'])
      return judgement(
        'broken',
        `${what} got HTTP ${o.status} but not a message like the basic request's: ${quote(o.text)}`,
        { decisive },
      );
    return judgement('supported', `${what} was answered with a message: ${quote(textOf(o.json))}`, { decisive });
  },
};
