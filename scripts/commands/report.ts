// `relaycheck report`: render one or several report.json files (merged into one view) as
// Markdown, HTML and JUnit, and run the CI gate (requirements, baseline). The gate's logic
// is pure (scripts/gate/); the file I/O around it is here, exported for `relaycheck run`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { RelaycheckReport } from '../../spec/generated/types.ts';
import { validate } from '../../spec/validators.ts';
import {
  baselineFromReport,
  BaselineError,
  evaluateGate,
  formatGate,
  parseBaseline,
  serializeBaseline,
  type Baseline,
  type GateResult,
} from '../gate/index.ts';
import { mergeReports, renderReport, REPORT_FORMATS, writeReportFiles, type ReportFormat } from '../render/index.ts';

const HELP = `Usage: relaycheck report <report.json ...> [--md] [--html] [--junit] [--out DIR]
                         [--require ID,ID] [--baseline FILE] [--update-baseline]

Renders report.json (several are merged into one view: targets side by side, a repeated
target name gets " (2)") and runs the CI gate.
  --md --html --junit   formats to write (default all three: report.md, report.html, junit.xml)
  --out DIR             where to write them (default: the first report's folder); without
                        --out, a single format flag prints that format to stdout
  --require ID,ID       features every target must support (adds to each target's require)
  --baseline FILE       compare with the last accepted verdicts (YAML or JSON, see
                        docs/REPORTING.md); a verdict that got worse fails
  --update-baseline     write this report's verdicts to --baseline (created if missing);
                        regressions are reported as accepted and do not fail
Exit codes: 0 gate passed, 1 a requirement failed or a verdict regressed, 2 could not run.
`;

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
 * The gate with its file I/O: reads the baseline, evaluates (scripts/gate/), writes the
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
        problems.push(err instanceof BaselineError ? err.message : `cannot read baseline ${options.baseline}: ${(err as Error).message}`);
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

/** The gate's flags, shared by `report` and `run`. */
export const GATE_FLAGS = {
  require: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
} as const;

/** Parsed gate flags as runGate options (`--require a,b --require c` → [a, b, c]). */
export function gateOptions(values: { require?: string[]; baseline?: string; 'update-baseline'?: boolean }): GateRunOptions & { require: string[] } {
  const require = (values.require ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  return { require, baseline: values.baseline, updateBaseline: values['update-baseline'] };
}

export async function reportCommand(argv: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        md: { type: 'boolean' },
        html: { type: 'boolean' },
        junit: { type: 'boolean' },
        out: { type: 'string' },
        ...GATE_FLAGS,
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`relaycheck report: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`relaycheck report: give at least one report.json\n\n${HELP}`);
    return 2;
  }

  let report: RelaycheckReport;
  try {
    report = mergeReports(positionals.map(loadReportFile));
  } catch (err) {
    process.stderr.write(`relaycheck report: ${(err as Error).message}\n`);
    return 2;
  }

  const gateRun = gateOptions(values);
  const { result: gate, baselineWritten } = runGate(report, gateRun);
  const options = { require: gateRun.require, gate };

  const chosen = REPORT_FORMATS.filter((f) => values[f] === true);
  const formats: readonly ReportFormat[] = chosen.length > 0 ? chosen : REPORT_FORMATS;
  const toStdout = values.out === undefined && chosen.length === 1;
  const log = toStdout ? process.stderr : process.stdout;
  if (toStdout) {
    process.stdout.write(renderReport(report, chosen[0]!, options));
  } else {
    const outDir = values.out ?? dirname(positionals[0]!);
    try {
      for (const path of writeReportFiles(report, outDir, formats, options)) log.write(`wrote ${path}\n`);
    } catch (err) {
      process.stderr.write(`relaycheck report: cannot write to ${outDir}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (gate.checked) (gate.exitCode === 0 ? log : process.stderr).write(formatGate(gate));
  if (baselineWritten) log.write(`baseline updated: ${baselineWritten}\n`);
  return gate.exitCode;
}
