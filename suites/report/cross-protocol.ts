// Across protocols: when one target serves the same model over several API surfaces (Chat
// Completions, the Responses API, Anthropic Messages), what one surface loses that another
// keeps. Features name the aspect they measure (spec/features.yaml `aspects`); per aspect and
// model, each surface's features give it a verdict, and the surfaces are compared.
// Pure: the catalogue comes in as an argument, so this runs on any report without I/O.
import type {
  Feature,
  FeatureAspect,
  ReportCrossAspect,
  ReportCrossSurface,
  ReportResult,
  ReportTarget,
} from '../../spec/generated/types.js';
import { roleInfo } from '../roles.js';
import { isMeasured, verdictRank } from '../verdicts.js';

/** What the comparison needs of the catalogue: the aspects table and each feature's surface, model and aspect. */
export interface CrossCatalogue {
  aspects: readonly FeatureAspect[];
  /** In display order: the surfaces are compared in the order they first appear. */
  features: ReadonlyArray<{ id: string; surface?: string; needs: Feature['needs']; aspect?: string }>;
}

export type CrossTarget = Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'messagesModel' | 'results'>;

/** The model a feature runs on for this target (undefined: not configured, so not comparable). */
function modelFor(target: CrossTarget, needs: Feature['needs']): string | undefined {
  // The Messages probes run on the chat model unless another is configured (suites/roles.ts).
  if (needs === 'messages-model') return target.messagesModel ?? target.model;
  return target[roleInfo(needs).reportKey];
}

/** Lower is worse; every measured verdict has a rank. */
const rank = (r: ReportResult): number => verdictRank(r.verdict) ?? -1;

/**
 * Per aspect (in the table's order) and model, every surface with a result for one of the
 * aspect's features, when there are two such surfaces at least. A surface's verdict is the
 * worst measured verdict of its features (one broken part loses the aspect there); a surface
 * none of whose features judged the relay (skipped, not served, inconclusive, error) is
 * `not-measured`, never a loss. A feature without a result (not run: --only) is left out.
 */
export function compareSurfaces(target: CrossTarget, catalogue: CrossCatalogue): ReportCrossAspect[] {
  const byFeature = new Map<string, ReportResult>();
  for (const r of target.results) if (!byFeature.has(r.feature)) byFeature.set(r.feature, r);
  const out: ReportCrossAspect[] = [];
  for (const aspect of catalogue.aspects) {
    // model -> surface -> the results of its features for this aspect
    const cells = new Map<string, Map<string, ReportResult[]>>();
    for (const f of catalogue.features) {
      if (f.aspect !== aspect.id) continue;
      const r = byFeature.get(f.id);
      const model = modelFor(target, f.needs);
      if (!r || model === undefined) continue;
      const surfaces = cells.get(model) ?? new Map<string, ReportResult[]>();
      cells.set(model, surfaces);
      const surface = f.surface ?? 'chat';
      surfaces.set(surface, [...(surfaces.get(surface) ?? []), r]);
    }
    for (const [model, surfaces] of cells) {
      if (surfaces.size < 2) continue;
      out.push(compareAspect(aspect, model, surfaces));
    }
  }
  return out;
}

function compareAspect(
  aspect: FeatureAspect,
  model: string,
  surfaces: ReadonlyMap<string, ReportResult[]>,
): ReportCrossAspect {
  const judged = [...surfaces].map(([surface, results]) => {
    const measured = results.filter((r) => isMeasured(r.verdict));
    const worst = measured.reduce<ReportResult | undefined>((w, r) => (w && rank(w) <= rank(r) ? w : r), undefined);
    return { surface, results, worst };
  });
  const ranks = judged.flatMap((j) => (j.worst ? [rank(j.worst)] : []));
  const best = Math.max(...ranks);
  const rows: ReportCrossSurface[] = judged.map(({ surface, results, worst }) => ({
    surface,
    ...(worst ? { verdict: worst.verdict } : {}),
    outcome: !worst ? 'not-measured' : rank(worst) === best ? 'best' : 'worse',
    features: results.map((r) => ({ feature: r.feature, verdict: r.verdict, summary: r.summary })),
  }));
  const bestVerdict = rows.find((r) => r.outcome === 'best')?.verdict;
  const status: ReportCrossAspect['status'] =
    ranks.length < 2
      ? 'unmeasured'
      : !rows.some((r) => r.outcome === 'worse')
        ? 'agree'
        : bestVerdict === 'supported'
          ? 'loss'
          : 'differ';
  return { aspect: aspect.id, title: aspect.title, model, status, surfaces: rows };
}

/** The comparisons that name a difference (a loss, or a disagreement with no surface supported), in order. */
export function crossDifferences(comparisons: readonly ReportCrossAspect[]): ReportCrossAspect[] {
  return comparisons.filter((c) => c.status === 'loss' || c.status === 'differ');
}
