import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { argumentsFor, extractHints, generateInstance } from '../../../mock-server/core/json-instance.js';
import { createRng } from '../../../mock-server/core/rng.js';
import { ajvErrors } from './ajv.js';
import { numberSchema, satisfiableSchema, stringSchema } from './schema-arbitrary.js';

const seed = fc.integer({ min: 0, max: 0xffffffff });

function expectValid(schema: unknown, s = 1, draft: '2020' | '7' = '2020'): unknown {
  const r = generateInstance(schema, createRng(s));
  if (!r.ok) throw new Error(`expected ok for ${JSON.stringify(schema)}: ${r.reason}`);
  expect(ajvErrors(schema, r.value, draft), JSON.stringify(r.value)).toBeNull();
  return r.value;
}

describe('generateInstance: random schemas from the supported keywords', () => {
  it('always succeeds on satisfiable schemas, and Ajv accepts the value', () => {
    fc.assert(
      fc.property(satisfiableSchema, seed, (schema, s) => {
        expectValid(schema, s);
      }),
      { numRuns: 150 },
    );
  });

  it('handles numeric and string bounds on their own (many seeds, cheap schemas)', () => {
    fc.assert(
      fc.property(fc.oneof(numberSchema, stringSchema), seed, (schema, s) => {
        expectValid(schema, s);
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(satisfiableSchema, seed, (schema, s) => {
        expect(generateInstance(schema, createRng(s))).toEqual(generateInstance(schema, createRng(s)));
      }),
      { numRuns: 50 },
    );
  });
});

const linkedList = {
  $defs: {
    node: {
      type: 'object',
      properties: { value: { type: 'integer' }, next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } },
      required: ['value', 'next'],
      additionalProperties: false,
    },
  },
  $ref: '#/$defs/node',
};
const tree = {
  type: 'object',
  properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
  required: ['name', 'children'],
};

describe('generateInstance: tricky satisfiable schemas', () => {
  const cases: [string, unknown][] = [
    [
      'nested closed objects',
      {
        type: 'object',
        additionalProperties: false,
        required: ['user'],
        properties: {
          user: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'address'],
            properties: {
              name: { type: 'string' },
              address: {
                type: 'object',
                additionalProperties: false,
                required: ['city', 'zip'],
                properties: { city: { type: 'string' }, zip: { type: 'string', pattern: '^\\d{5}$' } },
              },
            },
          },
        },
      },
    ],
    ['enum filtered by type', { type: 'string', enum: [1, 'a', null] }],
    ['mixed enum', { enum: [{ a: 1 }, [1, 2], 'x', 3.5] }],
    ['linked list via $defs', linkedList],
    ['tree via #', tree],
    [
      'draft-07 definitions',
      {
        definitions: { pos: { type: 'integer', minimum: 1 } },
        type: 'array',
        items: { $ref: '#/definitions/pos' },
        minItems: 2,
      },
    ],
    [
      'exclusive bounds with fractional multipleOf',
      { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.3, multipleOf: 0.1 },
    ],
    ['single integer between exclusive bounds', { type: 'integer', exclusiveMinimum: 2.5, exclusiveMaximum: 3.5 }],
    ['integer multiple in a narrow range', { type: 'integer', multipleOf: 7, minimum: 100, maximum: 110 }],
    ['integer with fractional multipleOf', { type: 'integer', multipleOf: 0.5, minimum: -3, maximum: -2 }],
    ['equal bounds', { type: 'number', minimum: 0.1, maximum: 0.1 }],
    ['huge minimum', { type: 'integer', minimum: 1e20 }],
    ['exclusive maximum only', { type: 'array', items: { type: 'number', exclusiveMaximum: 4 }, minItems: 1 }],
    ['overlapping oneOf', { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 0 }] }],
    [
      'discriminated oneOf',
      {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'a' }, x: { type: 'string' } }, required: ['kind', 'x'] },
          { type: 'object', properties: { kind: { const: 'b' } }, required: ['kind'] },
        ],
      },
    ],
    [
      'allOf with $ref',
      {
        $defs: { base: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } },
        allOf: [{ $ref: '#/$defs/base' }, { properties: { n: { type: 'integer', maximum: -5 } }, required: ['n'] }],
      },
    ],
    ['nullable email', { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] }],
    ['type array', { type: ['integer', 'null'], minimum: 10 }],
    [
      'prefixItems closed',
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false, minItems: 2 },
    ],
    [
      'patternProperties + minProperties',
      {
        type: 'object',
        patternProperties: { '^x-[a-z]+$': { type: 'integer' } },
        additionalProperties: false,
        minProperties: 2,
      },
    ],
    [
      'uniqueItems needing every enum value',
      { type: 'array', items: { enum: ['a', 'b', 'c'] }, uniqueItems: true, minItems: 3 },
    ],
    ['pattern with length bounds', { type: 'string', pattern: '^[a-z]+$', minLength: 5, maxLength: 8 }],
    ['long minLength', { type: 'string', minLength: 100 }],
    ['maxLength 0', { type: 'string', maxLength: 0 }],
    [
      'formats',
      {
        type: 'object',
        properties: {
          d: { type: 'string', format: 'date' },
          t: { type: 'string', format: 'date-time' },
          u: { type: 'string', format: 'uri' },
          e: { type: 'string', format: 'email' },
        },
        required: ['d', 't', 'u', 'e'],
      },
    ],
    ['not a string', { not: { type: 'string' } }],
    [
      'if/then/else',
      {
        type: 'object',
        properties: { country: { enum: ['US', 'CA'] }, postal: { type: 'string' } },
        required: ['country', 'postal'],
        if: { properties: { country: { const: 'US' } } },
        then: { properties: { postal: { pattern: '^\\d{5}$' } } },
        else: { properties: { postal: { pattern: '^[A-Z]\\d[A-Z] \\d[A-Z]\\d$' } } },
      },
    ],
    [
      'contains',
      { type: 'array', items: { type: 'integer' }, contains: { type: 'integer', minimum: 50, maximum: 60 } },
    ],
    [
      'dependentRequired',
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        required: ['a'],
        dependentRequired: { a: ['b'] },
      },
    ],
    ['propertyNames + minProperties', { type: 'object', propertyNames: { pattern: '^extra_' }, minProperties: 1 }],
    [
      'OpenAI strict-mode shape',
      {
        type: 'object',
        additionalProperties: false,
        required: ['steps', 'final_answer'],
        properties: {
          steps: { type: 'array', items: { $ref: '#/$defs/step' } },
          final_answer: { type: ['string', 'null'] },
        },
        $defs: {
          step: {
            type: 'object',
            additionalProperties: false,
            required: ['explanation', 'output'],
            properties: { explanation: { type: 'string' }, output: { type: 'string' } },
          },
        },
      },
    ],
    [
      'wide optional properties (budget falls back to cheap mode)',
      {
        type: 'object',
        properties: Object.fromEntries(
          Array.from({ length: 40 }, (_, i) => [
            `p${i}`,
            {
              type: 'object',
              properties: Object.fromEntries(
                Array.from({ length: 40 }, (_, j) => [
                  `q${j}`,
                  { type: 'array', items: { type: 'object', properties: { z: { type: 'string' } } } },
                ]),
              ),
            },
          ]),
        ),
      },
    ],
    ['true', true],
    ['{}', {}],
  ];
  it.each(cases)('%s', (_name, schema) => {
    for (const s of [1, 2, 3]) expectValid(schema, s);
  });

  it('draft-07 tuples (items array + additionalItems: false)', () => {
    expectValid(
      { type: 'array', items: [{ type: 'string' }, { type: 'boolean' }], additionalItems: false, minItems: 1 },
      1,
      '7',
    );
  });

  it('terminates recursion: the linked list ends in null, the tree in empty children', () => {
    let node = expectValid(linkedList) as { next: unknown };
    let length = 1;
    while (node.next !== null) {
      node = node.next as { next: unknown };
      length++;
    }
    expect(length).toBeLessThanOrEqual(8);
  });

  it('prefers plausible strings for well-known property names', () => {
    const v = expectValid({
      type: 'object',
      properties: { city: { type: 'string' }, email: { type: 'string' } },
      required: ['city', 'email'],
    }) as Record<string, string>;
    expect(v['city']).toMatch(/^[A-Z][a-z]+$/);
    expect(v['email']).toMatch(/@example\.com$/);
  });
});

