// A small JSON Schema validator for the subset the instance generator produces values for.
// The generator checks every value it builds against the ORIGINAL schema with this, so a
// weak spot in generation costs a retry or an honest ok:false, never an invalid value.
// Semantics follow Ajv's where they differ from the letter of the spec (multipleOf on floats,
// lengths in code points, patterns with the `u` flag). Only local refs ("#...") resolve.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.length === Object.keys(rb).length && ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

/** Resolve a local reference ("#", "#/$defs/x", "#/definitions/a~1b") against the root. */
export function resolveRef(root: unknown, ref: string): { ok: true; schema: unknown } | { ok: false } {
  if (!ref.startsWith('#')) return { ok: false };
  const pointer = ref.slice(1);
  if (pointer === '') return { ok: true, schema: root };
  if (!pointer.startsWith('/')) return { ok: false }; // "#anchor" is not supported
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return { ok: false };
    }
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return { ok: false };
    if (node === undefined) return { ok: false };
  }
  return { ok: true, schema: node };
}

// Compiled patterns are reused across the many checks of one generation (and across requests);
// the cache is cleared when it grows, which bounds memory for hostile inputs.
const patternCache = new Map<string, RegExp | null>();
export function compilePattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    if (patternCache.size > 500) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

/** Length in code points, as JSON Schema (and Ajv) count it. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n++;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function validDate(y: number, m: number, d: number): boolean {
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m >= 1 && m <= 12 && d >= 1 && d <= (days[m - 1] ?? 0);
}

const TIME = String.raw`([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)`;
const FORMAT_CHECKS: Readonly<Record<string, (s: string) => boolean>> = {
  date: (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  'date-time': (s) => {
    const m = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})[Tt ]${TIME}$`).exec(s);
    return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  time: (s) => new RegExp(`^${TIME}$`).test(s),
  email: (s) =>
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(
      s,
    ),
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  hostname: (s) =>
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      s,
    ),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  ipv6: (s) => /^[0-9A-Fa-f:]+$/.test(s) && s.includes(':') && s.split('::').length <= 2,
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  duration: (s) => /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(s),
};

/** True when `format` is one this module checks (others are annotations, always accepted). */
export function isKnownFormat(format: string): boolean {
  return Object.hasOwn(FORMAT_CHECKS, format);
}

export function checkFormat(format: string, s: string): boolean {
  const check = FORMAT_CHECKS[format];
  return check === undefined || check(s);
}

/** Ajv's multipleOf test (a float division, then an integer check), so we agree with it. */
export function isMultipleOf(v: number, m: number): boolean {
  if (m === 0) return false;
  const r = v / m;
  return r === parseInt(String(r));
}

export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function hasType(v: unknown, t: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isFinite(v) && v % 1 === 0;
    case 'string':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isRecord(v);
    default:
      return false;
  }
}

// Ref hops allowed without consuming any of the value: more means a `$ref` loop.
const MAX_REF_HOPS = 64;

/**
 * Validate `value` against `schema` (refs resolved against `root`, default the schema).
 * Returns null when valid, else a short reason naming the failing keyword and path.
 */
