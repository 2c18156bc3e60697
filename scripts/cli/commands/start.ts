// `relaycheck start` (npm start): the main job on the embedded default. The built-in mock
// speaks each relay dialect in spec/relays on a free loopback port, the suite runs against
// every one, and the comparison is printed and written like any run's report. Offline.
import { parseArgs } from 'node:util';
import { loadRelays } from '../../../spec/relays.js';
import { runAgainstMock } from '../../../suites/against-mock.js';
import { buildReport, renderTable, writeReport } from '../../../suites/report/report-file.js';
import { writeReportFiles } from '../../../suites/report/render/index.js';
import { printErr, printOut } from '../print.js';

const HELP = `Usage: relaycheck start [--out DIR]

Runs the conformance suite against the built-in mock speaking each documented relay's
dialect (${loadRelays()
  .map((r) => r.id)
  .join(', ')}), prints the comparison and writes
report.json, report.md, report.html and junit.xml to DIR (default ./relaycheck-report).
Each dialect's verdicts are checked against the ones its file documents (expect:).
Nothing leaves 127.0.0.1. Exit 0 when every dialect got its documented verdicts, else 1.
`;

export async function startCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: 'string', default: 'relaycheck-report' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    printErr(`relaycheck start: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    printOut(HELP);
    return 0;
  }
  const relays = loadRelays();
  printOut(
    `relaycheck: probing the built-in mock as ${relays.length} relays (${relays.map((r) => r.id).join(', ')}) on 127.0.0.1...\n`,
  );
  const started = performance.now();
  const runs = await Promise.all(relays.map((relay) => runAgainstMock(relay, { concurrency: 4 })));
  const report = buildReport(runs.map((r) => r.report));
  printOut(`\n${renderTable(report)}\n`);
  try {
    const json = writeReport(values.out, report);
    const rendered = writeReportFiles(report, values.out);
    printOut(`Report: ${[json, ...rendered].join(', ')}\n`);
  } catch (err) {
    printErr(`relaycheck start: could not write the report to ${values.out}: ${(err as Error).message}\n`);
    return 2;
  }
  let ok = true;
  for (const run of runs) {
    const wrong = [...run.problems, ...run.mismatches];
    if (wrong.length === 0) {
      printOut(`  ${run.relay.id.padEnd(9)} every verdict as its dialect file documents\n`);
    } else {
      ok = false;
      printOut(
        `  ${run.relay.id.padEnd(9)} DIFFERS from its dialect file:\n${wrong.map((w) => `      ${w}`).join('\n')}\n`,
      );
    }
  }
  printOut(
    `Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Next: 'npx relaycheck run --base-url URL --model ID' against a real relay (key in RELAYCHECK_API_KEY).\n`,
  );
  return ok ? 0 : 1;
}
