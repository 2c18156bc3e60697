// `--from-report`: a report file read and validated, its target picked, and the breaks that
// reproduce it, with the lines the mock prints when it starts.
import { breaks } from '../../spec/breaks.js';
import type { ActiveBreak } from '../../spec/breaks.js';
import type { RelaycheckReport } from '../../spec/generated/types.js';
import { loadReportFile } from '../../suites/report/files.js';
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

/** Throws (a ReportFileError, or an Error naming the targets) when the file or the target will not do. */
export function loadBreaksFromReport(path: string, targetName?: string): FromReport {
  return breaksFromReport(loadReportFile(path), targetName);
}