export function checkSchema(schema: unknown, value: unknown, root: unknown = schema): string | null {
  try {
    return check(schema, value, root, '', 0);
  } catch (e) {
    return `validation failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function check(schema: unknown, v: unknown, root: unknown, path: string, hops: number): string | null {
  if (schema === true) return null;
  if (schema === false) return `${path || '/'}: false schema`;
  if (!isRecord(schema)) return `${path || '/'}: schema is not an object`;
  const at = path || '/';
  const sub = (s: unknown, value: unknown, p: string, h: number) => check(s, value, root, p, h);

  if (typeof schema['$ref'] === 'string') {
    if (hops > MAX_REF_HOPS) return `${at}: $ref loop`;
    const r = resolveRef(root, schema['$ref']);
    if (!r.ok) return `${at}: unresolvable $ref ${schema['$ref']}`;
    const e = sub(r.schema, v, path, hops + 1);
    if (e) return e;
  }

  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => hasType(v, t))) return `${at}: must be ${types.join('|')}`;
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => deepEqual(e, v))) return `${at}: not in enum`;
  if (Object.hasOwn(schema, 'const') && !deepEqual(schema['const'], v)) return `${at}: must equal const`;

  if (typeof v === 'number') {
    const e = checkNumber(schema, v);
    if (e) return `${at}: ${e}`;
  } else if (typeof v === 'string') {
    const e = checkString(schema, v);
    if (e) return `${at}: ${e}`;
  } else if (Array.isArray(v)) {
    const e = checkArray(schema, v, root, path);
    if (e) return e;
  } else if (isRecord(v)) {
    const e = checkObject(schema, v, root, path);
    if (e) return e;
  }

  if (Array.isArray(schema['allOf'])) {
    for (const s of schema['allOf']) {
      const e = sub(s, v, path, hops + 1);
      if (e) return e;
    }
  }
  if (Array.isArray(schema['anyOf']) && !schema['anyOf'].some((s) => sub(s, v, path, hops + 1) === null)) {
    return `${at}: matches no anyOf branch`;
  }
  if (Array.isArray(schema['oneOf'])) {
    const n = schema['oneOf'].filter((s) => sub(s, v, path, hops + 1) === null).length;
    if (n !== 1) return `${at}: matches ${n} oneOf branches`;
  }
  if (schema['not'] !== undefined && sub(schema['not'], v, path, hops + 1) === null) return `${at}: matches not`;
  if (schema['if'] !== undefined) {
    const branch = sub(schema['if'], v, path, hops + 1) === null ? schema['then'] : schema['else'];
    if (branch !== undefined) {
      const e = sub(branch, v, path, hops + 1);
      if (e) return e;
    }
  }
  return null;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function checkNumber(s: Record<string, unknown>, v: number): string | null {
  const min = num(s['minimum']);
  const max = num(s['maximum']);
  // Draft-04 spelled exclusivity as a boolean next to minimum/maximum.
  if (min !== undefined && (s['exclusiveMinimum'] === true ? v <= min : v < min)) return 'below minimum';
  if (max !== undefined && (s['exclusiveMaximum'] === true ? v >= max : v > max)) return 'above maximum';
  const xmin = num(s['exclusiveMinimum']);
  const xmax = num(s['exclusiveMaximum']);
  if (xmin !== undefined && v <= xmin) return 'not above exclusiveMinimum';
  if (xmax !== undefined && v >= xmax) return 'not below exclusiveMaximum';
  const m = num(s['multipleOf']);
  if (m !== undefined && !isMultipleOf(v, m)) return `not a multiple of ${m}`;
  return null;
}

function checkString(s: Record<string, unknown>, v: string): string | null {
  const minLength = num(s['minLength']);
  const maxLength = num(s['maxLength']);
  if (minLength !== undefined || maxLength !== undefined) {
    const n = codePointLength(v);
    if (minLength !== undefined && n < minLength) return 'shorter than minLength';
    if (maxLength !== undefined && n > maxLength) return 'longer than maxLength';
  }
  if (typeof s['pattern'] === 'string') {
    const re = compilePattern(s['pattern']);
    if (re === null) return `invalid pattern ${s['pattern']}`;
    if (!re.test(v)) return `does not match ${s['pattern']}`;
  }
  if (typeof s['format'] === 'string' && !checkFormat(s['format'], v)) return `not a valid ${s['format']}`;
  return null;
}

function checkArray(s: Record<string, unknown>, v: unknown[], root: unknown, path: string): string | null {
  const at = path || '/';
  const minItems = num(s['minItems']);
  const maxItems = num(s['maxItems']);
  if (minItems !== undefined && v.length < minItems) return `${at}: fewer than minItems`;
  if (maxItems !== undefined && v.length > maxItems) return `${at}: more than maxItems`;
  // Draft-07 tuples (items: [...] + additionalItems) and 2020-12 (prefixItems + items).
  const items = s['items'];
  const prefix = Array.isArray(items) ? items : Array.isArray(s['prefixItems']) ? s['prefixItems'] : [];
  const rest = Array.isArray(items) ? s['additionalItems'] : items;
  for (let i = 0; i < v.length; i++) {
    const itemSchema = i < prefix.length ? prefix[i] : rest;
    if (itemSchema === undefined) continue;
    const e = check(itemSchema, v[i], root, `${path}/${i}`, 0);
    if (e) return e;
  }
  if (s['uniqueItems'] === true) {
    for (let i = 0; i < v.length; i++) {
      for (let j = i + 1; j < v.length; j++) if (deepEqual(v[i], v[j])) return `${at}: items not unique`;
    }
  }
  if (s['contains'] !== undefined) {
    const n = v.filter((x, i) => check(s['contains'], x, root, `${path}/${i}`, 0) === null).length;
    const minC = num(s['minContains']) ?? 1;
    const maxC = num(s['maxContains']);
    if (n < minC) return `${at}: contains fewer than ${minC} matching items`;
    if (maxC !== undefined && n > maxC) return `${at}: contains more than ${maxC} matching items`;
  }
  return null;
}

function checkObject(
  s: Record<string, unknown>,
  v: Record<string, unknown>,
  root: unknown,
  path: string,
): string | null {
  const at = path || '/';
  const keys = Object.keys(v);
  const minP = num(s['minProperties']);
  const maxP = num(s['maxProperties']);
  if (minP !== undefined && keys.length < minP) return `${at}: fewer than minProperties`;
  if (maxP !== undefined && keys.length > maxP) return `${at}: more than maxProperties`;
  if (Array.isArray(s['required'])) {
    for (const r of s['required'])
      if (typeof r === 'string' && !Object.hasOwn(v, r)) return `${at}: missing required ${r}`;
  }
  if (isRecord(s['dependentRequired'])) {
    for (const [k, deps] of Object.entries(s['dependentRequired'])) {
      if (!Object.hasOwn(v, k) || !Array.isArray(deps)) continue;
      for (const d of deps) if (typeof d === 'string' && !Object.hasOwn(v, d)) return `${at}: ${k} requires ${d}`;
    }
  }
  const props = isRecord(s['properties']) ? s['properties'] : {};
  const patternProps = isRecord(s['patternProperties']) ? Object.entries(s['patternProperties']) : [];
  for (const k of keys) {
    const p = `${path}/${k}`;
    if (s['propertyNames'] !== undefined) {
      const e = check(s['propertyNames'], k, root, p, 0);
      if (e) return `${p}: property name rejected`;
    }
    let matched = false;
    if (Object.hasOwn(props, k)) {
      matched = true;
      const e = check(props[k], v[k], root, p, 0);
      if (e) return e;
    }
    for (const [pattern, ps] of patternProps) {
      const re = compilePattern(pattern);
      if (re === null) return `${at}: invalid patternProperties ${pattern}`;
      if (!re.test(k)) continue;
      matched = true;
      const e = check(ps, v[k], root, p, 0);
      if (e) return e;
    }
    if (!matched && s['additionalProperties'] !== undefined) {
      const e = check(s['additionalProperties'], v[k], root, p, 0);
      if (e) return s['additionalProperties'] === false ? `${p}: additional property not allowed` : e;
    }
  }
  return null;
}
