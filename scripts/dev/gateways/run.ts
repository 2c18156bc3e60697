// `npm run gateways`: installs the pinned gateways (scripts/dev/gateways/table.ts) into
// .cache/gateways/, then, once with the upstream mock unpaced and once paced like a real model,
// runs the suite directly against the faithful mock and through each gateway in front of it,
// and writes docs/GATEWAYS.md plus docs/gateways/<name>.{json,md} (<name>.paced.* when paced).
// Not part of `npm test`: it installs from the npm registry. The runs stay on loopback.
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { features } from '../../../spec/features.js';
import type { ReportTarget } from '../../../spec/generated/types.js';
import { buildReport, toolVersion } from '../../../suites/report/report-file.js';
import { renderMarkdown } from '../../../suites/report/render/index.js';
import { deviations, traceReport, type ExchangeTrace } from './forwarding.js';
import { installGateway, type InstallFacts } from './install.js';
import { LAUNCHERS } from './launch.js';
import { killAll, startGateway } from './process.js';
import {
  renderGatewaysMarkdown,
  type DocGateway,
  type GatewaysDoc,
  type PacingRun,
  type VerdictCell,
} from './render.js';
import { MOCK_MODELS, runSuite, startMock } from './suite.js';
import { GATEWAYS, PACINGS, WATCHED, type GatewaySpec, type PacingSpec } from './table.js';
import { freePort } from '../free-port.js';

const RUN_TIMEOUT_MS = 300_000;

function log(line: string): void {
  process.stderr.write(`[gateways] ${line}\n`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const verdictsOf = (t: ReportTarget): Record<string, VerdictCell> =>
  Object.fromEntries(t.results.map((r) => [r.feature, { verdict: r.verdict, summary: r.summary }]));

/** docs/gateways/<name>.* for the unpaced pass, <name>.paced.* for the paced one. */
const reportName = (name: string, pacing: PacingSpec): string =>
  pacing.id === 'unpaced' ? name : `${name}.${pacing.id}`;

function writeReportPair(dir: string, name: string, target: ReportTarget): void {
  const report = buildReport([target]);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), renderMarkdown(report));
}

function transitOf(traces: ExchangeTrace[]): NonNullable<DocGateway['transit']> {
  const notForwarded = traces.filter((t) => !t.forwarded);
  return {
    exchanges: traces.length,
    notForwarded: notForwarded.length,
    changed: traces.filter(
      (t) => t.forwarded && t.forwarded.dropped.length + t.forwarded.added.length + t.forwarded.changed.length > 0,
    ).length,
    notForwardedLabels: [...new Set(notForwarded.map((t) => t.label))],
  };
}

async function measureGateway(
  spec: GatewaySpec,
  install: InstallFacts,
  faithful: ReportTarget,
  reportDir: string,
  pacing: PacingSpec,
): Promise<DocGateway> {
  const doc: DocGateway = {
    name: spec.name,
    package: spec.package,
    version: spec.version,
    control: spec.control === true,
    notes: spec.notes,
    install: {
      installed: install.installed,
      seconds: install.seconds,
      versions: install.versions,
      packages: install.packages,
    },
    verdicts: {},
    deviations: [],
  };
  const mock = await startMock(pacing.pacing);
  let stopGateway: (() => Promise<void>) | undefined;
  try {
    const port = await freePort();
    const launch = LAUNCHERS[spec.launcher]({
      dir: install.dir,
      port,
      upstream: mock.baseUrl,
      apiKey: mock.apiKey,
      models: MOCK_MODELS,
    });
    for (const [file, text] of Object.entries(launch.files)) writeFileSync(join(install.dir, file), text);
    const started = performance.now();
    const gw = await startGateway({
      cwd: install.dir,
      args: launch.args,
      ...(launch.env ? { env: launch.env } : {}),
      port,
      logFile: join(install.dir, 'relaycheck-gateway.log'),
    });
    stopGateway = gw.stop;
    doc.startSeconds = (performance.now() - started) / 1000;
    doc.sockets = gw.sockets.found;
    log(
      `${spec.name}: listening on ${gw.sockets.found.join(', ')} after ${doc.startSeconds.toFixed(1)} s; running the suite`,
    );
    const run = await withTimeout(
      runSuite({
        name: spec.name,
        baseUrl: launch.baseUrl,
        apiKey: mock.apiKey,
        headers: launch.headers,
        models: launch.models,
      }),
      RUN_TIMEOUT_MS,
      `the suite through ${spec.name}`,
    );
    doc.runSeconds = run.seconds;
    if (run.problems.length > 0) doc.error = run.problems.join('; ');
    const journal = mock.journal();
    doc.forwardedRequests = journal.length;
    doc.verdicts = verdictsOf(run.report);
    const alias = new Map<string, string>(
      (['model', 'reasoning', 'vision'] as const).map((role) => [launch.models[role], MOCK_MODELS[role]]),
    );
    const modelAlias = (id: string): string => alias.get(id) ?? id;
    doc.deviations = deviations(faithful, run.report, journal, modelAlias);
    doc.transit = transitOf([...traceReport(run.report, journal, modelAlias).values()]);
    writeReportPair(reportDir, reportName(spec.name, pacing), run.report);
    log(
      `${spec.name} (${pacing.id}): ${doc.deviations.length} verdict(s) differ from the faithful mock (${run.seconds.toFixed(1)} s)`,
    );
  } catch (e) {
    doc.error = (e as Error).message;
    log(`${spec.name}: NOT MEASURED: ${doc.error}`);
  } finally {
    await stopGateway?.();
    await mock.stop();
  }
  return doc;
}

