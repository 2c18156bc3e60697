// Builds a JSON value that validates against a JSON Schema (the draft 2020-12 / draft-07 subset
// that OpenAI tools and response_format use), so the mock's tool arguments and structured
// outputs are always schema-valid, the way a well-behaved model's are.
//
// How: a schema node is first "flattened": its own keywords, its `$ref` target and its `allOf`
// members are merged into one set of constraints (Flat); alternatives (anyOf/oneOf, if/then/
// else) stay as choices. Values are then built from the Flat, choices are tried one by one and
// each candidate is checked against the original node with schema-check, and the final value
// is checked against the whole schema. So a constraint combination the builder does not
// understand costs a retry or an honest {ok:false}, never an invalid value.
// Work is bounded: a node budget, a depth limit, and "cheap mode" (required properties only,
// minimum array lengths, cheapest branch first) below a depth or past half the budget, which
// is what makes recursive schemas (trees, linked lists) terminate.

import type { Rng } from './rng.js';
import { NOUN_WORDS, WORDS, generateSentence } from './prose.js';
import { sampleRegex } from './regex-sample.js';
import type { Json, JsonType } from './schema-check.js';
import {
  checkFormat,
  checkSchema,
  codePointLength,
  compilePattern,
  deepEqual,
  isKnownFormat,
  isMultipleOf,
  isRecord,
  resolveRef,
} from './schema-check.js';

export type { Json };

export interface GenerateOptions {
  /** Schema nodes visited before giving up (default 2000). */
  maxNodes?: number;
  /** Value depth below which only the cheapest valid value is built (default 6). */
  cheapDepth?: number;
  /** Value depth at which generation gives up (default 24). */
  maxDepth?: number;
  /** Strings to use, in order, for required top-level string properties (tool arguments). */
  stringHints?: readonly string[];
}

export type GenerateResult = { ok: true; value: Json } | { ok: false; reason: string };

type Fail = { ok: false; reason: string };
const fail = (reason: string): Fail => ({ ok: false, reason });

const ALL_TYPES: readonly JsonType[] = ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'];
// Assertion keywords we can neither generate for nor check: refuse rather than guess.
const UNSUPPORTED = ['$dynamicRef', '$recursiveRef', 'dependentSchemas', 'dependencies', 'unevaluatedItems'];
const MAX_REF_HOPS = 40; // $ref / allOf / branch expansions without descending into a value
const MAX_STRING = 4096; // longest string we agree to build for minLength
const MAX_ARRAY = 1000; // largest minItems we agree to fill
const MAX_OPTIONAL_PROPS = 4; // optional properties added per object (besides required)
const ATTEMPTS = 3; // whole-generation retries when the final check fails
const MAX_ENUM_TRIES = 64; // enum/const candidates checked against the whole schema

/** Per-subschema item rules, kept apart because prefix/rest positions differ per member. */
interface ItemSpec {
  prefix: readonly unknown[];
  rest: unknown;
}
/** Per-subschema property rules, for the same reason (additionalProperties is relative). */
interface ObjSpec {
  props: Readonly<Record<string, unknown>>;
  patterns: readonly (readonly [string, unknown])[];
  additional: unknown;
}
interface Cond {
  if: unknown;
  then: unknown;
  else: unknown;
}

/** The merged constraints of one schema node (its keywords, $ref target and allOf members). */
interface Flat {
  types: readonly JsonType[] | null; // null: not constrained
  enums: readonly (readonly unknown[])[];
  consts: readonly unknown[];
  min: number;
  minEx: boolean;
  max: number;
  maxEx: boolean;
  multipleOf: readonly number[];
  minLength: number;
  maxLength: number;
  patterns: readonly string[];
  formats: readonly string[];
  minItems: number;
  maxItems: number;
  uniqueItems: boolean;
  items: readonly ItemSpec[];
  contains: readonly unknown[];
  objs: readonly ObjSpec[];
  required: readonly string[];
  minProperties: number;
  maxProperties: number;
  dependentRequired: readonly (readonly [string, readonly string[]])[];
  propertyNames: readonly unknown[];
  branchSets: readonly (readonly unknown[])[];
  nots: readonly unknown[];
  conds: readonly Cond[];
  hasTypeKeywords: { object: boolean; array: boolean; string: boolean; number: boolean };
}

const EMPTY: Flat = {
  types: null,
  enums: [],
  consts: [],
  min: -Infinity,
  minEx: false,
  max: Infinity,
  maxEx: false,
  multipleOf: [],
  minLength: 0,
  maxLength: Infinity,
  patterns: [],
  formats: [],
  minItems: 0,
  maxItems: Infinity,
  uniqueItems: false,
  items: [],
  contains: [],
  objs: [],
  required: [],
  minProperties: 0,
  maxProperties: Infinity,
  dependentRequired: [],
  propertyNames: [],
  branchSets: [],
  nots: [],
  conds: [],
  hasTypeKeywords: { object: false, array: false, string: false, number: false },
};

function intersectTypes(a: readonly JsonType[] | null, b: readonly JsonType[] | null): JsonType[] | null {
  if (a === null) return b === null ? null : [...b];
  if (b === null) return [...a];
  const out: JsonType[] = [];
  for (const t of a) {
    if (b.includes(t)) out.push(t);
    else if (t === 'integer' && b.includes('number')) out.push('integer');
    else if (t === 'number' && b.includes('integer')) out.push('integer');
  }
  return [...new Set(out)];
}

