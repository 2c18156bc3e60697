// Test-side access to the schemas: whole files through spec/validators.ts (the registry the
// mock and the suite use), single top-level $defs through a second registry built the same
// way (strict ajv, 2020-12, allErrors), since spec/validators.ts only hands out whole files.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadSchemaFiles, type SchemaFile } from '../../spec/schema-files.ts';
import { validatorFor } from '../../spec/validators.ts';

/** The seed documents every spec/ description must cite (or say it follows OpenAI only). */
export const SEED_FILES = [
  '000_1b8eda3972ec1219.txt',
  '001_a4c3f304793eae99.txt',
  '002_894dbf544ad4718f.txt',
  '003_59293362b70f2692.txt',
  '004_6c191010bd871fd6.txt',
] as const;

export const OPENAI_ONLY = 'OpenAI contract; no seed document names it';

let defRegistry: { ajv: Ajv2020; files: Map<string, SchemaFile> } | undefined;

function registry(): { ajv: Ajv2020; files: Map<string, SchemaFile> } {
  if (!defRegistry) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const files = new Map<string, SchemaFile>();
    for (const file of loadSchemaFiles()) {
      ajv.addSchema(file.schema, file.id);
      files.set(file.name, file);
    }
    defRegistry = { ajv, files };
  }
  return defRegistry;
}

/** Every schema file, by stem. */
export function schemaFiles(): SchemaFile[] {
  return [...registry().files.values()];
}

/** The validator for a file (`chat-request`) or one of its top-level $defs (`common`, `ChatMessage`). */
export function validatorOf(schema: string, def?: string): ValidateFunction {
  if (def === undefined) return validatorFor(schema);
  const { ajv, files } = registry();
  const file = files.get(schema);
  if (!file) throw new Error(`no schema file '${schema}'`);
  const fn = ajv.getSchema(`${file.id}#/$defs/${def}`);
  if (!fn) throw new Error(`${schema} has no $defs/${def}`);
  return fn;
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
