// Which YAML files under spec/ are JSON Schemas, and how they refer to each other.
// Shared by the type generator and the ajv registry so both see the same set.
import { listSpecFiles, readSpecYaml } from './load.js';

export interface SchemaFile {
  /** Path relative to spec/, e.g. `schemas/chat-request.schema.yaml`. */
  path: string;
  /** File stem used to look a validator up, e.g. `chat-request`, `relays`. */
  name: string;
  /** The `$id` written in the file: every cross-file `$ref` is resolved against it. */
  id: string;
  /** The `title`, which is also the generated TypeScript type's name. */
  title: string;
  schema: Record<string, unknown>;
}

export const SCHEMA_SUFFIX = '.schema.yaml';

/** Every schema: `spec/schemas/*.schema.yaml`, then `spec/*.schema.yaml`. */
export function loadSchemaFiles(): SchemaFile[] {
  const paths = [
    ...listSpecFiles('schemas', SCHEMA_SUFFIX).map((f) => `schemas/${f}`),
    ...listSpecFiles('.', SCHEMA_SUFFIX),
  ];
  return paths.map((path) => {
    const schema = readSpecYaml(path);
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new Error(`spec/${path}: a schema file must hold an object`);
    }
    const record = schema as Record<string, unknown>;
    const { $id: id, title } = record;
    if (typeof id !== 'string' || typeof title !== 'string') {
      throw new Error(`spec/${path}: a schema file needs a string $id and title`);
    }
    const name = path.split('/').pop()!.slice(0, -SCHEMA_SUFFIX.length);
    return { path, name, id, title, schema: record };
  });
}
