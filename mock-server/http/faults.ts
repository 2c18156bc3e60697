// Errors on demand, for app developers testing their error handling. Pure parsing.
//   header  x-mock-error: 429            → that status in OpenAI's envelope (429 gets Retry-After)
//           x-mock-error: 429; retry-after=3
//           x-mock-error: stream-error@3  → a stream that sends 3 chunks, then an in-band error event
//           x-mock-error: stream-cut@3    → a stream whose connection is destroyed after 3 chunks
//           x-mock-error: insufficient-quota → credit exhausted: OpenAI's 429 insufficient_quota
//                                            (a relay dialect may remap its status, e.g. 402)
//   model   mock-error-<status>           → the same as the header with that status
import { ApiError } from '../core/api-error.js';

export type Fault =
  | { kind: 'status'; error: ApiError }
  | { kind: 'stream-error'; after: number; error: ApiError }
  | { kind: 'stream-cut'; after: number };

export const FAULT_HEADER = 'x-mock-error';
export const FAULT_MODEL_PREFIX = 'mock-error-';

const STATUS_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Injected 400: the request was rejected.' },
  401: { type: 'authentication_error', code: 'invalid_api_key', message: 'Injected 401: incorrect API key provided.' },
  402: {
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    message: 'Injected 402: your credit is exhausted; top up to continue.',
  },
  403: {
    type: 'permission_error',
    code: 'permission_denied',
    message: 'Injected 403: this key may not use this model.',
  },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'Injected 404: the model does not exist.' },
  429: {
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    message: 'Injected 429: rate limit reached, retry after the delay in Retry-After.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'Injected 500: the server had an error while processing your request.',
  },
  503: {
    type: 'server_error',
    code: 'service_unavailable',
    message: 'Injected 503: the engine is currently overloaded.',
  },
};

export const INJECTABLE_STATUSES = Object.keys(STATUS_ERRORS).map(Number);

export function statusError(status: number, retryAfterSeconds = 1): ApiError {
  const spec = STATUS_ERRORS[status] ?? STATUS_ERRORS[500]!;
  const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(retryAfterSeconds) } : {};
  return new ApiError(status, spec.type, spec.message, null, spec.code, headers);
}

/** The x-mock-error value that provokes a refusal with this OpenAI code or type, if any. */
export function faultFor(condition: string): string | undefined {
  if (condition === 'insufficient_quota') return 'insufficient-quota';
  const status = INJECTABLE_STATUSES.find(
    (s) => statusError(s).code === condition || statusError(s).type === condition,
  );
  return status === undefined ? undefined : String(status);
}

/** The fault a request asks for, null for none, or an ApiError when the header is malformed. */
export function parseFault(header: string | undefined, model: unknown): Fault | ApiError | null {
  let spec = header?.trim();
  if (!spec && typeof model === 'string' && model.startsWith(FAULT_MODEL_PREFIX))
    spec = model.slice(FAULT_MODEL_PREFIX.length);
  if (!spec) return null;
  if (spec === 'insufficient-quota') {
    return {
      kind: 'status',
      error: new ApiError(
        429,
        'insufficient_quota',
        'You exceeded your current quota, please check your plan and billing details.',
        null,
        'insufficient_quota',
      ),
    };
  }
  const stream = /^stream-(error|cut)@(\d{1,6})$/.exec(spec);
  if (stream) {
    const after = Number(stream[2]);
    return stream[1] === 'cut'
      ? { kind: 'stream-cut', after }
      : { kind: 'stream-error', after, error: statusError(500) };
  }
  const status = /^(\d{3})(?:\s*;\s*retry-after=(\d{1,5}))?$/.exec(spec);
  if (status && STATUS_ERRORS[Number(status[1])]) {
    return { kind: 'status', error: statusError(Number(status[1]), status[2] === undefined ? 1 : Number(status[2])) };
  }
  return new ApiError(
    400,
    'invalid_request_error',
    `Unrecognised ${FAULT_HEADER} '${spec.slice(0, 40)}': use one of ${INJECTABLE_STATUSES.join(', ')} (optionally '; retry-after=N'), 'insufficient-quota', 'stream-error@N' or 'stream-cut@N'.`,
    null,
    'invalid_fault',
  );
}
