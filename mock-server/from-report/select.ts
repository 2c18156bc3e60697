// A measured relay as a mock: which breaks of spec/breaks.yaml, switched on together, make the
// suite give back a report's verdicts. Pure: the catalogue and the verdicts come in as data.
//
// A break is a candidate only when every feature it flips has exactly that verdict in the
// report (switching it on must not change a verdict the relay did not show). Candidates are
// then chosen greedily, the one reproducing most still-unexplained verdicts first (catalogue
// order breaks ties), skipping any that conflicts with one already chosen: few breaks, and
// composable ones.
import type { Break, BreakVerdict, ReportTarget, ReportVerdict } from '../../spec/generated/types.js';
import type { MockModel } from '../assembly/options.js';

export interface Reproduced {
  feature: string;
  verdict: ReportVerdict;
  /** The chosen break that flips it. */
  by: string;
}

export interface NotReproducible {
  feature: string;
  verdict: ReportVerdict;
}

export interface BreakSelection {
  /** The breaks to switch on, in catalogue order. */
  breaks: string[];
  /** Measured verdicts other than `supported` that the chosen breaks give back. */
  reproduced: Reproduced[];
  /** Measured verdicts other than `supported` that no (composable) break expresses. */
  notReproducible: NotReproducible[];
  /** Features measured `supported`: the faithful mock's answer, kept by the selection. */
  supported: string[];
}

type BreakLike = Pick<Break, 'id' | 'flips' | 'conflicts'>;

/** Symmetric conflicts: a lists b, or b lists a. */
function conflicting(a: BreakLike, b: BreakLike): boolean {
  return (a.conflicts ?? []).includes(b.id) || (b.conflicts ?? []).includes(a.id);
}

export function selectBreaks(
  verdicts: Readonly<Record<string, ReportVerdict>>,
  catalogue: readonly BreakLike[],
): BreakSelection {
  const flipsOf = (b: BreakLike): [string, BreakVerdict][] =>
    Object.entries(b.flips).filter((e): e is [string, BreakVerdict] => e[1] !== undefined);
  const candidates = catalogue.filter((b) => {
    const flips = flipsOf(b);
    return flips.length > 0 && flips.every(([feature, verdict]) => verdicts[feature] === verdict);
  });
  const unexplained = new Set(Object.keys(verdicts).filter((f) => verdicts[f] !== 'supported'));
  const chosen: BreakLike[] = [];
  const by = new Map<string, string>();
  for (;;) {
    let best: { b: BreakLike; gain: number } | undefined;
    for (const b of candidates) {
      if (chosen.includes(b) || chosen.some((c) => conflicting(b, c))) continue;
      const gain = flipsOf(b).filter(([f]) => unexplained.has(f)).length;
      if (gain > 0 && (!best || gain > best.gain)) best = { b, gain };
    }
    if (!best) break;
    chosen.push(best.b);
    for (const [f] of flipsOf(best.b)) {
      if (unexplained.delete(f)) by.set(f, best.b.id);
    }
  }
  const order = (id: string): number => catalogue.findIndex((b) => b.id === id);
  const features = Object.keys(verdicts);
  return {
    breaks: chosen.map((b) => b.id).sort((a, b) => order(a) - order(b)),
    reproduced: features
      .filter((f) => by.has(f))
      .map((feature) => ({ feature, verdict: verdicts[feature]!, by: by.get(feature)! })),
    notReproducible: features
      .filter((f) => unexplained.has(f))
      .map((feature) => ({ feature, verdict: verdicts[feature]! })),
    supported: features.filter((f) => verdicts[f] === 'supported'),
  };
}

/** The target to reproduce: the one named, or the only one. Throws naming the targets otherwise. */
export function pickTarget(targets: readonly ReportTarget[], name: string | undefined): ReportTarget {
  const names = targets.map((t) => t.name);
  if (name !== undefined) {
    const found = targets.find((t) => t.name === name);
    if (!found) throw new Error(`the report has no target '${name}' (targets: ${names.join(', ') || 'none'})`);
    return found;
  }
  if (targets.length === 1) return targets[0]!;
  if (targets.length === 0) throw new Error('the report has no targets');
  throw new Error(`the report has ${targets.length} targets; choose one with --target (${names.join(', ')})`);
}

/** A target's verdicts by feature. */
export function targetVerdicts(target: ReportTarget): Record<string, ReportVerdict> {
  return Object.fromEntries(target.results.map((r) => [r.feature, r.verdict]));
}

/** What `relaycheck mock --from-report` prints when it starts. */
export function describeSelection(target: string, s: BreakSelection): string[] {
  const lines = [
    `reproducing '${target}': ${s.breaks.length === 0 ? "no breaks (every verdict is the faithful mock's)" : `breaks ${s.breaks.join(', ')}`}`,
  ];
  if (s.reproduced.length > 0) {
    lines.push(`reproduced: ${s.reproduced.map((r) => `${r.feature} ${r.verdict} (${r.by})`).join(', ')}`);
  }
  lines.push(`supported as measured: ${s.supported.length} feature${s.supported.length === 1 ? '' : 's'}`);
  if (s.notReproducible.length > 0) {
    lines.push(`not reproducible: ${s.notReproducible.map((r) => `${r.feature} ${r.verdict}`).join(', ')}`);
  }
  return lines;
}

/** The roles a report names models in, and what the replica's model must do in each. */
const MODEL_ROLES = [
  { field: 'model', like: (m: MockModel) => !m.reasoning },
  { field: 'reasoningModel', like: (m: MockModel) => m.reasoning === true },
  { field: 'visionModel', like: (m: MockModel) => m.vision === true },
] as const satisfies readonly { field: keyof ReportTarget; like: (m: MockModel) => boolean }[];

/**
 * The models the replica serves: the profile's, plus each model the report measured (its
 * chat, reasoning and vision models) the profile lacks, behaving as the profile's model of
 * that role does. Without them the suite, run again with the report's config, meets a 404.
 */
export function withMeasuredModels(target: ReportTarget, served: readonly MockModel[]): MockModel[] {
  const added = new Map<string, MockModel>();
  for (const role of MODEL_ROLES) {
    const id = target[role.field];
    if (typeof id !== 'string' || id === '' || served.some((m) => m.id === id)) continue;
    const like: Partial<MockModel> = served.find(role.like) ?? {};
    const before = added.get(id);
    added.set(id, {
      ...like,
      ...before,
      id,
      // One id in several roles (a reasoning model that also reads images) does both.
      ...(like.reasoning || before?.reasoning ? { reasoning: true } : {}),
      ...(like.vision || before?.vision ? { vision: true } : {}),
    });
  }
  return [...served, ...added.values()];
}
