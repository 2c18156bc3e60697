// The seed documents' own examples (spec/examples/*.yaml) against the schemas: each one
// validates iff it is marked `valid: true`, and an invalid one fails exactly at `errorsAt`.
// An example that breaks the OpenAI contract stays, marked: it is a finding about the relay's
// documentation, not a test to delete.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_DIR, listSpecFiles, readSpecYaml } from '../../spec/load.js';
import { loadRelays } from '../../spec/relays.js';
import { schemaNames } from '../../spec/validators.js';
import { SEED_FILES, errorsOf, pathsOf, validatorOf } from './helpers.js';

interface Example {
  source: string;
  lines?: string;
  origin: 'curl' | 'json' | 'sse' | 'python';
  schema: string;
  def?: string;
  partial?: boolean;
  description: string;
  valid: boolean;
  reason?: string;
  errorsAt?: string[];
  body?: unknown;
  events?: unknown[];
  items?: unknown[];
}

// Which dialect each seed document describes, read from the dialect files' `source`.
const RELAY_OF_SEED: Record<string, string> = Object.fromEntries(
  loadRelays().flatMap((r) => (r.source ? [[r.source, r.id]] : [])),
);
const KEYS = new Set([
  'source',
  'lines',
  'origin',
  'schema',
  'def',
  'partial',
  'description',
  'valid',
  'reason',
  'errorsAt',
  'body',
  'events',
  'items',
]);

const files = listSpecFiles('examples', '.yaml');
const examples = files.map((file) => [file, readSpecYaml(`examples/${file}`) as Example] as const);

/** The documents an example holds, with the prefix their errors' paths get. */
function documentsOf(example: Example): Array<{ prefix: string; doc: unknown }> {
  if (example.body !== undefined) return [{ prefix: '', doc: example.body }];
  const list = example.events ?? example.items ?? [];
  return list.map((doc, i) => ({ prefix: `/${i}`, doc }));
}

/** The instancePaths ajv reports for the example (prefixed by event/item index for lists). */
function failingPaths(example: Example): string[] {
  const paths: string[] = [];
  for (const { prefix, doc } of documentsOf(example)) {
    let errors = errorsOf(doc, example.schema, example.def);
    // A fragment of a request (`partial`) is not expected to carry model and messages.
    if (example.partial) errors = errors.filter((e) => !(e.instancePath === '' && e.keyword === 'required'));
    paths.push(...pathsOf(errors).map((p) => `${prefix}${p}`));
  }
  return [...new Set(paths)].sort();
}

describe('spec/examples', () => {
  it('holds examples from the seed documents, and only from them', () => {
    // A subset: a dialect added later brings its source document, not necessarily examples.
    const sources = new Set(examples.map(([, e]) => e.source));
    expect(sources.size).toBeGreaterThan(1);
    for (const source of sources) expect(SEED_FILES, String(source)).toContain(source);
  });

  it.each(examples)('%s is well-formed', (file, example) => {
    for (const key of Object.keys(example)) expect(KEYS.has(key), `unknown key ${key}`).toBe(true);
    const relay = RELAY_OF_SEED[example.source];
    expect(relay, `source ${example.source} is not a seed file`).toBeDefined();
    expect(file.startsWith(`${relay}-`), `${file} should be named ${relay}-<what>.yaml`).toBe(true);
    expect(['curl', 'json', 'sse', 'python']).toContain(example.origin);
    expect(schemaNames()).toContain(example.schema);
    expect(() => validatorOf(example.schema, example.def)).not.toThrow();
    expect(typeof example.description).toBe('string');
    expect(typeof example.valid).toBe('boolean');
    const holders = [example.body, example.events, example.items].filter((x) => x !== undefined);
    expect(holders, 'exactly one of body, events, items').toHaveLength(1);
    if (example.events !== undefined) {
      expect(example.origin).toBe('sse');
      expect(example.schema).toBe('chat-chunk');
    }
    if (example.partial) expect(example.schema).toBe('chat-request');
    if (example.valid) {
      expect(example.reason).toBeUndefined();
      expect(example.errorsAt).toBeUndefined();
    } else {
      expect(example.reason, 'an invalid example says why in one sentence').toMatch(/^[^\n]+\.$/);
      expect(Array.isArray(example.errorsAt) && example.errorsAt.length > 0, 'errorsAt lists the failing paths').toBe(
        true,
      );
    }
  });

  it.each(examples)('%s validates iff it is marked valid, and fails exactly at errorsAt', (_, example) => {
    const paths = failingPaths(example);
    if (example.valid) expect(paths).toEqual([]);
    else expect(paths).toEqual([...(example.errorsAt ?? [])].sort());
  });
});

// spec/sources/ holds copies of the seed documents: every key and string an example holds
// must appear, JSON-quoted, in the lines it cites (Python keyword names are not quoted there).
const SOURCES = join(SPEC_DIR, 'sources');

describe('spec/examples provenance (spec/sources)', () => {
  it('has the seed documents in spec/sources', () => expect(existsSync(SOURCES)).toBe(true));

  const cited = examples.filter(([, e]) => e.lines !== undefined);

  it('every example of a multi-line seed cites its lines', () => {
    for (const [file, e] of examples) {
      if (e.source !== '001_a4c3f304793eae99.txt') expect(e.lines, file).toMatch(/^\d+(-\d+)?$/);
    }
  });

  it.each(cited)('%s copies its keys and strings from the cited lines', (_, example) => {
    const [from, to = from] = example.lines!.split('-').map(Number) as [number, number?];
    const text = readFileSync(join(SOURCES, example.source), 'utf8')
      .split('\n')
      .slice(from - 1, to)
      .join('\n');
    const missing: string[] = [];
    const walk = (node: unknown, isKey = false): void => {
      if (typeof node === 'string') {
        if (!text.includes(JSON.stringify(node)) && !(isKey && example.origin === 'python')) missing.push(node);
      } else if (Array.isArray(node)) node.forEach((n) => walk(n));
      else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          walk(k, true);
          walk(v);
        }
      }
    };
    for (const { doc } of documentsOf(example)) walk(doc);
    expect(missing).toEqual([]);
  });
});
