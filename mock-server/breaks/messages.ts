// Anthropic's Messages (POST /messages): what relays that convert to and from Chat, or proxy
// Anthropic carelessly, get wrong. Each edits what the relay forwards (the request body, or
// refuses it), the message it sends, the events of its stream, count_tokens' answer, or a
// refusal's shape.
import { anthropicError, betasOf, unexpectedBetas } from '../protocols/anthropic.js';
import { countTokens } from '../core/tokens.js';
import type { BreakImpl, JsonObject, MessagesEvent } from './hooks.js';
import { isObject } from './json.js';

const listOf = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The blocks of every message's content (string contents have none). */
const blocksIn = (body: JsonObject): JsonObject[] =>
  listOf(body.messages).flatMap((m) => (Array.isArray(m.content) ? listOf(m.content) : []));

/** A tool whose input schema has no property: what some converters cannot translate. */
const parameterless = (tool: JsonObject): boolean => {
  const schema = isObject(tool.input_schema) ? tool.input_schema : {};
  return !isObject(schema.properties) || Object.keys(schema.properties).length === 0;
};

/** Every cache_control removed, wherever it is (tools, system blocks, message blocks, top level). */
function dropCacheControl(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropCacheControl);
  else if (isObject(node)) {
    delete node.cache_control;
    Object.values(node).forEach(dropCacheControl);
  }
}

/** A message's usage and message_start's / message_delta's, wherever the object holds one. */
function usagesIn(events: MessagesEvent[]): JsonObject[] {
  return events.flatMap(({ data }) => {
    const message = isObject(data.message) ? data.message : undefined;
    return [data.usage, message?.usage].filter(isObject);
  });
}

const editUsage =
  (edit: (usage: JsonObject) => void) =>
  (body: JsonObject): void => {
    if (isObject(body.usage)) edit(body.usage);
  };

const editStreamUsage =
  (edit: (usage: JsonObject) => void) =>
  (events: MessagesEvent[]): MessagesEvent[] => {
    usagesIn(events).forEach(edit);
    return events;
  };

function zeroUsage(usage: JsonObject): void {
  for (const k of Object.keys(usage)) if (typeof usage[k] === 'number') usage[k] = 0;
}

function dropCacheFields(usage: JsonObject): void {
  delete usage.cache_creation_input_tokens;
  delete usage.cache_read_input_tokens;
}

/** A relay's own signature in place of Anthropic's: the next turn's check fails. */
const FOREIGN_SIGNATURE = 'cmVsYXktc2lnbmF0dXJl';

const TEXT_DELTA = (e: MessagesEvent): boolean =>
  e.event === 'content_block_delta' && isObject(e.data.delta) && e.data.delta.type === 'text_delta';

/** The text of a request's system and messages, as a relay estimating usage reads it. */
function promptText(body: JsonObject): string {
  const text = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : listOf(content)
          .map((b) => (typeof b.text === 'string' ? b.text : ''))
          .join('');
  return [text(body.system), ...listOf(body.messages).map((m) => text(m.content))].join('');
}

