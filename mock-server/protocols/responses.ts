// OpenAI's Responses API as pure translations: a request onto the chat-completions request the
// planner reads (so both surfaces are computed by one engine), and a plan back into a Response
// object and its SSE events. The endpoint (endpoints/responses.ts) does the I/O and the store.
import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ImageContentPart,
  TextContentPart,
  Tool,
  ToolChoice,
} from '../../spec/generated/types.js';
import type { PlannedChoice } from '../completion/choice.js';
import type { CompletionPlan } from '../completion/plan.js';
import { splitArguments } from '../completion/render.js';
import { ApiError, invalidRequest } from '../core/api-error.js';
import { idFromHash, hashString } from '../core/rng.js';
import { isRecord } from '../core/schema-check.js';

type Json = Record<string, unknown>;

/**
 * Every top-level field CreateResponse takes (openai/openai-openapi), plus `client_metadata`,
 * which Codex sends. Anything else is refused as OpenAI refuses it.
 */
const ACCEPTED = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'max_output_tokens',
  'reasoning',
  'stream',
  'stream_options',
  'store',
  'include',
  'previous_response_id',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'metadata',
  'temperature',
  'top_p',
  'top_logprobs',
  'user',
  'safety_identifier',
  'service_tier',
  'truncation',
  'background',
  'max_tool_calls',
  'prompt',
  'conversation',
  'context_management',
  'moderation',
  'client_metadata',
]);

/** OpenAI's smallest max_output_tokens. */
export const MIN_OUTPUT_TOKENS = 16;

export const ENCRYPTED_INCLUDE = 'reasoning.encrypted_content';

/** A tool the mock offers the computed model (function), or one it only accepts (everything else). */
export type ToolKind = 'function' | 'custom' | 'web_search' | 'other';

/** What the Response echoes of the request, and how its output is shaped. */
export interface ResponsesRequest {
  /** The request the planner reads. */
  chat: ChatCompletionRequest;
  stream: boolean;
  store: boolean;
  instructions: string | null;
  previousResponseId: string | null;
  /** Reasoning items carry encrypted_content (include asks, and nothing is stored). */
  encryptedReasoning: boolean;
  /** Reasoning items carry a summary (reasoning.summary asked for one). */
  summary: boolean;
  maxOutputTokens: number | null;
  /** The tools as sent (echoed in the Response). */
  tools: unknown[];
  /** Each tool's kind by name: a scripted call to a custom or web_search tool becomes that item. */
  toolKinds: Map<string, ToolKind>;
  toolChoice: unknown;
  parallelToolCalls: boolean;
  text: Json;
  reasoning: Json | null;
  metadata: Json;
  promptCacheKey: string | null;
  /** The conversation so far as chat messages, without the instructions (the store keeps this). */
  history: ChatMessage[];
}

const unknownParameter = (name: string): ApiError =>
  invalidRequest(`Unknown parameter: '${name}'.`, name, 'unknown_parameter');

const invalidType = (param: string, expected: string): ApiError =>
  invalidRequest(`Invalid type for '${param}': expected ${expected}.`, param, 'invalid_type');

/** The replayed encrypted reasoning failed its signature, in OpenAI's words. */
export function invalidEncryptedContent(blob: string): ApiError {
  const shown = blob.length > 8 ? `${blob.slice(0, 4)}...${blob.slice(-4)}` : blob;
  return invalidRequest(
    `The encrypted content ${shown} could not be verified. Reason: Encrypted content could not be decrypted or parsed.`,
    null,
    'invalid_encrypted_content',
  );
}

// ---------------------------------------------------------------------------------------------
// Encrypted reasoning: the reasoning text encrypted (AES-256-CTR) and signed (HMAC-SHA256)
// under a secret of the mock's own, so it is opaque to clients as OpenAI's is, and a replayed
// item is accepted only byte for byte. The IV is derived from the text, so the same answer
// seals the same way (the mock is deterministic).

const IV_BYTES = 16;
const MAC_BYTES = 32;

const encKey = (secret: Buffer): Buffer => createHash('sha256').update(secret).update('reasoning-enc').digest();
const mac = (secret: Buffer, data: Buffer): Buffer => createHmac('sha256', secret).update(data).digest();

export function sealReasoning(secret: Buffer, text: string): string {
  const plain = Buffer.from(text, 'utf8');
  const iv = mac(secret, Buffer.concat([Buffer.from('iv:'), plain])).subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-ctr', encKey(secret), iv);
  const body = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
  return Buffer.concat([body, mac(secret, body)]).toString('base64');
}

