// Report files on disk: reading and validating report.json, and the gate with its baseline
// file I/O. The gate's logic is pure (./gate/); this is the I/O around it, shared by
// `relaycheck run`, `relaycheck report` and code that imports relaycheck/report.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RelaycheckReport } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import {
  baselineFromReport,
  BaselineError,
  evaluateGate,
  parseBaseline,
  serializeBaseline,
  type Baseline,
  type GateResult,
} from './gate/index.js';

/** A report file that cannot be read, parsed or validated. */
export class ReportFileError extends Error {
  override name = 'ReportFileError';
}

/** Reads and validates a report.json (spec/report.schema.yaml); throws a ReportFileError saying why. */
export function loadReportFile(path: string): RelaycheckReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReportFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportFileError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const result = validate('report', value);
  if (!result.valid) {
    const problems = result.errors
      .slice(0, 8)
      .map((e) => `  ${e.instancePath || '/'}: ${e.message ?? e.keyword}`)
      .join('\n');
    throw new ReportFileError(`${path} is not a relaycheck report (spec/report.schema.yaml):\n${problems}`);
  }
  return value as RelaycheckReport;
}

export interface GateRunOptions {
  /** Features every target must support, on top of each target's own `require`. */
  require?: readonly string[];
  /** The baseline file (YAML, or JSON when it ends in .json). */
  baseline?: string;
  /** Write this report's verdicts to the baseline file (created if missing). */
  updateBaseline?: boolean;
}

export interface GateRun {
  result: GateResult;
  /** The baseline file written, when --update-baseline wrote one. */
  baselineWritten?: string;
}

/**
 * The gate with its file I/O: reads the baseline, evaluates (./gate/), writes the
 * updated baseline when asked. A baseline that cannot be read or parsed, or a missing one
 * without updateBaseline, becomes a problem of the result (exit code 2). Never throws.
 */
export function runGate(report: RelaycheckReport, options: GateRunOptions = {}): GateRun {
  let baseline: Baseline | undefined;
  const problems: string[] = [];
  if (options.updateBaseline && !options.baseline) problems.push('--update-baseline needs --baseline FILE');
  if (options.baseline) {
    if (!existsSync(options.baseline)) {
      if (!options.updateBaseline) {
        problems.push(`baseline ${options.baseline} does not exist (create it with --update-baseline)`);
      }
    } else {
      try {
        baseline = parseBaseline(readFileSync(options.baseline, 'utf8'), options.baseline);
      } catch (err) {
        problems.push(
          err instanceof BaselineError
            ? err.message
            : `cannot read baseline ${options.baseline}: ${(err as Error).message}`,
        );
      }
    }
  }
  if (problems.length > 0) {
    const result = evaluateGate(report, { require: options.require });
    return { result: { ...result, exitCode: 2, checked: true, problems: [...result.problems, ...problems] } };
  }
  const result = evaluateGate(report, { require: options.require, baseline, acceptChanges: options.updateBaseline });
  if (result.exitCode === 2 || !options.updateBaseline || !options.baseline) return { result };
  try {
    writeFileSync(options.baseline, serializeBaseline(baselineFromReport(report, baseline), options.baseline));
    return { result, baselineWritten: options.baseline };
  } catch (err) {
    const problem = `cannot write baseline ${options.baseline}: ${(err as Error).message}`;
    return { result: { ...result, exitCode: 2, problems: [...result.problems, problem] } };
  }
}
