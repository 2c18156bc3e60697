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
 * The most useful ajv error as a 400, in OpenAI's words (never ajv's: "must be equal to one
 * of the allowed values", "boolean schema is false"). ajv reports every branch of a oneOf;
 * the deepest error points closest to what the user got wrong, so it wins.
 */
export function fromSchemaErrors(errors: readonly AjvError[], body: unknown): ApiError {
  // At equal depth, a branch whose type fits says more than one whose type does not
  // (5 stop strings: "array too long", not "expected a string"), and both more than the
  // anyOf/oneOf summary.
  const chosen = [...errors].sort((a, b) => depth(b) - depth(a) || telling(b) - telling(a))[0];
  if (!chosen) return invalidRequest('The request body is invalid.');
  const base = chosen.instancePath;
  const p = chosen.params as Record<string, unknown>;
  if (chosen.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    return unrecognized(pointerToParam(`${base}/${p.additionalProperty}`));
  }
  // A property the schema forbids outright (`name: false`) is an argument OpenAI does not take.
  if (chosen.keyword === 'false schema' && base !== '') return unrecognized(pointerToParam(base));
  if (chosen.keyword === 'required' && typeof p.missingProperty === 'string') {
    const param = pointerToParam(`${base}/${p.missingProperty}`);
    return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  const param = pointerToParam(base) || null;
  const value = base === '' ? body : valueAt(body, base);
  const said = describe(chosen.keyword, p, value, param ?? 'the request body');
  return invalidRequest(said.message, param, said.code);
}

const unrecognized = (param: string): ApiError =>
  invalidRequest(`Unrecognized request argument supplied: ${param}`, param, 'unknown_parameter');

const quoteList = (values: readonly unknown[]): string => {
  const q = values.map((v) => `'${typeof v === 'string' ? v : JSON.stringify(v)}'`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')}${q.length > 2 ? ',' : ''} and ${q.at(-1)}`;
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a decimal',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return TYPE_WORDS[typeof value] ?? typeof value;
}

/** One ajv error as OpenAI phrases the same refusal (message and code), from its keyword and params. */
function describe(
  keyword: string,
  p: Record<string, unknown>,
  value: unknown,
  where: string,
): { message: string; code: string } {
  const limit = p.limit;
  const numberKind = typeof value === 'number' && Number.isInteger(value) ? 'integer' : 'decimal';
  switch (keyword) {
    case 'type': {
      const wanted = String(p.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t);
      const expected = wanted.length > 1 ? `one of ${wanted.join(' or ')}` : wanted[0];
      return {
        message: `Invalid type for '${where}': expected ${expected}, but got ${typeOf(value)} instead.`,
        code: 'invalid_type',
      };
    }
    case 'enum':
    case 'const': {
      const allowed = keyword === 'enum' ? (p.allowedValues as unknown[]) : [p.allowedValue];
      return {
        message: `Invalid value: ${describeValue(value).replace(/^"(.*)"$/, "'$1'")}. Supported values are: ${quoteList(allowed)}.`,
        code: 'invalid_value',
      };
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return {
        message: `Invalid '${where}': ${numberKind} below minimum value. Expected a value ${String(p.comparison)} ${String(limit)}, but got ${describeValue(value)} instead.`,
        code: `${numberKind}_below_min_value`,
      };
    case 'maximum':
    case 'exclusiveMaximum':
      return {
        message: `Invalid '${where}': ${numberKind} above maximum value. Expected a value ${String(p.comparison)} ${String(limit)}, but got ${describeValue(value)} instead.`,
        code: `${numberKind}_above_max_value`,
      };
    case 'minLength':
      return {
        message: `Invalid '${where}': string too short. Expected a string with minimum length ${String(limit)}, but got a string with length ${lengthOf(value)} instead.`,
        code: 'string_below_min_length',
      };
    case 'maxLength':
      return {
        message: `Invalid '${where}': string too long. Expected a string with maximum length ${String(limit)}, but got a string with length ${lengthOf(value)} instead.`,
        code: 'string_above_max_length',
      };
    case 'minItems':
      return {
        message: `Invalid '${where}': ${lengthOf(value) === 0 ? 'empty array' : 'array too short'}. Expected an array with minimum length ${String(limit)}, but got an array with length ${lengthOf(value)} instead.`,
        code: lengthOf(value) === 0 ? 'empty_array' : 'array_below_min_length',
      };
    case 'maxItems':
      return {
        message: `Invalid '${where}': array too long. Expected an array with maximum length ${String(limit)}, but got an array with length ${lengthOf(value)} instead.`,
        code: 'array_above_max_length',
      };
    case 'pattern':
      return {
        message: `Invalid '${where}': string does not match pattern. Expected a string that matches the pattern '${String(p.pattern)}'.`,
        code: 'invalid_value',
      };
    case 'propertyNames':
      return {
        message: `Invalid key in '${where}': ${describeValue(p.propertyName)} is not accepted here.`,
        code: 'invalid_value',
      };
    default:
      // anyOf/oneOf/if/not and anything else: the value fits none of the shapes OpenAI takes.
      return {
        message: `Invalid value for '${where}': ${describeValue(value)} is not supported here.`,
        code: 'invalid_value',
      };
  }
}

function lengthOf(value: unknown): number {
  return typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : 0;
}

// A wrong `type: "custom"` tells more than the `function` it then lacks.
function telling(error: AjvError): number {
  if (error.keyword === 'enum' || error.keyword === 'const') return 3;
  return error.keyword === 'type' ? 1 : SUMMARY_KEYWORDS.has(error.keyword) ? 0 : 2;
}
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf', 'if', 'not']);

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
