// The Responses API (POST {base}/responses): its probes and their request builders. Every
// request goes to the responses surface's path; a target that does not serve it gets these
// features skipped by the 'surface not served' step of engine/verdict.ts, from the first
// request each probe sends there. Prompts are phrased for real models: no temperature
// (reasoning models refuse it), max_output_tokens at least 16.
import { SURFACES } from '../../spec/features.js';
import { UNKNOWN_MODEL } from '../wire/requests.js';
import { judgeIntegrity } from '../wire/integrity.js';
import { schemaProblems } from './json-schema.js';
import {
  errorMessage,
  eventFindings,
  failure,
  isErrorBody,
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
  type ProbeContext,
  type RequestSpec,
  type Seen,
} from '../wire/types.js';

export const RESPONSES_PATH = SURFACES.responses.path;

/** A POST to the Responses path. */
export const responsesRequest = (label: string, body: Record<string, unknown>): RequestSpec => ({
  label,
  path: RESPONSES_PATH,
  body,
});

export const RESPONSES_PROMPT = 'Output exactly: alpha beta gamma delta';
/** store: false, as Codex sends it: nothing is kept on the relay's upstream account. */
export const RESPONSES_BASIC: Record<string, unknown> = {
  input: RESPONSES_PROMPT,
  max_output_tokens: 32,
  store: false,
};
export const RESPONSES_STREAMED: Record<string, unknown> = { ...RESPONSES_BASIC, stream: true };

const BASIC_REQUEST = responsesRequest('responses basic', RESPONSES_BASIC);
const STREAM_REQUEST = responsesRequest('responses stream', RESPONSES_STREAMED);

/** The exchange's Response object, or the judgement when there is none to read. */
export function responseOf(o: Observed | undefined, what: string): JsonObject | Judgement {
  const transport = failure(o);
  if (!o || o.status === null) return judgement('error', `could not measure: ${what}: ${transport ?? 'no response'}`);
  if (o.status >= 400 || isErrorBody(o.json))
    return judgement('rejected', `${what} was refused: HTTP ${o.status}: ${errorMessage(o)}`);
  if (transport) return judgement('error', `could not measure: ${what}: ${transport}`);
  if (!isObject(o.json))
    return judgement('broken', `${what}: HTTP ${o.status} but not a JSON object: ${quote(o.text)}`);
  return o.json;
}

const isJudgement = (v: JsonObject | Judgement): v is Judgement =>
  typeof v['verdict'] === 'string' && typeof v['summary'] === 'string' && !('object' in v);

const itemsOf = (response: JsonObject): JsonObject[] =>
  Array.isArray(response['output']) ? response['output'].filter(isObject) : [];

const partsOf = (item: JsonObject): JsonObject[] =>
  Array.isArray(item['content']) ? item['content'].filter(isObject) : [];

/** The text of a Response's assistant messages, from their output_text parts. */
export function outputText(response: JsonObject): string {
  return itemsOf(response)
    .filter((i) => i['type'] === 'message')
    .flatMap(partsOf)
    .filter((p) => p['type'] === 'output_text' && typeof p['text'] === 'string')
    .map((p) => p['text'] as string)
    .join('');
}

/** Every text a Response's messages hold, whatever their parts' type (a wrong type is responses.basic's). */
function anyText(response: JsonObject): string {
  return itemsOf(response)
    .filter((i) => i['type'] === 'message')
    .flatMap(partsOf)
    .map((p) => (typeof p['text'] === 'string' ? p['text'] : ''))
    .join('');
}

/** What is wrong with a Response that should hold a completed text answer. */
function answerFindings(response: JsonObject, what: string): Finding[] {
  const out: Finding[] = [];
  if (response['object'] !== 'response')
    out.push({ verdict: 'broken', text: `${what}: object is ${JSON.stringify(response['object'])}, not "response"` });
  if (response['status'] !== 'completed')
    out.push({ verdict: 'broken', text: `${what}: status ${JSON.stringify(response['status'])}, not "completed"` });
  const messages = itemsOf(response).filter((i) => i['type'] === 'message');
  if (messages.length === 0) {
    out.push({ verdict: 'broken', text: `${what}: no message item in output` });
    return out;
  }
  const parts = messages.flatMap(partsOf);
  if (!parts.some((p) => p['type'] === 'output_text')) {
    const types = [...new Set(parts.map((p) => String(p['type'])))].join(', ') || 'none';
    out.push({
      verdict: 'broken',
      text: `${what}: the message has no output_text part (part types: ${types}), so the SDKs' output_text reads nothing`,
    });
  } else if (outputText(response).trim() === '') {
    out.push({ verdict: 'broken', text: `${what}: the output_text is empty` });
  }
  if (messages.some((m) => m['role'] !== 'assistant'))
    out.push({ verdict: 'partial', text: `${what}: a message item's role is not "assistant"` });
  return out;
}

