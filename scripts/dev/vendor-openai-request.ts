// `npx tsx scripts/dev/vendor-openai-request.ts OPENAPI_JSON COMMIT DATE`: copies
// CreateChatCompletionRequest and every component it reaches out of OpenAI's published
// OpenAPI document (github.com/openai/openai-openapi, openapi.json) into
// spec/sources/openai-chat-request.json, so the leniency test can compare the mock with it
// offline. Descriptions and examples are dropped (prose, most of the bytes); every keyword
// that constrains a request is copied as published.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_DIR } from '../../spec/load.js';

export const OPENAI_REQUEST_FILE = join(SPEC_DIR, 'sources', 'openai-chat-request.json');
const ROOT = 'CreateChatCompletionRequest';
const PROSE = new Set(['description', 'example', 'examples', 'x-oaiMeta']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function withoutProse(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutProse);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !PROSE.has(k))
      .map(([k, v]) => [k, withoutProse(v)]),
  );
}

/** The named component and every component it references, by name, sorted. */
export function extractClosure(components: Record<string, Json>, root: string): Record<string, Json> {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const schema = components[name];
    if (schema === undefined) throw new Error(`component ${name} is missing from the document`);
    seen.add(name);
    for (const m of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) queue.push(m[1]!);
  }
  return Object.fromEntries([...seen].sort().map((n) => [n, withoutProse(components[n]!)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, commit, date] = process.argv.slice(2);
  if (!path || !commit || !date) throw new Error('usage: vendor-openai-request.ts OPENAPI_JSON COMMIT DATE');
  const doc = JSON.parse(readFileSync(path, 'utf8')) as {
    openapi: string;
    info: { version: string };
    components: { schemas: Record<string, Json> };
  };
  const out = {
    source: 'https://github.com/openai/openai-openapi/blob/' + commit + '/openapi.json',
    commit,
    date,
    openapi: doc.openapi,
    apiVersion: doc.info.version,
    root: ROOT,
    note: 'components.schemas reachable from CreateChatCompletionRequest, descriptions and examples removed',
    schemas: extractClosure(doc.components.schemas, ROOT),
  };
  writeFileSync(OPENAI_REQUEST_FILE, JSON.stringify(out, null, 1) + '\n');
}
