// The report: one RelaycheckReport for every target of a run (spec/report.schema.yaml),
// written as DIR/report.json, and its text forms: a progress line per finished feature and
// a compact side-by-side table at the end.
import { join } from 'node:path';
import { prepareOutDir, writeFileNoFollow } from './write.js';
import { packageVersion } from '../../spec/load.js';
import { groupByCause, retryCount } from './render/model.js';
import { costStatement, runCost } from './render/cost.js';
export { groupByCause, type CauseGroup } from './render/model.js';
import { breaks } from '../../spec/breaks.js';
import { features } from '../../spec/features.js';
import type { RelaycheckReport, ReportResult, ReportTarget, ReportVerdict } from '../../spec/generated/types.js';
import { loadClientReadiness } from '../clients/data.js';
import { inert, inertBlock, inertJson } from '../transport/inert.js';
import { predictClientReadiness, readinessLine } from '../readiness.js';
import { CROSS_TITLE, crossDifferenceLines, NO_LOSS, targetCrossProtocol } from './render/cross-protocol.js';

export const REPORT_FILE = 'report.json';

export const toolVersion = packageVersion;

export function buildReport(targets: ReportTarget[], generatedAt: Date = new Date()): RelaycheckReport {
  return {
    schemaVersion: 2,
    generatedAt: generatedAt.toISOString(),
    tool: { name: 'relaycheck', version: toolVersion() },
    targets: targets.map(withCost),
  };
}

/** The target with its run's cost in currency, where its model's price is known. */
function withCost(t: ReportTarget): ReportTarget {
  const c = runCost(t);
  const { cost: _stale, ...usage } = t.usage;
  if (!c) return { ...t, usage };
  const cost = {
    amount: c.amount,
    currency: c.currency,
    model: c.model,
    priceRead: c.read,
    confirmed: c.confirmed,
    ...(c.unpriced.length > 0 ? { unpriced: c.unpriced } : {}),
    ...(c.cacheReadTokens > 0 ? { cacheReadTokens: c.cacheReadTokens } : {}),
    ...(c.cacheWriteTokens > 0 ? { cacheWriteTokens: c.cacheWriteTokens } : {}),
    ...(c.cachedAtInput.length > 0 ? { cachedAtInput: c.cachedAtInput } : {}),
  };
  return { ...t, usage: { ...usage, cost } };
}

/** The report as JSON text, pretty; a relay's text stays as data, its unsafe characters as \u escapes. */
export function reportJson(report: RelaycheckReport): string {
  return `${inertJson(JSON.stringify(report, null, 2))}\n`;
}

/** Write DIR/report.json (creating DIR, never through a symlink); returns the file's path. */
export function writeReport(dir: string, report: RelaycheckReport): string {
  prepareOutDir(dir);
  const path = join(dir, REPORT_FILE);
  writeFileNoFollow(path, reportJson(report));
  return path;
}

/** One line per finished feature, for stderr; inert (the summary quotes the relay). */
export function progressLine(target: string, result: ReportResult): string {
  return `[${inert(target, 80)}] ${inert(result.feature, 60).padEnd(28)} ${result.verdict.padEnd(12)} ${inert(result.summary)}`;
}

/** A target's preflight failed: every feature carries its one cause, which is printed once, at the end. */
function unmeasured(t: ReportTarget): boolean {
  return t.health?.status === 'unmeasured';
}

/**
 * The progress line of a result, or undefined when it has nothing to say: a feature not
 * measured because the preflight failed repeats the one root cause the run prints at the end.
 */
export function progressFor(target: string, result: ReportResult): string | undefined {
  if (result.verdict === 'error' && result.summary.startsWith('not measured:')) return undefined;
  return progressLine(target, result);
}

const MARK: Record<ReportVerdict, string> = {
  supported: 'supported',
  partial: 'PARTIAL',
  ignored: 'IGNORED',
  rejected: 'REJECTED',
  broken: 'BROKEN',
  inconclusive: 'inconclusive',
  error: 'ERROR',
  skipped: 'skipped',
};

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function costLine(t: ReportTarget): string {
  const u = t.usage;
  const n = retryCount(t);
  const retries =
    n > 0
      ? ` (${u.requests - n} logical + ${n} retries${u.retried && u.retried.length > 0 ? `: ${u.retried.join(', ')}` : ''})`
      : '';
  return `${u.requests} requests on the wire${retries}, ${u.promptTokens + u.completionTokens} tokens (${u.promptTokens} prompt + ${u.completionTokens} completion), ${inert(costStatement(t))}, ${(t.durationMs / 1000).toFixed(1)} s`;
}

