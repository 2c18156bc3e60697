// `--from-report`: a report file read and validated, its target picked, and the breaks that
// reproduce it, with the lines the mock prints when it starts.
import { breaks } from '../../spec/breaks.js';
import type { ActiveBreak } from '../../spec/breaks.js';
import type { RelaycheckReport } from '../../spec/generated/types.js';
import { readFileSync } from 'node:fs';
import { validate } from '../../spec/validators.js';
import { describeSelection, pickTarget, selectBreaks, targetVerdicts, type BreakSelection } from './select.js';

export interface FromReport {
  target: string;
  selection: BreakSelection;
  /** The breaks to switch on (each with its defaults: the flips hold for them). */
  breaks: ActiveBreak[];
  lines: string[];
}

export function breaksFromReport(report: RelaycheckReport, targetName?: string): FromReport {
  const target = pickTarget(report.targets, targetName);
  const selection = selectBreaks(targetVerdicts(target), breaks());
  return {
    target: target.name,
    selection,
    breaks: selection.breaks.map((id) => ({ id })),
    lines: describeSelection(target.name, selection),
  };
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
