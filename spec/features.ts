// The feature catalogue (spec/features.yaml): the one place feature ids are defined.
// Read once, validated against spec/features.schema.yaml, checked for consistency, cached.
import type {
  Feature,
  FeatureAspect,
  FeatureCatalogue,
  FeatureGroup,
  FeatureNeeds,
  FeatureSurface,
  RelayEndpoint,
} from './generated/types.js';
import { readSpecYaml } from './load.js';
import { validate, type ValidationResult } from './validators.js';

export const FEATURES_FILE = 'features.yaml';

/** Thrown when a spec/ data file is invalid: the message names the file and each problem. */
export class SpecDataError extends Error {
  override name = 'SpecDataError';
}

function formatAjvErrors(errors: ValidationResult['errors']): string {
  return errors
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` ('${String((e.params as { additionalProperty?: unknown }).additionalProperty)}')`
          : '';
      return `  ${e.instancePath === '' ? '/' : e.instancePath}: ${e.message ?? e.keyword}${extra}`;
    })
    .join('\n');
}

/**
 * Read `spec/<relativePath>` and validate it against the schema `schemaName` (a file stem
 * such as `features`), throwing a SpecDataError naming the file and ajv's instancePaths.
 * Shared by the catalogue loaders (features, breaks, relays).
 */
export function readValidatedSpecYaml<T>(relativePath: string, schemaName: string): T {
  const value = readSpecYaml(relativePath);
  const result = validate(schemaName, value);
  if (!result.valid) {
    throw new SpecDataError(
      `spec/${relativePath} does not match spec/${schemaName}.schema.yaml:\n${formatAjvErrors(result.errors)}`,
    );
  }
  return value as T;
}

