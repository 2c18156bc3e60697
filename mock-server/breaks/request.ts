// Request handling: parameters a relay ignores, refuses or mangles before "upstream" sees them.
import { readSpecYaml } from '../../spec/load.js';
import { setContent } from '../completion/choice.js';
import { ApiError, invalidRequest } from '../core/api-error.js';
import type { BreakImpl } from './hooks.js';

const unsupported = (param: string): ApiError =>
  invalidRequest(`Unsupported parameter: '${param}' is not supported by this relay.`, param, 'unsupported_parameter');

let knownParams: Set<string> | undefined;
/** The request schema's top-level properties: everything else is "unknown". */
function requestParams(): Set<string> {
  knownParams ??= new Set(
    Object.keys((readSpecYaml('schemas/chat-request.schema.yaml') as { properties: object }).properties),
  );
  return knownParams;
}

const clamp = (v: unknown, lo: number, hi: number): unknown =>
  typeof v === 'number' ? Math.min(hi, Math.max(lo, v)) : v;

export const requestBreaks: Record<string, BreakImpl> = {
  'stream-default-true': {
    request(req) {
      if (req.stream === undefined || req.stream === null) req.stream = true;
    },
  },
  'any-key-accepted': { acceptAnyKey: true },
  'unknown-params-stripped': {
    raw(body) {
      for (const key of Object.keys(body)) if (!requestParams().has(key)) delete body[key];
    },
  },
  'params-range-unchecked': {
    raw(body) {
      body.temperature = clamp(body.temperature, 0, 2);
      body.top_p = clamp(body.top_p, 0, 1);
      body.frequency_penalty = clamp(body.frequency_penalty, -2, 2);
      body.presence_penalty = clamp(body.presence_penalty, -2, 2);
      body.top_logprobs = clamp(body.top_logprobs, 0, 20);
      if (typeof body.n === 'number' && body.n < 1) body.n = 1;
      if (Array.isArray(body.stop)) body.stop = body.stop.slice(0, 4);
      for (const key of ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'top_logprobs', 'n']) {
        if (body[key] === undefined) delete body[key];
      }
    },
  },
  'max-tokens-ignored': {
    request(req) {
      delete req.max_tokens;
    },
  },
  'max-completion-tokens-ignored': {
    request(req) {
      delete req.max_completion_tokens;
    },
  },
  'max-completion-tokens-rejected': {
    request: (req) => (req.max_completion_tokens != null ? unsupported('max_completion_tokens') : undefined),
  },
  'no-length-finish': {
    choice(c) {
      if (c.finishReason === 'length') c.finishReason = 'stop';
    },
  },
  'stop-ignored': {
    request(req) {
      delete req.stop;
    },
  },
  'stop-included': {
    choice(c) {
      if (c.stoppedBy !== null && c.content !== null) setContent(c, c.content + c.stoppedBy);
    },
  },
  'stop-ignored-streaming': {
    request(req) {
      if (req.stream === true) delete req.stop;
    },
  },
  'n-ignored': {
    request(req) {
      delete req.n;
    },
  },
  'n-rejected': {
    request: (req) =>
      (req.n ?? 1) > 1
        ? new ApiError(
            422,
            'invalid_request_error',
            "Unsupported value: 'n' must be 1 on this relay.",
            'n',
            'unsupported_value',
          )
        : undefined,
  },
  'seed-rejected': {
    request: (req) => (req.seed != null ? unsupported('seed') : undefined),
  },
  'logprobs-ignored': {
    request(req) {
      delete req.logprobs;
      delete req.top_logprobs;
    },
  },
  'developer-role-rejected': {
    request(req) {
      const i = req.messages.findIndex((m) => m.role === 'developer');
      return i < 0
        ? undefined
        : invalidRequest(
            `Invalid value: 'developer' is not a supported role (messages[${i}].role).`,
            `messages[${i}].role`,
            'invalid_value',
          );
    },
  },
  'developer-role-dropped': {
    request(req) {
      req.messages = req.messages.filter((m) => m.role !== 'developer');
      if (req.messages.length === 0) req.messages = [{ role: 'user', content: '' }];
    },
  },
  'image-dropped': {
    request(req) {
      for (const m of req.messages) {
        if (Array.isArray(m.content)) m.content = m.content.filter((p) => p.type !== 'image_url');
      }
    },
  },
  'image-rejected': {
    request(req) {
      const i = req.messages.findIndex(
        (m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'),
      );
      return i < 0
        ? undefined
        : invalidRequest('Image inputs are not supported by this relay.', `messages[${i}].content`, 'invalid_value');
    },
  },
};
