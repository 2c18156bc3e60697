// The baseline: the last accepted verdict of every feature of every target, a small YAML
// (or JSON) file kept in the repository that runs relaycheck in CI.
//
//   # relaycheck baseline: the last accepted verdict per target and feature.
//   version: 1
//   updatedAt: 2025-01-01T03:00:00.000Z      # informational
//   targets:
//     relay-a:
//       chat.basic: supported
//       stream.sse: partial
//
// Pure: parsing and building only; reading and writing the file is the command's job.
import { parse, stringify } from 'yaml';
import type { RelaycheckReport, ReportVerdict } from '../../../spec/generated/types.js';
import { isMeasured, isVerdict, VERDICTS } from '../../verdicts.js';

export const BASELINE_VERSION = 1;

export interface Baseline {
  version: typeof BASELINE_VERSION;
  /** When the baseline was last written (ISO 8601); informational. */
  updatedAt?: string;
  /** target name → feature id → last accepted verdict. */
  targets: Record<string, Record<string, ReportVerdict>>;
}

/** The baseline file is unreadable or does not have the documented shape. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a baseline (YAML or JSON text); throws a BaselineError naming `source` and each problem. */
export function parseBaseline(text: string, source = 'baseline'): Baseline {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new BaselineError(`${source}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(doc)) throw new BaselineError(`${source}: expected a mapping with 'version' and 'targets'`);
  const problems: string[] = [];
  if (doc.version !== BASELINE_VERSION)
    problems.push(`version must be ${BASELINE_VERSION}, got ${JSON.stringify(doc.version)}`);
  for (const key of Object.keys(doc)) {
    if (!['version', 'updatedAt', 'targets'].includes(key)) problems.push(`unknown key '${key}'`);
  }
  if (doc.updatedAt !== undefined && typeof doc.updatedAt !== 'string') problems.push(`updatedAt must be a string`);
  const targets: Baseline['targets'] = {};
  if (!isPlainObject(doc.targets)) {
    problems.push(`targets must be a mapping of target name → feature id → verdict`);
  } else {
    for (const [name, features] of Object.entries(doc.targets)) {
      if (!isPlainObject(features)) {
        problems.push(`targets.${name} must be a mapping of feature id → verdict`);
        continue;
      }
      const verdicts: Record<string, ReportVerdict> = {};
      for (const [feature, verdict] of Object.entries(features)) {
        if (isVerdict(verdict)) verdicts[feature] = verdict;
        else
          problems.push(
            `targets.${name}.${feature}: ${JSON.stringify(verdict)} is not a verdict (${VERDICTS.join(', ')})`,
          );
      }
      targets[name] = verdicts;
    }
  }
  if (problems.length > 0)
    throw new BaselineError(`${source} is not a relaycheck baseline:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const out: Baseline = { version: BASELINE_VERSION, targets };
  if (typeof doc.updatedAt === 'string') out.updatedAt = doc.updatedAt;
  return out;
}

/**
 * The baseline that accepts `report`: every target and feature of the report with its
 * verdict, except that a verdict which did not measure the relay (inconclusive, error,
 * skipped) keeps the previous measured verdict, so one flaky night neither erases the
 * accepted verdict nor lets a later regression through. Targets and features the report
 * lacks are dropped.
 */
export function baselineFromReport(report: RelaycheckReport, previous?: Baseline, now = new Date()): Baseline {
  const targets: Baseline['targets'] = {};
  for (const target of report.targets) {
    const before = previous?.targets[target.name] ?? {};
    const verdicts: Record<string, ReportVerdict> = {};
    for (const result of target.results) {
      if (result.feature in verdicts) continue;
      const old = before[result.feature];
      verdicts[result.feature] =
        !isMeasured(result.verdict) && old !== undefined && isMeasured(old) ? old : result.verdict;
    }
    targets[target.name] = verdicts;
  }
  return { version: BASELINE_VERSION, updatedAt: now.toISOString(), targets };
}

/** The file's text: JSON when the file name ends in .json, YAML otherwise. */
export function serializeBaseline(baseline: Baseline, fileName = 'baseline.yaml'): string {
  if (/\.json$/i.test(fileName)) return `${JSON.stringify(baseline, null, 2)}\n`;
  const header =
    '# relaycheck baseline: the last accepted verdict per target and feature (docs/REPORTING.md).\n' +
    '# Written by `relaycheck report|run --baseline FILE --update-baseline`; safe to edit by hand.\n';
  return header + stringify(baseline, { lineWidth: 0 });
}
