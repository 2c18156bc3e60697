// Size and depth of JSON, measured without recursion, so a hostile request (a body nested a
// million levels deep, a schema with a hundred thousand properties) is refused before any
// recursive code (validation, schema generation, JSON.stringify) sees it. Pure.

/**
 * True when `text` (JSON, or anything: strings and escapes are skipped the way JSON reads
 * them) opens more than `maxDepth` arrays/objects inside each other. Stops at the first
 * bracket past the limit; a text shorter than the limit cannot exceed it and is not scanned.
 */
export function jsonNestsDeeper(text: string, maxDepth: number): boolean {
  if (text.length <= maxDepth || !hasMoreBrackets(text, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Whether `text` holds more than `max` opening brackets: nesting can be no deeper than that,
 * and counting them with indexOf (native) is far cheaper than the scan for a typical request.
 */
function hasMoreBrackets(text: string, max: number): boolean {
  let n = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) {
      if (++n > max) return true;
    }
  }
  return false;
}

export interface JsonMeasure {
  /**
   * JSON values counted (objects, arrays, strings, numbers, booleans, nulls; keys are not values), up to the first
   * that broke a limit.
   */
  values: number;
  /** The deepest nesting seen (a scalar is depth 0, `{}` depth 1, `{"a": []}` depth 2). */
  depth: number;
  /** The first limit broken, if any (counting stops there). */
  exceeded: 'values' | 'depth' | null;
}

/** Count the values and the depth of a parsed JSON value, iteratively, stopping at the first limit broken. */
export function measureJson(value: unknown, limits: { maxValues: number; maxDepth: number }): JsonMeasure {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  let values = 0;
  let depth = 0;
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (++values > limits.maxValues) return { values, depth, exceeded: 'values' };
    if (typeof v !== 'object' || v === null) continue;
    const inner = d + 1;
    if (inner > depth) depth = inner;
    if (depth > limits.maxDepth) return { values, depth, exceeded: 'depth' };
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    // A container can hold more children than the whole budget: no need to stack them all.
    if (values + children.length > limits.maxValues)
      return { values: values + children.length, depth, exceeded: 'values' };
    for (const child of children) stack.push({ v: child, d: inner });
  }
  return { values, depth, exceeded: null };
}
