// Anthropic's Messages format (`POST /v1/messages`), for the relay that documents it. The
// request is translated onto the same planner as chat completions, so the answer is
// computed the same way; only the wire shapes differ. Pure apart from the handler at the end.
import type { Request, Response } from 'express';
import type { ChatCompletionRequest, ChatMessage, RelayEndpoint, Tool } from '../../spec/generated/types.js';
import { checkRequest } from '../completion/check.js';
import { planCompletion, type CompletionPlan } from '../completion/plan.js';
import { ApiError } from '../http/api-error.js';
import { readJsonBody } from '../http/read-body.js';
import { writeSse } from '../http/sse-writer.js';
import type { ResolvedOptions } from '../options.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const anthropicError = (status: number, type: string, message: string): ApiError =>
  new ApiError(status, type, message, null, null);

/** Anthropic's error body, not OpenAI's. */
export function anthropicErrorBody(error: ApiError): unknown {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .join('');
}

/** An Anthropic request as the equivalent chat-completions request. */
export function toChatRequest(body: unknown): ChatCompletionRequest | ApiError {
  if (!isObject(body)) return anthropicError(400, 'invalid_request_error', 'The request body must be a JSON object.');
  const { model, max_tokens: maxTokens, messages, system, stop_sequences: stops, tools } = body;
  if (typeof model !== 'string') return anthropicError(400, 'invalid_request_error', 'model: Field required');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
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
    out.push({ role: m.role, content: textOf(m.content) });
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
  return {
    model,
    messages: out,
    max_tokens: maxTokens,
    ...(Array.isArray(stops) ? { stop: stops.filter((s): s is string => typeof s === 'string').slice(0, 4) } : {}),
    ...(chatTools && chatTools.length > 0 ? { tools: chatTools } : {}),
  };
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

/**
 * The Express handler for a documented endpoint: only its models, and the headers its
 * document requires (e.g. anthropic-version).
 */
export function messagesHandler(options: ResolvedOptions, endpoint: Pick<RelayEndpoint, 'models' | 'headers'>) {
  const models = endpoint.models;
  const required = Object.keys(endpoint.headers ?? {}).map((h) => h.toLowerCase());
  return async (req: Request, res: Response): Promise<void> => {
    try {
      // Either header style carries the key; with --api-key set, its value must be one of them.
      const xKey = req.headers['x-api-key'];
      const key = typeof xKey === 'string' ? xKey : /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!key) throw anthropicError(401, 'authentication_error', 'x-api-key header is required');
      if (options.apiKeys && !options.apiKeys.has(key.trim()))
        throw anthropicError(401, 'authentication_error', 'invalid x-api-key');
      const missing = required.find((h) => typeof req.headers[h] !== 'string');
      if (missing) throw anthropicError(400, 'invalid_request_error', `${missing}: header is required`);
      const body = await readJsonBody(req, options.limits);
      const request = toChatRequest(body.json);
      if (request instanceof ApiError) throw request;
      const model = options.models.get(request.model);
      if (!model || (models && !models.includes(request.model)))
        throw anthropicError(404, 'not_found_error', `model: ${request.model}`);
      // The same limits as chat completions (messages, tools, schema size), in Anthropic's error shape.
      const problem = checkRequest(request, model, options.limits);
      if (problem) throw anthropicError(problem.status, problem.type, problem.message);
      const plan = planCompletion({ request, model, rawBody: body.text, limits: options.limits, clock: options.clock });
      if (plan instanceof ApiError) throw anthropicError(400, 'invalid_request_error', plan.message);
      if ((body.json as { stream?: unknown }).stream === true) {
        await writeSse(res, renderMessageEvents(plan), options.pacing);
      } else {
        res.json(renderMessage(plan));
      }
    } catch (err) {
      const error = err instanceof ApiError ? err : anthropicError(500, 'api_error', 'Internal server error');
      if (res.headersSent) res.destroy();
      else res.status(error.status).json(anthropicErrorBody(error));
    }
  };
}