/** The reasoning text a sealed blob carries, or null when this secret did not seal it (or it was altered). */
export function openReasoning(secret: Buffer, blob: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob)) return null;
  const raw = Buffer.from(blob, 'base64');
  if (raw.length < IV_BYTES + MAC_BYTES || raw.toString('base64') !== blob) return null;
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  if (!timingSafeEqual(mac(secret, body), raw.subarray(raw.length - MAC_BYTES))) return null;
  const decipher = createDecipheriv('aes-256-ctr', encKey(secret), body.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(body.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Request

/** The text of a content list (input_text, output_text, refusal parts). */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((p) => (typeof p.text === 'string' ? p.text : typeof p.refusal === 'string' ? p.refusal : ''))
    .join('');
}

/** A message item's content as chat content: text parts joined, images kept as image parts. */
function messageContent(content: unknown, at: string): ChatMessage['content'] | ApiError {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return invalidType(`${at}.content`, 'a string or an array of content parts');
  const parts: (TextContentPart | ImageContentPart)[] = [];
  for (const [j, p] of content.entries()) {
    if (!isRecord(p)) return invalidType(`${at}.content[${j}]`, 'an object');
    switch (p.type) {
      case 'input_text':
      case 'output_text':
        if (typeof p.text !== 'string') return invalidType(`${at}.content[${j}].text`, 'a string');
        parts.push({ type: 'text', text: p.text });
        break;
      case 'refusal':
        parts.push({ type: 'text', text: typeof p.refusal === 'string' ? p.refusal : '' });
        break;
      case 'input_image': {
        // An uploaded file the mock cannot read: the model is told an image was there.
        if (typeof p.file_id === 'string' && typeof p.image_url !== 'string') {
          parts.push({ type: 'text', text: '[image]' });
          break;
        }
        const url = typeof p.image_url === 'string' ? p.image_url : undefined;
        if (!url)
          return invalidRequest(
            `Missing required parameter: '${at}.content[${j}].image_url'.`,
            `${at}.content[${j}].image_url`,
            'missing_required_parameter',
          );
        parts.push({ type: 'image_url', image_url: { url } });
        break;
      }
      case 'input_file':
        parts.push({ type: 'text', text: typeof p.filename === 'string' ? `[file ${p.filename}]` : '[file]' });
        break;
      default:
        return invalidRequest(
          `Invalid value: '${String(p.type)}'. Supported values are: 'input_text', 'input_image', 'input_file', 'output_text' and 'refusal'.`,
          `${at}.content[${j}].type`,
          'invalid_value',
        );
    }
  }
  return parts.every((p) => p.type === 'text') ? parts.map((p) => (p as TextContentPart).text).join('') : parts;
}

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

/** The other input item types InputItem (openai/openai-openapi) takes: accepted, not planned on. */
const OTHER_ITEMS = new Set([
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'web_search_call',
  'tool_search_call',
  'tool_search_output',
  'additional_tools',
  'compaction',
  'compaction_trigger',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'program',
  'program_output',
]);

/** What translating the input needs besides the items: reading replayed encrypted reasoning. */
export interface InputContext {
  /** The text inside a replayed encrypted_content, or null when it is not the mock's own. */
  openReasoning(blob: string): string | null;
  /** A stored output item by id (item_reference), or undefined. */
  item?(id: string): unknown;
}

/** item_reference items replaced by the stored items they name (the AI SDK replays reasoning so under store). */
function resolveReferences(input: unknown[], ctx: InputContext): unknown[] | ApiError {
  const out: unknown[] = [];
  for (const [i, item] of input.entries()) {
    if (!isRecord(item) || item.type !== 'item_reference') {
      out.push(item);
      continue;
    }
    if (typeof item.id !== 'string') {
      return invalidRequest(
        `Missing required parameter: 'input[${i}].id'.`,
        `input[${i}].id`,
        'missing_required_parameter',
      );
    }
    const found = ctx.item?.(item.id);
    if (found === undefined)
      return new ApiError(404, 'invalid_request_error', `Item with id '${item.id}' not found.`, 'input', null);
    out.push(found);
  }
  return out;
}

/** Input items as chat messages: function calls join the assistant turn before them, outputs become tool messages. */
function inputMessages(input: unknown, ctx: InputContext): ChatMessage[] | ApiError {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return invalidType('input', 'a string or an array of input items');
  const items = resolveReferences(input, ctx);
  if (items instanceof ApiError) return items;
  const out: ChatMessage[] = [];
  // Replayed reasoning goes onto the assistant turn that follows it (reasoning_content).
  let reasoning: string | null = null;
  const assistantTurn = (): ChatMessage => {
    const last = out[out.length - 1];
    if (last?.role === 'assistant' && (last.tool_calls !== undefined || reasoning === null)) return last;
    const turn: ChatMessage = { role: 'assistant', content: null };
    out.push(turn);
    return turn;
  };
  const takeReasoning = (turn: ChatMessage): void => {
    if (reasoning !== null) turn.reasoning_content = reasoning;
    reasoning = null;
  };
  for (const [i, item] of items.entries()) {
    const at = `input[${i}]`;
    if (!isRecord(item)) return invalidType(at, 'an object');
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        if (typeof item.role !== 'string' || !ROLES.has(item.role)) {
          return invalidRequest(
            `Invalid value: '${String(item.role)}'. Supported values are: 'user', 'assistant', 'system' and 'developer'.`,
            `${at}.role`,
            'invalid_value',
          );
        }
        const content = messageContent(item.content, at);
        if (content instanceof ApiError) return content;
        const role = item.role as 'user' | 'assistant' | 'system' | 'developer';
        if (role === 'assistant') {
          const turn: ChatMessage = { role, content: typeof content === 'string' ? content : partsText(item.content) };
          takeReasoning(turn);
          out.push(turn);
        } else out.push({ role, content });
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const missing = typeof item.call_id !== 'string' ? 'call_id' : typeof item.name !== 'string' ? 'name' : null;
        if (missing) {
          return invalidRequest(
            `Missing required parameter: '${at}.${missing}'.`,
            `${at}.${missing}`,
            'missing_required_parameter',
          );
        }
        const args =
          type === 'function_call'
            ? typeof item.arguments === 'string'
              ? item.arguments
              : '{}'
            : JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' });
        const turn = assistantTurn();
        takeReasoning(turn);
        (turn.tool_calls ??= []).push({
          id: item.call_id as string,
          type: 'function',
          function: { name: item.name as string, arguments: args },
        });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        if (typeof item.call_id !== 'string') {
          return invalidRequest(
            `Missing required parameter: '${at}.call_id'.`,
            `${at}.call_id`,
            'missing_required_parameter',
          );
        }
        const output = typeof item.output === 'string' ? item.output : partsText(item.output);
        out.push({ role: 'tool', tool_call_id: item.call_id, content: output });
        break;
      }
      case 'reasoning': {
        const blob = item.encrypted_content;
        let text = Array.isArray(item.summary) ? partsText(item.summary) : '';
        if (typeof blob === 'string') {
          const opened = ctx.openReasoning(blob);
          if (opened === null) return invalidEncryptedContent(blob);
          text = opened;
        }
        reasoning = text;
        break;
      }
      default:
        // Items of tools the mock cannot run, replayed from an earlier turn: nothing to plan on.
        if (typeof type === 'string' && OTHER_ITEMS.has(type)) break;
        return invalidRequest(`Invalid value: '${String(type)}'.`, `${at}.type`, 'invalid_value');
    }
  }
  return out;
}

