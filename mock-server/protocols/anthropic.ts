// Anthropic's Messages format as pure translations: a request onto the chat-completions
// request the planner reads, a plan back into Anthropic's message and its SSE events, and
// Anthropic's error envelope. The endpoint (endpoints/messages.ts) does the I/O.
import type {
  ChatCompletionRequest,
  ChatMessage,
  ImageContentPart,
  TextContentPart,
  Tool,
  ToolChoice,
} from '../../spec/generated/types.js';
import type { CompletionPlan } from '../completion/plan.js';
import { countMessageTokens, countTokens } from '../core/tokens.js';
import { ApiError } from '../core/api-error.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const anthropicError = (status: number, type: string, message: string): ApiError =>
  new ApiError(status, type, message, null, null);

/** Anthropic's error type for each status it documents (OpenAI's types are not its own). */
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

/** Anthropic's error body, not OpenAI's: any ApiError (a shared reader's, a fault's) in its types. */
export function anthropicErrorBody(error: ApiError): unknown {
  const type = TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: error.message } };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .join('');
}

/** An image block (base64 or url source) as a chat image part, or why it is not one. */
function imagePart(block: Record<string, unknown>, where: string): ImageContentPart | ApiError {
  const source = block.source;
  if (isObject(source) && source.type === 'base64' && typeof source.data === 'string') {
    const type = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return { type: 'image_url', image_url: { url: `data:${type};base64,${source.data}` } };
  }
  if (isObject(source) && source.type === 'url' && typeof source.url === 'string') {
    return { type: 'image_url', image_url: { url: source.url } };
  }
  return anthropicError(400, 'invalid_request_error', `${where}.source: a base64 or url image source is required`);
}

/** One Anthropic message as chat messages: tool_result blocks become tool messages, tool_use blocks tool calls. */
function toChatMessages(m: Record<string, unknown>, i: number): ChatMessage[] | ApiError {
  const role = m.role as 'user' | 'assistant';
  if (!Array.isArray(m.content)) return [{ role, content: textOf(m.content) }];
  const out: ChatMessage[] = [];
  const parts: (TextContentPart | ImageContentPart)[] = [];
  const calls: NonNullable<ChatMessage['tool_calls']> = [];
  for (const [j, b] of m.content.entries()) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') {
      const part = imagePart(b, `messages.${i}.content.${j}`);
      if (part instanceof ApiError) return part;
      parts.push(part);
    } else if (b.type === 'tool_result' && role === 'user') {
      out.push({ role: 'tool', tool_call_id: String(b.tool_use_id), content: textOf(b.content) });
    } else if (b.type === 'tool_use' && role === 'assistant') {
      const input = isObject(b.input) ? b.input : {};
      calls.push({
        id: String(b.id),
        type: 'function',
        function: { name: String(b.name), arguments: JSON.stringify(input) },
      });
    }
  }
  const text = parts.every((p) => p.type === 'text') ? parts.map((p) => (p as TextContentPart).text).join('') : null;
  if (calls.length > 0) out.push({ role: 'assistant', content: text || null, tool_calls: calls });
  else if (parts.length > 0 || out.length === 0) out.push({ role, content: text ?? parts });
  return out;
}

/** Anthropic's tool_choice as chat's: any is required, tool names one, none and auto as they are. */
function toolChoiceOf(choice: unknown): ToolChoice | undefined | ApiError {
  if (choice === undefined) return undefined;
  if (!isObject(choice)) return anthropicError(400, 'invalid_request_error', 'tool_choice: an object is required');
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      if (typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
      return anthropicError(400, 'invalid_request_error', 'tool_choice.name: Field required');
    default:
      return anthropicError(
        400,
        'invalid_request_error',
        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
      );
  }
}