/** One pass: the faithful run, then every selected gateway, all in front of a mock paced as `pacing` says. */
async function measurePass(
  pacing: PacingSpec,
  selected: readonly GatewaySpec[],
  installs: Map<string, InstallFacts | Error>,
  reportDir: string,
): Promise<PacingRun | undefined> {
  log(`${pacing.id}: the suite directly against the mock (${pacing.describe})`);
  const mock = await startMock(pacing.pacing);
  let faithfulRun;
  let faithfulJournal;
  try {
    faithfulRun = await withTimeout(
      runSuite({ name: 'mock', baseUrl: mock.baseUrl, apiKey: mock.apiKey, models: MOCK_MODELS }),
      RUN_TIMEOUT_MS,
      `the faithful run (${pacing.id})`,
    );
    faithfulJournal = mock.journal();
  } finally {
    await mock.stop();
  }
  if (faithfulRun.problems.length > 0) {
    log(`the faithful run (${pacing.id}) could not measure the mock: ${faithfulRun.problems.join('; ')}`);
    return undefined;
  }
  writeReportPair(reportDir, reportName('mock', pacing), faithfulRun.report);

  const gateways: DocGateway[] = [];
  for (const spec of selected) {
    const install = installs.get(spec.name)!;
    if (install instanceof Error) {
      gateways.push({
        name: spec.name,
        package: spec.package,
        version: spec.version,
        control: spec.control === true,
        notes: spec.notes,
        error: `install failed: ${install.message}`,
        verdicts: {},
        deviations: [],
      });
      continue;
    }
    gateways.push(await measureGateway(spec, install, faithfulRun.report, reportDir, pacing));
  }
  return {
    pacing,
    faithful: {
      runSeconds: faithfulRun.seconds,
      requests: faithfulJournal.length,
      transit: transitOf([...traceReport(faithfulRun.report, faithfulJournal).values()]),
      verdicts: verdictsOf(faithfulRun.report),
    },
    gateways,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      pacing: { type: 'string', default: 'both' },
      cache: { type: 'string', default: '.cache/gateways' },
      out: { type: 'string', default: 'docs' },
    },
    strict: true,
  });
  const started = performance.now();
  if (!['both', ...PACINGS.map((p) => p.id)].includes(values.pacing)) {
    log(`--pacing must be both, ${PACINGS.map((p) => p.id).join(' or ')}; got ${values.pacing}`);
    return 2;
  }
  const names = values.only?.split(',').map((s) => s.trim());
  const unknown = (names ?? []).filter((n) => !GATEWAYS.some((g) => g.name === n));
  if (unknown.length > 0) {
    log(`unknown gateway(s) ${unknown.join(', ')} (known: ${GATEWAYS.map((g) => g.name).join(', ')})`);
    return 2;
  }
  const selected = GATEWAYS.filter((g) => !names || names.includes(g.name));
  const cache = resolve(values.cache);
  if (values.fresh) rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const reportDir = resolve(values.out, 'gateways');
  mkdirSync(reportDir, { recursive: true });

  const installs = new Map<string, InstallFacts | Error>();
  for (const spec of selected) {
    try {
      const facts = await installGateway(spec, cache);
      installs.set(spec.name, facts);
      log(
        `${spec.name}: ${facts.installed ? 'installed' : 'cached'} ${Object.entries(facts.versions)
          .map(([p, v]) => `${p}@${v}`)
          .join(', ')} in ${facts.seconds.toFixed(1)} s`,
      );
    } catch (e) {
      installs.set(spec.name, e as Error);
      log(`${spec.name}: install failed: ${(e as Error).message}`);
    }
  }

  const runs: PacingRun[] = [];
  for (const pacing of PACINGS.filter((p) => values.pacing === 'both' || values.pacing === p.id)) {
    const run = await measurePass(pacing, selected, installs, reportDir);
    if (!run) return 1;
    runs.push(run);
  }

  const doc: GatewaysDoc = {
    generatedAt: new Date().toISOString(),
    toolVersion: toolVersion(),
    nodeVersion: process.versions.node,
    features: features().map((f) => f.id),
    runs,
    watched: WATCHED,
  };
  const file = resolve(values.out, 'GATEWAYS.md');
  writeFileSync(file, renderGatewaysMarkdown(doc));
  log(`wrote ${file} and ${reportDir}/ in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const gateways = runs.flatMap((r) => r.gateways);
  const control = gateways.filter((g) => g.control && (g.error || g.deviations.length > 0));
  for (const g of control) log(`CONTROL ${g.name} deviates or was not measured: the harness is wrong; investigate`);
  const failed = gateways.filter((g) => g.error);
  return control.length > 0 || failed.length > 0 ? 1 : 0;
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every gateway`);
    killAll();
    process.exit(130);
  });
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (e: unknown) => {
    log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    killAll();
    process.exit(1);
  },
);
