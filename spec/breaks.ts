// The break catalogue (spec/breaks.yaml): every single deviation the mock can switch on.
// Read once, validated against spec/breaks.schema.yaml, cross-checked against the feature
// catalogue (flips must name known features), cached.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { assertNoProblems, groupingProblems, isFeatureId, readValidatedSpecYaml, SpecDataError } from './features.js';
import type { Break, BreakCatalogue, BreakCategory, BreakParams, BreakVerdict } from './generated/types.js';
import { readSpecYaml } from './load.js';

export const BREAKS_FILE = 'breaks.yaml';

/** A break switched on, with its parameters resolved (defaults filled in). */
export interface ActiveBreak {
  id: string;
  params?: BreakParams;
}

let cache: BreakCatalogue | undefined;
let paramsAjv: Ajv2020 | undefined;
const paramValidators = new Map<string, ValidateFunction>();

function paramsValidator(b: Break): ValidateFunction | undefined {
  if (!b.params) return undefined;
  let fn = paramValidators.get(b.id);
  if (!fn) {
    paramsAjv ??= new Ajv2020({ strict: true, allErrors: true });
    try {
      fn = paramsAjv.compile(b.params);
    } catch (err) {
      throw new SpecDataError(
        `spec/${BREAKS_FILE}: break '${b.id}' has an invalid params schema: ${(err as Error).message}`,
      );
    }
    paramValidators.set(b.id, fn);
  }
  return fn;
}

function paramProblems(b: Break, params: unknown): string[] {
  const fn = paramsValidator(b);
  if (!fn) return [`break '${b.id}' takes no parameters`];
  if (fn(params)) return [];
  return (fn.errors ?? []).map((e) => `${e.instancePath === '' ? '/' : e.instancePath}: ${e.message ?? e.keyword}`);
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function checkBreaks(catalogue: BreakCatalogue): string[] {
  const problems: string[] = [];
  const categoryIds = catalogue.categories.map((c) => c.id);
  const ids = new Set(catalogue.breaks.map((b) => b.id));
  for (const d of duplicates(categoryIds)) problems.push(`category '${d}' is defined twice`);
  for (const d of duplicates(catalogue.breaks.map((b) => b.id))) problems.push(`break id '${d}' is defined twice`);
  for (const b of catalogue.breaks) {
    if (!categoryIds.includes(b.category)) problems.push(`break '${b.id}': unknown category '${b.category}'`);
    for (const feature of Object.keys(b.flips)) {
      if (!isFeatureId(feature)) problems.push(`break '${b.id}': flips unknown feature '${feature}'`);
    }
    if (b.params) {
      try {
        for (const p of paramProblems(b, b.defaults)) problems.push(`break '${b.id}': defaults ${p}`);
      } catch (err) {
        problems.push((err as Error).message);
      }
    } else if (b.flipsDependOnParams) {
      problems.push(`break '${b.id}': flipsDependOnParams without params`);
    }
    for (const other of b.conflicts ?? []) {
      if (other === b.id) problems.push(`break '${b.id}' conflicts with itself`);
      else if (!ids.has(other)) problems.push(`break '${b.id}': conflicts with unknown break '${other}'`);
    }
  }
  problems.push(...groupingProblems(catalogue.breaks, (b) => b.category, categoryIds, 'category'));
  return problems;
}

/** The validated break catalogue (categories and breaks in display order). */
export function loadBreaks(): BreakCatalogue {
  if (!cache) {
    const catalogue = readValidatedSpecYaml<BreakCatalogue>(BREAKS_FILE, 'breaks');
    assertNoProblems(BREAKS_FILE, checkBreaks(catalogue));
    cache = catalogue;
  }
  return cache;
}

/** Every break, in display order. */
export function breaks(): Break[] {
  return loadBreaks().breaks;
}

export function breakCategories(): BreakCategory[] {
  return loadBreaks().categories;
}

export function breakIds(): string[] {
  return breaks().map((b) => b.id);
}

export function isBreakId(id: string): boolean {
  return breaks().some((b) => b.id === id);
}

/** The break with this id; throws naming the known ids when there is none. */
export function breakById(id: string): Break {
  const found = breaks().find((b) => b.id === id);
  if (!found) throw new SpecDataError(`unknown break '${id}' (spec/${BREAKS_FILE} has: ${breakIds().join(', ')})`);
  return found;
}

/** Validate parameter values against a break's `params` schema; problems as "path: message". */
export function validateBreakParams(id: string, params: unknown): { valid: boolean; problems: string[] } {
  const problems = paramProblems(breakById(id), params);
  return { valid: problems.length === 0, problems };
}

/**
 * The parameters a break runs with: `given` when supplied (validated), else the break's
 * defaults; undefined for a break without parameters (which must not be given any).
 */
export function resolveBreakParams(id: string, given?: BreakParams): BreakParams | undefined {
  const b = breakById(id);
  if (!b.params) {
    if (given !== undefined) throw new SpecDataError(`break '${id}' takes no parameters`);
    return undefined;
  }
  const params = given ?? b.defaults;
  const problems = paramProblems(b, params);
  if (problems.length > 0) {
    throw new SpecDataError(`invalid parameters for break '${id}':\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return params;
}

/** True when `params` (resolved) equal the break's defaults, i.e. its `flips` apply as written. */
export function usesDefaultParams(id: string, params: BreakParams | undefined): boolean {
  const b = breakById(id);
  if (!b.params) return true;
  return canonical(params) === canonical(b.defaults);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Breaks that cannot be on together with `id` (the relation is symmetric). */
export function conflictsOf(id: string): string[] {
  const b = breakById(id);
  const out = new Set(b.conflicts ?? []);
  for (const other of breaks()) if (other.conflicts?.includes(id)) out.add(other.id);
  return [...out];
}

/** Pairs of mutually exclusive breaks among `ids` (empty when they compose). */
export function conflictingPairs(ids: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i++) {
    const a = unique[i]!;
    const conflicts = conflictsOf(a);
    for (const b of unique.slice(i + 1)) if (conflicts.includes(b)) pairs.push([a, b]);
  }
  return pairs;
}

/** The verdicts a break may flip a feature to, read from the schema. */
export function breakVerdicts(): BreakVerdict[] {
  const schema = readSpecYaml('breaks.schema.yaml') as { $defs: { BreakVerdict: { enum: BreakVerdict[] } } };
  return [...schema.$defs.BreakVerdict.enum];
}