export const responsesBasic: Probe = {
  feature: 'responses.basic',
  needs: 'model',
  steps: [[BASIC_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[BASIC_REQUEST.label], 'the basic Responses request');
    if (isJudgement(response)) return response;
    return verdictOf(
      answerFindings(response, 'the Response'),
      `a completed Response with an output_text answer: ${quote(outputText(response))}`,
      BASIC_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- the stream

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const typeOf = (e: NamedEvent): string => String(e.data?.['type'] ?? e.name);

/** The terminal event's Response, when the stream has one. */
export function terminalResponse(events: readonly NamedEvent[]): { type: string; response?: JsonObject } | null {
  const last = [...events].reverse().find((e) => TERMINAL.has(typeOf(e)));
  if (!last) return null;
  const response = last.data?.['response'];
  return { type: typeOf(last), ...(isObject(response) ? { response } : {}) };
}

/** Every check of the stream's shape, as findings (empty: a faithful stream). */
export function streamFindings(events: readonly NamedEvent[]): Finding[] {
  const out: Finding[] = [];
  if (events.length === 0) return [{ verdict: 'broken', text: 'no event in the stream' }];
  out.push(...eventFindings(events));
  const types = events.map(typeOf);
  if (types[0] !== 'response.created')
    out.push({ verdict: 'broken', text: `the first event is ${types[0]}, not response.created` });
  else if (types[1] !== 'response.in_progress')
    out.push({
      verdict: 'partial',
      text: `response.created is followed by ${types[1] ?? 'nothing'}, not response.in_progress`,
    });

  // sequence_number: on every event, 0 first, strictly increasing.
  const seq = events.map((e) => e.data?.['sequence_number']);
  const missing = seq.filter((n) => !Number.isInteger(n)).length;
  if (missing > 0)
    out.push({
      verdict: 'partial',
      text: `${missing} of ${events.length} events have no integer sequence_number (clients that order or resume by it trip)`,
    });
  else if (seq[0] !== 0 || seq.some((n, i) => i > 0 && (n as number) <= (seq[i - 1] as number)))
    out.push({
      verdict: 'broken',
      text: `sequence_number does not increase strictly from 0: ${oneLine(seq.slice(0, 8).join(', '))}`,
    });

  // The terminal event.
  const terminal = terminalResponse(events);
  const last = types[types.length - 1]!;
  if (!terminal) {
    out.push({
      verdict: 'broken',
      text: `the stream ended without response.completed (last event: ${last}): clients treat it as cut and lose the response id and usage`,
    });
  } else {
    if (terminal.type !== 'response.completed')
      out.push({ verdict: 'broken', text: `the stream ended with ${terminal.type}, not response.completed` });
    if (!TERMINAL.has(last)) out.push({ verdict: 'partial', text: `events after ${terminal.type} (last: ${last})` });
  }

  // Items: announced by output_item.added, the same id in every event about them.
  const ids = new Map<number, string>();
  const texts = new Map<string, string>();
  const doneTexts = new Map<string, string>();
  let mismatched = 0;
  for (const e of events) {
    const d = e.data;
    if (!d) continue;
    const type = typeOf(e);
    const index = d['output_index'];
    const item = isObject(d['item']) ? d['item'] : undefined;
    if (type === 'response.output_item.added' && typeof index === 'number' && typeof item?.['id'] === 'string') {
      ids.set(index, item['id']);
      continue;
    }
    const said =
      typeof d['item_id'] === 'string' ? d['item_id'] : type === 'response.output_item.done' ? item?.['id'] : undefined;
    if (typeof index === 'number' && said !== undefined && ids.get(index) !== said) mismatched++;
    const key = `${String(d['item_id'])}:${String(d['content_index'])}`;
    if (type === 'response.output_text.delta' && typeof d['delta'] === 'string')
      texts.set(key, (texts.get(key) ?? '') + d['delta']);
    if (type === 'response.output_text.done' && typeof d['text'] === 'string') doneTexts.set(key, d['text']);
  }
  if (mismatched > 0)
    out.push({
      verdict: 'broken',
      text: `${mismatched} event(s) name an item id other than their output_item.added announced`,
    });
  const itemEvents = types.filter((t) => t.startsWith('response.output_item.')).length;
  const finalItems = terminal?.response ? itemsOf(terminal.response) : [];
  if (itemEvents === 0 && finalItems.length > 0)
    out.push({
      verdict: 'broken',
      text: `no output item events: the output is only in ${terminal!.type} (clients that read response.output_item.done, as Codex does, see no answer)`,
    });
  for (const [key, text] of texts) {
    const done = doneTexts.get(key);
    if (done === undefined)
      out.push({
        verdict: 'broken',
        text: `the text deltas of ${key.split(':')[0]} never got their response.output_text.done`,
      });
    else if (done !== text)
      out.push({
        verdict: 'broken',
        text: `the deltas add up to ${quote(text)} but output_text.done says ${quote(done)}`,
      });
  }
  if (terminal?.response && texts.size > 0) {
    const streamed = [...texts.values()].join('');
    const final = outputText(terminal.response);
    if (final !== streamed)
      out.push({
        verdict: 'broken',
        text: `the streamed text ${quote(streamed)} differs from ${terminal.type}'s output ${quote(final)}`,
      });
  }
  return out;
}

/**
 * Stream integrity (suites/wire/integrity.ts) on the Responses surface: the text deltas, as a
 * client concatenates them, against the non-streamed answer to the same request (shared with
 * responses.basic, so it costs nothing), and the two usages. Only what the comparison proves
 * is a finding: a replayed delta (broken), usages that disagree (partial); a different wording
 * is the model's.
 */
export function integrityFindings(events: readonly NamedEvent[], plain: Observed | undefined): Finding[] {
  const reference = plain && isObject(plain.json) && !isErrorBody(plain.json) ? plain.json : undefined;
  if (!reference) return [];
  const deltas = events
    .filter((e) => typeOf(e) === 'response.output_text.delta' && typeof e.data?.['delta'] === 'string')
    .map((e) => e.data!['delta'] as string);
  if (deltas.length === 0) return [];
  const streamed = terminalResponse(events)?.response;
  const counts = (r: JsonObject | undefined) => {
    const usage = isObject(r?.['usage']) ? r['usage'] : undefined;
    return { prompt: int(usage, 'input_tokens'), completion: int(usage, 'output_tokens') };
  };
  const j = judgeIntegrity({
    deltas,
    reference: outputText(reference),
    streamedUsage: counts(streamed),
    nonStreamedUsage: counts(reference),
    promptChars: RESPONSES_PROMPT.length,
    usageNames: { prompt: 'input_tokens', completion: 'output_tokens' },
  });
  if (j.verdict !== 'broken' && j.verdict !== 'partial') return [];
  return [{ verdict: j.verdict, text: j.summary }];
}

export const responsesStream: Probe = {
  feature: 'responses.stream',
  needs: 'model',
  steps: [[STREAM_REQUEST, BASIC_REQUEST]],
  judge(seen) {
    const o = seen[STREAM_REQUEST.label];
    const what = 'the streamed Responses request';
    if (!o || o.status === null)
      return judgement('error', `could not measure: ${what}: ${failure(o) ?? 'no response'}`);
    const transport = failure(o);
    if (transport && !o.sse) return judgement('error', `could not measure: ${what}: ${transport}`);
    if (o.status >= 400 || (!o.sse && isErrorBody(o.json)))
      return judgement('rejected', `${what} was refused: HTTP ${o.status}: ${errorMessage(o)}`);
    if (!o.sse)
      return judgement('broken', `${what} got ${o.contentType || 'no content-type'}, not an SSE stream`, {
        decisive: STREAM_REQUEST.label,
      });
    const events = namedEvents(o);
    const seq = [...new Set(events.map(typeOf))];
    return verdictOf(
      [...streamFindings(events), ...integrityFindings(events, seen[BASIC_REQUEST.label])],
      `${events.length} events in order (${oneLine(seq.join(' → '), 200)}), ids and text consistent`,
      STREAM_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- usage

const int = (o: JsonObject | undefined, ...path: string[]): number | undefined => {
  let v: unknown = o;
  for (const k of path) v = isObject(v) ? v[k] : undefined;
  return Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
};

/** What is wrong with a Response's usage. */
export function usageFindings(response: JsonObject, what: string): Finding[] {
  const usage = isObject(response['usage']) ? response['usage'] : undefined;
  if (!usage) return [{ verdict: 'broken', text: `${what} has no usage object` }];
  const [input, output, total] = ['input_tokens', 'output_tokens', 'total_tokens'].map((k) => int(usage, k));
  const missing = ['input_tokens', 'output_tokens', 'total_tokens'].filter(
    (_, i) => [input, output, total][i] === undefined,
  );
  if (missing.length > 0)
    return [{ verdict: 'broken', text: `${what}'s usage lacks integer ${missing.join(', ')} (Chat's names instead?)` }];
  const out: Finding[] = [];
  if (input === 0 || output === 0)
    out.push({
      verdict: 'broken',
      text: `${what}'s usage says input_tokens ${input}, output_tokens ${output} for a prompt and an answer that exist: the counts measure nothing`,
    });
  if (total !== input! + output!)
    out.push({ verdict: 'partial', text: `total_tokens ${total} ≠ input_tokens ${input} + output_tokens ${output}` });
  const details = [
    ['input_tokens_details', 'cached_tokens'],
    ['output_tokens_details', 'reasoning_tokens'],
  ].filter(([a, b]) => int(usage, a!, b!) === undefined);
  if (details.length > 0)
    out.push({ verdict: 'partial', text: `usage lacks ${details.map((d) => d.join('.')).join(', ')}` });
  return out;
}

export const responsesUsage: Probe = {
  feature: 'responses.usage',
  needs: 'model',
  steps: [[BASIC_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[BASIC_REQUEST.label], 'the basic Responses request');
    if (isJudgement(response)) return response;
    const usage = isObject(response['usage']) ? response['usage'] : {};
    return verdictOf(
      usageFindings(response, 'the Response'),
      `input_tokens ${String(usage['input_tokens'])}, output_tokens ${String(usage['output_tokens'])}, total ${String(usage['total_tokens'])}, with their details`,
      BASIC_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- tools

export const RESPONSES_WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;

/** Forced by name: a real model may decline an optional call, and that is not the relay's fault. */
export const RESPONSES_TOOL_CALL: Record<string, unknown> = {
  input: 'What is the weather in Paris? Use the tool.',
  tools: [RESPONSES_WEATHER_TOOL],
  tool_choice: { type: 'function', name: RESPONSES_WEATHER_TOOL.name },
  max_output_tokens: 64,
  store: false,
};
const TOOL_REQUEST = responsesRequest('responses tool call', RESPONSES_TOOL_CALL);
const TOOL_STREAM_REQUEST = responsesRequest('responses tool call, streamed', { ...RESPONSES_TOOL_CALL, stream: true });

const callsIn = (items: readonly JsonObject[]): JsonObject[] => items.filter((i) => i['type'] === 'function_call');

/** What is wrong with the function calls of an answer that had to call get_weather once. */
function callFindings(calls: readonly JsonObject[], what: string): Finding[] {
  if (calls.length === 0)
    return [{ verdict: 'broken', text: `${what}: no function_call item although tool_choice forced one` }];
  const out: Finding[] = [];
  const ids = calls.map((c) => c['call_id']);
  if (new Set(ids).size < ids.length)
    out.push({
      verdict: 'broken',
      text: `${what}: ${calls.length} function_call items with the same call_id ${JSON.stringify(ids[0])} (a duplicated call: clients run the tool twice)`,
    });
  for (const call of calls) {
    if (typeof call['call_id'] !== 'string' || call['call_id'] === '')
      out.push({
        verdict: 'broken',
        text: `${what}: a function_call without call_id (its output cannot be sent back)`,
      });
    if (call['name'] !== RESPONSES_WEATHER_TOOL.name)
      out.push({ verdict: 'broken', text: `${what}: called ${JSON.stringify(call['name'])}, not get_weather` });
    const args = call['arguments'];
    let parsed: unknown;
    try {
      parsed = typeof args === 'string' ? JSON.parse(args) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) || typeof parsed['city'] !== 'string')
      out.push({
        verdict: 'broken',
        text: `${what}: arguments ${quote(typeof args === 'string' ? args : JSON.stringify(args))} are not a JSON object string with a city`,
      });
  }
  return out;
}

/** The function calls of a stream (from output_item.done, else the terminal response) and their argument deltas. */
function streamedCallFindings(events: readonly NamedEvent[]): Finding[] {
  const done = events.filter((e) => typeOf(e) === 'response.output_item.done' && isObject(e.data?.['item']));
  const items = done.map((e) => e.data!['item'] as JsonObject);
  const terminal = terminalResponse(events);
  const calls = callsIn(items.length > 0 ? items : terminal?.response ? itemsOf(terminal.response) : []);
  const out = callFindings(calls, 'streamed');
  const deltas = new Map<string, string>();
  const finals = new Map<string, string>();
  for (const e of events) {
    const d = e.data;
    if (!d || typeof d['item_id'] !== 'string') continue;
    if (typeOf(e) === 'response.function_call_arguments.delta' && typeof d['delta'] === 'string')
      deltas.set(d['item_id'], (deltas.get(d['item_id']) ?? '') + d['delta']);
    if (typeOf(e) === 'response.function_call_arguments.done' && typeof d['arguments'] === 'string')
      finals.set(d['item_id'], d['arguments']);
  }
  for (const call of calls) {
    const id = String(call['id']);
    const streamed = deltas.get(id);
    if (streamed === undefined) continue; // no argument events: the stream's shape is responses.stream's
    if (streamed !== call['arguments'] || (finals.has(id) && finals.get(id) !== call['arguments']))
      out.push({
        verdict: 'broken',
        text: `the argument deltas add up to ${quote(streamed)}, but the call's arguments are ${quote(String(call['arguments']))}`,
      });
  }
  return out;
}

export const responsesTools: Probe = {
  feature: 'responses.tools',
  needs: 'model',
  steps: [[TOOL_REQUEST, TOOL_STREAM_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[TOOL_REQUEST.label], 'the Responses tool call');
    if (isJudgement(response)) return response;
    const o = seen[TOOL_STREAM_REQUEST.label];
    const findings = callFindings(callsIn(itemsOf(response)), 'non-streamed');
    if (!o || o.status === null || o.status >= 400 || !o.sse)
      findings.push({
        verdict: o?.status === null || !o ? 'error' : o.status >= 400 ? 'rejected' : 'broken',
        text: `the streamed tool call: ${!o || o.status === null ? (failure(o) ?? 'no response') : o.status >= 400 ? `refused, HTTP ${o.status}: ${errorMessage(o)}` : 'not an SSE stream'}`,
      });
    else findings.push(...streamedCallFindings(namedEvents(o)));
    const call = callsIn(itemsOf(response))[0];
    return verdictOf(
      findings,
      `get_weather called once, streamed and not, with arguments ${quote(String(call?.['arguments']))} (the deltas add up)`,
      findings.some((f) => f.text.startsWith('streamed') || f.text.startsWith('the argument'))
        ? TOOL_STREAM_REQUEST.label
        : TOOL_REQUEST.label,
    );
  },
};

// ---------------------------------------------------------------- the function_call_output round trip

/** A number the model can only know from the tool's output. */
export const TOOL_OUTPUT_TEMPERATURE = 23;
export const RESPONSES_TOOL_OUTPUT: Record<string, unknown> = {
  input: [
    { role: 'user', content: 'What is the weather in Paris? Use the tool, then give the temperature.' },
    {
      type: 'function_call',
      call_id: 'call_relaycheck_1',
      name: RESPONSES_WEATHER_TOOL.name,
      arguments: '{"city":"Paris"}',
    },
    {
      type: 'function_call_output',
      call_id: 'call_relaycheck_1',
      output: `{"city":"Paris","temperature_c":${TOOL_OUTPUT_TEMPERATURE},"sky":"cloudy"}`,
    },
  ],
  tools: [RESPONSES_WEATHER_TOOL],
  max_output_tokens: 64,
  store: false,
};
const TOOL_OUTPUT_REQUEST = responsesRequest('responses tool output', RESPONSES_TOOL_OUTPUT);

export const responsesToolOutput: Probe = {
  feature: 'responses.tool_output',
  needs: 'model',
  steps: [[TOOL_OUTPUT_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[TOOL_OUTPUT_REQUEST.label], 'the function_call_output round trip');
    if (isJudgement(response)) return response;
    const text = anyText(response);
    const calls = callsIn(itemsOf(response));
    const decisive = TOOL_OUTPUT_REQUEST.label;
    if (text.includes(String(TOOL_OUTPUT_TEMPERATURE)))
      return judgement('supported', `the answer uses the tool's output: ${quote(text)}`, { decisive });
    if (calls.length > 0)
      return judgement(
        'ignored',
        `the model asked for get_weather again instead of reading the function_call_output sent back (${calls.length} new call(s)): the output did not reach it`,
        { decisive },
      );
    return judgement(
      'ignored',
      `the answer does not use the function_call_output (temperature ${TOOL_OUTPUT_TEMPERATURE}): ${quote(text)}`,
      { decisive },
    );
  },
};

// ---------------------------------------------------------------- structured output

export const RESPONSES_CAT_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, colour: { type: 'string' } },
  required: ['name', 'colour'],
  additionalProperties: false,
} as const;
export const RESPONSES_STRUCTURED: Record<string, unknown> = {
  input: 'Describe a cat in a few words.',
  text: { format: { type: 'json_schema', name: 'cat', schema: RESPONSES_CAT_SCHEMA, strict: true } },
  max_output_tokens: 64,
  store: false,
};
const STRUCTURED_REQUEST = responsesRequest('responses json_schema', RESPONSES_STRUCTURED);

export const responsesStructured: Probe = {
  feature: 'responses.structured',
  needs: 'model',
  steps: [[STRUCTURED_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[STRUCTURED_REQUEST.label], 'the request with text.format json_schema');
    if (isJudgement(response)) return response;
    const decisive = STRUCTURED_REQUEST.label;
    const text = anyText(response);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return judgement('ignored', `text.format json_schema had no effect: the answer is not JSON: ${quote(text)}`, {
        decisive,
      });
    }
    const problems = schemaProblems(RESPONSES_CAT_SCHEMA, value);
    if (problems.length > 0)
      return judgement('broken', `the JSON answer does not match the strict schema: ${problems.join(', ')}`, {
        decisive,
      });
    return judgement('supported', `JSON matching the schema: ${quote(text)}`, { decisive });
  },
};

// ---------------------------------------------------------------- max_output_tokens and incomplete

/** The smallest cap OpenAI accepts, for an answer that needs far more. */
export const RESPONSES_CAP = 16;
export const RESPONSES_CAPPED: Record<string, unknown> = {
  input: 'Count from 1 to 50, separated by commas.',
  max_output_tokens: RESPONSES_CAP,
  store: false,
};
const CAPPED_REQUEST = responsesRequest('responses max_output_tokens', RESPONSES_CAPPED);
const CAPPED_STREAM_REQUEST = responsesRequest('responses max_output_tokens, streamed', {
  ...RESPONSES_CAPPED,
  stream: true,
});

/** What is wrong with a Response cut by max_output_tokens. */
function incompleteFindings(response: JsonObject, what: string): Finding[] {
  const details = isObject(response['incomplete_details']) ? response['incomplete_details'] : undefined;
  if (response['status'] === 'incomplete') {
    return details?.['reason'] === 'max_output_tokens'
      ? []
      : [
          {
            verdict: 'partial',
            text: `${what}: incomplete, but incomplete_details.reason is ${JSON.stringify(details?.['reason'])}, not "max_output_tokens"`,
          },
        ];
  }
  const words = anyText(response)
    .split(/[\s,]+/)
    .filter(Boolean).length;
  return [
    {
      verdict: response['status'] === 'completed' && words > RESPONSES_CAP ? 'ignored' : 'broken',
      text: `${what}: status ${JSON.stringify(response['status'])} for an answer capped at ${RESPONSES_CAP} tokens (${words} words)`,
    },
  ];
}

export const responsesIncomplete: Probe = {
  feature: 'responses.incomplete',
  needs: 'model',
  steps: [[CAPPED_REQUEST, CAPPED_STREAM_REQUEST]],
  judge(seen) {
    const response = responseOf(seen[CAPPED_REQUEST.label], 'the request with max_output_tokens');
    if (isJudgement(response)) return response;
    const findings = incompleteFindings(response, 'non-streamed');
    let decisive = CAPPED_REQUEST.label;
    const o = seen[CAPPED_STREAM_REQUEST.label];
    const terminal = o?.sse ? terminalResponse(namedEvents(o)) : null;
    const warnings: string[] = [];
    if (!terminal?.response) {
      // No terminal event, or no stream: responses.stream's finding.
      warnings.push('the streamed request had no terminal event to read (see responses.stream)');
    } else {
      const streamed = incompleteFindings(terminal.response, 'streamed');
      const status = terminal.response['status'];
      const want = status === 'incomplete' ? 'response.incomplete' : status === 'failed' ? 'response.failed' : null;
      if (want && terminal.type !== want)
        streamed.push({
          verdict: 'broken',
          text: `the stream ended with ${terminal.type} for a ${String(status)} response, not ${want}: clients log it as a success`,
        });
      if (streamed.length > 0) decisive = CAPPED_STREAM_REQUEST.label;
      findings.push(...streamed);
    }
    const j = verdictOf(
      findings,
      `status incomplete (max_output_tokens), ended by response.incomplete when streamed`,
      decisive,
    );
    return judgement(j.verdict, j.summary, {
      warnings: [...(j.warnings ?? []), ...warnings],
      ...(j.decisive !== undefined ? { decisive: j.decisive } : {}),
    });
  },
};

// ---------------------------------------------------------------- reasoning items and encrypted_content

export const RESPONSES_REASONING_PROMPT = 'Is 1001 a prime number? Answer yes or no.';
/** Codex's way: nothing stored, the reasoning carried by the client as encrypted_content. */
export const RESPONSES_REASONING: Record<string, unknown> = {
  input: RESPONSES_REASONING_PROMPT,
  reasoning: { effort: 'low' },
  include: ['reasoning.encrypted_content'],
  store: false,
  max_output_tokens: 400,
};
const REASONING_REQUEST = responsesRequest('responses reasoning', RESPONSES_REASONING);
const REPLAY_LABEL = 'responses reasoning, replayed';

/** The next turn: the first answer's output items replayed as input, as Codex does. */
function replayBody(seen: Readonly<Record<string, Observed | undefined>>): Record<string, unknown> {
  const o = seen[REASONING_REQUEST.label];
  // Messages replayed in their documented shape (a mistyped part is responses.basic's finding).
  const items = (isObject(o?.json) ? itemsOf(o.json) : []).map((i) =>
    i['type'] === 'message'
      ? { ...i, content: partsOf(i).map((p) => (p['type'] === 'text' ? { ...p, type: 'output_text' } : p)) }
      : i,
  );
  return {
    ...RESPONSES_REASONING,
    input: [
      { role: 'user', content: RESPONSES_REASONING_PROMPT },
      ...items,
      { role: 'user', content: 'Is 1001 divisible by 7? Answer yes or no.' },
    ],
  };
}

export const responsesReasoning: Probe = {
  feature: 'responses.reasoning',
  needs: 'reasoning-model',
  steps: [[REASONING_REQUEST], (seen) => [responsesRequest(REPLAY_LABEL, replayBody(seen))]],
  judge(seen) {
    const response = responseOf(seen[REASONING_REQUEST.label], 'the reasoning request');
    if (isJudgement(response)) return response;
    const reasoning = itemsOf(response).filter((i) => i['type'] === 'reasoning');
    if (reasoning.length === 0)
      return judgement(
        'broken',
        'no reasoning item in the output of a reasoning model: the reasoning was lost on the way (a client cannot carry it to the next turn)',
        { decisive: REASONING_REQUEST.label },
      );
    const sealed = reasoning.filter((i) => typeof i['encrypted_content'] === 'string' && i['encrypted_content'] !== '');
    if (sealed.length === 0)
      return judgement(
        'broken',
        'the reasoning item has no encrypted_content although include asked for it under store: false: the next turn loses the reasoning',
        { decisive: REASONING_REQUEST.label },
      );
    const replay = responseOf(seen[REPLAY_LABEL], 'the next turn replaying the reasoning item');
    if (isJudgement(replay))
      return replay.verdict === 'rejected'
        ? judgement('broken', `${replay.summary} (the encrypted_content the relay itself returned)`, {
            decisive: REPLAY_LABEL,
          })
        : replay;
    if (replay['status'] !== 'completed' && replay['status'] !== 'incomplete')
      return judgement('broken', `the replayed turn ended with status ${JSON.stringify(replay['status'])}`, {
        decisive: REPLAY_LABEL,
      });
    return judgement(
      'supported',
      `a reasoning item with encrypted_content (${String(sealed[0]!['encrypted_content']).length} characters), accepted when replayed in the next turn`,
      { decisive: REPLAY_LABEL },
    );
  },
};

// ---------------------------------------------------------------- previous_response_id and store

export const RESPONSES_STORED: Record<string, unknown> = {
  input: 'Remember the code word PLUM. Reply with exactly: OK',
  store: true,
  max_output_tokens: 16,
};
const STORED_LABEL = 'responses stored';
/**
 * The stored turn, new to this run: the mock (and a relay caching by request) derives ids from
 * the request's bytes, so two runs on one target would share one response, and one run's
 * DELETE (responses.retrieve) would pull it from under the other.
 */
const storedRequest = (_seen: Seen, ctx: ProbeContext): RequestSpec[] => [
  responsesRequest(
    STORED_LABEL,
    ctx.runId
      ? { ...RESPONSES_STORED, input: `Session ${ctx.runId}. ${String(RESPONSES_STORED['input'])}` }
      : RESPONSES_STORED,
  ),
];
const FOLLOW_UP_LABEL = 'responses previous_response_id';
const UNKNOWN_PREVIOUS_LABEL = 'responses unknown previous_response_id';
export const UNKNOWN_PREVIOUS_ID = 'resp_relaycheck_unknown_000000000000';
const FOLLOW_UP = { input: 'What was the code word? Reply with the word only.', store: false, max_output_tokens: 16 };

/** A refusal, whatever its shape (the envelope is responses.errors's). */
const refused = (o: Observed | undefined): boolean =>
  o !== undefined &&
  o.status !== null &&
  (o.status >= 400 || isErrorBody(o.json) || (isObject(o.json) && o.json['status'] === 'failed'));

/** The stored Response's id, when it has one. */
const storedId = (seen: Readonly<Record<string, Observed | undefined>>): string | undefined => {
  const o = seen[STORED_LABEL];
  return isObject(o?.json) && typeof o.json['id'] === 'string' ? o.json['id'] : undefined;
};

/** The turn continuing the stored response (shared by responses.store and responses.retrieve). */
const followUpRequest = (seen: Readonly<Record<string, Observed | undefined>>): RequestSpec =>
  responsesRequest(FOLLOW_UP_LABEL, { ...FOLLOW_UP, previous_response_id: storedId(seen) ?? UNKNOWN_PREVIOUS_ID });

export const responsesStore: Probe = {
  feature: 'responses.store',
  needs: 'model',
  steps: [
    storedRequest,
    (seen) => {
      return [
        followUpRequest(seen),
        {
          ...responsesRequest(UNKNOWN_PREVIOUS_LABEL, { ...FOLLOW_UP, previous_response_id: UNKNOWN_PREVIOUS_ID }),
          noRetry: true,
        },
      ];
    },
  ],
  judge(seen) {
    const first = responseOf(seen[STORED_LABEL], 'the stored request');
    if (isJudgement(first)) return first;
    const next = responseOf(seen[FOLLOW_UP_LABEL], 'the follow-up with previous_response_id');
    if (isJudgement(next)) return judgement(next.verdict, next.summary, { decisive: FOLLOW_UP_LABEL });
    const unknown = seen[UNKNOWN_PREVIOUS_LABEL];
    const findings: Finding[] = [];
    if (unknown && unknown.status !== null && !refused(unknown))
      findings.push({
        verdict: 'ignored',
        text: `an unknown previous_response_id (${UNKNOWN_PREVIOUS_ID}) was accepted (HTTP ${unknown.status}) instead of refused with previous_response_not_found: the relay drops it`,
      });
    const used = (o: JsonObject, k: string): number | undefined =>
      int(isObject(o['usage']) ? o['usage'] : undefined, k);
    const [inA, outA, inB] = [used(first, 'input_tokens'), used(first, 'output_tokens'), used(next, 'input_tokens')];
    if (inA !== undefined && outA !== undefined && inB !== undefined && inB < inA + outA)
      findings.push({
        verdict: 'ignored',
        text: `the follow-up's input_tokens ${inB} are fewer than the stored turn's input and output (${inA} + ${outA}): the previous turn was not part of the prompt`,
      });
    return verdictOf(
      findings,
      `the follow-up with previous_response_id carried the stored turn (input_tokens ${String(inB)} ≥ ${String(inA)} + ${String(outA)}); an unknown id was refused`,
      findings.length > 0 && findings[0]!.text.startsWith('an unknown') ? UNKNOWN_PREVIOUS_LABEL : FOLLOW_UP_LABEL,
    );
  },
};

// ---------------------------------------------------------------- GET and DELETE /responses/{id}

const GET_LABEL = 'responses retrieve';
const DELETE_LABEL = 'responses delete';
const GET_AFTER_LABEL = 'responses retrieve after delete';
/** Statuses of a relay that has no route to stored responses (or keeps none). */
const NOT_KEPT = new Set([404, 405]);

/**
 * The path of the stored response, or undefined for an id no URL can carry faithfully (the
 * relay's text: empty, huge, or dots that URL parsing would resolve as a parent folder).
 */
function storedPath(seen: Readonly<Record<string, Observed | undefined>>): string | undefined {
  const id = storedId(seen);
  if (id === undefined || id.length === 0 || id.length > 512 || /^\.+$/.test(id)) return undefined;
  return `${RESPONSES_PATH}/${encodeURIComponent(id)}`;
}

/** A request to the stored response's path; sent once, never retried (a retried DELETE would find nothing). */
const byIdRequest = (label: string, method: 'GET' | 'DELETE', path: string, repeat = 0): RequestSpec => ({
  label,
  method,
  path,
  noRetry: true,
  ...(repeat > 0 ? { repeat } : {}),
});

/** The first GET found the response: the rest of the round trip goes on. */
const retrieved = (seen: Readonly<Record<string, Observed | undefined>>): boolean => {
  const o = seen[GET_LABEL];
  return o !== undefined && o.status !== null && o.status < 400;
};

/** What is wrong with the DELETE's answer (a refusal is judged apart). */
function deletedFindings(o: Observed, id: string): Finding[] {
  const body = isObject(o.json) ? o.json : undefined;
  if (!body)
    return [{ verdict: 'partial', text: `DELETE answered HTTP ${o.status} without a JSON object: ${quote(o.text)}` }];
  const out: Finding[] = [];
  if (body['deleted'] !== true)
    out.push({
      verdict: 'partial',
      text: `DELETE answered deleted ${JSON.stringify(body['deleted'])}, not true: clients that check it think the delete failed`,
    });
  if (body['id'] !== id)
    out.push({ verdict: 'partial', text: `DELETE answered for the id ${quote(String(body['id']))}, not ${quote(id)}` });
  // OpenAI's reference documents "response"; servers modelled on it also say "response.deleted".
  if (body['object'] !== 'response' && body['object'] !== 'response.deleted')
    out.push({ verdict: 'partial', text: `DELETE answered object ${JSON.stringify(body['object'])}, not "response"` });
  return out;
}

/** What is wrong with the GET after the DELETE (its status `deleted`): it must be a 404 in OpenAI's envelope. */
function goneFindings(o: Observed | undefined, deleted: number): Finding[] {
  const transport = failure(o);
  if (!o || o.status === null)
    return [{ verdict: 'error', text: `could not measure: the GET after DELETE: ${transport ?? 'no response'}` }];
  if (o.status < 400 && !isErrorBody(o.json))
    return [
      {
        verdict: 'broken',
        text: `DELETE answered HTTP ${deleted}, but the GET after it still returned the response (HTTP ${o.status}): the relay did not delete it`,
      },
    ];
  if (o.status >= 500)
    return [{ verdict: 'error', text: `could not measure: the GET after DELETE got HTTP ${o.status}` }];
  const out: Finding[] = [];
  if (o.status !== 404) out.push({ verdict: 'partial', text: `the GET after DELETE got HTTP ${o.status}, not 404` });
  const error = isObject(o.json) && isObject(o.json['error']) ? o.json['error'] : undefined;
  if (!error || typeof error['message'] !== 'string' || typeof error['type'] !== 'string')
    out.push({
      verdict: 'partial',
      text: `the GET after DELETE was refused without OpenAI's {"error": {"message", "type"}} envelope: ${quote(o.text)}`,
    });
  return out;
}

/**
 * GET, DELETE, GET of the response responses.store created: 3 requests and no token on top of
 * responses.store's. The DELETE waits for responses.store's follow-up (the same request, shared),
 * so it never removes a response another probe is still continuing.
 */
export const responsesRetrieve: Probe = {
  feature: 'responses.retrieve',
  needs: 'model',
  steps: [
    storedRequest,
    (seen) => {
      const path = storedPath(seen);
      return path ? [followUpRequest(seen), byIdRequest(GET_LABEL, 'GET', path)] : [];
    },
    (seen) => {
      const path = storedPath(seen);
      return path && retrieved(seen) ? [byIdRequest(DELETE_LABEL, 'DELETE', path)] : [];
    },
    (seen) => {
      const path = storedPath(seen);
      const o = seen[DELETE_LABEL];
      return path && o && o.status !== null && o.status < 400 ? [byIdRequest(GET_AFTER_LABEL, 'GET', path, 1)] : [];
    },
  ],
  judge(seen) {
    const created = responseOf(seen[STORED_LABEL], 'the stored request');
    if (isJudgement(created)) return created;
    const id = storedId(seen);
    if (id === undefined || storedPath(seen) === undefined)
      return judgement(
        'error',
        `could not measure: the Response created with store: true has no id a URL can carry (${quote(String(created['id']))})`,
        { decisive: STORED_LABEL },
      );

    // The GET: a refusal is a relay that keeps no responses, an honest answer.
    const got = seen[GET_LABEL];
    if (got && got.status !== null && NOT_KEPT.has(got.status))
      return judgement(
        'rejected',
        `GET ${RESPONSES_PATH}/${oneLine(id, 80)} of the response just created with store: true answered HTTP ${got.status}: ${quote(errorMessage(got), 120)}: the relay does not keep responses or serve their retrieval`,
        { decisive: GET_LABEL },
      );
    const response = responseOf(got, 'GET of the stored response');
    if (isJudgement(response)) return judgement(response.verdict, response.summary, { decisive: GET_LABEL });
    const findings: Finding[] = [];
    if (response['id'] !== id)
      findings.push({
        verdict: 'broken',
        text: `GET of ${quote(id)} returned the response ${quote(String(response['id']))}: another response`,
      });
    if (response['object'] !== 'response')
      findings.push({
        verdict: 'broken',
        text: `GET returned object ${JSON.stringify(response['object'])}, not "response"`,
      });
    if (response['status'] !== created['status'])
      findings.push({
        verdict: 'broken',
        text: `GET returned status ${JSON.stringify(response['status'])}, but the create answer was ${JSON.stringify(created['status'])}`,
      });
    // Any part type: a mistyped part is responses.basic's finding.
    const [was, is] = [anyText(created), anyText(response)];
    if (was !== is)
      findings.push({
        verdict: 'broken',
        text: `GET returned the output text ${quote(is)}, but the create answer was ${quote(was)}`,
      });
    if (findings.length > 0) return verdictOf(findings, '', GET_LABEL);

    // The DELETE, then the GET that must no longer find it.
    const deleted = seen[DELETE_LABEL];
    if (!deleted || deleted.status === null)
      return judgement(
        'error',
        `could not measure: DELETE of the stored response: ${failure(deleted) ?? 'no response'}`,
        {
          decisive: DELETE_LABEL,
        },
      );
    if (deleted.status >= 400)
      return judgement(
        deleted.status >= 500 ? 'error' : 'partial',
        `GET returns the stored response, but DELETE was refused (HTTP ${deleted.status}: ${quote(errorMessage(deleted), 120)}): stored responses cannot be erased through the relay`,
        { decisive: DELETE_LABEL },
      );
    const [answered, gone] = [deletedFindings(deleted, id), goneFindings(seen[GET_AFTER_LABEL], deleted.status)];
    // The reproducer replays what went wrong; when nothing did, the GET (replaying it changes nothing).
    return verdictOf(
      [...answered, ...gone],
      `GET returned the stored response (same id and text), DELETE answered deleted: true, and a GET after it got 404 in the error envelope`,
      gone.length > 0 ? GET_AFTER_LABEL : answered.length > 0 ? DELETE_LABEL : GET_LABEL,
    );
  },
};

// ---------------------------------------------------------------- errors and their envelope

const ERROR_REQUESTS: readonly RequestSpec[] = [
  {
    ...responsesRequest('responses unknown model', { input: 'Output exactly: OK', max_output_tokens: 16 }),
    model: { id: UNKNOWN_MODEL },
    noRetry: true,
  },
  {
    ...responsesRequest('responses unknown model, streamed', {
      input: 'Output exactly: OK',
      max_output_tokens: 16,
      stream: true,
    }),
    model: { id: UNKNOWN_MODEL },
    noRetry: true,
  },
  { ...responsesRequest('responses invalid input', { input: 42, max_output_tokens: 16 }), noRetry: true },
];

/** What is wrong with a refusal that must come before the 200, in OpenAI's envelope. */
function envelopeFindings(o: Observed | undefined, what: string): Finding[] {
  const transport = failure(o);
  if (!o || o.status === null || (transport && o.status < 400))
    return [{ verdict: 'error', text: `could not measure: ${what}: ${transport ?? 'no response'}` }];
  if (o.status < 400) {
    const failed = isObject(o.json) && o.json['status'] === 'failed';
    return [
      {
        verdict: 'broken',
        text: `${what} got HTTP ${o.status}${failed ? ' with a failed Response' : o.sse ? ' and a stream' : ''} instead of a 4xx error: clients take the refusal for an answer`,
      },
    ];
  }
  const error = isObject(o.json) && isObject(o.json['error']) ? o.json['error'] : undefined;
  if (!error)
    return [
      {
        verdict: 'partial',
        text: `${what}: HTTP ${o.status} without OpenAI's {"error": {...}} envelope: ${quote(o.text)}`,
      },
    ];
  const missing = ['message', 'type'].filter((k) => typeof error[k] !== 'string');
  if (missing.length > 0) return [{ verdict: 'partial', text: `${what}: the error lacks ${missing.join(', ')}` }];
  return [];
}

export const responsesErrors: Probe = {
  feature: 'responses.errors',
  needs: 'model',
  // The valid request first: the surface is served if it answers (see engine/verdict.ts).
  steps: [[BASIC_REQUEST], ERROR_REQUESTS],
  judge(seen) {
    return verdictOverRequests(
      seen,
      ERROR_REQUESTS,
      envelopeFindings,
      (label) => label.replace('responses ', 'the '),
      (statuses) => `refusals before the 200, in the error envelope (HTTP ${statuses})`,
    );
  },
};