describe('generateInstance: unsatisfiable or unsupported schemas give ok:false', () => {
  const cases: [string, unknown][] = [
    ['false', false],
    ['not {}', { not: {} }],
    ['minimum > maximum', { type: 'integer', minimum: 10, maximum: 5 }],
    ['empty exclusive range', { type: 'number', exclusiveMinimum: 1, maximum: 1 }],
    ['no integer in range', { type: 'integer', minimum: 1.2, maximum: 1.8 }],
    [
      'required but forbidden',
      { type: 'object', properties: { a: { type: 'string' } }, required: ['b'], additionalProperties: false },
    ],
    ['required property false', { type: 'object', properties: { a: false }, required: ['a'] }],
    ['conflicting allOf types', { allOf: [{ type: 'string' }, { type: 'number' }] }],
    ['conflicting consts', { allOf: [{ const: 1 }, { const: 2 }] }],
    ['empty enum', { enum: [] }],
    ['minItems > maxItems', { type: 'array', minItems: 3, maxItems: 2 }],
    ['oneOf of identical branches', { oneOf: [{ type: 'string' }, { type: 'string' }] }],
    ['infinite required recursion', { type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] }],
    ['$ref loop', { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }],
    ['unresolvable $ref', { $ref: '#/$defs/missing' }],
    ['remote $ref', { $ref: 'https://example.com/schema.json' }],
    ['invalid pattern', { type: 'string', pattern: '(' }],
    ['unsupported keyword', { type: 'object', dependentSchemas: { a: { required: ['b'] } } }],
    [
      'too large',
      {
        type: 'object',
        required: Array.from({ length: 300 }, (_, i) => `k${i}`),
        properties: Object.fromEntries(
          Array.from({ length: 300 }, (_, i) => [
            `k${i}`,
            { type: 'object', required: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], properties: {} },
          ]),
        ),
      },
    ],
    ['exponential tree', { type: 'object', properties: { l: { $ref: '#' }, r: { $ref: '#' } }, required: ['l', 'r'] }],
    ['not a schema', 42],
  ];
  it.each(cases)('%s', (_name, schema) => {
    const t0 = performance.now();
    const r = generateInstance(schema, createRng(1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('never throws on arbitrary JSON used as a schema', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), seed, (schema, s) => {
        const r = generateInstance(schema, createRng(s));
        if (r.ok) expect(ajvErrorsSafe(schema, r.value)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});

// Random JSON is often not a schema Ajv will compile; only judge values when it does.
function ajvErrorsSafe(schema: unknown, value: unknown): string | null {
  try {
    return ajvErrors(schema, value);
  } catch {
    return null;
  }
}

describe('argumentsFor', () => {
  const getWeather = {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
    additionalProperties: false,
  };

  it('fills the required string from the user message', () => {
    const args = argumentsFor(getWeather, createRng(1), "What's the weather in Paris?");
    const parsed = JSON.parse(args) as Record<string, unknown>;
    expect(parsed['city']).toBe('Paris');
    expect(ajvErrors(getWeather, parsed)).toBeNull();
    expect(
      JSON.parse(
        argumentsFor(
          { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
          createRng(1),
          'Weather for New York, please',
        ),
      ),
    ).toEqual({ location: 'New York' });
    expect(JSON.parse(argumentsFor(getWeather, createRng(1), 'Look up "San José" now'))).toMatchObject({
      city: 'San José',
    });
  });

  it('ignores a hint the schema rejects', () => {
    const schema = {
      type: 'object',
      properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } },
      required: ['code'],
    };
    const parsed = JSON.parse(argumentsFor(schema, createRng(1), 'Convert to Euros')) as Record<string, unknown>;
    expect(ajvErrors(schema, parsed)).toBeNull();
  });

  it('returns "{}" for tools without parameters and always an object', () => {
    expect(argumentsFor(undefined, createRng(1))).toBe('{}');
    expect(argumentsFor({ type: 'object', properties: {} }, createRng(1))).toBe('{}');
    expect(argumentsFor({}, createRng(1))).toBe('{}');
    expect(argumentsFor(false, createRng(1))).toBe('{}');
  });

  it('produces one JSON object valid for random parameter schemas', () => {
    const params = satisfiableSchema.map((node) => ({ type: 'object', properties: { arg: node }, required: ['arg'] }));
    fc.assert(
      fc.property(params, seed, fc.constantFrom('', 'Book a table in Lyon', 'use "x"'), (schema, s, hint) => {
        const parsed: unknown = JSON.parse(argumentsFor(schema, createRng(s), hint));
        expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
        expect(ajvErrors(schema, parsed)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});

describe('extractHints', () => {
  it('finds quoted values, then proper nouns, then sentence-initial words', () => {
    expect(extractHints("What's the weather in Paris?")).toEqual(['Paris']);
    expect(extractHints('Weather for New York please')).toEqual(['New York', 'Weather']);
    expect(extractHints('Find "red shoes" in Berlin and Tokyo')).toEqual(['red shoes', 'Berlin', 'Tokyo']);
    expect(extractHints("it's fine, isn't it")).toEqual([]);
  });
});