/** Throws a SpecDataError listing `problems` when there are any. */
export function assertNoProblems(file: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new SpecDataError(`spec/${file} is inconsistent:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Checks a list is grouped by key in the order given by `order` (each key in one run). */
export function groupingProblems<T>(items: T[], keyOf: (item: T) => string, order: string[], what: string): string[] {
  const problems: string[] = [];
  let last = -1;
  let lastKey: string | undefined;
  for (const item of items) {
    const key = keyOf(item);
    const at = order.indexOf(key);
    if (at === -1) continue; // reported elsewhere as unknown
    if (key !== lastKey && at <= last) {
      problems.push(`${what} '${key}' is not contiguous or out of order (expected order: ${order.join(', ')})`);
    }
    if (at > last) last = at;
    lastKey = key;
  }
  return problems;
}

/** What makes a catalogue inconsistent beyond its schema (exported for the tests). */
export function checkFeatures(catalogue: FeatureCatalogue): string[] {
  const problems: string[] = [];
  const groupIds = catalogue.groups.map((g) => g.id);
  for (const d of duplicates(groupIds)) problems.push(`group id '${d}' is defined twice`);
  for (const d of duplicates(catalogue.features.map((f) => f.id))) problems.push(`feature id '${d}' is defined twice`);
  for (const f of catalogue.features) {
    if (!groupIds.includes(f.group)) problems.push(`feature '${f.id}': unknown group '${f.group}'`);
    // Without a relay document, the contract is the vendor's whose API the surface is.
    if (f.sources.length === 0 && !/openai|anthropic/i.test(f.note ?? '')) {
      problems.push(
        `feature '${f.id}': no sources, so its note must say it comes from OpenAI's or Anthropic's contract`,
      );
    }
  }
  const used = new Set(catalogue.features.map((f) => f.group));
  for (const g of groupIds) if (!used.has(g)) problems.push(`group '${g}' has no feature`);
  // The aspects are a closed table: each value a feature names exists, each row is used.
  const aspectIds = catalogue.aspects.map((a) => a.id);
  for (const d of duplicates(aspectIds)) problems.push(`aspect id '${d}' is defined twice`);
  for (const f of catalogue.features)
    if (f.aspect !== undefined && !aspectIds.includes(f.aspect))
      problems.push(`feature '${f.id}': unknown aspect '${f.aspect}' (aspects: ${aspectIds.join(', ')})`);
  const aspectsUsed = new Set(catalogue.features.map((f) => f.aspect));
  for (const a of aspectIds) if (!aspectsUsed.has(a)) problems.push(`aspect '${a}' has no feature`);
  problems.push(...groupingProblems(catalogue.features, (f) => f.group, groupIds, 'group'));
  return problems;
}

let cache: FeatureCatalogue | undefined;

/** The validated feature catalogue (groups and features in display order). */
export function loadFeatures(): FeatureCatalogue {
  if (!cache) {
    const catalogue = readValidatedSpecYaml<FeatureCatalogue>(FEATURES_FILE, 'features');
    assertNoProblems(FEATURES_FILE, checkFeatures(catalogue));
    cache = catalogue;
  }
  return cache;
}

/** Every feature, in display order. */
export function features(): Feature[] {
  return loadFeatures().features;
}

/** The aspects table: what several surfaces offer, compared across them by the report. */
export function featureAspects(): FeatureAspect[] {
  return loadFeatures().aspects;
}

/** Every feature group, in display order. */
export function featureGroups(): FeatureGroup[] {
  return loadFeatures().groups;
}

/** Every feature id, in display order. */
export function featureIds(): string[] {
  return features().map((f) => f.id);
}

export function isFeatureId(id: string): boolean {
  return features().some((f) => f.id === id);
}

/** The feature with this id; throws naming the known ids when there is none. */
export function featureById(id: string): Feature {
  const found = features().find((f) => f.id === id);
  if (!found)
    throw new SpecDataError(`unknown feature id '${id}' (spec/${FEATURES_FILE} has: ${featureIds().join(', ')})`);
  return found;
}

/**
 * Each API surface a feature may speak (its `surface`): the path its requests go to, relative
 * to the base URL, and the endpoint protocol a dialect lists when it serves it (null: every
 * dialect serves it). One row per surface: the Anthropic Messages surface joins as a row.
 */
export const SURFACES: Readonly<
  Record<FeatureSurface, { path: string; title: string; protocol: RelayEndpoint['protocol'] | null }>
> = {
  chat: { path: '/chat/completions', title: 'Chat Completions', protocol: null },
  responses: { path: '/responses', title: 'the Responses API', protocol: 'openai-responses' },
  messages: { path: '/messages', title: "Anthropic's Messages", protocol: 'anthropic-messages' },
};

/** A feature's surface (chat unless it names one). */
export const surfaceOf = (f: Pick<Feature, 'surface'>): FeatureSurface => f.surface ?? 'chat';

/** The values `needs` may take, read from the schema. */
export function featureNeedsValues(): FeatureNeeds[] {
  const schema = readSpecYaml('features.schema.yaml') as { $defs: { FeatureNeeds: { enum: FeatureNeeds[] } } };
  return [...schema.$defs.FeatureNeeds.enum];
}

/**
 * Feature ids from a selection of feature ids and group ids (a group stands for each of its
 * features), in catalogue order. Throws a SpecDataError naming `what` (e.g. "--only") and
 * the known ids for an unknown item; `groups: false` accepts feature ids only (--require).
 * The CLI and relaycheck/vitest both validate through this one function.
 */
export function selectFeatures(items: readonly string[], what: string, groups = true): string[] {
  const all = features();
  const groupIds = featureGroups().map((g) => g.id);
  const chosen = new Set<string>();
  for (const item of items.map((s) => s.trim()).filter((s) => s !== '')) {
    if (all.some((f) => f.id === item)) chosen.add(item);
    else if (groups && groupIds.includes(item)) for (const f of all.filter((f) => f.group === item)) chosen.add(f.id);
    else
      throw new SpecDataError(
        `${what}: unknown feature${groups ? ' or group' : ''} '${item}' (features: ${all.map((f) => f.id).join(', ')}${groups ? `; groups: ${groupIds.join(', ')}` : ''})`,
      );
  }
  if (chosen.size === 0) throw new SpecDataError(`${what}: no feature given`);
  return all.map((f) => f.id).filter((id) => chosen.has(id));
}