/** An Anthropic request as the equivalent chat-completions request (count_tokens needs no max_tokens). */
export function toChatRequest(body: unknown, { countOnly = false } = {}): ChatCompletionRequest | ApiError {
  if (!isObject(body)) return anthropicError(400, 'invalid_request_error', 'The request body must be a JSON object.');
  const { model, max_tokens: maxTokens, messages, system, stop_sequences: stops, tools } = body;
  if (typeof model !== 'string') return anthropicError(400, 'invalid_request_error', 'model: Field required');
  if (!countOnly && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required (a positive integer)');
  }
  if (!Array.isArray(messages) || messages.length === 0)
    return anthropicError(400, 'invalid_request_error', 'messages: at least one message is required');
  const out: ChatMessage[] = [];
  if (system !== undefined) out.push({ role: 'system', content: textOf(system) });
  for (const [i, m] of messages.entries()) {
    if (!isObject(m) || (m.role !== 'user' && m.role !== 'assistant')) {
      return anthropicError(400, 'invalid_request_error', `messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    const translated = toChatMessages(m, i);
    if (translated instanceof ApiError) return translated;
    out.push(...translated);
  }
  const chatTools: Tool[] | undefined = Array.isArray(tools)
    ? tools.filter(isObject).map((t) => ({
        type: 'function' as const,
        function: {
          name: String(t.name),
          description: typeof t.description === 'string' ? t.description : undefined,
          parameters: isObject(t.input_schema) ? t.input_schema : {},
        },
      }))
    : undefined;
  const choice = toolChoiceOf(body.tool_choice);
  if (choice instanceof ApiError) return choice;
  const noParallel = isObject(body.tool_choice) && body.tool_choice.disable_parallel_tool_use === true;
  const hasTools = chatTools !== undefined && chatTools.length > 0;
  return {
    model,
    messages: out,
    ...(countOnly ? {} : { max_tokens: maxTokens as number }),
    ...(Array.isArray(stops) ? { stop: stops.filter((s): s is string => typeof s === 'string').slice(0, 4) } : {}),
    ...(hasTools ? { tools: chatTools } : {}),
    ...(choice !== undefined ? { tool_choice: choice } : {}),
    ...(noParallel && hasTools ? { parallel_tool_calls: false } : {}),
  };
}

/** input_tokens as a message would count them (prompt_tokens of the same request). */
export function countInputTokens(request: ChatCompletionRequest): number {
  return countMessageTokens(request.messages) + (request.tools ? countTokens(JSON.stringify(request.tools)) : 0);
}

const STOP_REASONS = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'end_turn',
  function_call: 'tool_use',
} as const;

function contentBlocks(plan: CompletionPlan): Record<string, unknown>[] {
  const choice = plan.choices[0]!;
  if (choice.toolCalls.length > 0) {
    return choice.toolCalls.map((c) => ({
      type: 'tool_use',
      id: c.id.replace(/^call_/, 'toolu_'),
      name: c.function.name,
      input: toolInput(c.function.arguments),
    }));
  }
  return [{ type: 'text', text: choice.content ?? '' }];
}

/** Anthropic sends tool input as an object; arguments cut by max_tokens are not JSON, so send what parses. */
function toolInput(args: string): unknown {
  try {
    return JSON.parse(args || '{}') as unknown;
  } catch {
    return {};
  }
}

export function renderMessage(plan: CompletionPlan): Record<string, unknown> {
  const choice = plan.choices[0]!;
  return {
    id: plan.id.replace(/^chatcmpl-/, 'msg_'),
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: contentBlocks(plan),
    stop_reason: choice.stoppedBy !== null ? 'stop_sequence' : STOP_REASONS[choice.finishReason],
    stop_sequence: choice.stoppedBy,
    usage: { input_tokens: plan.usage.prompt_tokens, output_tokens: plan.usage.completion_tokens },
  };
}

/** The message as Anthropic's named SSE events. */
export function renderMessageEvents(plan: CompletionPlan): string[] {
  const message = renderMessage(plan);
  const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const out = [
    event('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: plan.usage.prompt_tokens, output_tokens: 0 },
      },
    }),
  ];
  (message.content as Record<string, unknown>[]).forEach((block, index) => {
    if (block.type === 'text') {
      out.push(
        event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      );
      for (const token of plan.choices[0]!.contentTokens) {
        out.push(
          event('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'text_delta', text: token },
          }),
        );
      }
    } else {
      out.push(
        event('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }),
      );
      out.push(
        event('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        }),
      );
    }
    out.push(event('content_block_stop', { type: 'content_block_stop', index }));
  });
  out.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: plan.usage.completion_tokens },
    }),
  );
  out.push(event('message_stop', { type: 'message_stop' }));
  return out;
}

/** Anthropic's in-band stream error, as its SSE `event: error`. */
export function errorEvent(error: ApiError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error))}\n\n`;
}
