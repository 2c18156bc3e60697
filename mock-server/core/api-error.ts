// Errors the mock answers with, always in OpenAI's envelope. Pure: no Express here.
import type { ErrorObject as AjvError } from 'ajv';
import type { ErrorResponse } from '../../spec/generated/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): ErrorResponse {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(400, 'invalid_request_error', message, param, code);

export const unauthorized = (message: string): ApiError =>
  new ApiError(401, 'authentication_error', message, null, 'invalid_api_key');

export const modelNotFound = (model: string): ApiError =>
  new ApiError(
    404,
    'invalid_request_error',
    `The model '${model}' does not exist or you do not have access to it.`,
    'model',
    'model_not_found',
  );

export const routeNotFound = (method: string, path: string): ApiError =>
  new ApiError(404, 'invalid_request_error', `Unknown request URL: ${method} ${path}.`, null, 'unknown_url');

/** `/messages/0/content` → `messages[0].content`, the way OpenAI names a parameter. */
export function pointerToParam(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The most useful ajv error as a 400. ajv reports every branch of a oneOf; the deepest
 * error points closest to what the user got wrong, so it wins.
 */
export function fromSchemaErrors(errors: readonly AjvError[], body: unknown): ApiError {
  const chosen = [...errors].sort((a, b) => depth(b) - depth(a))[0];
  if (!chosen) return invalidRequest('The request body is invalid.');
  const base = chosen.instancePath;
  const p = chosen.params as Record<string, unknown>;
  if (chosen.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    const param = pointerToParam(`${base}/${p.additionalProperty}`);
    return invalidRequest(`Unrecognized request argument supplied: ${param}`, param, 'unknown_parameter');
  }
  if (chosen.keyword === 'required' && typeof p.missingProperty === 'string') {
    const param = pointerToParam(`${base}/${p.missingProperty}`);
    return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  const param = pointerToParam(base) || null;
  const value = base === '' ? body : valueAt(body, base);
  const where = param ?? 'the request body';
  return invalidRequest(
    `Invalid value for '${where}': ${describeValue(value)} ${chosen.message ?? 'is invalid'}.`,
    param,
    'invalid_value',
  );
}

function depth(error: AjvError): number {
  return (
    error.instancePath.split('/').length +
    (error.keyword === 'additionalProperties' || error.keyword === 'required' ? 1 : 0)
  );
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
