// ajv, strict, JSON Schema 2020-12: every schema under spec/ is added once, and each
// validator is compiled the first time it is asked for, then reused (never per request).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadSchemaFiles, type SchemaFile } from './schema-files.js';

export type SchemaName = string;

export interface ValidationResult {
  valid: boolean;
  errors: ErrorObject[];
}

let registry: { ajv: Ajv2020; files: Map<string, SchemaFile> } | undefined;
const compiled = new Map<string, ValidateFunction>();

function load(): { ajv: Ajv2020; files: Map<string, SchemaFile> } {
  if (!registry) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const files = new Map<string, SchemaFile>();
    for (const file of loadSchemaFiles()) {
      ajv.addSchema(file.schema, file.id);
      files.set(file.name, file);
    }
    registry = { ajv, files };
  }
  return registry;
}

/** Names of every schema in spec/ (file stems). */
export function schemaNames(): string[] {
  return [...load().files.keys()];
}

/** The compiled validator for `name` (a file stem such as `chat-request`). */
export function validatorFor(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const { ajv, files } = load();
    const file = files.get(name);
    if (!file) throw new Error(`no schema named '${name}' in spec/ (have: ${[...files.keys()].join(', ')})`);
    fn = ajv.getSchema(file.id);
    if (!fn) throw new Error(`schema '${name}' did not compile`);
    compiled.set(name, fn);
  }
  return fn;
}

/** The compiled validator for one top-level `$defs` entry of a schema file (e.g. `common`, `ChatMessage`). */
export function validatorForDef(name: SchemaName, def: string): ValidateFunction {
  const key = `${name}#${def}`;
  let fn = compiled.get(key);
  if (!fn) {
    const { ajv, files } = load();
    const file = files.get(name);
    if (!file) throw new Error(`no schema named '${name}' in spec/`);
    fn = ajv.getSchema(`${file.id}#/$defs/${def}`);
    if (!fn) throw new Error(`spec schema '${name}' has no $defs/${def}`);
    compiled.set(key, fn);
  }
  return fn;
}

/** Every schema file, by stem. */
export function schemaFiles(): SchemaFile[] {
  return [...load().files.values()];
}

export function validate(name: SchemaName, value: unknown): ValidationResult {
  const fn = validatorFor(name);
  const valid = fn(value) as boolean;
  return { valid, errors: valid ? [] : [...(fn.errors ?? [])] };
}
