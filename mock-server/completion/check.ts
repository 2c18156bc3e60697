// Rules OpenAI enforces that a JSON Schema cannot express: they depend on the model, on
// other messages, or on limits. Pure: returns the first ApiError, or null.
import type { ChatCompletionRequest, ChatMessage } from '../../spec/generated/types.js';
import { type ApiError, invalidRequest, modelNotFound } from '../core/api-error.js';
import { measureJson } from '../core/json-limits.js';
import type { MockLimits, MockModel } from '../core/types.js';

const unsupported = (message: string, param: string): ApiError =>
  invalidRequest(message, param, 'unsupported_parameter');

export function checkRequest(
  req: ChatCompletionRequest,
  model: MockModel | undefined,
  limits: MockLimits,
): ApiError | null {
  if (!model) return modelNotFound(req.model);
  if (req.messages.length === 0)
    return invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      'messages',
      'empty_array',
    );
  if (req.messages.length > limits.maxMessages) {
    return invalidRequest(
      `Invalid 'messages': at most ${limits.maxMessages} messages are accepted by this mock.`,
      'messages',
      'array_above_max_length',
    );
  }
  if ((req.n ?? 1) > limits.maxN)
    return invalidRequest(
      `Invalid 'n': at most ${limits.maxN} choices are accepted by this mock.`,
      'n',
      'integer_above_max_value',
    );
  if ((req.tools?.length ?? 0) > limits.maxTools) {
    return invalidRequest(
      `Invalid 'tools': array too long. Expected an array with maximum length ${limits.maxTools}, but got an array with length ${req.tools!.length} instead.`,
      'tools',
      'array_above_max_length',
    );
  }
  return (
    checkSchemaLimits(req, limits) ??
    checkModelRules(req, model) ??
    checkTools(req) ??
    checkMessages(req.messages) ??
    checkFormat(req)
  );
}

/** The schemas the mock generates JSON for (response_format, tool parameters) are bounded in size and depth. */
function checkSchemaLimits(req: ChatCompletionRequest, limits: MockLimits): ApiError | null {
  const format = req.response_format;
  if (format?.type === 'json_schema' && format.json_schema) {
    const problem = schemaTooBig(
      format.json_schema.schema,
      limits,
      `response_format '${format.json_schema.name}'`,
      'response_format',
    );
    if (problem) return problem;
  }
  const tools = req.tools ?? [];
  for (let i = 0; i < tools.length; i++) {
    const problem = schemaTooBig(
      tools[i]!.function.parameters,
      limits,
      `function '${tools[i]!.function.name}'`,
      `tools[${i}].function.parameters`,
    );
    if (problem) return problem;
  }
  return null;
}

// A module-level function, not a closure in checkSchemaLimits: under tsx (esbuild's keepNames)
// a named closure is renamed with defineProperty every time it is created, once per request.
function schemaTooBig(schema: unknown, limits: MockLimits, what: string, param: string): ApiError | null {
  const m = measureJson(schema, { maxValues: limits.maxSchemaValues, maxDepth: limits.maxSchemaDepth });
  if (m.exceeded === null) return null;
  const why =
    m.exceeded === 'values'
      ? `it has more than ${limits.maxSchemaValues} JSON values (the mock's maxSchemaValues)`
      : `it nests more than ${limits.maxSchemaDepth} levels deep (the mock's maxSchemaDepth)`;
  return invalidRequest(`Invalid schema for ${what}: ${why}.`, param, 'schema_too_large');
}

function checkModelRules(req: ChatCompletionRequest, model: MockModel): ApiError | null {
  const record = req as unknown as Record<string, unknown>;
  for (const param of model.rejects?.params ?? []) {
    if (record[param] !== undefined && record[param] !== null) {
      return unsupported(`Unsupported parameter: '${param}' is not supported with this model.`, param);
    }
  }
  const roles = model.rejects?.roles ?? [];
  const badRole = req.messages.findIndex((m) => roles.includes(m.role));
  if (badRole >= 0) {
    return invalidRequest(
      `Unsupported value: 'messages[${badRole}].role' does not support '${req.messages[badRole]!.role}' with this model.`,
      `messages[${badRole}].role`,
      'unsupported_value',
    );
  }
  if (req.reasoning_effort != null && !model.reasoning) {
    return unsupported(
      "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      'reasoning_effort',
    );
  }
  if (!model.vision) {
    for (const [i, m] of req.messages.entries()) {
      if (Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')) {
        return invalidRequest(
          'Invalid content type. image_url is only supported by certain models.',
          `messages[${i}].content`,
          'invalid_value',
        );
      }
    }
  }
  if (req.top_logprobs != null && req.logprobs !== true) {
    return invalidRequest(
      "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.",
      'top_logprobs',
      'invalid_value',
    );
  }
  return null;
}

function checkTools(req: ChatCompletionRequest): ApiError | null {
  const names = new Set((req.tools ?? []).map((t) => t.function.name));
  if (req.tool_choice !== undefined && names.size === 0) {
    return invalidRequest(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
      'invalid_value',
    );
  }
  const choice = req.tool_choice;
  if (typeof choice === 'object' && choice.type === 'function' && !names.has(choice.function.name)) {
    return invalidRequest(
      `Invalid value for 'tool_choice': no function named '${choice.function.name}' was specified in the 'tools' parameter.`,
      'tool_choice',
      'invalid_value',
    );
  }
  if (req.parallel_tool_calls !== undefined && names.size === 0) {
    return invalidRequest(
      "Invalid value for 'parallel_tool_calls': only allowed when 'tools' are specified.",
      'parallel_tool_calls',
      'invalid_value',
    );
  }
  return null;
}

/** Every tool message answers an earlier call, and every call is answered before the next turn. */
function checkMessages(messages: readonly ChatMessage[]): ApiError | null {
  let pending = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m.role === 'tool') {
      if (!m.tool_call_id || !pending.has(m.tool_call_id)) {
        return invalidRequest(
          `Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'.`,
          `messages[${i}].tool_call_id`,
          'invalid_value',
        );
      }
      pending.delete(m.tool_call_id);
      continue;
    }
    if (pending.size > 0) {
      return invalidRequest(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Missing: ${[...pending].join(', ')}.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
    if (m.role === 'assistant' && m.tool_calls?.length) pending = new Set(m.tool_calls.map((c) => c.id));
  }
  return null;
}

function checkFormat(req: ChatCompletionRequest): ApiError | null {
  if (req.response_format?.type !== 'json_object') return null;
  const mentionsJson = req.messages.some((m) =>
    JSON.stringify(m.content ?? '')
      .toLowerCase()
      .includes('json'),
  );
  return mentionsJson
    ? null
    : invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
        'invalid_value',
      );
}
