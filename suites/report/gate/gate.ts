// The CI gate, pure: from a report, the required features and the baseline to findings and
// an exit code. No I/O here (the `report` and `run` commands read and write the files).
//
// Rules (docs/REPORTING.md explains why):
//   - A required feature (--require, or the target's own `require`) must be `supported`;
//     anything else, a missing result included, fails.
//   - Against the baseline, only verdicts that judged the relay are compared, ranked
//     supported > partial > rejected > ignored > broken. A lower rank is a regression
//     (fails), a higher one an improvement (reported). inconclusive, error and skipped did
//     not measure the relay: a feature that had a measured verdict and now has one of these
//     is reported as "not measured" and does not fail.
//   - With acceptChanges (--update-baseline) regressions are reported as accepted instead.
// Exit codes: 0 pass, 1 a requirement failed or a verdict regressed, 2 could not judge.
import { featureById, isFeatureId } from '../../../spec/features.js';
import type { RelaycheckReport, ReportVerdict } from '../../../spec/generated/types.js';
import { oneLine } from '../text.js';
import { isMeasured, verdictRank } from '../../verdicts.js';
import type { Baseline } from './baseline.js';

export type GateFindingKind =
  /** A required feature is not supported (fails). */
  | 'requirement'
  /** A measured verdict is worse than the baseline's (fails unless accepted). */
  | 'regression'
  /** A regression accepted by --update-baseline (does not fail). */
  | 'accepted'
  /** A measured verdict is better than the baseline's (does not fail). */
  | 'improvement'
  /** The baseline had a measured verdict, this run could not measure (does not fail). */
  | 'unmeasured'
  /** The baseline has no accepted verdict for this target, or for some of its features, yet (does not fail). */
  | 'new'
  /** The baseline names a target the report does not have (does not fail). */
  | 'gone';

export interface GateFinding {
  kind: GateFindingKind;
  target: string;
  /** The feature id; absent for a target-wide finding (`new`, `gone`). */
  feature?: string;
  /** The feature's title from the catalogue (the id for an unknown feature). */
  title?: string;
  /** This run's verdict; 'missing' when the report has no result for a required feature. */
  verdict?: ReportVerdict | 'missing';
  /** The baseline's verdict. */
  previous?: ReportVerdict;
  /** The result's one-line summary (why). */
  summary: string;
  /** Where a requirement came from. */
  requiredBy?: 'option' | 'target';
}

export interface GateOptions {
  /** Features every target must support (the command line's --require). */
  require?: readonly string[];
  /** The last accepted verdicts; no comparison without it. */
  baseline?: Baseline;
  /** --update-baseline: the changes are being accepted, so regressions do not fail. */
  acceptChanges?: boolean;
}

export interface GateResult {
  /** 0 pass, 1 a requirement failed or a verdict regressed, 2 could not judge (see problems). */
  exitCode: 0 | 1 | 2;
  /** Whether anything was checked: a requirement or a baseline. */
  checked: boolean;
  /** Requirements not met and regressions: each one made the gate fail. */
  failures: GateFinding[];
  improvements: GateFinding[];
  /** Accepted regressions, unmeasured, new and gone: reported, never failing. */
  notes: GateFinding[];
  /** Why the gate could not judge (unknown required feature ids); non-empty means exit 2. */
  problems: string[];
}

function titleOf(feature: string): string {
  return isFeatureId(feature) ? featureById(feature).title : feature;
}

