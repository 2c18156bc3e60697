// A fast-check arbitrary of the instances of OpenAI's request schema. The mock's own
// instance generator (json-instance.ts) builds ONE plausible value cheaply (first branches,
// early optional properties), which left most of the schema untried; this one draws every
// oneOf/anyOf branch and every optional property with equal chance. It covers the keywords
// the vendored schema uses ($ref, allOf, anyOf, oneOf, type, enum, const, properties,
// required, additionalProperties, items, min/maxItems, minimum/maximum, maxLength); every
// value is checked against the whole schema afterwards (schema-check.ts), so a keyword it
// reads wrongly costs a discarded sample, never a false alarm.
import fc from 'fast-check';
import type { Json } from '../../../mock-server/core/json-instance.js';
import { checkSchema, resolveRef } from '../../../mock-server/core/schema-check.js';

type S = { [key: string]: Json };
const isObj = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);

const WORDS = ['weather', 'Paris', 'json', 'hello', 'call_1', 'get_weather', 'ok', 'https://example.com/a.png', ''];
const text = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }));
// A tool's parameters or a response_format schema: free-form in OpenAI's schema, but OpenAI
// compiles it, so a draw is a small valid JSON Schema.
const FREE_SCHEMAS: Json[] = [
  {},
  { type: 'object', properties: {} },
  { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
];

/** One level of $ref and allOf merged into a single object schema's properties and required list. */
function flatten(root: S, schema: S, hops = 0): S {
  let s = schema;
  while (typeof s['$ref'] === 'string' && hops++ < 40) {
    const r = resolveRef(root, s['$ref']);
    if (!r.ok || !isObj(r.schema)) throw new Error(`unresolvable ${String(s['$ref'])}`);
    const { $ref: _, ...rest } = s;
    s = { ...r.schema, ...rest };
  }
  if (!Array.isArray(s['allOf'])) return s;
  const parts = s['allOf'].map((m) => flatten(root, m as S, hops + 1));
  const { allOf: _, ...own } = s;
  // Keywords merge shallowly; a property several members declare takes any of their
  // definitions (the final check keeps only values all of them accept).
  const merged: S = {};
  const properties: Record<string, Json[]> = {};
  const required = new Set<string>();
  for (const p of [own, ...parts]) {
    const { properties: ps, required: rs, ...rest } = p;
    Object.assign(merged, rest);
    for (const [k, v] of Object.entries(isObj(ps) ? ps : {})) (properties[k] ??= []).push(v);
    for (const r of Array.isArray(rs) ? rs : []) required.add(String(r));
  }
  if (Object.keys(properties).length === 0 && required.size === 0) return merged;
  const props = Object.fromEntries(
    Object.entries(properties).map(([k, defs]) => [k, defs.length === 1 ? defs[0]! : { anyOf: defs }]),
  );
  return { ...merged, properties: props, required: [...required] };
}

function arb(root: S, schema: Json, depth: number): fc.Arbitrary<Json> {
  if (schema === true || (isObj(schema) && Object.keys(schema).length === 0))
    return fc.constantFrom<Json>('x', 1, null);
  if (!isObj(schema)) return fc.constant(null);
  const s = flatten(root, schema);
  const branches = (s['oneOf'] ?? s['anyOf']) as Json[] | undefined;
  if (Array.isArray(branches)) {
    const { oneOf: _o, anyOf: _a, ...rest } = s;
    return fc.oneof(...branches.map((b) => arb(root, { allOf: [rest, b] }, depth)));
  }
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as Json[]));
  if (Object.hasOwn(s, 'const')) return fc.constant(s['const'] as Json);
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : typeof s['type'] === 'string' ? [s['type']] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => arb(root, { ...s, type: t }, depth)));
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.max(num('minimum') ?? -5, -1e6), max: Math.min(num('maximum') ?? 100, 1e6) });
    case 'number':
      return fc.double({ min: num('minimum') ?? -5, max: num('maximum') ?? 100, noNaN: true, noDefaultInfinity: true });
    case 'string':
      return text.map((t) => t.slice(0, num('maxLength') ?? 64));
    case 'array': {
      const min = num('minItems') ?? 0;
      const max = Math.min(num('maxItems') ?? 3, min + 3);
      return depth > 6
        ? fc.constant([])
        : fc.array(arb(root, s['items'] ?? {}, depth + 1), { minLength: min, maxLength: max });
    }
    default: {
      const props = isObj(s['properties']) ? s['properties'] : {};
      const required = (Array.isArray(s['required']) ? s['required'] : []).map(String);
      if (Object.keys(props).length === 0) {
        if (s['additionalProperties'] === true) return fc.constantFrom(...FREE_SCHEMAS);
        if (isObj(s['additionalProperties']))
          return fc.dictionary(fc.constantFrom('a', 'b', '50256'), arb(root, s['additionalProperties'], depth + 1), {
            maxKeys: 2,
          });
        return fc.constant({});
      }
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props))
        record[k] = depth > 6 && !required.includes(k) ? fc.constant(null) : arb(root, v, depth + 1);
      return fc
        .record(record, { requiredKeys: required.filter((k) => k in record) })
        .map((o) =>
          Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== null || !(depth > 6 && !required.includes(k)))),
        );
    }
  }
}

export const rawOf = (schema: S): fc.Arbitrary<Json> => arb(schema, schema, 0);

/** Instances of `schema` (a JSON Schema with $defs), each valid against the whole of it. */
export function instancesOf(schema: S): fc.Arbitrary<S> {
  return arb(schema, schema, 0).filter((v): v is S => isObj(v) && checkSchema(schema, v) === null);
}
