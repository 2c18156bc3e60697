// Relay dialects (spec/relays/*.yaml): each file is one relay's documented dialect, used by
// the mock as a profile and by the suite as the expected outcome. Read once, validated
// against spec/relays.schema.yaml, cross-checked against the feature and break catalogues,
// cached. A new relay is a new YAML file: nothing here knows any relay by name.
import {
  breakById,
  conflictingPairs,
  isBreakId,
  resolveBreakParams,
  usesDefaultParams,
  type ActiveBreak,
} from './breaks.js';
import { TOKENIZER_FEATURES, tokenizerFamily } from './tokenizer.js';
import {
  assertNoProblems,
  features,
  isFeatureId,
  readValidatedSpecYaml,
  SpecDataError,
  SURFACES,
  surfaceOf,
} from './features.js';
import type {
  BreakVerdict,
  Feature,
  FeatureNeeds,
  RelayDialect,
  RelayModel,
  RelayQuote,
  SpecSeedFile,
} from './generated/types.js';
import { listSpecFiles, readSpecYaml } from './load.js';

export const RELAYS_DIR = 'relays';
const SUFFIX = '.yaml';

/** What the suite must conclude for a feature against the mock running a dialect. */
export type ExpectedVerdict = BreakVerdict | 'supported' | 'skipped';

/** One quoted claim of a dialect, with the seed document it must be found in. */
export interface RelayQuoteRef {
  /** Where in the dialect, e.g. "deviations[2] (stop-ignored)". */
  where: string;
  source: SpecSeedFile;
  quote: string;
}

/** A quote field as a list (a claim may rest on several places of the document). */
export function quoteList(quote: RelayQuote | undefined): string[] {
  if (quote === undefined) return [];
  return typeof quote === 'string' ? [quote] : [...quote];
}

function dialectProperties(): string[] {
  const schema = readSpecYaml('relays.schema.yaml') as { properties: Record<string, unknown> };
  return Object.keys(schema.properties);
}

function checkRelay(relay: RelayDialect, stem: string): string[] {
  const problems: string[] = [];
  if (relay.id !== stem) problems.push(`id '${relay.id}' differs from the file stem '${stem}'`);

  if (relay.reference) {
    if (relay.source) problems.push('the reference dialect has no source document');
    if (relay.deviations.length > 0) problems.push('the reference dialect has no deviations');
    if (Object.keys(relay.expect).length > 0) problems.push('the reference dialect expects every feature supported');
  } else {
    if (!relay.source) problems.push('a relay dialect needs a `source` (its seed document)');
    if (relay.auth.quote === undefined) problems.push('auth: quote the document');
    relay.models.forEach((m, i) => {
      if (m.quote === undefined) problems.push(`models[${i}] (${m.id}): quote the document`);
    });
    (relay.endpoints ?? []).forEach((e, i) => {
      if (e.quote === undefined) problems.push(`endpoints[${i}] (${e.path}): quote the document`);
    });
  }
  if (relay.auth.header && relay.auth.scheme !== 'api-key') problems.push('auth.header is only for scheme api-key');

  const modelIds = relay.models.map((m) => m.id);
  const seen = new Set<string>();
  for (const id of modelIds) {
    if (seen.has(id)) problems.push(`model '${id}' is listed twice`);
    seen.add(id);
  }
  (relay.endpoints ?? []).forEach((e, i) => {
    for (const m of e.models ?? []) {
      if (!modelIds.includes(m)) problems.push(`endpoints[${i}]: model '${m}' is not in models`);
    }
  });

  const active: string[] = [];
  relay.deviations.forEach((d, i) => {
    const at = `deviations[${i}] (${d.break})`;
    if (!isBreakId(d.break)) {
      problems.push(`${at}: unknown break`);
      return;
    }
    active.push(d.break);
    try {
      resolveBreakParams(d.break, d.with);
    } catch (err) {
      problems.push(`${at}: ${(err as Error).message}`);
    }
    if (relay.source && d.source !== relay.source) {
      problems.push(`${at}: source '${d.source}' is not the dialect's document '${relay.source}'`);
    }
  });
  const twice = active.filter((id, i) => active.indexOf(id) !== i && !breakById(id).params);
  for (const id of new Set(twice)) problems.push(`break '${id}' is listed twice`);
  for (const [a, b] of conflictingPairs(active)) problems.push(`breaks '${a}' and '${b}' cannot be on together`);

  for (const feature of Object.keys(relay.expect)) {
    if (!isFeatureId(feature)) problems.push(`expect: unknown feature '${feature}'`);
  }

  const properties = dialectProperties();
  (relay.notes ?? []).forEach((n, i) => {
    if (n.about !== undefined && !isFeatureId(n.about) && !properties.includes(n.about)) {
      problems.push(`notes[${i}]: about '${n.about}' is neither a feature id nor a dialect field`);
    }
  });
  return problems;
}

let cache: RelayDialect[] | undefined;

/** Every dialect in spec/relays/, sorted by id, validated and cross-checked. */
export function loadRelays(): RelayDialect[] {
  if (!cache) {
    const relays: RelayDialect[] = [];
    for (const file of listSpecFiles(RELAYS_DIR, SUFFIX)) {
      const path = `${RELAYS_DIR}/${file}`;
      const relay = readValidatedSpecYaml<RelayDialect>(path, 'relays');
      assertNoProblems(path, checkRelay(relay, file.slice(0, -SUFFIX.length)));
      relays.push(relay);
    }
    const references = relays.filter((r) => r.reference);
    if (references.length !== 1) {
      throw new SpecDataError(
        `spec/${RELAYS_DIR}/ needs exactly one reference dialect, found ${references.length}: ${references.map((r) => r.id).join(', ')}`,
      );
    }
    cache = relays;
  }
  return cache;
}

