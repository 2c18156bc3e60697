import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSchema, codePointLength, isMultipleOf, resolveRef } from '../../../mock-server/core/schema-check.js';
import { generateInstance } from '../../../mock-server/core/json-instance.js';
import { createRng } from '../../../mock-server/core/rng.js';
import { ajvErrors } from './ajv.js';
import { satisfiableSchema } from './schema-arbitrary.js';

// Ajv's deep-equal (const/enum/uniqueItems) throws on objects with a "valueOf" or "toString"
// key that fast-check likes to generate; such values say nothing about checkSchema.
function ajvVerdict(schema: unknown, value: unknown): 'valid' | 'invalid' | 'crash' {
  try {
    return ajvErrors(schema, value) === null ? 'valid' : 'invalid';
  } catch {
    return 'crash';
  }
}

// The generator trusts checkSchema as its last line of defence, so it must agree with Ajv.
describe('checkSchema agrees with Ajv', () => {
  it('on generated schemas, for valid and random values', () => {
    fc.assert(
      fc.property(
        satisfiableSchema,
        fc.jsonValue({ maxDepth: 3 }),
        fc.integer({ min: 0, max: 1e9 }),
        (schema, random, seed) => {
          const generated = generateInstance(schema, createRng(seed));
          const values = generated.ok ? [random, generated.value] : [random];
          for (const v of values) {
            // fast-check's -0 and Ajv agree; JSON round-trip drops what JSON cannot carry.
            const value: unknown = JSON.parse(JSON.stringify(v) ?? 'null');
            const ajv = ajvVerdict(schema, value);
            if (ajv === 'crash') continue;
            expect(checkSchema(schema, value) === null, JSON.stringify(value)).toBe(ajv === 'valid');
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('checkSchema details', () => {
  it('counts string length in code points and applies patterns with the u flag', () => {
    expect(codePointLength('a😀')).toBe(2);
    expect(checkSchema({ type: 'string', maxLength: 1 }, '😀')).toBeNull();
    expect(checkSchema({ type: 'string', pattern: '^.$' }, '😀')).toBeNull();
  });

  it('uses Ajv’s float multipleOf semantics', () => {
    expect(isMultipleOf(0.3, 0.1)).toBe(false); // 0.3 / 0.1 = 2.9999999999999996
    expect(isMultipleOf(0.2, 0.1)).toBe(true);
    expect(checkSchema({ multipleOf: 0.1 }, 0.3) === null).toBe(ajvErrors({ multipleOf: 0.1 }, 0.3) === null);
  });

  it('resolves local JSON pointers with escapes and reports loops and misses', () => {
    const root = { $defs: { 'a/b': { type: 'integer' }, 'x~y': { type: 'string' } } };
    expect(resolveRef(root, '#/$defs/a~1b')).toEqual({ ok: true, schema: { type: 'integer' } });
    expect(resolveRef(root, '#/$defs/x~0y')).toEqual({ ok: true, schema: { type: 'string' } });
    expect(resolveRef(root, '#/$defs/nope').ok).toBe(false);
    expect(resolveRef(root, 'other.json#/x').ok).toBe(false);
    expect(checkSchema({ $ref: '#' }, 1)).toMatch(/loop/);
    expect(checkSchema({ type: 'object', properties: { n: { $ref: '#/$defs/a~1b' } }, ...root }, { n: 'x' })).toMatch(
      /\/n/,
    );
  });

  it('checks if/then/else, dependentRequired, contains and propertyNames', () => {
    const cond = { if: { type: 'integer' }, then: { minimum: 5 }, else: { type: 'string' } };
    expect(checkSchema(cond, 6)).toBeNull();
    expect(checkSchema(cond, 4)).not.toBeNull();
    expect(checkSchema(cond, true)).not.toBeNull();
    expect(checkSchema({ dependentRequired: { a: ['b'] } }, { a: 1 })).not.toBeNull();
    expect(checkSchema({ contains: { const: 2 } }, [1, 3])).not.toBeNull();
    expect(checkSchema({ propertyNames: { maxLength: 2 } }, { abc: 1 })).not.toBeNull();
  });
});
