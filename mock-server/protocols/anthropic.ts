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
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CompletionPlan } from '../completion/plan.js';
import { countTokens, tokenize } from '../core/tokens.js';
import { ApiError } from '../core/api-error.js';
import { MAX_BREAKPOINTS, type CacheUsage, type PromptSegment } from './prompt-cache.js';
import { isRecord } from '../core/schema-check.js';

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

/**
 * Anthropic's beta names: a feature and the date it shipped (`interleaved-thinking-2025-05-14`,
 * `claude-code-20250219`). Anthropic refuses a value it does not know; the mock cannot know
 * tomorrow's betas (Claude Code adds some in every release), so it refuses only what cannot
 * be a beta name and accepts every dated one.
 */
const BETA_NAME = /^[a-z][a-z0-9-]*-\d{4}-?\d{2}-?\d{2}$/;

/** The values of an `anthropic-beta` header (a comma list; repeated headers arrive joined). */
export function betasOf(header: string | readonly string[] | undefined): string[] {
  const joined = typeof header === 'string' ? header : (header ?? []).join(',');
  return joined
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

/** Anthropic's refusal of beta values it does not know, in its words (a 400 invalid_request_error). */
export const unexpectedBetas = (values: readonly string[]): ApiError =>
  anthropicError(
    400,
    'invalid_request_error',
    `Unexpected value(s) ${values.map((v) => `\`${v}\``).join(', ')} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`,
  );

/** The refusal of an `anthropic-beta` header holding a value that is no beta name, or null. */
export function checkBetas(header: string | readonly string[] | undefined): ApiError | null {
  const unknown = betasOf(header).filter((b) => !BETA_NAME.test(b));
  return unknown.length > 0 ? unexpectedBetas(unknown) : null;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .join('');
}

/** A tool_result as the next answer reads it: its text blocks, its images named, a failure said. */
function toolResultText(block: Record<string, unknown>): string {
  const images = Array.isArray(block.content)
    ? block.content.filter((b) => isRecord(b) && b.type === 'image').length
    : 0;
  const text = [textOf(block.content), ...Array.from({ length: images }, () => '[image]')].filter(Boolean).join(' ');
  return block.is_error === true ? `Error: ${text}` : text;
}

/** An image block (base64 or url source) as a chat image part, or why it is not one. */
function imagePart(block: Record<string, unknown>, where: string): ImageContentPart | ApiError {
  const source = block.source;
  if (isRecord(source) && source.type === 'base64' && typeof source.data === 'string') {
    const type = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return { type: 'image_url', image_url: { url: `data:${type};base64,${source.data}` } };
  }
  if (isRecord(source) && source.type === 'url' && typeof source.url === 'string') {
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
    if (!isRecord(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') {
      const part = imagePart(b, `messages.${i}.content.${j}`);
      if (part instanceof ApiError) return part;
      parts.push(part);
    } else if (b.type === 'tool_result' && role === 'user') {
      out.push({ role: 'tool', tool_call_id: String(b.tool_use_id), content: toolResultText(b) });
    } else if (b.type === 'tool_use' && role === 'assistant') {
      const input = isRecord(b.input) ? b.input : {};
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
  if (!isRecord(choice)) return anthropicError(400, 'invalid_request_error', 'tool_choice: an object is required');
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
  if (!isRecord(body)) return anthropicError(400, 'invalid_request_error', 'The request body must be a JSON object.');
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
    // Claude Code sends system entries inside messages (beta mid-conversation-system-2026-04-07).
    if (isRecord(m) && m.role === 'system') {
      out.push({ role: 'system', content: textOf(m.content) });
      continue;
    }
    if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant')) {
      return anthropicError(
        400,
        'invalid_request_error',
        `messages.${i}.role: Input should be 'user', 'assistant' or 'system'`,
      );
    }
    const translated = toChatMessages(m, i);
    if (translated instanceof ApiError) return translated;
    out.push(...translated);
  }
  const chatTools: Tool[] | undefined = Array.isArray(tools)
    ? tools.filter(isRecord).map((t) => ({
        type: 'function' as const,
        function: {
          name: String(t.name),
          description: typeof t.description === 'string' ? t.description : undefined,
          parameters: isRecord(t.input_schema) ? t.input_schema : {},
        },
      }))
    : undefined;
  const choice = toolChoiceOf(body.tool_choice);
  if (choice instanceof ApiError) return choice;
  const noParallel = isRecord(body.tool_choice) && body.tool_choice.disable_parallel_tool_use === true;
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

/** A block as the cache and the token count see it: without its cache_control. */
function segment(block: unknown, prefix: string): PromptSegment {
  const { cache_control: cache, ...rest } = isRecord(block) ? block : { value: block };
  const text = `${prefix}${JSON.stringify(rest)}`;
  return { text, tokens: countTokens(text), breakpoint: cache !== undefined && cache !== null };
}

/**
 * The prompt in Anthropic's caching order (tools, system, messages), one segment a block; a
 * top-level cache_control (automatic caching) marks the last block. More than 4 breakpoints
 * is Anthropic's 400. count_tokens and usage both sum these segments, so they agree.
 */
export function promptSegments(body: Record<string, unknown>): PromptSegment[] | ApiError {
  const out: PromptSegment[] = [];
  if (Array.isArray(body.tools)) for (const t of body.tools) out.push(segment(t, 'tool:'));
  const system = body.system;
  if (Array.isArray(system)) for (const b of system) out.push(segment(b, 'system:'));
  else if (system !== undefined) out.push(segment({ text: system }, 'system:'));
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    const role = String(m.role);
    if (Array.isArray(m.content)) for (const b of m.content) out.push(segment(b, `${role}:`));
    else out.push(segment({ text: m.content }, `${role}:`));
  }
  if (isRecord(body.cache_control) && out.length > 0) out[out.length - 1]!.breakpoint = true;
  const found = out.filter((s) => s.breakpoint).length;
  if (found > MAX_BREAKPOINTS) {
    return anthropicError(
      400,
      'invalid_request_error',
      `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${found}.`,
    );
  }
  return out;
}

/** input_tokens as count_tokens reports them: the whole prompt, cached or not. */
export const countPromptTokens = (segments: readonly PromptSegment[]): number =>
  segments.reduce((n, s) => n + s.tokens, 0);

// ---------------------------------------------------------------- extended thinking

/** Whether the request turns thinking on (enabled with a budget, or adaptive), or why it is refused. */
export function thinkingOf(body: Record<string, unknown>): boolean | ApiError {
  const thinking = body.thinking;
  if (thinking === undefined || thinking === null) return false;
  const bad = (message: string) => anthropicError(400, 'invalid_request_error', message);
  if (!isRecord(thinking)) return bad('thinking: Input should be an object');
  const forced = isRecord(body.tool_choice) && (body.tool_choice.type === 'any' || body.tool_choice.type === 'tool');
  const on = thinking.type === 'adaptive' || thinking.type === 'enabled';
  if (on && forced) return bad('Thinking may not be enabled when tool_choice forces tool use.');
  switch (thinking.type) {
    case 'disabled':
      return false;
    case 'adaptive':
      return true;
    case 'enabled': {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget))
        return bad('thinking.enabled.budget_tokens: Field required');
      if (budget < 1024) return bad('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      if (typeof body.max_tokens === 'number' && body.max_tokens <= budget)
        return bad('`max_tokens` must be greater than `thinking.budget_tokens`');
      return true;
    }
    default:
      return bad("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
  }
}

/** A thinking block's signature: an HMAC of its text under the mock's own secret. */
export const signThinking = (secret: Buffer, thinking: string): string =>
  createHmac('sha256', secret).update(thinking).digest('base64');

function signatureValid(secret: Buffer, thinking: unknown, signature: unknown): boolean {
  if (typeof thinking !== 'string' || typeof signature !== 'string') return false;
  const want = Buffer.from(signThinking(secret, thinking));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

const THINKING_REQUIRED =
  'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the ' +
  'lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous ' +
  'turns. To avoid this requirement, disable `thinking`. Please consult our documentation at ' +
  'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * With thinking on, as Anthropic checks a continuation: every thinking block comes back with
 * the signature it was given (text unchanged), and the assistant turn answered by the final
 * tool_result starts with its thinking block. Null when the history is acceptable.
 */
export function checkThinkingHistory(body: Record<string, unknown>, secret: Buffer): ApiError | null {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const bad = (message: string) => anthropicError(400, 'invalid_request_error', message);
  for (const [i, m] of messages.entries()) {
    if (!isRecord(m) || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const [j, b] of m.content.entries()) {
      if (isRecord(b) && b.type === 'thinking' && !signatureValid(secret, b.thinking, b.signature))
        return bad(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
    }
  }
  const isBlocks = (m: unknown, role: string, type: string): m is { content: Record<string, unknown>[] } =>
    isRecord(m) && m.role === role && Array.isArray(m.content) && m.content.some((b) => isRecord(b) && b.type === type);
  const last = messages.length - 1;
  const turn = messages[last - 1];
  if (last >= 1 && isBlocks(messages[last], 'user', 'tool_result') && isBlocks(turn, 'assistant', 'tool_use')) {
    const first = turn.content[0];
    const type = isRecord(first) ? String(first.type) : typeof first;
    if (type !== 'thinking' && type !== 'redacted_thinking') {
      return bad(
        `messages.${last - 1}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${type}\`. ${THINKING_REQUIRED}`,
      );
    }
  }
  return null;
}

