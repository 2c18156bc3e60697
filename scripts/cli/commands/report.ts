// `relaycheck report`: render one or several report.json files (merged into one view) as
// Markdown, HTML and JUnit, and run the CI gate (requirements, baseline). The gate's logic
// and its file I/O live in suites/report/; this is the command's argument handling.
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RelaycheckReport } from '../../../spec/generated/types.js';
import { formatGate } from '../../../suites/report/gate/index.js';
import { printErr, printOut } from '../print.js';
import { REPORT_FILE, writeReport } from '../../../suites/report/report-file.js';
import { loadReportFile, ReportFileError, runGate, type GateRunOptions } from '../../../suites/report/files.js';
export { loadReportFile, ReportFileError, runGate, type GateRunOptions };
import {
  mergeReports,
  renderReport,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  writeReportFiles,
  type ReportFormat,
} from '../../../suites/report/render/index.js';

/** Where several reports are merged to without --out: a new folder, never one of the inputs'. */
export const MERGED_DIR = 'relaycheck-report-merged';

const FLAGS = REPORT_FORMATS.map((f) => `[--${f}]`).join(' ');
const HELP = `Usage: relaycheck report <report.json ...> ${FLAGS} [--out DIR]
                         [--require ID,ID] [--baseline FILE] [--update-baseline]

Renders report.json (several are merged into one view: targets side by side, a repeated
target name gets " (2)") and runs the CI gate.
  ${REPORT_FORMATS.map((f) => `--${f}`)
    .join(' ')
    .padEnd(21)} formats to write (default all: ${REPORT_FORMATS.map((f) => REPORT_FILE_NAMES[f]).join(', ')})
  --out DIR             where to write them, with the merged report.json (default: the
                        report's own folder for one report, ./${MERGED_DIR} for several,
                        never over an input); without --out, a single format flag prints
                        that format to stdout
  --require ID,ID       features every target must support (adds to each target's require)
  --baseline FILE       compare with the last accepted verdicts (YAML or JSON, see
                        docs/REPORTING.md); a verdict that got worse fails
  --update-baseline     write this report's verdicts to --baseline (created if missing);
                        regressions are reported as accepted and do not fail
Exit codes: 0 gate passed, 1 a requirement failed or a verdict regressed, 2 could not run.
`;

/** The gate's flags, shared by `report` and `run`. */
export const GATE_FLAGS = {
  require: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
} as const;

/** Parsed gate flags as runGate options (`--require a,b --require c` → [a, b, c]). */
export function gateOptions(values: {
  require?: string[];
  baseline?: string;
  'update-baseline'?: boolean;
}): GateRunOptions & { require: string[] } {
  const require = (values.require ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
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
        ...Object.fromEntries(REPORT_FORMATS.map((f) => [f, { type: 'boolean' as const }])),
        out: { type: 'string' },
        ...GATE_FLAGS,
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    printErr(`relaycheck report: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    printErr(`relaycheck report: give at least one report.json\n\n${HELP}`);
    return 2;
  }

  let report: RelaycheckReport;
  try {
    report = mergeReports(positionals.map(loadReportFile));
  } catch (err) {
    printErr(`relaycheck report: ${(err as Error).message}\n`);
    return 2;
  }

  const gateRun = gateOptions(values);
  const { result: gate, baselineWritten } = runGate(report, gateRun);
  const options = { require: gateRun.require, gate };

  const flags = values as Record<string, unknown>;
  const chosen = REPORT_FORMATS.filter((f) => flags[f] === true);
  const formats: readonly ReportFormat[] = chosen.length > 0 ? chosen : REPORT_FORMATS;
  const toStdout = values.out === undefined && chosen.length === 1;
  const log = toStdout ? printErr : printOut;
  if (toStdout) {
    process.stdout.write(renderReport(report, chosen[0]!, options));
  } else {
    const outDir = values.out ?? (positionals.length === 1 ? dirname(positionals[0]!) : MERGED_DIR);
    // The merged report.json goes with its renderings, unless it would replace an input.
    const merged = join(outDir, REPORT_FILE);
    const inputs = positionals.map((p) => resolve(p));
    const isInput = inputs.includes(resolve(merged));
    if (isInput && positionals.length > 1) {
      process.stderr.write(`relaycheck report: ${merged} is one of the reports being merged; choose another --out\n`);
      return 2;
    }
    try {
      if (!isInput) log(`wrote ${writeReport(outDir, report)}\n`);
      for (const path of writeReportFiles(report, outDir, formats, options)) log(`wrote ${path}\n`);
    } catch (err) {
      printErr(`relaycheck report: cannot write to ${outDir}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (gate.checked) (gate.exitCode === 0 ? log : printErr)(formatGate(gate));
  if (baselineWritten) log(`baseline updated: ${baselineWritten}\n`);
  return gate.exitCode;
}