/** The kind of a Responses tool, and its chat form when the computed model may call it. */
function toolOf(tool: unknown, i: number): { name: string; kind: ToolKind; chat?: Tool } | ApiError {
  if (!isRecord(tool) || typeof tool.type !== 'string') return invalidType(`tools[${i}]`, 'an object with a type');
  if (tool.type === 'function') {
    if (typeof tool.name !== 'string') {
      return invalidRequest(
        `Missing required parameter: 'tools[${i}].name'.`,
        `tools[${i}].name`,
        'missing_required_parameter',
      );
    }
    const fn: Tool['function'] = { name: tool.name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (isRecord(tool.parameters)) fn.parameters = tool.parameters;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { name: tool.name, kind: 'function', chat: { type: 'function', function: fn } };
  }
  if (tool.type === 'custom') return { name: String(tool.name), kind: 'custom' };
  if (tool.type === 'web_search' || tool.type === 'web_search_preview') return { name: tool.type, kind: 'web_search' };
  return { name: typeof tool.name === 'string' ? tool.name : tool.type, kind: 'other' };
}

/** Responses' tool_choice as chat's, when it names something the computed model can do. */
function toolChoiceOf(choice: unknown, functions: ReadonlySet<string>): ToolChoice | undefined | ApiError {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return functions.size > 0 ? choice : undefined;
  if (!isRecord(choice)) return invalidType('tool_choice', "'none', 'auto', 'required' or an object");
  if (choice.type === 'function') {
    if (typeof choice.name !== 'string') {
      return invalidRequest(
        "Missing required parameter: 'tool_choice.name'.",
        'tool_choice.name',
        'missing_required_parameter',
      );
    }
    if (!functions.has(choice.name)) {
      return invalidRequest(
        `Tool choice '${choice.name}' not found in 'tools' parameter.`,
        'tool_choice',
        'invalid_value',
      );
    }
    return { type: 'function', function: { name: choice.name } };
  }
  // allowed_tools, a custom or a hosted tool: the computed model cannot be forced onto it.
  return functions.size > 0 ? 'auto' : undefined;
}

/** text.format as chat's response_format. */
function formatOf(text: Json): ChatCompletionRequest['response_format'] | ApiError {
  const format = text.format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) return invalidType('text.format', 'an object');
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      if (typeof format.name !== 'string') {
        return invalidRequest(
          "Missing required parameter: 'text.format.name'.",
          'text.format.name',
          'missing_required_parameter',
        );
      }
      if (!isRecord(format.schema)) {
        return invalidRequest(
          "Missing required parameter: 'text.format.schema'.",
          'text.format.schema',
          'missing_required_parameter',
        );
      }
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
          ...(typeof format.description === 'string' ? { description: format.description } : {}),
        },
      };
    default:
      return invalidRequest(
        `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
        'text.format.type',
        'invalid_value',
      );
  }
}

const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

/**
 * A Responses request as the chat request the planner reads, plus what the Response echoes.
 * `previous` is the stored conversation `previous_response_id` names (the endpoint looks it up).
 */
export function toChatRequest(
  body: unknown,
  ctx: InputContext,
  previous: readonly ChatMessage[] = [],
): ResponsesRequest | ApiError {
  if (!isRecord(body)) return invalidRequest('The request body must be a JSON object.');
  for (const key of Object.keys(body)) if (!ACCEPTED.has(key)) return unknownParameter(key);
  const { model, input, instructions } = body;
  if (typeof model !== 'string') {
    return model === undefined
      ? invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter')
      : invalidType('model', 'a string');
  }
  if (input === undefined && previous.length === 0) {
    return invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  }
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
    return invalidType('instructions', 'a string');
  }
  for (const flag of ['stream', 'store', 'parallel_tool_calls', 'background'] as const) {
    if (body[flag] !== undefined && body[flag] !== null && typeof body[flag] !== 'boolean') {
      return invalidType(flag, 'a boolean');
    }
  }
  const maxOutput = body.max_output_tokens;
  if (maxOutput !== undefined && maxOutput !== null) {
    if (typeof maxOutput !== 'number' || !Number.isInteger(maxOutput))
      return invalidType('max_output_tokens', 'an integer');
    if (maxOutput < MIN_OUTPUT_TOKENS) {
      return invalidRequest(
        `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${maxOutput} instead.`,
        'max_output_tokens',
        'integer_below_min_value',
      );
    }
  }
  const include = body.include ?? [];
  if (!Array.isArray(include) || include.some((x) => typeof x !== 'string')) {
    return invalidType('include', 'an array of strings');
  }
  const text = body.text ?? {};
  if (!isRecord(text)) return invalidType('text', 'an object');
  const reasoning = body.reasoning ?? null;
  if (reasoning !== null && !isRecord(reasoning)) return invalidType('reasoning', 'an object');
  const effort = reasoning?.effort;
  if (effort !== undefined && effort !== null && (typeof effort !== 'string' || !EFFORTS.has(effort))) {
    return invalidRequest(
      `Invalid value: '${String(effort)}'. Supported values are: ${[...EFFORTS].map((e) => `'${e}'`).join(', ')}.`,
      'reasoning.effort',
      'invalid_value',
    );
  }
  const metadata = body.metadata ?? {};
  if (!isRecord(metadata)) return invalidType('metadata', 'an object');
  if (
    body.previous_response_id !== undefined &&
    body.previous_response_id !== null &&
    typeof body.previous_response_id !== 'string'
  ) {
    return invalidType('previous_response_id', 'a string');
  }
  if (
    body.prompt_cache_key !== undefined &&
    body.prompt_cache_key !== null &&
    typeof body.prompt_cache_key !== 'string'
  ) {
    return invalidType('prompt_cache_key', 'a string');
  }

  const rawTools = body.tools ?? [];
  if (!Array.isArray(rawTools)) return invalidType('tools', 'an array');
  const toolKinds = new Map<string, ToolKind>();
  const chatTools: Tool[] = [];
  for (const [i, t] of rawTools.entries()) {
    const tool = toolOf(t, i);
    if (tool instanceof ApiError) return tool;
    toolKinds.set(tool.name, tool.kind);
    if (tool.chat) chatTools.push(tool.chat);
  }
  const functions = new Set(chatTools.map((t) => t.function.name));
  const choice = toolChoiceOf(body.tool_choice, functions);
  if (choice instanceof ApiError) return choice;
  const format = formatOf(text);
  if (format instanceof ApiError) return format;

  const items = input === undefined ? [] : inputMessages(input, ctx);
  if (items instanceof ApiError) return items;
  const history = [...previous, ...items];
  const messages: ChatMessage[] =
    typeof instructions === 'string' && instructions !== ''
      ? [{ role: 'system', content: instructions }, ...history]
      : history;
  const store = body.store !== false;
  const parallel = body.parallel_tool_calls !== false;

  const chat: ChatCompletionRequest = {
    model,
    messages,
    ...(chatTools.length > 0 ? { tools: chatTools } : {}),
    ...(choice !== undefined ? { tool_choice: choice } : {}),
    ...(chatTools.length > 0 && body.parallel_tool_calls === false ? { parallel_tool_calls: false } : {}),
    ...(format ? { response_format: format } : {}),
    ...(typeof maxOutput === 'number' ? { max_completion_tokens: maxOutput } : {}),
    ...(typeof effort === 'string' ? { reasoning_effort: effort as ChatCompletionRequest['reasoning_effort'] } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(body.stream === true ? { stream: true } : {}),
  };
  return {
    chat,
    stream: body.stream === true,
    store,
    instructions: typeof instructions === 'string' ? instructions : null,
    previousResponseId: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    encryptedReasoning: include.includes(ENCRYPTED_INCLUDE) && !store,
    summary: typeof reasoning?.summary === 'string' && reasoning.summary !== 'none',
    maxOutputTokens: typeof maxOutput === 'number' ? maxOutput : null,
    tools: rawTools,
    toolKinds,
    toolChoice: body.tool_choice ?? 'auto',
    parallelToolCalls: parallel,
    text,
    reasoning,
    metadata,
    promptCacheKey: typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : null,
    history,
  };
}

/** A chat-side refusal's param in the Responses request's words. */
export function responsesParam(param: string | null): string | null {
  if (param === null) return null;
  return param
    .replace(/^messages(\[\d+\])?.*$/, 'input')
    .replace(/^response_format/, 'text.format')
    .replace(/^max_completion_tokens$/, 'max_output_tokens')
    .replace(/^reasoning_effort$/, 'reasoning.effort')
    .replace(/^tools\[(\d+)\]\.function\./, 'tools[$1].');
}

/** A planner or check refusal, renamed onto the Responses request. */
export function asResponsesError(error: ApiError): ApiError {
  const param = responsesParam(error.param);
  const message = error.message
    .replace("'reasoning_effort'", "'reasoning.effort'")
    .replace("'response_format' of type 'json_object'", "'text.format' of type 'json_object'")
    .replace(/'messages' must contain/, 'Response input messages must contain')
    .replace("Invalid 'messages'", "Invalid 'input'")
    .replace(/response_format '/, "text.format '");
  return new ApiError(error.status, error.type, message, param, error.code, error.headers);
}

// ---------------------------------------------------------------------------------------------
// Response

export type ResponseStatus = 'completed' | 'incomplete' | 'failed' | 'in_progress';

/** What rendering needs besides the plan. */
export interface RenderContext {
  request: ResponsesRequest;
  /** Seconds since the epoch. */
  createdAt: number;
  /** Seals reasoning into encrypted_content (the endpoint holds the secret). */
  seal(text: string): string;
  /** Content tokens per text delta (default 1, as OpenAI; the realistic model varies it). */
  chunkTokens?: number;
}

/** OpenAI's ids: a prefix and 48 hex-like characters drawn from the plan. */
const itemId = (prefix: string, planId: string, index: number): string =>
  `${prefix}_${idFromHash(hashString(`${planId}:${prefix}:${index}`), 48).toLowerCase()}`;

/** Each plan's response id, drawn once: a request asks for it several times (Response, stream, store). */
const responseIds = new WeakMap<CompletionPlan, string>();

export function responseId(plan: CompletionPlan): string {
  let id = responseIds.get(plan);
  if (id === undefined) responseIds.set(plan, (id = itemId('resp', plan.id, 0)));
  return id;
}

/** The output items of the plan's one choice, in OpenAI's order: reasoning, then the message or the calls. */
export function outputItems(plan: CompletionPlan, ctx: RenderContext): Json[] {
  const choice = plan.choices[0]!;
  const items: Json[] = [];
  const incomplete = choice.finishReason === 'length';
  if (choice.reasoning !== null || choice.reasoningTokens > 0) {
    const text = choice.reasoning ?? '';
    items.push({
      id: itemId('rs', plan.id, 0),
      type: 'reasoning',
      summary: ctx.request.summary && text !== '' ? [{ type: 'summary_text', text }] : [],
      ...(ctx.request.encryptedReasoning ? { encrypted_content: ctx.seal(text) } : {}),
    });
  }
  choice.toolCalls.forEach((call, i) => items.push(callItem(call, i, plan.id, ctx.request.toolKinds)));
  if (choice.toolCalls.length === 0 && (choice.content !== null || choice.refusal !== undefined)) {
    const content: Json[] = [];
    if (choice.content !== null && (choice.content !== '' || choice.refusal === undefined)) {
      content.push({ type: 'output_text', annotations: [], logprobs: [], text: choice.content });
    }
    if (choice.refusal !== undefined) content.push({ type: 'refusal', refusal: choice.refusal });
    items.push({
      id: itemId('msg', plan.id, 0),
      type: 'message',
      status: incomplete ? 'incomplete' : 'completed',
      content,
      role: 'assistant',
    });
  }
  return items;
}

/** A planned call as the item its tool's kind asks for: function_call, custom_tool_call or web_search_call. */
function callItem(
  call: PlannedChoice['toolCalls'][number],
  i: number,
  planId: string,
  kinds: ReadonlyMap<string, ToolKind>,
): Json {
  const kind = kinds.get(call.function.name);
  if (kind === 'custom') {
    return {
      id: itemId('ctc', planId, i),
      type: 'custom_tool_call',
      status: 'completed',
      call_id: call.id,
      input: customInput(call.function.arguments),
      name: call.function.name,
    };
  }
  if (kind === 'web_search') {
    const args = parseObject(call.function.arguments);
    return {
      id: itemId('ws', planId, i),
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query: typeof args.query === 'string' ? args.query : '' },
    };
  }
  return {
    id: itemId('fc', planId, i),
    type: 'function_call',
    status: 'completed',
    arguments: call.function.arguments,
    call_id: call.id,
    name: call.function.name,
  };
}

function parseObject(text: string): Json {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

/** A custom tool takes free text: a fixture's string arguments as they are, or its `input` field. */
function customInput(args: string): string {
  const parsed = parseObject(args);
  return typeof parsed.input === 'string' && Object.keys(parsed).length === 1 ? parsed.input : args;
}

/** The Response object: `status` and `output` as given (streams send it empty first). */
export function renderResponse(
  plan: CompletionPlan,
  ctx: RenderContext,
  status: ResponseStatus = statusOf(plan),
  output: Json[] = outputItems(plan, ctx),
  error: Json | null = null,
): Json {
  const r = ctx.request;
  const done = status !== 'in_progress';
  return {
    id: responseId(plan),
    object: 'response',
    created_at: ctx.createdAt,
    // The mock answers within the second it was asked (its clock is derived from the request).
    completed_at: status === 'completed' ? ctx.createdAt : null,
    status,
    background: false,
    error,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: r.instructions,
    max_output_tokens: r.maxOutputTokens,
    max_tool_calls: null,
    model: plan.model,
    output,
    parallel_tool_calls: r.parallelToolCalls,
    previous_response_id: r.previousResponseId,
    prompt_cache_key: r.promptCacheKey,
    reasoning: {
      effort: (r.reasoning?.effort as string | undefined) ?? null,
      summary: (r.reasoning?.summary as string | undefined) ?? null,
    },
    safety_identifier: null,
    service_tier: 'default',
    store: r.store,
    temperature: r.chat.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium', ...r.text },
    tool_choice: r.toolChoice,
    tools: r.tools,
    top_logprobs: 0,
    top_p: r.chat.top_p ?? 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    truncation: 'disabled',
    usage: done && status !== 'failed' ? usageOf(plan) : null,
    user: null,
    metadata: r.metadata,
  };
}

export function statusOf(plan: CompletionPlan): ResponseStatus {
  return plan.choices[0]!.finishReason === 'length' ? 'incomplete' : 'completed';
}

function usageOf(plan: CompletionPlan): Json {
  const u = plan.usage;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/** The response's output as chat messages, for the next turn's history (previous_response_id). */
export function outputMessages(plan: CompletionPlan): ChatMessage[] {
  const choice = plan.choices[0]!;
  const turn: ChatMessage = { role: 'assistant', content: choice.toolCalls.length > 0 ? null : (choice.content ?? '') };
  if (choice.reasoning !== null) turn.reasoning_content = choice.reasoning;
  if (choice.toolCalls.length > 0)
    turn.tool_calls = choice.toolCalls.map((c) => ({ ...c, function: { ...c.function } }));
  return [turn];
}

// ---------------------------------------------------------------------------------------------
// Stream

/**
 * Where the stream's events go: objects (the breaks and faults edit the list), or straight
 * into the SSE body (nothing edits it). Both see the same calls, so both give the same stream.
 */
interface EventSink {
  /** One event: `{type, sequence_number, ...fields}`. */
  emit(type: string, fields: Json): void;
  /** The terminal event: its Response, and that Response as JSON when the caller has it already. */
  emitFinal(type: string, response: Json, text: string | undefined): void;
  /** A content part's text deltas: most of a stream. */
  textDeltas(item_id: string, output_index: number, content_index: number, deltas: readonly string[]): void;
  /** Whether created and in_progress may carry one Response object (true when it is only serialised). */
  readonly sharesObjects: boolean;
}

/** The events as objects, for renderEvents. */
class ObjectSink implements EventSink {
  readonly events: Json[] = [];
  readonly sharesObjects = false;
  emit(type: string, fields: Json): void {
    this.events.push({ type, sequence_number: this.events.length, ...fields });
  }
  emitFinal(type: string, response: Json): void {
    this.emit(type, { response });
  }
  textDeltas(item_id: string, output_index: number, content_index: number, deltas: readonly string[]): void {
    // Written out as a literal, not spread (one per token).
    for (const delta of deltas) {
      this.events.push({
        type: 'response.output_text.delta',
        sequence_number: this.events.length,
        item_id,
        output_index,
        content_index,
        delta,
        logprobs: [],
      });
    }
  }
}

/**
 * The events as the SSE body, byte for byte `renderEvents(...).map(formatEvent).join('')`:
 * no object per event, each Response serialised once, a text delta one template.
 */
class TextSink implements EventSink {
  body = '';
  readonly sharesObjects = true;
  private count = 0;
  private lastFields: Json | undefined;
  private lastText = '';
  emit(type: string, fields: Json): void {
    // created and in_progress carry the same Response: serialised once.
    if (fields !== this.lastFields) {
      const text = JSON.stringify(fields);
      this.lastText = text === '{}' ? '' : `,${text.slice(1, -1)}`;
      this.lastFields = fields;
    }
    const name = JSON.stringify(type);
    this.body += `event: ${type}\ndata: {"type":${name},"sequence_number":${this.count++}${this.lastText}}\n\n`;
  }
  emitFinal(type: string, response: Json, text: string | undefined): void {
    if (text === undefined) {
      this.emit(type, { response });
      return;
    }
    const name = JSON.stringify(type);
    this.body += `event: ${type}\ndata: {"type":${name},"sequence_number":${this.count++},"response":${text}}\n\n`;
  }
  textDeltas(item_id: string, output_index: number, content_index: number, deltas: readonly string[]): void {
    const head = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":';
    const where = `,"item_id":${JSON.stringify(item_id)},"output_index":${output_index},"content_index":${content_index},"delta":`;
    let body = '';
    for (const delta of deltas) body += `${head}${this.count++}${where}${JSON.stringify(delta)},"logprobs":[]}\n\n`;
    this.body += body;
  }
}

/** Every event of the stream, in order, each with its sequence_number; the last is completed or incomplete. */
export function renderEvents(plan: CompletionPlan, ctx: RenderContext): Json[] {
  const sink = new ObjectSink();
  streamEvents(plan, ctx, sink);
  return sink.events;
}

/**
 * The SSE body of renderEvents' stream, for streams no break edits and no fault cuts (the
 * endpoint decides). `final` is the terminal event's Response (`renderResponse(plan, ctx)`)
 * when the caller has it already, `finalText` that Response as JSON.
 */
export function renderEventsBody(plan: CompletionPlan, ctx: RenderContext, final?: Json, finalText?: string): string {
  const sink = new TextSink();
  streamEvents(plan, ctx, sink, final, finalText);
  return sink.body;
}

function streamEvents(
  plan: CompletionPlan,
  ctx: RenderContext,
  sink: EventSink,
  final?: Json,
  finalText?: string,
): void {
  const emit = (type: string, fields: Json): void => sink.emit(type, fields);
  const choice = plan.choices[0]!;
  const started = { response: renderResponse(plan, ctx, 'in_progress', []) };
  emit('response.created', started);
  emit(
    'response.in_progress',
    sink.sharesObjects ? started : { response: renderResponse(plan, ctx, 'in_progress', []) },
  );
  // The final Response holds the very items the stream announces (outputItems(plan, ctx)).
  const items = final ? (final.output as Json[]) : outputItems(plan, ctx);
  items.forEach((item, outputIndex) => {
    const item_id = item.id as string;
    const at = { item_id, output_index: outputIndex };
    switch (item.type) {
      case 'reasoning': {
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, summary: [] } });
        (item.summary as { text: string }[]).forEach((part, summary_index) => {
          emit('response.reasoning_summary_part.added', {
            ...at,
            summary_index,
            part: { type: 'summary_text', text: '' },
          });
          for (const delta of words(part.text)) {
            emit('response.reasoning_summary_text.delta', { ...at, summary_index, delta });
          }
          emit('response.reasoning_summary_text.done', { ...at, summary_index, text: part.text });
          emit('response.reasoning_summary_part.done', {
            ...at,
            summary_index,
            part: { type: 'summary_text', text: part.text },
          });
        });
        break;
      }
      case 'message': {
        emit('response.output_item.added', {
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', content: [] },
        });
        (item.content as Json[]).forEach((part, content_index) => {
          const where = { ...at, content_index };
          if (part.type === 'output_text') {
            emit('response.content_part.added', {
              ...where,
              part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
            });
            sink.textDeltas(item_id, outputIndex, content_index, chunks(choice.contentTokens, ctx.chunkTokens ?? 1));
            emit('response.output_text.done', { ...where, text: part.text, logprobs: [] });
          } else {
            emit('response.content_part.added', { ...where, part: { type: 'refusal', refusal: '' } });
            emit('response.refusal.delta', { ...where, delta: part.refusal });
            emit('response.refusal.done', { ...where, refusal: part.refusal });
          }
          emit('response.content_part.done', { ...where, part });
        });
        break;
      }
      case 'function_call': {
        emit('response.output_item.added', {
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', arguments: '' },
        });
        const args = item.arguments as string;
        for (const delta of splitArguments(args)) emit('response.function_call_arguments.delta', { ...at, delta });
        emit('response.function_call_arguments.done', { ...at, name: item.name, arguments: args });
        break;
      }
      case 'custom_tool_call': {
        emit('response.output_item.added', {
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', input: '' },
        });
        const input = item.input as string;
        for (const delta of splitArguments(input)) emit('response.custom_tool_call_input.delta', { ...at, delta });
        emit('response.custom_tool_call_input.done', { ...at, input });
        break;
      }
      default: {
        // web_search_call: searched (nothing to stream) and done.
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress' } });
      }
    }
    emit('response.output_item.done', { output_index: outputIndex, item });
  });
  const status = statusOf(plan);
  sink.emitFinal(
    status === 'completed' ? 'response.completed' : 'response.incomplete',
    final ?? renderResponse(plan, ctx, status, items),
    final ? finalText : undefined,
  );
}

/** Tokens `size` at a time, joined. */
function chunks(tokens: readonly string[], size: number): readonly string[] {
  if (size <= 1) return tokens;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(''));
  return out;
}

/** Reasoning summaries stream a few words per delta. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

/**
 * An error after the 200: the events so far, then an `error` event and a `response.failed`
 * whose response carries the error, as OpenAI ends a stream that fails.
 */
export function failedEvents(
  events: readonly Json[],
  after: number,
  plan: CompletionPlan,
  ctx: RenderContext,
  error: ApiError,
): Json[] {
  const kept = events.slice(0, Math.max(0, Math.min(after, events.length - 1)));
  return [
    ...kept,
    { type: 'error', sequence_number: kept.length, code: errorCode(error), message: error.message, param: error.param },
    { type: 'response.failed', sequence_number: kept.length + 1, response: failedResponse(plan, ctx, error) },
  ];
}

const errorCode = (error: ApiError): string => error.code ?? (error.status >= 500 ? 'server_error' : error.type);

/** The Response of a stream that failed: status failed, no output, the error. */
export function failedResponse(plan: CompletionPlan, ctx: RenderContext, error: ApiError): Json {
  return renderResponse(plan, ctx, 'failed', [], { code: errorCode(error), message: error.message });
}

/** One event as SSE: its type named on the `event:` line, as OpenAI sends them. */
export function formatEvent(event: Json): string {
  if (event.type === 'response.output_text.delta' && isPlainDelta(event)) {
    // The same bytes as JSON.stringify, from a template: a stream has one per token.
    return (
      `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${event.sequence_number as number},` +
      `"item_id":${JSON.stringify(event.item_id)},"output_index":${event.output_index as number},"content_index":${event.content_index as number},` +
      `"delta":${JSON.stringify(event.delta)},"logprobs":[]}\n\n`
    );
  }
  return `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A text delta exactly as renderEvents makes it (nothing added, nothing bent). */
function isPlainDelta(e: Json): boolean {
  return (
    Object.keys(e).length === 7 &&
    typeof e.sequence_number === 'number' &&
    typeof e.item_id === 'string' &&
    typeof e.output_index === 'number' &&
    typeof e.content_index === 'number' &&
    typeof e.delta === 'string' &&
    Array.isArray(e.logprobs) &&
    e.logprobs.length === 0
  );
}