/**
 * The compact table: one row per feature, one column per target (verdicts in capitals are
 * findings), the cost per target, each finding's summary, what one API surface loses that
 * another keeps (suites/report/cross-protocol.ts), then per target the client operations
 * predicted to fail (suites/readiness.ts).
 */
export function renderTable(report: RelaycheckReport): string {
  const targets = report.targets;
  const order = features().map((f) => f.id);
  // A target that could not be measured gets no column of identical errors: its cause is one line below.
  const ids = order.filter((id) => targets.some((t) => !unmeasured(t) && t.results.some((r) => r.feature === id)));
  const header = ['feature', ...targets.map((t) => clip(inert(t.name), 24))];
  const rows = ids.map((id) => [
    id,
    ...targets.map((t) => {
      const r = unmeasured(t) ? undefined : t.results.find((x) => x.feature === id);
      return r ? MARK[r.verdict] : '-';
    }),
  ]);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const lines =
    ids.length === 0
      ? []
      : [
          pad(header, widths),
          pad(
            widths.map((w) => '-'.repeat(w)),
            widths,
          ),
          ...rows.map((r) => pad(r, widths)),
          '',
        ];
  for (const t of targets) {
    const counts = new Map<ReportVerdict, number>();
    for (const r of t.results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
    const tally = unmeasured(t) ? 'not measured' : [...counts].map(([v, n]) => `${n} ${v}`).join(', ');
    lines.push(`${inert(t.name)} (${inert(t.model)}): ${tally}; cost ${costLine(t)}`);
  }
  const findings = targets.flatMap((t) => {
    const tag = targets.length > 1 ? `[${inert(t.name)}] ` : '';
    // The target could not be measured: one root-cause line instead of a line per feature.
    if (t.health?.status === 'unmeasured') return [`  ${tag}not measured: ${inert(t.health.line)}`];
    return groupByCause(t.results.filter((r) => r.verdict !== 'supported' && r.verdict !== 'skipped')).map((g) => {
      if (g.features.length > 1) return `  ${tag}${inert(`${g.features.join(', ')}: ${g.summary}`, 300)}`;
      const r = g.results[0]!;
      const line = r.summary.startsWith(`${r.feature} `) ? r.summary : `${r.feature} ${r.verdict}: ${r.summary}`;
      return `  ${tag}${inert(line, 180)}`;
    });
  });
  if (findings.length > 0) lines.push('', 'Findings:', ...findings);
  for (const t of targets)
    if (t.health && t.health.status === 'limited')
      lines.push(`  ${targets.length > 1 ? `[${inert(t.name)}] ` : ''}health: ${inert(t.health.line)}`);
  // Across protocols: per target, what one surface loses that another keeps (same model); no
  // loss is one line for the whole run (none when no aspect could be compared), not a list.
  const compared = targets.map((t) => targetCrossProtocol(t));
  const cross = targets.flatMap((t, i) => {
    const tag = targets.length > 1 ? `[${inert(t.name)}] ` : '';
    return crossDifferenceLines(compared[i]!).map((l) => `  ${tag}${l}`);
  });
  if (cross.length > 0) lines.push('', `${CROSS_TITLE} (the same model, surface by surface):`, ...cross);
  else if (compared.some((c) => c.some((x) => x.status === 'agree'))) lines.push('', `${CROSS_TITLE}: ${NO_LOSS}`);
  if (targets.length > 0) {
    lines.push('', 'Client readiness (predicted from the verdicts; docs/CLIENTS.md):');
    for (const t of targets) {
      const prediction = predictClientReadiness(t.results, loadClientReadiness(), breaks());
      lines.push(`  ${targets.length > 1 ? `[${inert(t.name)}] ` : ''}${inert(readinessLine(prediction), 300)}`);
    }
  }
  // Every field above is inert already; the block guard keeps it so whatever a later edit adds.
  return inertBlock(`${lines.join('\n')}\n`);
}
