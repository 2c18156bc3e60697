// Tool calls: streamed deltas that clients cannot assemble, tool parameters dropped, tools
// without parameters dropped, and assistant text beside tool calls lost from the history.
import type { Tool } from '../../spec/generated/types.js';
import { invalidRequest } from '../core/api-error.js';
import type { BreakImpl } from './hooks.js';
import { bodyOf, choicesOf, isObject, toolDeltasOf } from './json.js';

/** The first assistant message with tool calls whose content matches. */
function historyIndex(messages: { role: string; tool_calls?: unknown[]; content?: unknown }[], empty: boolean): number {
  return messages.findIndex(
    (m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0 && (empty ? m.content === '' : m.content == null),
  );
}

/** A tool a relay may take for empty: no `parameters`, or an object schema without properties. */
function withoutParameters(tool: Tool): boolean {
  const p = tool.function.parameters as { properties?: unknown } | undefined;
  return p === undefined || p === null || !isObject(p.properties) || Object.keys(p.properties).length === 0;
}

/**
 * The letters a fragment ends with, when the next goes on with a letter ("\"Par" + "is\"}"):
 * what a gateway re-sends when it replays a word split across two reads.
 */
function splitWordTail(fragment: string, next: string): string {
  if (!/^\p{L}/u.test(next)) return '';
  return /\p{L}+$/u.exec(fragment)?.[0] ?? '';
}

export const toolBreaks: Record<string, BreakImpl> = {
  'tool-args-partial-replay': {
    chunks(chunks) {
      // The last word of each call's arguments split across two fragments is re-sent whole
      // ("\"Par", "Paris\"}"): inside a string value, so the arguments stay valid JSON.
      const byCall = new Map<unknown, { fn: { arguments?: unknown } }[]>();
      for (const t of chunks.flatMap(toolDeltasOf)) {
        const fn = t.function as { arguments?: unknown } | undefined;
        if (typeof fn?.arguments !== 'string' || fn.arguments === '') continue;
        const list = byCall.get(t.index) ?? [];
        byCall.set(t.index, list);
        list.push({ fn });
      }
      for (const list of byCall.values())
        for (let i = list.length - 1; i > 0; i--) {
          const tail = splitWordTail(String(list[i - 1]!.fn.arguments), String(list[i]!.fn.arguments));
          if (tail === '') continue;
          list[i]!.fn.arguments = tail + String(list[i]!.fn.arguments);
          break;
        }
      return chunks;
    },
  },
  'tool-index-missing': {
    chunks(chunks) {
      for (const c of chunks) for (const call of toolDeltasOf(c)) delete call.index;
      return chunks;
    },
  },
  'tool-index-from-1': {
    chunks(chunks) {
      for (const c of chunks) for (const call of toolDeltasOf(c)) if (typeof call.index === 'number') call.index += 1;
      return chunks;
    },
  },
  'tool-id-changes': {
    chunks(chunks) {
      let n = 0;
      for (const c of chunks) {
        for (const call of toolDeltasOf(c)) call.id = `call_relay${String(++n).padStart(4, '0')}`;
      }
      return chunks;
    },
  },
  'tool-args-resent': {
    chunks(chunks) {
      // Every argument delta carries the whole string: concatenated they read `{..}{..}`.
      // A call is its `index`, or, when another break removed it, the run of deltas from the
      // one naming the function.
      type CallDelta = { index?: number; function?: { name?: string; arguments?: string } };
      const deltas: { key: string; call: CallDelta }[] = [];
      const ordinal = new Map<unknown, number>();
      for (const c of chunks) {
        for (const choice of choicesOf(c)) {
          const calls = bodyOf(choice)?.tool_calls;
          if (!Array.isArray(calls)) continue;
          for (const call of calls as CallDelta[]) {
            if (call.function?.name !== undefined) ordinal.set(choice.index, (ordinal.get(choice.index) ?? -1) + 1);
            const which = typeof call.index === 'number' ? `i${call.index}` : `n${String(ordinal.get(choice.index))}`;
            deltas.push({ key: `${String(choice.index)}:${which}`, call });
          }
        }
      }
      const whole = new Map<string, string>();
      for (const { key, call } of deltas) whole.set(key, (whole.get(key) ?? '') + (call.function?.arguments ?? ''));
      for (const { key, call } of deltas) {
        if (call.function?.arguments === undefined || call.function.arguments === '') continue;
        call.function.arguments = whole.get(key) ?? '';
      }
      return chunks;
    },
  },
  'tool-args-empty-string': {
    choice(c) {
      for (const call of c.toolCalls) if (call.function.arguments === '{}') call.function.arguments = '';
    },
  },
  'tool-args-object': {
    response(body) {
      for (const choice of choicesOf(body)) {
        const calls = bodyOf(choice)?.tool_calls;
        if (!Array.isArray(calls)) continue;
        for (const call of calls as { function: { arguments: unknown } }[]) {
          try {
            call.function.arguments = JSON.parse(String(call.function.arguments)) as unknown;
          } catch {
            /* not JSON: leave it */
          }
        }
      }
    },
  },
  'tool-finish-stop': {
    choice(c) {
      if (c.finishReason === 'tool_calls') c.finishReason = 'stop';
    },
  },
  'tool-calls-empty-delta': {
    chunks(chunks) {
      for (const c of chunks) {
        for (const choice of choicesOf(c)) if (choice.finish_reason === 'tool_calls') choice.delta = { tool_calls: [] };
      }
      return chunks;
    },
  },
  'tools-stream-dropped': {
    request(req) {
      if (req.stream !== true) return;
      delete req.tools;
      delete req.tool_choice;
      delete req.parallel_tool_calls;
    },
  },
  'tool-choice-ignored': {
    request(req) {
      delete req.tool_choice;
    },
  },
  'tool-choice-rejected': {
    request: (req) =>
      req.tool_choice !== undefined && req.tool_choice !== 'auto'
        ? invalidRequest(
            "Unsupported value: 'tool_choice' only accepts 'auto' on this relay.",
            'tool_choice',
            'unsupported_value',
          )
        : undefined,
  },
  'parallel-tool-calls-ignored': {
    request(req) {
      delete req.parallel_tool_calls;
    },
  },
  'tool-history-null-rejected': {
    request(req) {
      const i = historyIndex(req.messages, false);
      return i < 0
        ? undefined
        : invalidRequest(
            `Invalid value for 'messages[${i}].content': expected a string, got null.`,
            `messages[${i}].content`,
            'invalid_type',
          );
    },
  },
  'tool-history-empty-rejected': {
    request(req) {
      const i = historyIndex(req.messages, true);
      return i < 0
        ? undefined
        : invalidRequest(
            `Invalid value for 'messages[${i}].content': must not be empty.`,
            `messages[${i}].content`,
            'invalid_value',
          );
    },
  },
  'history-assistant-text-dropped': {
    request(req) {
      for (const m of req.messages)
        if (m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0 && m.content) m.content = null;
    },
  },
  'tool-no-params-dropped': {
    request(req) {
      const dropped = new Set((req.tools ?? []).filter(withoutParameters).map((t) => t.function.name));
      if (dropped.size === 0) return;
      req.tools = req.tools!.filter((t) => !dropped.has(t.function.name));
      const choice = req.tool_choice;
      if (typeof choice === 'object' && choice.type === 'function' && dropped.has(choice.function.name))
        delete req.tool_choice;
      if (req.tools.length > 0) return;
      delete req.tools;
      delete req.tool_choice;
      delete req.parallel_tool_calls;
    },
  },
};