export const messagesBreaks: Record<string, BreakImpl> = {
  'messages-content-as-string': {
    // A text-only answer's content sent as a string (Chat's shape), not a list of blocks.
    messagesBody(body) {
      const blocks = listOf(body.content);
      if (blocks.length > 0 && blocks.every((b) => b.type === 'text'))
        body.content = blocks.map((b) => b.text).join('');
    },
  },
  'messages-block-index-off': {
    // Block indices counted from 1.
    messagesEvents(events) {
      for (const { data } of events) if (typeof data.index === 'number') data.index += 1;
      return events;
    },
  },
  'messages-no-block-stop': {
    messagesEvents: (events) => events.filter((e) => e.event !== 'content_block_stop'),
  },
  'messages-no-message-stop': {
    messagesEvents: (events) => events.filter((e) => e.event !== 'message_stop'),
  },
  'messages-text-deltas-duplicated': {
    // Each text delta sent twice, as a relay replaying its upstream buffer does.
    messagesEvents: (events) => events.flatMap((e) => (TEXT_DELTA(e) ? [e, structuredClone(e)] : [e])),
  },
  'messages-stream-partial-delta-replay': {
    // After a split read the relay re-sends what it had of the first text_delta with the second:
    // "alph", "alpha", " beta" (@nullplatform/llm-gateway behind a paced upstream).
    messagesEvents(events) {
      const first = new Map<unknown, string>();
      const done = new Set<unknown>();
      for (const e of events) {
        const delta = e.data.delta;
        if (!TEXT_DELTA(e) || !isObject(delta) || typeof delta.text !== 'string' || delta.text === '') continue;
        if (done.has(e.data.index)) continue;
        const before = first.get(e.data.index);
        if (before === undefined) first.set(e.data.index, delta.text);
        else {
          delta.text = before + delta.text;
          done.add(e.data.index);
        }
      }
      return events;
    },
  },
  'messages-stream-usage-estimated': {
    // new-api PR#7419 on this surface: the stream billed by a characters/4 estimate of the
    // prompt's text and of the streamed text.
    messagesEvents(events, ctx) {
      const streamed = events
        .filter(TEXT_DELTA)
        .map((e) => (isObject(e.data.delta) && typeof e.data.delta.text === 'string' ? e.data.delta.text : ''))
        .join('');
      const input = Math.ceil(promptText(ctx.request).length / 4);
      const output = Math.ceil(streamed.length / 4);
      for (const { data } of events) {
        const message = isObject(data.message) ? data.message : undefined;
        for (const usage of [data.usage, message?.usage].filter(isObject)) {
          if ('input_tokens' in usage) usage.input_tokens = input;
          if (data.type === 'message_delta') usage.output_tokens = output;
        }
      }
      return events;
    },
  },
  'messages-parameterless-tool-dropped': {
    // Tools without parameters are not forwarded; a tool_choice naming one becomes "any".
    messagesRequest(body) {
      const tools = listOf(body.tools);
      const dropped = new Set(tools.filter(parameterless).map((t) => t.name));
      if (dropped.size === 0) return;
      body.tools = tools.filter((t) => !dropped.has(t.name));
      if (isObject(body.tool_choice) && dropped.has(body.tool_choice.name)) body.tool_choice = { type: 'any' };
    },
  },
  'messages-tool-result-blocks-dropped': {
    // A tool_result whose content is a list of blocks forwarded empty (only strings are kept).
    messagesRequest(body) {
      for (const b of blocksIn(body)) if (b.type === 'tool_result' && Array.isArray(b.content)) b.content = '';
    },
  },
  'messages-assistant-text-dropped': {
    // An assistant turn with tool calls forwarded as its calls alone (Chat's content: null).
    messagesRequest(body) {
      for (const m of listOf(body.messages))
        if (m.role === 'assistant' && listOf(m.content).some((b) => b.type === 'tool_use'))
          m.content = listOf(m.content).filter((b) => b.type !== 'text');
    },
  },
  'messages-is-error-dropped': {
    messagesRequest(body) {
      for (const b of blocksIn(body)) if (b.type === 'tool_result') delete b.is_error;
    },
  },
  'messages-tool-choice-ignored': {
    messagesRequest(body) {
      delete body.tool_choice;
    },
  },
  'messages-stop-sequences-ignored': {
    messagesRequest(body) {
      delete body.stop_sequences;
    },
  },
  'messages-max-tokens-as-end-turn': {
    // An answer cut by max_tokens reported as complete.
    messagesBody(body) {
      if (body.stop_reason === 'max_tokens') body.stop_reason = 'end_turn';
    },
    messagesEvents(events) {
      for (const { data } of events)
        if (isObject(data.delta) && data.delta.stop_reason === 'max_tokens') data.delta.stop_reason = 'end_turn';
      return events;
    },
  },
  'messages-thinking-signature-rewritten': {
    messagesBody(body) {
      for (const b of listOf(body.content)) if (b.type === 'thinking') b.signature = FOREIGN_SIGNATURE;
    },
    messagesEvents(events) {
      for (const { data } of events)
        if (isObject(data.delta) && data.delta.type === 'signature_delta') data.delta.signature = FOREIGN_SIGNATURE;
      return events;
    },
  },
  'messages-thinking-history-dropped': {
    // Thinking blocks of earlier assistant turns are not forwarded.
    messagesRequest(body) {
      for (const m of listOf(body.messages))
        if (m.role === 'assistant' && Array.isArray(m.content))
          m.content = listOf(m.content).filter((b) => b.type !== 'thinking' && b.type !== 'redacted_thinking');
    },
  },
  'messages-cache-control-dropped': {
    messagesRequest: dropCacheControl,
  },
  'messages-count-tokens-estimated': {
    // count_tokens estimated from the messages' text alone: tools and system not counted.
    messagesCount(answer, request) {
      const text = listOf(request.messages)
        .map((m) =>
          typeof m.content === 'string'
            ? m.content
            : listOf(m.content)
                .map((b) => (typeof b.text === 'string' ? b.text : ''))
                .join(''),
        )
        .join('\n');
      answer.input_tokens = countTokens(text);
    },
  },
  'messages-usage-zero': {
    messagesBody: editUsage(zeroUsage),
    messagesEvents: editStreamUsage(zeroUsage),
  },
  'messages-usage-without-cache-fields': {
    // Usage translated from Chat's: input and output only.
    messagesBody: editUsage(dropCacheFields),
    messagesEvents: editStreamUsage(dropCacheFields),
  },
  'messages-error-openai-envelope': {
    messagesError(reply) {
      const error = isObject(reply.body.error) ? reply.body.error : {};
      reply.body = { error: { message: error.message, type: error.type, param: null, code: null } };
    },
  },
  'messages-error-as-200': {
    // A refused request (400/404) answered with HTTP 200 and the error body.
    messagesError(reply) {
      if (reply.status === 400 || reply.status === 404) reply.status = 200;
    },
  },
  'messages-x-api-key-refused': {
    bearerOnly: true,
  },
  'messages-system-role-refused': {
    // Anthropic's schema before system entries were allowed inside messages: the 400 Claude Code saw.
    messagesRequest(body) {
      const at = listOf(body.messages).findIndex((m) => m.role === 'system');
      if (at >= 0)
        return anthropicError(
          400,
          'invalid_request_error',
          `messages.${at}.role: Input should be 'user' or 'assistant'`,
        );
    },
  },
  'messages-beta-refused': {
    // A relay that knows no beta (or forwards to an upstream that knows none) refuses Claude
    // Code's every request: its anthropic-beta list, or the ?beta=true on its path.
    messagesRequest(_body, _params, { headers, query }) {
      const betas = betasOf(headers['anthropic-beta']);
      if (betas.length > 0) return unexpectedBetas(betas);
      if (query.has('beta'))
        return anthropicError(400, 'invalid_request_error', 'beta: Extra inputs are not permitted (query parameter)');
    },
  },
};