/** What the message adds to the plan: its thinking block, and Anthropic's usage with the cache fields. */
export interface MessageExtras {
  thinking?: { text: string; signature: string };
  usage: CacheUsage;
  /** Content tokens per streamed text_delta (default 1). */
  chunkTokens?: number;
}

/** Tokens joined n at a time: the text_deltas of a stream chunked as configured. */
function chunked(tokens: readonly string[], n: number): string[] {
  if (n <= 1) return [...tokens];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += n) out.push(tokens.slice(i, i + n).join(''));
  return out;
}

const STOP_REASONS = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'end_turn',
  function_call: 'tool_use',
} as const;

function contentBlocks(plan: CompletionPlan, extras: MessageExtras): Record<string, unknown>[] {
  const choice = plan.choices[0]!;
  const thinking = extras.thinking
    ? [{ type: 'thinking', thinking: extras.thinking.text, signature: extras.thinking.signature }]
    : [];
  if (choice.toolCalls.length > 0) {
    return [
      ...thinking,
      ...choice.toolCalls.map((c) => ({
        type: 'tool_use',
        id: c.id.replace(/^call_/, 'toolu_'),
        name: c.function.name,
        input: toolInput(c.function.arguments),
      })),
    ];
  }
  return [...thinking, { type: 'text', text: choice.content ?? '' }];
}

