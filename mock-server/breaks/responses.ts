// The Responses API (POST /responses): what relays that convert to and from Chat get wrong.
// Each edits what the relay forwards (the request body), the Response object it sends, or
// the list of events of its stream.
import type { BreakImpl, JsonObject } from './hooks.js';
import { isObject } from './json.js';

/** The Response objects a stream carries (created, in_progress and the terminal event). */
const responsesIn = (events: JsonObject[]): JsonObject[] =>
  events.map((e) => e.response).filter((r): r is JsonObject => isObject(r));

/** The terminal event types of a stream. */
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function zeroUsage(response: JsonObject): void {
  if (!isObject(response.usage)) return;
  response.usage = {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
}

/** The output_text of a Response's messages. */
function textOf(response: JsonObject): string {
  let text = '';
  for (const item of Array.isArray(response.output) ? response.output.filter(isObject) : [])
    if (item.type === 'message' && Array.isArray(item.content))
      for (const part of item.content.filter(isObject)) if (typeof part.text === 'string') text += part.text;
  return text;
}

/** Message content parts typed as Chat's `text` instead of `output_text`. */
function chatTypedParts(response: JsonObject): void {
  for (const item of Array.isArray(response.output) ? response.output.filter(isObject) : []) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content.filter(isObject)) if (part.type === 'output_text') part.type = 'text';
  }
}

/** The first function_call of a Response's output written twice, the copy right after it. */
function duplicateCall(response: JsonObject): void {
  if (!Array.isArray(response.output)) return;
  const at = response.output.findIndex((i) => isObject(i) && i.type === 'function_call');
  if (at >= 0) response.output.splice(at + 1, 0, structuredClone(response.output[at] as JsonObject));
}

/**
 * The events of the first function call (output_item.added to its output_item.done) sent
 * twice, the copy as the next output item; later items and the sequence move up by one.
 */
function duplicateCallEvents(events: JsonObject[]): JsonObject[] {
  const start = events.findIndex(
    (e) => e.type === 'response.output_item.added' && isObject(e.item) && e.item.type === 'function_call',
  );
  if (start < 0) return events;
  const index = events[start]!.output_index as number;
  const end = events.findIndex(
    (e, i) => i > start && e.type === 'response.output_item.done' && e.output_index === index,
  );
  if (end < 0) return events;
  const copy = structuredClone(events.slice(start, end + 1));
  const out = [...events.slice(0, end + 1), ...copy, ...events.slice(end + 1)];
  out.forEach((e, i) => {
    if (typeof e.output_index === 'number' && (i > end + copy.length || (i > end && e.output_index === index)))
      e.output_index += 1;
    if ('sequence_number' in e) e.sequence_number = i;
  });
  responsesIn(out).forEach(duplicateCall);
  return out;
}

/** Reasoning items removed from a Response's output. */
function dropReasoning(response: JsonObject): void {
  if (Array.isArray(response.output))
    response.output = response.output.filter((i) => !(isObject(i) && i.type === 'reasoning'));
}

/** The events of reasoning items removed; the later items move down, the sequence is renumbered. */
function dropReasoningEvents(events: JsonObject[]): JsonObject[] {
  const gone = new Set<number>();
  for (const e of events)
    if (e.type === 'response.output_item.added' && isObject(e.item) && e.item.type === 'reasoning')
      gone.add(e.output_index as number);
  const out = events.filter((e) => !(typeof e.output_index === 'number' && gone.has(e.output_index)));
  out.forEach((e, i) => {
    if (typeof e.output_index === 'number') {
      const at = e.output_index;
      e.output_index = at - [...gone].filter((g) => g < at).length;
    }
    if ('sequence_number' in e) e.sequence_number = i;
  });
  responsesIn(out).forEach(dropReasoning);
  return out;
}

export const responsesBreaks: Record<string, BreakImpl> = {
  'responses-text-parts': {
    responsesBody: chatTypedParts,
  },
  'responses-no-completed': {
    responsesEvents: (events) => events.filter((e) => !TERMINAL.has(String(e.type))),
  },
  'responses-output-only-in-completed': {
    // Only the lifecycle events: created, in_progress and the terminal one holding the output.
    responsesEvents: (events) =>
      events.filter(
        (e) => e.type === 'response.created' || e.type === 'response.in_progress' || TERMINAL.has(String(e.type)),
      ),
  },
  'responses-no-sequence-number': {
    responsesEvents(events) {
      for (const e of events) delete e.sequence_number;
      return events;
    },
  },
  'responses-stream-closed-early': {
    // The connection ends halfway through the first text (or the first output item).
    responsesEvents(events) {
      const deltas = events.flatMap((e, i) => (e.type === 'response.output_text.delta' ? [i] : []));
      const firstItem = events.findIndex((e) => e.type === 'response.output_item.added');
      const cut = deltas.length > 0 ? deltas[Math.floor(deltas.length / 2)]! : firstItem >= 0 ? firstItem : 1;
      return events.slice(0, cut + 1);
    },
  },
  'responses-call-output-dropped': {
    // A converter that forwards only messages: the call and its output never reach the model.
    responsesRequest(body) {
      if (!Array.isArray(body.input)) return;
      body.input = body.input.filter(
        (i) => !(isObject(i) && (i.type === 'function_call' || i.type === 'function_call_output')),
      );
    },
  },
  'responses-duplicate-call': {
    responsesBody: duplicateCall,
    responsesEvents: duplicateCallEvents,
  },
  'responses-text-format-ignored': {
    responsesRequest(body) {
      if (isObject(body.text)) delete body.text.format;
    },
  },
  'responses-failure-as-completed': {
    // The terminal event of a response that did not complete is named as a success.
    responsesEvents(events) {
      for (const e of events)
        if (e.type === 'response.incomplete' || e.type === 'response.failed') e.type = 'response.completed';
      return events;
    },
  },
  'responses-reasoning-dropped': {
    responsesBody: dropReasoning,
    responsesEvents: dropReasoningEvents,
  },
  'responses-previous-id-ignored': {
    responsesRequest(body) {
      delete body.previous_response_id;
    },
  },
  'responses-retrieve-missing': { noResponseRoutes: true },
  'responses-delete-ignored': { keepDeleted: true },
  'responses-error-as-failed-response': {
    // A refused request (400/404) answered as a 200 Response that failed.
    responsesError: (error) =>
      error.status === 400 || error.status === 404
        ? {
            id: 'resp_error',
            object: 'response',
            status: 'failed',
            error: { code: error.code ?? 'server_error', message: error.message },
            output: [],
            usage: null,
          }
        : null,
  },
  'responses-stream-usage-estimated': {
    responsesEvents(events, ctx) {
      // new-api PR#7419 on the Responses surface: the stream billed by a characters/4 estimate.
      const input = typeof ctx.request.input === 'string' ? ctx.request.input : JSON.stringify(ctx.request.input ?? '');
      for (const r of responsesIn(events)) {
        if (!isObject(r.usage)) continue;
        const prompt = Math.ceil(input.length / 4);
        const completion = Math.ceil(textOf(r).length / 4);
        r.usage = { ...r.usage, input_tokens: prompt, output_tokens: completion, total_tokens: prompt + completion };
      }
      return events;
    },
  },
  'responses-usage-zero': {
    responsesBody: zeroUsage,
    responsesEvents(events) {
      responsesIn(events).forEach(zeroUsage);
      return events;
    },
  },
};
