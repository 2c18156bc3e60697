// Test helper: fast-check arbitraries for JSON Schemas built from the keywords the generator
// supports. `satisfiableSchema` only builds schemas that have instances (bounds ordered,
// oneOf branches of distinct types, allOf members without conflicting properties), so the
// generator must succeed on every one of them.
import fc from 'fast-check';

type S = Record<string, unknown>;

const PATTERNS = [
  '^[a-z]+$',
  '^[A-Z]{3}$',
  '^\\d{3}-\\d{4}$',
  '^(red|green|blue)$',
  '^[a-z0-9_]{2,8}$',
  'ab',
  '^v\\d+(\\.\\d+){2}$',
];
const FORMATS = ['date', 'date-time', 'email', 'uri', 'uuid', 'ipv4', 'hostname', 'time'];
const KEYS = ['city', 'name', 'id', 'count', 'tags', 'price', 'unit', 'a', 'b', 'note', 'created_at', 'x-y'];

export const stringSchema: fc.Arbitrary<S> = fc.oneof(
  fc
    .record({ minLength: fc.integer({ min: 0, max: 6 }), extra: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: [] })
    .map(({ minLength, extra }) => {
      const s: S = { type: 'string' };
      if (minLength !== undefined) s['minLength'] = minLength;
      if (extra !== undefined) s['maxLength'] = (minLength ?? 0) + extra;
      return s;
    }),
  fc.constantFrom(...PATTERNS).map((pattern) => ({ type: 'string', pattern })),
  fc.constantFrom(...FORMATS).map((format) => ({ type: 'string', format })),
  fc.constant({ type: 'string', pattern: '^[a-z]+$', minLength: 5, maxLength: 9 }),
);

export const numberSchema: fc.Arbitrary<S> = fc
  .record({
    type: fc.constantFrom('integer', 'number'),
    lo: fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }),
    span: fc.integer({ min: 0, max: 40 }),
    hasMax: fc.boolean(),
    exLo: fc.boolean(),
    exHi: fc.boolean(),
    multipleOf: fc.option(fc.constantFrom(0.5, 1, 2, 3, 5, 0.25, 0.1), { nil: undefined }),
  })
  .map(({ type, lo, span, hasMax, exLo, exHi, multipleOf }) => {
    const s: S = { type };
    // Room for at least two multiples and one integer, even with both ends exclusive.
    const width = Math.max(span, 2 * (multipleOf ?? 1) + 2);
    if (lo !== undefined) s[exLo ? 'exclusiveMinimum' : 'minimum'] = lo;
    if (hasMax) s[exHi ? 'exclusiveMaximum' : 'maximum'] = (lo ?? 0) + width;
    if (multipleOf !== undefined) s['multipleOf'] = multipleOf;
    return s;
  });

const primitive = fc.jsonValue({ maxDepth: 1 }).filter((v) => !(typeof v === 'object' && v !== null));
const enumSchema: fc.Arbitrary<S> = fc.oneof(
  fc
    .uniqueArray(primitive, { minLength: 1, maxLength: 5, selector: (v) => JSON.stringify(v) })
    .map((e) => ({ enum: e })),
  fc.jsonValue({ maxDepth: 2 }).map((c) => ({ const: c })),
  fc.constant({ type: 'string', enum: ['celsius', 'fahrenheit'] }),
);

const leaf: fc.Arbitrary<S> = fc.oneof(
  stringSchema,
  numberSchema,
  enumSchema,
  fc.constantFrom<S>(
    { type: 'boolean' },
    { type: 'null' },
    {},
    { type: ['string', 'null'] },
    { type: ['integer', 'null'] },
  ),
);

export const satisfiableSchema: fc.Arbitrary<S> = fc.letrec<{ node: S; object: S; array: S; choice: S }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, tie('object'), tie('array'), tie('choice')),
  object: fc
    .record({
      props: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
      requiredMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      closed: fc.boolean(),
    })
    .map(({ props, requiredMask, closed }) => {
      const keys = Object.keys(props);
      const s: S = { type: 'object', properties: props, required: keys.filter((_, i) => requiredMask[i]) };
      if (closed) s['additionalProperties'] = false;
      return s;
    }),
  array: fc
    .record({
      items: tie('node'),
      minItems: fc.integer({ min: 0, max: 3 }),
      extra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    })
    .map(({ items, minItems, extra }) => {
      const s: S = { type: 'array', items, minItems };
      if (extra !== undefined) s['maxItems'] = minItems + extra;
      return s;
    }),
  choice: fc.oneof(
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
    // oneOf branches of distinct types cannot overlap.
    fc
      .record({ a: numberSchema, b: stringSchema, n: fc.boolean() })
      .map(({ a, b, n }) => ({ oneOf: n ? [b, { type: 'null' }] : [a, b] })),
    // allOf of two objects with disjoint property names.
    fc
      .record({
        p: fc.dictionary(fc.constantFrom('a', 'b', 'c'), leaf, { maxKeys: 2 }),
        q: fc.dictionary(fc.constantFrom('x', 'y', 'z'), leaf, { maxKeys: 2 }),
      })
      .map(({ p, q }) => ({
        allOf: [
          { type: 'object', properties: p, required: Object.keys(p) },
          { properties: q, required: Object.keys(q) },
        ],
      })),
  ),
})).node;