export function relayIds(): string[] {
  return loadRelays().map((r) => r.id);
}

/** The dialect with this id (= file stem); throws naming the known ids when there is none. */
export function loadRelay(id: string): RelayDialect {
  const found = loadRelays().find((r) => r.id === id);
  if (!found) throw new SpecDataError(`unknown relay '${id}' (spec/${RELAYS_DIR}/ has: ${relayIds().join(', ')})`);
  return found;
}

/** The reference dialect (OpenAI's contract, no deviation). */
export function referenceRelay(): RelayDialect {
  return loadRelays().find((r) => r.reference)!;
}

/** The breaks a dialect switches on, parameters resolved (defaults filled in). */
export function relayBreaks(relay: RelayDialect): ActiveBreak[] {
  return relay.deviations.map((d) => {
    const params = resolveBreakParams(d.break, d.with);
    return params === undefined ? { id: d.break } : { id: d.break, params };
  });
}

/** The dialect's models that can run a probe with these needs, in file order. */
export function modelsFor(relay: RelayDialect, needs: FeatureNeeds): RelayModel[] {
  switch (needs) {
    case 'model': {
      // Plain chat models first; a reasoning model can chat too. Models that refuse common
      // parameters (o1-style) are never picked for general probes.
      const usable = relay.models.filter((m) => !m.rejects);
      return [...usable.filter((m) => !m.reasoning), ...usable.filter((m) => m.reasoning)];
    }
    case 'reasoning-model':
      return relay.models.filter((m) => m.reasoning === true);
    case 'vision-model':
      return relay.models.filter((m) => m.vision === true);
    case 'messages-model': {
      // The ids its Anthropic Messages endpoints list (all its models when one lists none).
      const served = (relay.endpoints ?? []).filter((e) => e.protocol === 'anthropic-messages');
      const ids = new Set(served.flatMap((e) => e.models ?? relay.models.map((m) => m.id)));
      return [...ids].map((id) => relay.models.find((m) => m.id === id) ?? { id });
    }
  }
}

/** Whether the dialect serves the feature's surface (chat always; others by an `endpoints` entry). */
export function servesSurface(relay: RelayDialect, feature: Feature): boolean {
  const { protocol } = SURFACES[surfaceOf(feature)];
  return protocol === null || (relay.endpoints ?? []).some((e) => e.protocol === protocol);
}

/** Whether the model the suite picks for `feature` can be judged by it (a tokenizer feature needs an OpenAI family). */
function judgeable(relay: RelayDialect, feature: Feature): boolean {
  const model = modelsFor(relay, feature.needs)[0];
  if (!model) return false;
  return !TOKENIZER_FEATURES.includes(feature.id) || tokenizerFamily(model.id) !== undefined;
}

/**
 * The verdict the suite must give for every feature against the mock running `relay`:
 * `expect` where the dialect says, else `supported`, or `skipped` when no model of the
 * dialect meets the feature's needs (for usage.tokenizer: the model probed has no public
 * OpenAI tokenizer) or the dialect does not serve the feature's surface.
 */

export function expectedVerdicts(relay: RelayDialect): Record<string, ExpectedVerdict> {
  const out: Record<string, ExpectedVerdict> = {};
  for (const f of features()) {
    const stated = relay.expect[f.id];
    out[f.id] = stated ?? (judgeable(relay, f) && servesSurface(relay, f) ? 'supported' : 'skipped');
  }
  return out;
}

/**
 * The verdicts the dialect's deviations imply, from the breaks' `flips`: for each flipped
 * feature, the verdicts of the breaks flipping it. Breaks whose flips depend on non-default
 * parameters are returned separately (their effect is stated only in `expect`).
 */
export function impliedFlips(relay: RelayDialect): {
  flips: Map<string, BreakVerdict[]>;
  paramDependent: string[];
} {
  const flips = new Map<string, BreakVerdict[]>();
  const paramDependent: string[] = [];
  for (const active of relayBreaks(relay)) {
    const b = breakById(active.id);
    if (b.flipsDependOnParams && !usesDefaultParams(active.id, active.params)) {
      paramDependent.push(active.id);
      continue;
    }
    for (const [feature, verdict] of Object.entries(b.flips)) {
      if (verdict === undefined) continue;
      flips.set(feature, [...(flips.get(feature) ?? []), verdict]);
    }
  }
  return { flips, paramDependent };
}

/** Every quoted claim of a dialect with the document it must appear in. */
export function relayQuotes(relay: RelayDialect): RelayQuoteRef[] {
  const out: RelayQuoteRef[] = [];
  const add = (where: string, quote: RelayQuote | undefined, source: SpecSeedFile | undefined): void => {
    const list = quoteList(quote);
    if (list.length === 0) return;
    const from = source ?? relay.source;
    if (!from) throw new SpecDataError(`spec/${RELAYS_DIR}/${relay.id}.yaml: ${where} has a quote but no source`);
    for (const q of list) out.push({ where, source: from, quote: q });
  };
  add('auth', relay.auth.quote, undefined);
  relay.models.forEach((m, i) => {
    add(`models[${i}] (${m.id})`, m.quote, undefined);
    add(`models[${i}].rejects`, m.rejects?.quote, undefined);
  });
  (relay.endpoints ?? []).forEach((e, i) => add(`endpoints[${i}] (${e.path})`, e.quote, undefined));
  relay.deviations.forEach((d, i) => add(`deviations[${i}] (${d.break})`, d.quote, d.source));
  (relay.notes ?? []).forEach((n, i) => add(`notes[${i}]${n.about ? ` (${n.about})` : ''}`, n.quote, n.source));
  return out;
}
