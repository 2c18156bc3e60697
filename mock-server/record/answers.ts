// Reading a recorded answer of the Responses API or of Anthropic's Messages into what a fixture
// keeps (text, reasoning, refusal, tool calls, usage, how it ended): pure and tolerant, since the
// answer is a relay's and may be missing parts. Chat's own reading stays in exchange.ts.
import type { UsageReply } from '../../spec/generated/types.js';
import { isRecord } from '../core/schema-check.js';
import { mergeMessagesUsage, messagesUsage, responsesUsage } from './usage.js';

/** An answer reduced to what a fixture reply keeps. */
export interface Assembled {
  content?: string;
  reasoning?: string;
  refusal?: string;
  /** `arguments` is JSON text; `custom` marks a custom tool's free-text input (kept as text). */
  toolCalls: { id?: string; name: string; arguments: string; custom?: boolean }[];
  /** Chat's finish reason: `length` for an answer cut by its token limit. */
  finish?: string;
  /** The relay's usage, when it gave a sound one. */
  usage?: UsageReply;
}

/** A stream reduced so, and how it ended. */
export interface StreamRead extends Assembled {
  /** Events before an in-band error, when there was one. */
  errorAfter?: number;
  /** The stream reached its terminal event ([DONE], response.completed, message_stop...). */
  done: boolean;
  /** Events read (the count a cut replays at). */
  events: number;
}

/** The data payloads of an SSE text, parsed; events whose data is not a JSON object are skipped. */
export function sseObjects(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n\n+/)) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length === 0) continue;
    try {
      const json: unknown = JSON.parse(data.join('\n'));
      if (isRecord(json)) out.push(json);
    } catch {
      // a keep-alive or a relay's non-JSON line: nothing to keep
    }
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const join = (a: string | undefined, b: string): string => (a ?? '') + b;

// ---------------------------------------------------------------------------------------------
// The Responses API

/** The text of a list of parts ({text} or {refusal}) of one type. */
function partsOf(parts: unknown, type: string, field: 'text' | 'refusal'): string | undefined {
  if (!Array.isArray(parts)) return undefined;
  const texts = parts
    .filter((p) => isRecord(p) && p.type === type)
    .map((p) => str((p as Record<string, unknown>)[field]));
  return texts.length > 0 ? texts.map((t) => t ?? '').join('') : undefined;
}

/** Output items in order as an answer: reasoning summaries, message text and refusals, calls. */
function fromOutputItems(items: readonly unknown[]): Assembled {
  const a: Assembled = { toolCalls: [] };
  for (const item of items) {
    if (!isRecord(item)) continue;
    switch (item.type) {
      case 'reasoning': {
        // The summary is what a client sees; encrypted_content is the relay's own and cannot replay.
        const text = partsOf(item.summary, 'summary_text', 'text') ?? partsOf(item.content, 'reasoning_text', 'text');
        if (text) a.reasoning = join(a.reasoning, text);
        break;
      }
      case 'message': {
        const text = partsOf(item.content, 'output_text', 'text');
        if (text !== undefined) a.content = join(a.content, text);
        const refusal = partsOf(item.content, 'refusal', 'refusal');
        if (refusal !== undefined) a.refusal = join(a.refusal, refusal);
        break;
      }
      case 'function_call':
        a.toolCalls.push({ id: str(item.call_id), name: str(item.name) ?? '', arguments: str(item.arguments) ?? '' });
        break;
      case 'custom_tool_call':
        a.toolCalls.push({
          id: str(item.call_id),
          name: str(item.name) ?? '',
          arguments: str(item.input) ?? '',
          custom: true,
        });
        break;
      case 'web_search_call': {
        const action = isRecord(item.action) ? item.action : {};
        a.toolCalls.push({ name: 'web_search', arguments: JSON.stringify({ query: str(action.query) ?? '' }) });
        break;
      }
      default:
        // Items of tools the mock cannot script (file_search_call...): nothing a fixture keeps.
        break;
    }
  }
  return a;
}

/** A Response object (a JSON answer, or the one response.completed carries). */
export function fromResponse(json: unknown): Assembled | undefined {
  if (!isRecord(json) || !Array.isArray(json.output)) return undefined;
  const a = fromOutputItems(json.output);
  a.finish = json.status === 'incomplete' ? 'length' : str(json.status);
  a.usage = responsesUsage(json.usage);
  return a;
}

/**
 * A Responses stream: the items of response.completed (or incomplete) when it lists them, else
 * those the output_item events built, with the deltas of an item not yet done (a cut stream).
 */
