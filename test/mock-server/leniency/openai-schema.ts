// OpenAI's published request schema (spec/sources/openai-chat-request.json, vendored by
// scripts/dev/vendor-openai-request.ts) as one JSON Schema the instance generator reads.
// The document says openapi 3.1.0 but still spells nullability the 3.0 way (`nullable:
// true`); OpenAI's own SDKs read it as "or null", so it becomes `anyOf [..., null]` here.
// `discriminator` only names the property the oneOf branches already tell apart by enum.
import { readFileSync } from 'node:fs';
import { OPENAI_REQUEST_FILE } from '../../../scripts/dev/vendor-openai-request.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Annotations: they constrain nothing, and `format` on a string is only an assertion in
// JSON Schema when a validator opts in (OpenAI's does not: `image_url.url` takes data URLs).
const DROPPED = new Set(['discriminator', 'deprecated', 'default', 'title', 'nullable', 'format']);

// `names`: the keys of this object are names (of properties or components), not keywords.
function convert(node: Json, names = false): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n));
  if (typeof node !== 'object' || node === null) return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (names) {
      out[key] = convert(value);
      continue;
    }
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', '#/$defs/')
        : convert(value, key === 'properties');
  }
  if (names) return out;
  return node['nullable'] === true ? { anyOf: [out, { type: 'null' }] } : out;
}

export interface OpenAiRequestSchema {
  source: string;
  date: string;
  /** A JSON Schema whose root is CreateChatCompletionRequest, components under $defs. */
  schema: { [key: string]: Json };
}

export function loadOpenAiRequestSchema(): OpenAiRequestSchema {
  const file = JSON.parse(readFileSync(OPENAI_REQUEST_FILE, 'utf8')) as {
    source: string;
    date: string;
    root: string;
    schemas: { [key: string]: Json };
  };
  const defs = convert(file.schemas, true) as { [key: string]: Json };
  return { source: file.source, date: file.date, schema: { $ref: `#/$defs/${file.root}`, $defs: defs } };
}