function mergeFlat(a: Flat, b: Flat): Flat | Fail {
  const types = intersectTypes(a.types, b.types);
  if (types !== null && types.length === 0) return fail('no type satisfies every subschema');
  const consts = [...a.consts, ...b.consts];
  if (consts.some((c) => !deepEqual(c, consts[0]))) return fail('conflicting const values');
  let { min, minEx, max, maxEx } = a;
  if (b.min > min || (b.min === min && b.minEx)) [min, minEx] = [b.min, b.minEx || (b.min === a.min && a.minEx)];
  if (b.max < max || (b.max === max && b.maxEx)) [max, maxEx] = [b.max, b.maxEx || (b.max === a.max && a.maxEx)];
  return {
    types,
    consts,
    min,
    minEx,
    max,
    maxEx,
    enums: [...a.enums, ...b.enums],
    multipleOf: [...a.multipleOf, ...b.multipleOf],
    minLength: Math.max(a.minLength, b.minLength),
    maxLength: Math.min(a.maxLength, b.maxLength),
    patterns: [...a.patterns, ...b.patterns],
    formats: [...a.formats, ...b.formats],
    minItems: Math.max(a.minItems, b.minItems),
    maxItems: Math.min(a.maxItems, b.maxItems),
    uniqueItems: a.uniqueItems || b.uniqueItems,
    items: [...a.items, ...b.items],
    contains: [...a.contains, ...b.contains],
    objs: [...a.objs, ...b.objs],
    required: [...new Set([...a.required, ...b.required])],
    minProperties: Math.max(a.minProperties, b.minProperties),
    maxProperties: Math.min(a.maxProperties, b.maxProperties),
    dependentRequired: [...a.dependentRequired, ...b.dependentRequired],
    propertyNames: [...a.propertyNames, ...b.propertyNames],
    branchSets: [...a.branchSets, ...b.branchSets],
    nots: [...a.nots, ...b.nots],
    conds: [...a.conds, ...b.conds],
    hasTypeKeywords: {
      object: a.hasTypeKeywords.object || b.hasTypeKeywords.object,
      array: a.hasTypeKeywords.array || b.hasTypeKeywords.array,
      string: a.hasTypeKeywords.string || b.hasTypeKeywords.string,
      number: a.hasTypeKeywords.number || b.hasTypeKeywords.number,
    },
  };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const has = (s: Record<string, unknown>, ...keys: string[]) => keys.some((k) => s[k] !== undefined);

/** The constraints written directly in one schema object (no $ref / allOf expansion). */
function ownFlat(s: Record<string, unknown>): Flat | Fail {
  let types: JsonType[] | null = null;
  if (s['type'] !== undefined) {
    const list = Array.isArray(s['type']) ? s['type'] : [s['type']];
    if (!list.every((t): t is JsonType => typeof t === 'string' && (ALL_TYPES as readonly string[]).includes(t))) {
      return fail(`unknown type ${JSON.stringify(s['type'])}`);
    }
    types = [...new Set(list)];
    if (types.length === 0) return fail('empty type list');
  }
  let min = -Infinity,
    minEx = false,
    max = Infinity,
    maxEx = false;
  const minimum = num(s['minimum']);
  const maximum = num(s['maximum']);
  // Draft-04 booleans make minimum/maximum exclusive; later drafts use numbers.
  if (minimum !== undefined) [min, minEx] = [minimum, s['exclusiveMinimum'] === true];
  if (maximum !== undefined) [max, maxEx] = [maximum, s['exclusiveMaximum'] === true];
  const xmin = num(s['exclusiveMinimum']);
  const xmax = num(s['exclusiveMaximum']);
  if (xmin !== undefined && xmin >= min) [min, minEx] = [xmin, true];
  if (xmax !== undefined && xmax <= max) [max, maxEx] = [xmax, true];
  const multipleOf: number[] = [];
  if (s['multipleOf'] !== undefined) {
    const m = num(s['multipleOf']);
    if (m === undefined || m <= 0) return fail('multipleOf must be a positive number');
    multipleOf.push(m);
  }
  const patterns: string[] = [];
  if (typeof s['pattern'] === 'string') {
    if (compilePattern(s['pattern']) === null) return fail(`invalid pattern ${s['pattern']}`);
    patterns.push(s['pattern']);
  }
  const items: ItemSpec[] = [];
  let maxItems = num(s['maxItems']) ?? Infinity;
  if (has(s, 'items', 'prefixItems', 'additionalItems')) {
    const tuple = Array.isArray(s['items']);
    const prefix = tuple ? (s['items'] as unknown[]) : Array.isArray(s['prefixItems']) ? s['prefixItems'] : [];
    const rest = tuple ? s['additionalItems'] : s['items'];
    items.push({ prefix, rest });
    // `items: false` after a prefix caps the length: cheaper to say so as maxItems.
    if (rest === false) maxItems = Math.min(maxItems, prefix.length);
  }
  const objs: ObjSpec[] = [];
  if (has(s, 'properties', 'patternProperties', 'additionalProperties')) {
    const patternProps = isRecord(s['patternProperties']) ? Object.entries(s['patternProperties']) : [];
    for (const [p] of patternProps) if (compilePattern(p) === null) return fail(`invalid patternProperties ${p}`);
    objs.push({
      props: isRecord(s['properties']) ? s['properties'] : {},
      patterns: patternProps,
      additional: s['additionalProperties'],
    });
  }
  const dependentRequired: [string, string[]][] = [];
  if (isRecord(s['dependentRequired'])) {
    for (const [k, v] of Object.entries(s['dependentRequired'])) {
      if (Array.isArray(v)) dependentRequired.push([k, v.filter((x): x is string => typeof x === 'string')]);
    }
  }
  const branchSets: unknown[][] = [];
  for (const key of ['anyOf', 'oneOf']) {
    const list = s[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return fail(`${key} must be a non-empty array`);
    branchSets.push(list);
  }
  return {
    types,
    enums: Array.isArray(s['enum']) ? [s['enum']] : [],
    consts: Object.hasOwn(s, 'const') ? [s['const']] : [],
    min,
    minEx,
    max,
    maxEx,
    multipleOf,
    minLength: num(s['minLength']) ?? 0,
    maxLength: num(s['maxLength']) ?? Infinity,
    patterns,
    formats: typeof s['format'] === 'string' ? [s['format']] : [],
    minItems: num(s['minItems']) ?? 0,
    maxItems,
    uniqueItems: s['uniqueItems'] === true,
    items,
    contains: s['contains'] !== undefined ? [s['contains']] : [],
    objs,
    required: Array.isArray(s['required']) ? s['required'].filter((x): x is string => typeof x === 'string') : [],
    minProperties: num(s['minProperties']) ?? 0,
    maxProperties: num(s['maxProperties']) ?? Infinity,
    dependentRequired,
    propertyNames: s['propertyNames'] !== undefined ? [s['propertyNames']] : [],
    branchSets,
    nots: s['not'] !== undefined ? [s['not']] : [],
    conds: s['if'] !== undefined ? [{ if: s['if'], then: s['then'], else: s['else'] }] : [],
    hasTypeKeywords: {
      object: has(
        s,
        'properties',
        'required',
        'additionalProperties',
        'patternProperties',
        'minProperties',
        'maxProperties',
        'propertyNames',
        'dependentRequired',
      ),
      array: has(s, 'items', 'prefixItems', 'minItems', 'maxItems', 'contains', 'uniqueItems'),
      string: has(s, 'minLength', 'maxLength', 'pattern', 'format'),
      number: has(s, 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'),
    },
  };
}

const isTrivial = (s: unknown): boolean => s === true || (isRecord(s) && Object.keys(s).length === 0);
const originOf = (schemas: readonly unknown[]): unknown =>
  schemas.length === 0 ? true : schemas.length === 1 ? schemas[0] : { allOf: schemas };

interface GenContext {
  readonly root: unknown;
  readonly rng: Rng;
  readonly maxNodes: number;
  readonly cheapDepth: number;
  readonly maxDepth: number;
  readonly hints: string[];
  nodes: number;
}

interface Site {
  name?: string;
  allowHint?: boolean;
  /** Canonical keys (canonicalKey) of values to avoid when choosing among enum/const (uniqueItems siblings). */
  avoid?: ReadonlySet<string>;
}

class Generator {
  /** canonicalKey of every value of an enum array, computed once per array. */
  private readonly enumKeys = new WeakMap<readonly unknown[], string[]>();

  constructor(private readonly ctx: GenContext) {}

  private keysOf(values: readonly unknown[]): string[] {
    let keys = this.enumKeys.get(values);
    if (!keys) {
      keys = values.map(canonicalKey);
      this.enumKeys.set(values, keys);
    }
    return keys;
  }

  private cheap(depth: number): boolean {
    return depth > this.ctx.cheapDepth || this.ctx.nodes > this.ctx.maxNodes / 2;
  }

  private spend(): Fail | null {
    return ++this.ctx.nodes > this.ctx.maxNodes ? fail(`schema too large: over ${this.ctx.maxNodes} nodes`) : null;
  }

  flatten(schema: unknown, hops: number): Flat | Fail {
    if (schema === true) return EMPTY;
    if (schema === false) return fail('the schema is `false` (nothing validates)');
    if (!isRecord(schema)) return fail('a schema must be an object or a boolean');
    if (hops > MAX_REF_HOPS) return fail('$ref/allOf chain too long (a reference loop?)');
    const spent = this.spend();
    if (spent) return spent;
    for (const k of UNSUPPORTED) if (schema[k] !== undefined) return fail(`unsupported keyword ${k}`);
    let flat = ownFlat(schema);
    if ('ok' in flat) return flat;
    const parts: unknown[] = [];
    if (typeof schema['$ref'] === 'string') {
      const r = resolveRef(this.ctx.root, schema['$ref']);
      if (!r.ok) return fail(`unresolvable $ref ${schema['$ref']}`);
      parts.push(r.schema);
    }
    if (Array.isArray(schema['allOf'])) parts.push(...schema['allOf']);
    for (const part of parts) {
      const f = this.flatten(part, hops + 1);
      if ('ok' in f) return f;
      const merged: Flat | Fail = mergeFlat(flat, f);
      if ('ok' in merged) return merged;
      flat = merged;
    }
    return flat;
  }

  gen(schema: unknown, depth: number, hops: number, site: Site): GenerateResult {
    if (depth > this.ctx.maxDepth) {
      return fail(`nesting deeper than ${this.ctx.maxDepth} levels (a recursive schema with no finite instance?)`);
    }
    const flat = this.flatten(schema, hops);
    if ('ok' in flat) return flat;
    return this.genFlat(flat, schema, depth, hops, site);
  }

  private check(origin: unknown, value: Json): boolean {
    return checkSchema(origin, value, this.ctx.root) === null;
  }

  /** Build a value for `flat`; `origin` is the schema it came from (checked after choices). */
  private genFlat(flat: Flat, origin: unknown, depth: number, hops: number, site: Site): GenerateResult {
    const spent = this.spend();
    if (spent) return spent;
    const [set, ...otherSets] = flat.branchSets;
    if (set) return this.genBranches(set, { ...flat, branchSets: otherSets }, origin, depth, hops, site);
    const [cond, ...otherConds] = flat.conds;
    if (cond) return this.genCond(cond, { ...flat, conds: otherConds }, origin, depth, hops, site);
    if (flat.nots.length > 0) return this.genNot(flat, origin, depth, hops, site);
    if (flat.consts.length > 0 || flat.enums.length > 0) return this.genEnum(flat, origin, site);

    let types = flat.types ?? inferTypes(flat);
    const cheap = this.cheap(depth);
    // Real models rarely answer null when something else is allowed; in cheap mode null is
    // the cheapest way out of a recursion.
    types = cheap
      ? [...types].sort((x, y) => Number(y === 'null') - Number(x === 'null'))
      : [...types].sort((x, y) => Number(x === 'null') - Number(y === 'null'));
    let first: Fail | null = null;
    for (const t of types) {
      const r = this.genType(t, flat, depth, site);
      if (r.ok) return r;
      first ??= r;
      if (this.ctx.nodes > this.ctx.maxNodes) break;
    }
    return first ?? fail('no type to generate');
  }

  private genBranches(
    set: readonly unknown[],
    rest: Flat,
    origin: unknown,
    depth: number,
    hops: number,
    site: Site,
  ): GenerateResult {
    let order = set.map((s, i) => ({ s, i }));
    if (this.cheap(depth)) order = order.sort((a, b) => branchCost(a.s) - branchCost(b.s) || a.i - b.i);
    else order = order.sort((a, b) => Number(isNullSchema(a.s)) - Number(isNullSchema(b.s)) || a.i - b.i);
    let lastReason = 'no anyOf/oneOf branch can be satisfied';
    for (const { s } of order) {
      const bf = this.flatten(s, hops + 1);
      if ('ok' in bf) {
        lastReason = bf.reason;
        continue;
      }
      const merged = mergeFlat(rest, bf);
      if ('ok' in merged) {
        lastReason = merged.reason;
        continue;
      }
      const r = this.genFlat(merged, origin, depth, hops + 1, site);
      if (r.ok && this.check(origin, r.value)) return r;
      if (!r.ok) lastReason = r.reason;
      else lastReason = 'no anyOf/oneOf branch gave a value matching the whole schema (oneOf overlap?)';
      if (this.ctx.nodes > this.ctx.maxNodes) break;
    }
    return fail(lastReason);
  }

  private genCond(cond: Cond, rest: Flat, origin: unknown, depth: number, hops: number, site: Site): GenerateResult {
    const options: unknown[][] = [
      [cond.if, cond.then ?? true],
      [{ not: cond.if }, cond.else ?? true],
    ];
    for (const parts of options) {
      let flat: Flat | Fail = rest;
      for (const p of parts) {
        if ('ok' in flat) break;
        const f = this.flatten(p, hops + 1);
        flat = 'ok' in f ? f : mergeFlat(flat, f);
      }
      if ('ok' in flat) continue;
      const r = this.genFlat(flat, origin, depth, hops + 1, site);
      if (r.ok && this.check(origin, r.value)) return r;
    }
    return fail('neither the if/then nor the else side of a conditional can be satisfied');
  }

  private genNot(flat: Flat, origin: unknown, depth: number, hops: number, site: Site): GenerateResult {
    if (flat.nots.some(isTrivial)) return fail('`not: {}` (nothing validates)');
    // `not: {type: X}` is common and easy: drop X from the candidate types.
    let types = flat.types ?? inferTypes(flat);
    for (const n of flat.nots) {
      if (isRecord(n) && Object.keys(n).length === 1 && n['type'] !== undefined) {
        const banned = Array.isArray(n['type']) ? n['type'] : [n['type']];
        types = types.filter((t) => !banned.includes(t) && !(t === 'integer' && banned.includes('number')));
      }
    }
    if (types.length === 0) return fail('`not` excludes every allowed type');
    const inner: Flat = { ...flat, nots: [], types };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const r = this.genFlat(inner, origin, depth, hops, site);
      if (!r.ok) return r;
      if (flat.nots.every((n) => !this.check(n, r.value))) return r;
    }
    return fail('could not find a value outside `not`');
  }

  private genEnum(flat: Flat, origin: unknown, site: Site): GenerateResult {
    const pool = flat.consts.length > 0 ? [flat.consts[0]] : (flat.enums[0] ?? []);
    const poolKeys = this.keysOf(pool);
    // Membership by canonical key, so a 10,000-value enum costs 10,000 steps, not 10,000².
    const others = (flat.consts.length > 0 ? flat.enums : flat.enums.slice(1)).map((e) => new Set(this.keysOf(e)));
    const candidates: unknown[] = [];
    const taken: unknown[] = [];
    // Taken values go last rather than away: an enum item may legitimately repeat elsewhere.
    pool.forEach((v, i) => {
      const key = poolKeys[i]!;
      if (!others.every((set) => set.has(key))) return;
      (site.avoid?.has(key) ? taken : candidates).push(v);
    });
    const fresh = candidates.length;
    const ordered = [...candidates, ...taken];
    // Start at a random candidate so enums vary with the seed, then go round.
    const span = fresh > 0 ? fresh : ordered.length;
    const start = span > 0 ? this.ctx.rng.int(0, span - 1) : 0;
    // Each try is a check against the whole schema: a bounded number of them.
    for (let i = 0; i < Math.min(ordered.length, MAX_ENUM_TRIES); i++) {
      const v = ordered[i < span ? (start + i) % span : i] as Json;
      if (this.check(origin, v)) return { ok: true, value: v };
    }
    return fail(
      flat.consts.length > 0
        ? 'const does not satisfy the other constraints'
        : 'no enum value satisfies the other constraints',
    );
  }

  private genType(t: JsonType, flat: Flat, depth: number, site: Site): GenerateResult {
    switch (t) {
      case 'null':
        return { ok: true, value: null };
      case 'boolean':
        return { ok: true, value: this.cheap(depth) ? false : this.ctx.rng.next() < 0.5 };
      case 'integer':
        return this.genNumber(flat, true, site);
      case 'number':
        return this.genNumber(flat, false, site);
      case 'string':
        return this.genString(flat, site);
      case 'array':
        return this.genArray(flat, depth, site);
      case 'object':
        return this.genObject(flat, depth);
    }
  }

  private genNumber(flat: Flat, integer: boolean, site: Site): GenerateResult {
    const { min, minEx, max, maxEx } = flat;
    if (min > max || (min === max && (minEx || maxEx))) return fail(`empty numeric range (${min}..${max})`);
    const ok = (v: number): boolean =>
      Number.isFinite(v) &&
      (minEx ? v > min : v >= min) &&
      (maxEx ? v < max : v <= max) &&
      (!integer || Number.isInteger(v)) &&
      flat.multipleOf.every((m) => isMultipleOf(v, m));
    const rng = this.ctx.rng;
    const [lo, hi] = [Number.isFinite(min) ? min : null, Number.isFinite(max) ? max : null];
    const typical = plausibleNumber(site.name, rng);
    let center: number;
    if (lo !== null && hi !== null) center = typical >= lo && typical <= hi ? typical : lo + (hi - lo) * rng.next();
    else if (lo !== null) center = typical >= lo ? typical : lo + rng.int(0, 20);
    else if (hi !== null) center = typical <= hi ? typical : hi - rng.int(0, 20);
    else center = typical;

    const candidates: number[] = [];
    const step = flat.multipleOf[0] ?? (integer ? 1 : undefined);
    if (step === undefined) {
      // A "number" gets a fractional value when it can (22.5, as a model would write a
      // temperature), which also keeps oneOf [number, integer] apart.
      const tenth = Math.round(center * 10) / 10;
      candidates.push(Number.isInteger(tenth) ? tenth + 0.5 : tenth, tenth, Math.round(center), center);
      // Fallbacks for centers that landed on an exclusive bound, then tight ranges.
      if (hi !== null) candidates.push(hi - 0.5, hi - 1);
      if (lo !== null) candidates.push(lo + 0.5, lo + 1);
      if (lo !== null && hi !== null) candidates.push((lo + hi) / 2);
      if (lo !== null && !minEx) candidates.push(lo);
      if (hi !== null && !maxEx) candidates.push(hi);
      candidates.push(0);
    } else {
      const decimals = Math.min(20, (String(step).split('.')[1] ?? '').length);
      const kLo = lo === null ? -Infinity : Math.ceil(lo / step);
      const kHi = hi === null ? Infinity : Math.floor(hi / step);
      const k0 = Math.min(Math.max(Math.round(center / step), kLo), kHi);
      for (let d = 0; d < 40; d++) {
        for (const k of d === 0 ? [k0] : [k0 + d, k0 - d]) {
          if (k < kLo - 1 || k > kHi + 1) continue;
          const v = k * step;
          candidates.push(v, Number(v.toFixed(decimals)));
        }
      }
      // An integer multiple of a fractional step: walk integers in range instead.
      if (integer && !Number.isInteger(step)) {
        const c = Math.round(center);
        for (let d = 0; d < 200; d++) candidates.push(c + d, c - d);
      }
    }
    for (const v of candidates) if (ok(v)) return { ok: true, value: v === 0 ? 0 : v };
    return fail(`no ${integer ? 'integer' : 'number'} satisfies the bounds and multipleOf`);
  }

  private genString(flat: Flat, site: Site): GenerateResult {
    const { minLength, maxLength } = flat;
    if (minLength > maxLength) return fail('minLength > maxLength');
    if (minLength > MAX_STRING) return fail(`minLength ${minLength} is larger than we generate`);
    const rng = this.ctx.rng;
    const fits = (s: string): boolean => {
      const n = codePointLength(s);
      return (
        n >= minLength &&
        n <= maxLength &&
        flat.patterns.every((p) => compilePattern(p)?.test(s) === true) &&
        flat.formats.every((f) => checkFormat(f, s))
      );
    };
    // Pad or cut free text to the length bounds (never applied to pattern/format samples).
    const sized = (s: string): string => {
      let out = s;
      while (codePointLength(out) < minLength) out += (out ? ' ' : '') + rng.pick(WORDS);
      return codePointLength(out) > maxLength ? [...out].slice(0, maxLength).join('') : out;
    };
    const hint = site.allowHint ? this.ctx.hints[0] : undefined;
    if (hint !== undefined && fits(hint)) {
      this.ctx.hints.shift();
      return { ok: true, value: hint };
    }
    const tries: (() => string | null)[] = [];
    for (const f of flat.formats) if (isKnownFormat(f)) tries.push(() => formatExample(f, rng));
    // Pattern samples: free-length first, then aimed at a length inside the bounds.
    const bounded = minLength > 0 || Number.isFinite(maxLength);
    for (const p of flat.patterns) {
      for (let i = 0; i < 8; i++) {
        tries.push(() =>
          sampleRegex(p, rng, bounded && i >= 2 ? rng.int(minLength, Math.min(maxLength, minLength + 12)) : undefined),
        );
      }
    }
    if (flat.formats.length === 0 && flat.patterns.length === 0) {
      tries.push(
        () => sized(plausibleString(site.name, rng)),
        () => sized(rng.pick(WORDS)),
      );
    } else {
      tries.push(
        () => plausibleString(site.name, rng),
        () => sized(plausibleString(site.name, rng)),
      );
    }
    tries.push(() => sized(''));
    for (const t of tries) {
      const s = t();
      if (s !== null && fits(s)) return { ok: true, value: s };
    }
    return fail(
      flat.patterns.length > 0
        ? `could not produce a string matching ${flat.patterns.join(' and ')}`
        : 'could not produce a string for these constraints',
    );
  }

  private itemSchemas(flat: Flat, i: number): unknown[] {
    const out: unknown[] = [];
    for (const spec of flat.items) {
      const s = i < spec.prefix.length ? spec.prefix[i] : spec.rest;
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  private genArray(flat: Flat, depth: number, site: Site): GenerateResult {
    const { minItems, maxItems } = flat;
    if (minItems > maxItems) return fail('minItems > maxItems (or items: false after fewer prefixItems)');
    if (minItems > MAX_ARRAY) return fail(`minItems ${minItems} is larger than we generate`);
    // Short arrays, shorter when nested, so recursive schemas stay small.
    let n = this.cheap(depth) ? minItems : Math.max(minItems, this.ctx.rng.int(1, depth < 2 ? 3 : 2));
    if (flat.contains.length > 0) n = Math.max(n, 1);
    n = Math.min(n, maxItems);
    if (flat.contains.length > 0 && n === 0) return fail('contains needs an item but maxItems is 0');
    const out: Json[] = [];
    const keys = new Set<string>(); // canonical keys of `out`, for uniqueItems
    for (let i = 0; i < n; i++) {
      const schemas = this.itemSchemas(flat, i);
      if (i === 0) schemas.push(...flat.contains);
      const origin = originOf(schemas);
      let value: Json | undefined;
      for (let attempt = 0; attempt < (flat.uniqueItems ? 6 : 1) && value === undefined; attempt++) {
        const r = this.gen(origin, depth + 1, 0, { name: site.name, ...(flat.uniqueItems ? { avoid: keys } : {}) });
        if (!r.ok) {
          // A shorter array is still valid (unless item 0 was the one meeting `contains`).
          if (i >= minItems && (i > 0 || flat.contains.length === 0)) return { ok: true, value: out };
          return r;
        }
        if (!flat.uniqueItems || !keys.has(canonicalKey(r.value))) value = r.value;
      }
      if (value === undefined) {
        // Fewer distinct items may still be enough.
        if (i >= minItems) break;
        return fail('could not produce enough distinct items for uniqueItems');
      }
      out.push(value);
      if (flat.uniqueItems) keys.add(canonicalKey(value));
    }
    return { ok: true, value: out };
  }

  /** The schemas a property named `key` must satisfy (false among them: forbidden). */
  private keySchemas(flat: Flat, key: string): unknown[] {
    const out: unknown[] = [];
    for (const spec of flat.objs) {
      let matched = false;
      if (Object.hasOwn(spec.props, key)) {
        out.push(spec.props[key]);
        matched = true;
      }
      for (const [p, s] of spec.patterns) {
        if (compilePattern(p)?.test(key)) {
          out.push(s);
          matched = true;
        }
      }
      if (!matched && spec.additional !== undefined) out.push(spec.additional);
    }
    return out;
  }

  private keyAllowed(flat: Flat, key: string): boolean {
    return (
      !this.keySchemas(flat, key).includes(false) &&
      flat.propertyNames.every((pn) => checkSchema(pn, key, this.ctx.root) === null)
    );
  }

  private genObject(flat: Flat, depth: number): GenerateResult {
    if (flat.minProperties > flat.maxProperties) return fail('minProperties > maxProperties');
    const rng = this.ctx.rng;
    const cheap = this.cheap(depth);
    const keys: string[] = [];
    const requiredSet = new Set(flat.required);
    for (const k of flat.required) {
      if (!this.keyAllowed(flat, k)) return fail(`required property "${k}" is forbidden by the schema`);
    }
    // Dependencies of included keys become required too (bounded: each key is added once).
    const withDeps = (start: readonly string[]): string[] | null => {
      const all = [...start];
      for (let i = 0; i < all.length; i++) {
        for (const [k, deps] of flat.dependentRequired) {
          if (k !== all[i]) continue;
          for (const d of deps) {
            if (all.includes(d)) continue;
            if (!this.keyAllowed(flat, d)) return null;
            all.push(d);
          }
        }
      }
      return all;
    };
    const declared = [...new Set(flat.objs.flatMap((o) => Object.keys(o.props)))];
    const optional = declared.filter((k) => !requiredSet.has(k) && this.keyAllowed(flat, k));
    const required = withDeps(flat.required);
    if (required === null) return fail('a dependentRequired property is forbidden');
    keys.push(...required);
    if (required.length > flat.maxProperties) return fail('more required properties than maxProperties');
    let optionalAdded = 0;
    const room = () => keys.length < flat.maxProperties;
    const tryAdd = (k: string): void => {
      if (keys.includes(k)) return;
      const next = withDeps([...keys, k]);
      if (next !== null && next.length <= flat.maxProperties) keys.splice(0, keys.length, ...next);
    };
    if (!cheap) {
      for (const k of optional) {
        if (optionalAdded >= MAX_OPTIONAL_PROPS || !room()) break;
        if (rng.next() < 0.5) {
          tryAdd(k);
          optionalAdded++;
        }
      }
    }
    // minProperties: more declared properties first, then invented ones where allowed.
    for (const k of optional) if (keys.length < flat.minProperties && room()) tryAdd(k);
    const inventable = flat.objs.flatMap((o) => o.patterns.map(([p]) => p));
    for (let i = 1; keys.length < flat.minProperties && i <= flat.minProperties + 8; i++) {
      const candidates = [
        `extra_${i}`,
        ...inventable.map((p) => sampleRegex(p, rng)).filter((x): x is string => x !== null),
      ];
      const k = candidates.find((c) => !keys.includes(c) && this.keyAllowed(flat, c));
      if (k !== undefined) tryAdd(k);
    }
    if (keys.length < flat.minProperties) return fail('cannot reach minProperties with allowed property names');

    // Declared order first (as a model would write them), then the rest.
    const ordered = [...declared.filter((k) => keys.includes(k)), ...keys.filter((k) => !declared.includes(k))];
    const out: { [key: string]: Json } = {};
    for (const k of ordered) {
      const r = this.gen(originOf(this.keySchemas(flat, k)), depth + 1, 0, {
        name: k,
        allowHint: depth === 0 && requiredSet.has(k),
      });
      if (!r.ok) {
        if (requiredSet.has(k) || required.includes(k)) return r;
        continue; // an optional property we cannot fill: leave it out
      }
      out[k] = r.value;
    }
    if (Object.keys(out).length < flat.minProperties) return fail('cannot reach minProperties');
    return { ok: true, value: out };
  }
}

/** A string equal for two JSON values exactly when deepEqual says they are (object keys sorted). */
function canonicalKey(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'undefined';
  return (
    JSON.stringify(v, (_k, x: unknown) =>
      isRecord(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, x[k]]),
          )
        : x,
    ) ?? 'undefined'
  );
}

function inferTypes(flat: Flat): JsonType[] {
  const k = flat.hasTypeKeywords;
  const out: JsonType[] = [];
  if (k.object || flat.objs.length > 0) out.push('object');
  if (k.array) out.push('array');
  if (k.string) out.push('string');
  if (k.number) out.push(flat.multipleOf.every(Number.isInteger) ? 'integer' : 'number');
  // Without `type` every other type is valid too: a fallback when the keyword-suggested one
  // is unsatisfiable ({prefixItems: [false]} is met by "word"). An unconstrained schema
  // ({} / true) therefore starts with a short string.
  return [...out, ...ALL_TYPES.filter((t) => !out.includes(t))];
}

function isNullSchema(s: unknown): boolean {
  return isRecord(s) && (s['type'] === 'null' || s['const'] === null);
}

/** Rough size of the smallest value a branch leads to: cheap mode tries small ones first. */
function branchCost(s: unknown): number {
  if (s === true) return 1;
  if (!isRecord(s)) return 99;
  if (isNullSchema(s)) return 0;
  if (s['const'] !== undefined || s['enum'] !== undefined) return 1;
  if (s['$ref'] !== undefined) return 6;
  const t = Array.isArray(s['type']) ? s['type'] : [s['type']];
  if (t.includes('null')) return 0;
  if (t.some((x) => x === 'string' || x === 'number' || x === 'integer' || x === 'boolean')) return 1;
  if (t.includes('array')) return 2 + (num(s['minItems']) ?? 0);
  if (t.includes('object')) return 3 + (Array.isArray(s['required']) ? s['required'].length : 0);
  return 5;
}

// ---- plausible leaf values ---------------------------------------------------------------

const CITIES = ['Paris', 'Tokyo', 'London', 'Berlin', 'Madrid', 'Toronto', 'Sydney', 'Lisbon'];
const COUNTRIES = ['France', 'Japan', 'Canada', 'Germany', 'Brazil', 'Kenya'];
const FIRST_NAMES = ['Alice', 'Omar', 'Mei', 'Lucas', 'Priya', 'Jonas'];
const LAST_NAMES = ['Martin', 'Tanaka', 'Okafor', 'Silva', 'Novak', 'Larsen'];
const COLORS = ['blue', 'green', 'red', 'orange', 'purple'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function formatExample(format: string, rng: Rng): string | null {
  const date = () => `${rng.int(2023, 2025)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
  const time = () => `${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}`;
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'.charAt(rng.int(0, 15))).join('');
  switch (format) {
    case 'date':
      return date();
    case 'date-time':
      return `${date()}T${time()}Z`;
    case 'time':
      return `${time()}Z`;
    case 'email':
      return `${rng.pick(FIRST_NAMES).toLowerCase()}@example.com`;
    case 'uri':
      return `https://example.com/${rng.pick(NOUN_WORDS)}`;
    case 'uri-reference':
      return `/${rng.pick(NOUN_WORDS)}`;
    case 'hostname':
      return `${rng.pick(NOUN_WORDS)}.example.com`;
    case 'ipv4':
      return `192.0.2.${rng.int(1, 254)}`;
    case 'ipv6':
      return `2001:db8::${rng.int(1, 0xfff).toString(16)}`;
    case 'uuid':
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'.charAt(rng.int(0, 3))}${hex(3)}-${hex(12)}`;
    case 'duration':
      return `P${rng.int(1, 30)}D`;
    default:
      return null;
  }
}

/** A value a model would plausibly put in a string property with this name. */
function plausibleString(name: string | undefined, rng: Rng): string {
  const n = (name ?? '').toLowerCase();
  if (/cit(y|ies)|town|location|place|destination|origin/.test(n)) return rng.pick(CITIES);
  if (/countr/.test(n)) return rng.pick(COUNTRIES);
  if (/first_?name|given/.test(n)) return rng.pick(FIRST_NAMES);
  if (/last_?name|surname|family/.test(n)) return rng.pick(LAST_NAMES);
  if (/e_?mail/.test(n)) return formatExample('email', rng) ?? 'alice@example.com';
  if (/ur[li]|link|website|href/.test(n)) return formatExample('uri', rng) ?? 'https://example.com/';
  if (/name|author|person|customer|user/.test(n)) return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  if (/timestamp|datetime|_at$/.test(n)) return formatExample('date-time', rng) ?? '2024-01-01T00:00:00Z';
  if (/date|day|birthday/.test(n)) return formatExample('date', rng) ?? '2024-01-01';
  if (/unit/.test(n)) return rng.pick(['celsius', 'fahrenheit']);
  if (/lang/.test(n)) return rng.pick(['English', 'French', 'Japanese']);
  if (/currency/.test(n)) return rng.pick(['USD', 'EUR', 'JPY']);
  if (/colou?r/.test(n)) return rng.pick(COLORS);
  if (/phone|tel/.test(n)) return `+1-555-01${pad2(rng.int(0, 99))}`;
  if (/address|street/.test(n)) return `${rng.int(1, 99)} Main Street`;
  if (/zip|postal/.test(n)) return String(rng.int(10000, 99999));
  if (/(^|_)id$|uuid/.test(n)) return `id_${rng.int(1000, 9999)}`;
  if (/description|summary|text|content|message|comment|body|note|reason|answer|explanation/.test(n)) {
    return generateSentence(rng);
  }
  if (/title|subject|heading/.test(n)) {
    const w = rng.pick(NOUN_WORDS);
    return `${w.charAt(0).toUpperCase()}${w.slice(1)} ${rng.pick(NOUN_WORDS)} update`;
  }
  if (/status|state/.test(n)) return rng.pick(['active', 'pending', 'done']);
  return rng.next() < 0.5 ? rng.pick(NOUN_WORDS) : `${rng.pick(WORDS)} ${rng.pick(NOUN_WORDS)}`;
}

function plausibleNumber(name: string | undefined, rng: Rng): number {
  const n = (name ?? '').toLowerCase();
  if (/temp/.test(n)) return rng.int(5, 30);
  if (/age/.test(n)) return rng.int(18, 80);
  if (/year/.test(n)) return rng.int(2000, 2025);
  if (/price|amount|cost|total/.test(n)) return rng.int(5, 200) + 0.99;
  if (/lat/.test(n)) return rng.int(-60, 60) + 0.5;
  if (/lon|lng/.test(n)) return rng.int(-120, 120) + 0.25;
  return rng.int(1, 100);
}

// ---- public API ------------------------------------------------------------------------------

function run(schema: unknown, root: unknown, rng: Rng, options: GenerateOptions): GenerateResult {
  try {
    let last: Fail = fail('no attempt made');
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const gen = new Generator({
        root,
        rng,
        maxNodes: options.maxNodes ?? 2000,
        cheapDepth: options.cheapDepth ?? 6,
        maxDepth: options.maxDepth ?? 24,
        hints: [...(options.stringHints ?? [])],
        nodes: 0,
      });
      const r = gen.gen(schema, 0, 0, {});
      if (!r.ok) return r; // structural failures do not improve with another draw
      const problem = checkSchema(schema, r.value, root);
      if (problem === null) return r;
      last = fail(`generated value did not validate (${problem})`);
    }
    return last;
  } catch (e) {
    // Never throw into a request handler (e.g. a stack overflow on a pathological schema).
    return fail(`could not generate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A JSON value valid against `schema`, or ok:false with why. Never throws, bounded work. */
export function generateInstance(schema: unknown, rng: Rng, options: GenerateOptions = {}): GenerateResult {
  return run(schema, schema, rng, options);
}

const HINT_STOPWORDS = new Set([
  'i',
  'what',
  "what's",
  'whats',
  'where',
  'how',
  'when',
  'who',
  'why',
  'which',
  'please',
  'can',
  'could',
  'would',
  'will',
  'is',
  'are',
  'do',
  'does',
  'tell',
  'give',
  'get',
  'show',
  'find',
  'call',
  'use',
  'the',
  'a',
  'an',
  'in',
  'on',
  'it',
  'this',
  'that',
  'hi',
  'hello',
  'hey',
  'let',
  'make',
  'check',
  'look',
  'search',
  'and',
  'or',
  'then',
  'also',
  'now',
  'today',
  'tomorrow',
  'json',
  'ok',
  'yes',
  'no',
]);

/**
 * Values a user message names explicitly: quoted strings first, then capitalised words or
 * runs of them ("New York"), skipping question words and the like. "What's the weather in
 * Paris?" → ["Paris"]. `max`: only the first that many are wanted (the scan stops there).
 */
export function extractHints(text: string, max = Infinity): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (v: string): void => {
    if (v && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  };
  const quoted =
    /"([^"\n]{1,200})"|“([^”\n]{1,200})”|(?<![\p{L}\p{N}])'([^'\n]{1,200})'(?![\p{L}\p{N}])|`([^`\n]{1,200})`/gu;
  for (const m of text.matchAll(quoted)) {
    if (out.length >= max) return out;
    const v = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    if (v) out.push(v);
  }
  for (const v of out) seen.add(v);
  // Capitalised runs ("New York"); a sentence's first word is capitalised anyway, so it only
  // counts after every mid-sentence candidate ("Weather for New York" → "New York" first).
  const caps = /\p{Lu}[\p{L}\p{M}'’-]*(?:[ \t]+\p{Lu}[\p{L}\p{M}'’-]*)*/gu;
  const initial: string[] = [];
  const clean = (w: string) => w.replace(/['’]s$/u, '');
  // Once, not per match: this loop must stay linear in the text (a message of 20,000
  // capitalised words took seconds when each match re-scanned the text before it).
  const unquoted = text.replace(quoted, ' ');
  for (const m of unquoted.matchAll(caps)) {
    if (out.length >= max) return out;
    const words = m[0].split(/\s+/);
    if (startsSentence(unquoted, m.index)) {
      const first = words.shift() ?? '';
      if (!HINT_STOPWORDS.has(first.toLowerCase())) initial.push(clean(first));
    }
    while (words.length > 0 && HINT_STOPWORDS.has((words[0] ?? '').toLowerCase())) words.shift();
    add(clean(words.join(' ')));
  }
  for (const v of initial) add(v);
  return out.slice(0, max);
}

/**
 * Whether `text[at]` starts a sentence: nothing before it, or only whitespace after a
 * sentence end (. ! ? :) or a line break. Looks back over the whitespace run only.
 */
function startsSentence(text: string, at: number): boolean {
  if (at === 0) return true;
  let i = at;
  let newline = false;
  while (i > 0 && /\s/.test(text.charAt(i - 1))) {
    if (text.charAt(i - 1) === '\n') newline = true;
    i--;
  }
  return newline || (i > 0 && '.!?:'.includes(text.charAt(i - 1)));
}

/**
 * Tool-call arguments (a JSON object string) valid against a function's `parameters`.
 * Values named in `hintText` (see extractHints) fill the required top-level string
 * properties first, so get_weather(city) for "What's the weather in Paris?" gets
 * {"city":"Paris"}. No schema, or one nothing satisfies, gives "{}".
 */
export function argumentsFor(parametersSchema: unknown, rng: Rng, hintText?: string, maxNodes?: number): string {
  if (parametersSchema === undefined || parametersSchema === null) return '{}';
  // Tool arguments are always an object, whatever a loose schema would allow.
  const wrapped = { allOf: [parametersSchema, { type: 'object' }] };
  const r = run(wrapped, parametersSchema, rng, {
    stringHints: hintText ? extractHints(hintText) : [],
    ...(maxNodes !== undefined ? { maxNodes } : {}),
  });
  return r.ok ? JSON.stringify(r.value) : '{}';
}