export function fromResponsesStream(text: string): StreamRead {
  const items = new Map<number, Record<string, unknown>>();
  const read: StreamRead = { toolCalls: [], done: false, events: 0 };
  let final: unknown;
  for (const event of sseObjects(text)) {
    if (event.type === 'error' || event.type === 'response.failed') {
      read.errorAfter = read.events;
      break;
    }
    read.events += 1;
    const index = typeof event.output_index === 'number' ? event.output_index : 0;
    const item = items.get(index);
    switch (event.type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (isRecord(event.item)) items.set(index, { ...event.item });
        break;
      case 'response.output_text.delta':
        if (item && typeof event.delta === 'string') {
          const parts = Array.isArray(item.content) ? item.content : [];
          const last = parts[parts.length - 1] as Record<string, unknown> | undefined;
          if (last?.type === 'output_text') last.text = join(str(last.text), event.delta);
          else item.content = [...parts, { type: 'output_text', text: event.delta }];
        }
        break;
      case 'response.function_call_arguments.delta':
        if (item && typeof event.delta === 'string') item.arguments = join(str(item.arguments), event.delta);
        break;
      case 'response.custom_tool_call_input.delta':
        if (item && typeof event.delta === 'string') item.input = join(str(item.input), event.delta);
        break;
      case 'response.completed':
      case 'response.incomplete':
        read.done = true;
        final = event.response;
        break;
      default:
        break;
    }
    if (read.done) break;
  }
  const fromFinal = fromResponse(final);
  const built = [...items.entries()].sort(([x], [y]) => x - y).map(([, i]) => i);
  const answer =
    fromFinal && isRecord(final) && Array.isArray(final.output) && final.output.length > 0
      ? fromFinal
      : { ...fromOutputItems(built), finish: fromFinal?.finish, usage: fromFinal?.usage };
  return { ...read, ...answer };
}

// ---------------------------------------------------------------------------------------------
// Anthropic's Messages

/** Anthropic's stop reasons as chat's finish reasons (only `length` changes what replays). */
const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Content blocks in order: text, thinking (as reasoning), tool_use (input as JSON text). */
function fromBlocks(blocks: readonly unknown[]): Assembled {
  const a: Assembled = { toolCalls: [] };
  for (const b of blocks) {
    if (!isRecord(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') a.content = join(a.content, b.text);
    else if (b.type === 'thinking' && typeof b.thinking === 'string') a.reasoning = join(a.reasoning, b.thinking);
    else if (b.type === 'tool_use') {
      const input = typeof b.input === 'string' ? b.input : JSON.stringify(isRecord(b.input) ? b.input : {});
      a.toolCalls.push({ id: str(b.id), name: str(b.name) ?? '', arguments: input });
    }
  }
  return a;
}

/** A JSON message. */
export function fromMessage(json: unknown): Assembled | undefined {
  if (!isRecord(json) || !Array.isArray(json.content)) return undefined;
  const a = fromBlocks(json.content);
  const stop = str(json.stop_reason);
  if (stop !== undefined) a.finish = FINISH[stop] ?? stop;
  a.usage = messagesUsage(json.usage);
  return a;
}

/**
 * A Messages stream: blocks built from their start and deltas (tool input from input_json_delta),
 * usage from message_start's and message_delta's.
 */
export function fromMessagesStream(text: string): StreamRead {
  const blocks = new Map<number, Record<string, unknown>>();
  const read: StreamRead = { toolCalls: [], done: false, events: 0 };
  let stop: string | undefined;
  let startUsage: unknown;
  let deltaUsage: unknown;
  for (const event of sseObjects(text)) {
    if (event.type === 'error') {
      read.errorAfter = read.events;
      break;
    }
    read.events += 1;
    const index = typeof event.index === 'number' ? event.index : 0;
    const block = blocks.get(index);
    const delta = isRecord(event.delta) ? event.delta : {};
    if (event.type === 'content_block_start' && isRecord(event.content_block)) {
      const start = { ...event.content_block };
      // The input arrives as input_json_delta text; a start's `{}` is only its placeholder.
      if (start.type === 'tool_use') start.input = '';
      blocks.set(index, start);
    } else if (event.type === 'content_block_delta' && block) {
      if (delta.type === 'text_delta') block.text = join(str(block.text), str(delta.text) ?? '');
      else if (delta.type === 'thinking_delta') block.thinking = join(str(block.thinking), str(delta.thinking) ?? '');
      else if (delta.type === 'input_json_delta') block.input = join(str(block.input), str(delta.partial_json) ?? '');
    } else if (event.type === 'message_start' && isRecord(event.message)) {
      startUsage = event.message.usage;
    } else if (event.type === 'message_delta') {
      stop = str(delta.stop_reason) ?? stop;
      deltaUsage = event.usage ?? deltaUsage;
    } else if (event.type === 'message_stop') {
      read.done = true;
      break;
    }
  }
  for (const b of blocks.values()) if (b.type === 'tool_use' && b.input === '') b.input = '{}';
  const answer = fromBlocks([...blocks.entries()].sort(([x], [y]) => x - y).map(([, b]) => b));
  if (stop !== undefined) answer.finish = FINISH[stop] ?? stop;
  // message_start's output_tokens is a placeholder: without a message_delta's, no usage is final.
  if (deltaUsage !== undefined) answer.usage = messagesUsage(mergeMessagesUsage(startUsage, deltaUsage));
  return { ...read, ...answer };
}
