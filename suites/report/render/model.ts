// What every renderer shows: the feature rows (from spec/features.yaml, in its display
// order), the targets as columns, and the lookups between them. Also merges reports.
import { featureGroups, features } from '../../../spec/features.js';
import type {
  FeatureImportance,
  RelaycheckReport,
  ReportResult,
  ReportTarget,
  ReportVerdict,
} from '../../../spec/generated/types.js';
import { scrubReport } from '../text.js';
import { VERDICTS } from './verdicts.js';

export interface FeatureRow {
  id: string;
  title: string;
  group: string;
  importance: FeatureImportance;
  /** False for a feature id the catalogue does not define (a report from another version). */
  known: boolean;
}

export interface GroupRows {
  id: string;
  title: string;
  features: FeatureRow[];
}

export interface ReportView {
  /** The report, scrubbed (see scrubReport). */
  report: RelaycheckReport;
  targets: ReportTarget[];
  /** Groups in display order, each with its features in display order. */
  groups: GroupRows[];
  /** Every feature row, in display order. */
  features: FeatureRow[];
  /** The result of a feature for a target (by column index), if the report has one. */
  result(targetIndex: number, featureId: string): ReportResult | undefined;
  /** Feature ids target `targetIndex` must support: `extraRequire` plus the target's own `require`. */
  required(targetIndex: number): Set<string>;
}

export const OTHER_GROUP = { id: 'other', title: 'Other (not in this version’s catalogue)' };

/**
 * Rows: every feature of the catalogue (a feature a target has no result for shows as
 * missing), then any feature id the report has that the catalogue lacks, in first-seen
 * order, under "Other".
 */
export function buildView(input: RelaycheckReport, extraRequire: readonly string[] = []): ReportView {
  const report = scrubReport(input);
  const targets = report.targets;
  const catalogue = features();
  const known = new Set(catalogue.map((f) => f.id));
  const groups: GroupRows[] = featureGroups().map((g) => ({
    id: g.id,
    title: g.title,
    features: catalogue
      .filter((f) => f.group === g.id)
      .map((f) => ({ id: f.id, title: f.title, group: f.group, importance: f.importance, known: true })),
  }));
  const extra: FeatureRow[] = [];
  for (const t of targets) {
    for (const r of t.results) {
      if (!known.has(r.feature) && !extra.some((f) => f.id === r.feature)) {
        extra.push({ id: r.feature, title: r.feature, group: OTHER_GROUP.id, importance: 'optional', known: false });
      }
    }
  }
  if (extra.length > 0) groups.push({ ...OTHER_GROUP, features: extra });

  const index = targets.map((t) => {
    const byFeature = new Map<string, ReportResult>();
    for (const r of t.results) if (!byFeature.has(r.feature)) byFeature.set(r.feature, r);
    return byFeature;
  });
  const extraSet = [...new Set(extraRequire)];
  return {
    report,
    targets,
    groups: groups.filter((g) => g.features.length > 0),
    features: groups.flatMap((g) => g.features),
    result: (ti, id) => index[ti]?.get(id),
    required: (ti) => new Set([...extraSet, ...(targets[ti]?.require ?? [])]),
  };
}

/** How many results of a target have each verdict. */
export function verdictCounts(target: ReportTarget): Record<ReportVerdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<ReportVerdict, number>;
  const seen = new Set<string>();
  for (const r of target.results) {
    if (seen.has(r.feature)) continue;
    seen.add(r.feature);
    counts[r.verdict] += 1;
  }
  return counts;
}

export interface SupportShare {
  supported: number;
  /** Features that apply to the target: all rows but `skipped` (a model not configured, say). */
  applicable: number;
  /** supported / applicable, rounded; undefined when nothing applies. */
  percent: number | undefined;
}

/**
 * The share of supported features over those that apply: a target that skips the vision
 * features for want of a vision model, and fails nothing else, is at 100%, not 91%. A
 * feature with no result still counts (it applies; nothing shows it works).
 */
export function supportShare(target: ReportTarget, total: number): SupportShare {
  const c = verdictCounts(target);
  const applicable = Math.max(0, total - c.skipped);
  const percent = applicable > 0 ? Math.round((100 * c.supported) / applicable) : undefined;
  return { supported: c.supported, applicable, percent };
}

/** Requests sent again after a 429, 5xx or cut connection; 0 for a v1 report, which does not say. */
export function retryCount(target: ReportTarget): number {
  const u = target.usage;
  return u.logicalRequests === undefined ? 0 : Math.max(0, u.requests - u.logicalRequests);
}

/**
 * Several reports as one: targets concatenated in the order given; a target name already
 * taken (in another report or the same one) gets " (2)", " (3)"... The newest generatedAt
 * is kept, and the first report's tool.
 */
export function mergeReports(reports: readonly RelaycheckReport[]): RelaycheckReport {
  if (reports.length === 0) throw new Error('mergeReports: no report given');
  const taken = new Set<string>();
  const targets: ReportTarget[] = [];
  for (const report of reports) {
    for (const target of report.targets) {
      let name = target.name;
      for (let n = 2; taken.has(name); n++) name = `${target.name} (${n})`;
      taken.add(name);
      targets.push(name === target.name ? target : { ...target, name });
    }
  }
  if (reports.length === 1) return { ...reports[0]!, targets };
  const generatedAt = reports.map((r) => r.generatedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  // The merged document is of the newest version among its parts (a v2 target keeps its health).
  const schemaVersion = Math.max(...reports.map((r) => r.schemaVersion)) as RelaycheckReport['schemaVersion'];
  return { schemaVersion, generatedAt, tool: reports[0]!.tool, targets };
}

export interface CauseGroup {
  verdict: ReportVerdict;
  summary: string;
  features: string[];
  results: ReportResult[];
}

/**
 * Features whose results share one cause (same verdict and the same summary, i.e. the same
 * status, code and message) grouped under it, in first-seen order; a lone result is a group of one.
 */
export function groupByCause(results: readonly ReportResult[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const r of results) {
    const key = `${r.verdict}\u0000${r.summary}`;
    const g = groups.get(key) ?? { verdict: r.verdict, summary: r.summary, features: [], results: [] };
    g.features.push(r.feature);
    g.results.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}