/** Anthropic sends tool input as an object; arguments cut by max_tokens are not JSON, so send what parses. */
function toolInput(args: string): unknown {
  try {
    return JSON.parse(args || '{}') as unknown;
  } catch {
    return {};
  }
}

/**
 * Output tokens: the plan's, and the endpoint's stand-in thought when the message shows one
 * (the plan's own reasoning is in its count already; a stated usage is reported as given).
 */
const outputTokens = (plan: CompletionPlan, extras: MessageExtras): number =>
  plan.usage.completion_tokens +
  (extras.thinking && !plan.choices[0]!.reasoning && !plan.usageStated ? countTokens(extras.thinking.text) : 0);

/** The plan's prompt usage in Anthropic's terms: input_tokens leaves out what the cache read and wrote. */
export function promptUsage(plan: CompletionPlan): CacheUsage {
  const read = plan.usage.prompt_tokens_details?.cached_tokens ?? 0;
  const write = plan.usageStated?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, plan.usage.prompt_tokens - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
  };
}

const NO_CACHE = (plan: CompletionPlan): MessageExtras => ({ usage: promptUsage(plan) });

export function renderMessage(plan: CompletionPlan, extras: MessageExtras = NO_CACHE(plan)): Record<string, unknown> {
  const choice = plan.choices[0]!;
  return {
    id: plan.id.replace(/^chatcmpl-/, 'msg_'),
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: contentBlocks(plan, extras),
    stop_reason: choice.stoppedBy !== null ? 'stop_sequence' : STOP_REASONS[choice.finishReason],
    stop_sequence: choice.stoppedBy,
    usage: { ...extras.usage, output_tokens: outputTokens(plan, extras) },
  };
}

/** The message as Anthropic's named SSE events. */
export function renderMessageEvents(plan: CompletionPlan, extras: MessageExtras = NO_CACHE(plan)): string[] {
  const message = renderMessage(plan, extras);
  const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const delta = (index: number, d: Record<string, unknown>): string =>
    event('content_block_delta', { type: 'content_block_delta', index, delta: d });
  const out = [
    event('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...extras.usage, output_tokens: 0 },
      },
    }),
  ];
  (message.content as Record<string, unknown>[]).forEach((block, index) => {
    if (block.type === 'thinking') {
      out.push(
        event('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      for (const token of tokenize(String(block.thinking)))
        out.push(delta(index, { type: 'thinking_delta', thinking: token }));
      out.push(delta(index, { type: 'signature_delta', signature: block.signature }));
    } else if (block.type === 'text') {
      out.push(
        event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      );
      for (const text of chunked(plan.choices[0]!.contentTokens, extras.chunkTokens ?? 1))
        out.push(delta(index, { type: 'text_delta', text }));
    } else {
      out.push(
        event('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }),
      );
      out.push(delta(index, { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }));
    }
    out.push(event('content_block_stop', { type: 'content_block_stop', index }));
  });
  out.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { ...extras.usage, output_tokens: outputTokens(plan, extras) },
    }),
  );
  out.push(event('message_stop', { type: 'message_stop' }));
  return out;
}

/** Anthropic's in-band stream error, as its SSE `event: error`. */
export function errorEvent(error: ApiError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error))}\n\n`;
}