export function evaluateGate(report: RelaycheckReport, options: GateOptions = {}): GateResult {
  const failures: GateFinding[] = [];
  const improvements: GateFinding[] = [];
  const notes: GateFinding[] = [];
  const problems: string[] = [];
  const inReport = new Set(report.targets.flatMap((t) => t.results.map((r) => r.feature)));
  const known = (id: string): boolean => isFeatureId(id) || inReport.has(id);

  const cliRequire = [...new Set((options.require ?? []).map((s) => s.trim()).filter((s) => s !== ''))];
  for (const id of cliRequire) if (!known(id)) problems.push(`--require: unknown feature id '${id}'`);
  for (const t of report.targets) {
    for (const id of t.require ?? []) {
      if (!known(id)) problems.push(`target '${t.name}' requires unknown feature id '${id}'`);
    }
  }
  const checked =
    cliRequire.length > 0 || report.targets.some((t) => (t.require ?? []).length > 0) || options.baseline !== undefined;
  if (problems.length > 0) return { exitCode: 2, checked, failures, improvements, notes, problems };

  for (const target of report.targets) {
    const results = new Map<string, (typeof target.results)[number]>();
    for (const r of target.results) if (!results.has(r.feature)) results.set(r.feature, r);

    // Requirements.
    const required = new Map<string, 'option' | 'target'>();
    for (const id of target.require ?? []) required.set(id, 'target');
    for (const id of cliRequire) if (!required.has(id)) required.set(id, 'option');
    for (const [feature, requiredBy] of required) {
      const r = results.get(feature);
      if (r?.verdict === 'supported') continue;
      failures.push({
        kind: 'requirement',
        target: target.name,
        feature,
        title: titleOf(feature),
        verdict: r ? r.verdict : 'missing',
        summary: r ? oneLine(r.summary) : 'no result in the report',
        requiredBy,
      });
    }

    // Baseline.
    if (!options.baseline) continue;
    const before = options.baseline.targets[target.name];
    if (!before) {
      notes.push({ kind: 'new', target: target.name, summary: 'no baseline for this target yet' });
      continue;
    }
    const fresh: string[] = [];
    for (const [feature, r] of results) {
      const previous = before[feature];
      const base = {
        target: target.name,
        feature,
        title: titleOf(feature),
        verdict: r.verdict,
        summary: oneLine(r.summary),
      };
      if (previous === undefined || !isMeasured(previous)) {
        if (previous === undefined) fresh.push(feature);
        continue; // no accepted measurement to compare with
      }
      if (r.verdict === previous) continue;
      const now = verdictRank(r.verdict);
      const then = verdictRank(previous)!;
      if (now === undefined) notes.push({ ...base, kind: 'unmeasured', previous });
      else if (now < then)
        (options.acceptChanges ? notes : failures).push({
          ...base,
          kind: options.acceptChanges ? 'accepted' : 'regression',
          previous,
        });
      else if (now > then) improvements.push({ ...base, kind: 'improvement', previous });
    }
    if (fresh.length > 0) {
      const list = fresh.length > 6 ? `${fresh.slice(0, 6).join(', ')} and ${fresh.length - 6} more` : fresh.join(', ');
      notes.push({
        kind: 'new',
        target: target.name,
        summary: `no baseline yet for ${fresh.length} feature${fresh.length === 1 ? '' : 's'}: ${list}`,
      });
    }
  }
  if (options.baseline) {
    const names = new Set(report.targets.map((t) => t.name));
    for (const name of Object.keys(options.baseline.targets)) {
      if (!names.has(name))
        notes.push({ kind: 'gone', target: name, summary: 'in the baseline but not in this report' });
    }
  }
  return { exitCode: failures.length > 0 ? 1 : 0, checked, failures, improvements, notes, problems };
}

// ---------------------------------------------------------------- text output

function change(f: GateFinding): string {
  return f.previous ? `${f.previous} → ${f.verdict}` : String(f.verdict);
}

function subject(f: GateFinding): string {
  return f.feature ? `${f.target}: ${f.feature} (${f.title ?? f.feature})` : f.target;
}

/** One line per finding (plain text, for a terminal or a CI log). */
export function describeFinding(f: GateFinding): string {
  switch (f.kind) {
    case 'requirement':
      return `${subject(f)} is required but ${f.verdict === 'missing' ? 'has no result' : f.verdict}: ${f.summary}`;
    case 'regression':
      return `${subject(f)} regressed ${change(f)}: ${f.summary}`;
    case 'accepted':
      return `${subject(f)} regressed ${change(f)} (accepted into the baseline): ${f.summary}`;
    case 'improvement':
      return `${subject(f)} improved ${change(f)}: ${f.summary}`;
    case 'unmeasured':
      return `${subject(f)} not measured this run (${change(f)}; baseline kept): ${f.summary}`;
    case 'new':
    case 'gone':
      return `${subject(f)}: ${f.summary}`;
  }
}

/** Counts in words, e.g. "2 requirements not met, 1 regression". */
export function gateHeadline(result: GateResult): string {
  if (result.exitCode === 2) return 'could not judge';
  const req = result.failures.filter((f) => f.kind === 'requirement').length;
  const reg = result.failures.filter((f) => f.kind === 'regression').length;
  const parts: string[] = [];
  if (req > 0) parts.push(`${req} requirement${req === 1 ? '' : 's'} not met`);
  if (reg > 0) parts.push(`${reg} regression${reg === 1 ? '' : 's'}`);
  if (result.improvements.length > 0)
    parts.push(`${result.improvements.length} improvement${result.improvements.length === 1 ? '' : 's'}`);
  const unmeasured = result.notes.filter((n) => n.kind === 'unmeasured').length;
  if (unmeasured > 0) parts.push(`${unmeasured} not measured`);
  return parts.length > 0 ? parts.join(', ') : 'all requirements hold, nothing regressed';
}

/** The gate's verdict as plain text lines. */
export function formatGate(result: GateResult): string {
  const lines: string[] = [];
  const status = result.exitCode === 0 ? 'passed' : result.exitCode === 1 ? 'FAILED' : 'could not run';
  lines.push(`relaycheck gate ${status}: ${gateHeadline(result)}`);
  for (const p of result.problems) lines.push(`  ! ${p}`);
  for (const f of result.failures) lines.push(`  ✗ ${describeFinding(f)}`);
  for (const f of result.improvements) lines.push(`  ↑ ${describeFinding(f)}`);
  for (const f of result.notes) lines.push(`  · ${describeFinding(f)}`);
  return `${lines.join('\n')}\n`;
}
