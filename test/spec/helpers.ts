// Test-side access to the schemas, through spec/validators.ts (the registry the mock and the
// suite use): whole files, or single top-level $defs.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { listSpecFiles } from '../../spec/load.js';
import { schemaFiles as allSchemaFiles, validatorFor, validatorForDef } from '../../spec/validators.js';

/**
 * The seed documents every spec/ description must cite (or say it follows OpenAI only): the
 * files of spec/sources/, so a dialect's new source document is one more file, no list.
 */
export const SEED_FILES: readonly string[] = listSpecFiles('sources', '.txt');

export const OPENAI_ONLY = 'OpenAI contract; no seed document names it';

/** Every schema file, by stem. */
export const schemaFiles = allSchemaFiles;

/** The validator for a file (`chat-request`) or one of its top-level $defs (`common`, `ChatMessage`). */
export function validatorOf(schema: string, def?: string): ValidateFunction {
  return def === undefined ? validatorFor(schema) : validatorForDef(schema, def);
}

/** Validate and return ajv's errors (empty when valid). */
export function errorsOf(value: unknown, schema: string, def?: string): ErrorObject[] {
  const fn = validatorOf(schema, def);
  return fn(value) ? [] : [...(fn.errors ?? [])];
}

/**
 * The distinct instancePaths of a list of errors, sorted, leaving out `if` errors: those only
 * say that a then/else branch failed, at the path of the enclosing object, and always come
 * with the branch's own errors, which point at the field at fault.
 */
export function pathsOf(errors: ErrorObject[]): string[] {
  return [...new Set(errors.filter((e) => e.keyword !== 'if').map((e) => e.instancePath))].sort();
}
