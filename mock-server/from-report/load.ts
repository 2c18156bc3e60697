// `--from-report`: a report file read and validated, its target picked, and the breaks that
// reproduce it, with the lines the mock prints when it starts.
import { breaks } from '../../spec/breaks.js';
import type { ActiveBreak } from '../../spec/breaks.js';
import type { RelaycheckReport, ReportTarget } from '../../spec/generated/types.js';
import { DEFAULT_PROFILE, loadProfile } from '../assembly/profile.js';
import { readFileSync } from 'node:fs';
import { validate } from '../../spec/validators.js';
import type { MockModel } from '../assembly/options.js';

import {
  describeSelection,
  pickTarget,
  selectBreaks,
  targetVerdicts,
  withMeasuredModels,
  type BreakSelection,
} from './select.js';

export interface FromReport {
  target: string;
  selection: BreakSelection;
  /** The breaks to switch on (each with its defaults: the flips hold for them). */
  breaks: ActiveBreak[];
  lines: string[];
  /** The target as measured (its model ids among the rest). */
  measured: ReportTarget;
}

export function breaksFromReport(report: RelaycheckReport, targetName?: string): FromReport {
  const target = pickTarget(report.targets, targetName);
  const selection = selectBreaks(targetVerdicts(target), breaks());
  return {
    target: target.name,
    selection,
    breaks: selection.breaks.map((id) => ({ id })),
    lines: describeSelection(target.name, selection),
    measured: target,
  };
}

/** The replica's models: the profile's (default `openai`) and the report's measured ones. */
export function replicaModels(from: FromReport, profile?: string): MockModel[] {
  return withMeasuredModels(from.measured, loadProfile(profile ?? DEFAULT_PROFILE).models);
}

/**
 * Throws an Error saying why when the file cannot be read, is not a valid report
 * (spec/report.schema.yaml), or the target is not there. Read here rather than through
 * suites/report, so the mock does not depend on the suite.
 */
export function loadBreaksFromReport(path: string, targetName?: string): FromReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`--from-report: cannot read ${path}: ${e.code ?? e.message}`);
  }
  const checked = validate('report', value);
  if (!checked.valid) {
    const first = checked.errors[0];
    throw new Error(
      `--from-report: ${path} is not a relaycheck report (${first ? `${first.instancePath || '/'}: ${first.message ?? first.keyword}` : 'invalid'})`,
    );
  }
  return breaksFromReport(value as RelaycheckReport, targetName);
}
