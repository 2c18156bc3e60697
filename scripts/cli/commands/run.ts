// `relaycheck run`: run the conformance suite against one target (flags) or several
// (--config), print progress and a table, write DIR/report.json and its renderings, then
// apply the CI gate. Exit 0 when requirements hold and nothing regressed, 1 when one does
// not, 2 when the run could not happen (bad arguments, config or baseline, checked before
// the first request) or a target could not be measured (its preflight named the cause).
import { MODEL_ROLES } from '../../../suites/roles.js';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { formatGate } from '../../../suites/report/gate/index.js';
import { writeReportFiles } from '../../../suites/report/render/index.js';
import { GATE_FLAGS, gateOptions, runGate } from './report.js';
import { existsSync, readFileSync } from 'node:fs';
import { isFeatureId, selectFeatures } from '../../../spec/features.js';
import { parseBaseline } from '../../../suites/report/gate/baseline.js';
import { buildReport, progressFor, renderTable, writeReport } from '../../../suites/report/report-file.js';
import { printErr, printOut } from '../print.js';
import { runTarget } from '../../../suites/run.js';
import { prepareOutDir } from '../../../suites/report/write.js';
import {
  ConfigError,
  checkBaseUrl,
  DEADLINE,
  defaultTargetName,
  loadConfigFile,
  parseHeaderFlag,
  resolveTarget,
  type AuthScheme,
  type Target,
  type TargetConfig,
} from '../../../suites/target.js';
import { DEFAULT_KEY_ENV_VAR } from '../../../suites/transport/curl.js';
import type { ExchangeLimits } from '../../../suites/transport/http.js';

const HELP = `Usage: relaycheck run --base-url URL --model ID [options]
       relaycheck run --config relaycheck.yaml [options]

Runs the conformance suite against an OpenAI-compatible base URL and reports, per feature,
a verdict (supported, partial, ignored, rejected, broken, inconclusive, error, skipped) with
evidence and a curl reproducer.

Target:
  --base-url URL          the OpenAI-compatible base URL, e.g. https://api.openai.com/v1
  --model ID              the chat model the probes use
  --reasoning-model ID    a reasoning model (reasoning.* probes; skipped without it)
  --vision-model ID       a model that accepts images (vision.image_url; skipped without it)
  --messages-model ID     the model probed over Anthropic's /messages (messages.*; default --model)
  --api-key-env VAR       the environment variable holding the key (default ${DEFAULT_KEY_ENV_VAR});
                          the key is never taken from the command line
  --auth bearer|api-key   send the key as 'Authorization: Bearer' (default) or 'api-key' (x-api-key on /messages)
  --header 'Name: value'  an extra header (repeatable); \${VAR} in the value reads the environment
  --name NAME             the target's name in the report (default: the URL's host)
  --config FILE           a YAML file listing several targets, run concurrently:
                            targets:
                              - name: my-relay
                                baseUrl: https://relay.example/v1
                                keyEnv: MY_RELAY_KEY
                                models: { model: gpt-4o-mini, reasoning: o3-mini, vision: gpt-4o }
                                headers: { X-Title: relaycheck }
                                auth: bearer

Run:
  --only IDS              comma-separated feature ids or groups (default: every feature)
  --concurrency N         requests in flight per target (default 4)
  --timeout-ms N          deadline of one request, and of one stream (default 30000);
                          one request with its retries gets 1.5 times that at most
  --deadline S            the run's deadline per target, in seconds (default ${DEADLINE.defaultS}; in a
                          config file, 'deadline: S'): past it, requests stop and every
                          unfinished feature is 'error' ("run deadline reached"), exit 2
  --out DIR               where report.json, report.md, report.html and junit.xml are
                          written (default ./relaycheck-report); checked before the first
                          request, and a symlink there is replaced, never written through

CI gate:
  --require IDS           features every target must support (comma-separated; a config
                          target may add its own 'require: [...]')
  --baseline FILE         compare with the last accepted verdicts: a verdict that got worse
                          fails the run, one that got better is reported
  --update-baseline       accept this run's verdicts into --baseline
  -h, --help

Exit status: 0 = ran, requirements hold, nothing regressed; 1 = a requirement failed or a
verdict regressed (each is named with its summary); 2 = could not run, or a target could not
be measured, or the deadline cut the run (each named with its cause, after the other
targets' results).
`;

function fail(message: string): number {
  printErr(`relaycheck run: ${message}\n`);
  return 2;
}

function positiveInt(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ConfigError(`--${name} must be an integer from 1 to ${max}, got '${value}'`);
  return n;
}

/** Feature ids from --only (ids or group ids, comma-separated). */
export function resolveOnly(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    return selectFeatures(value.split(','), '--only');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

interface Plan {
  targets: TargetConfig[];
  concurrency: number;
  only: string[] | undefined;
  out: string;
  limits: Partial<ExchangeLimits>;
  deadlineMs: number;
}

function plan(values: Record<string, string | string[] | boolean | undefined>): Plan {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const only = resolveOnly(str('only'));
  const timeout = positiveInt('timeout-ms', str('timeout-ms'), 600_000);
  const limits: Partial<ExchangeLimits> =
    timeout === undefined
      ? {}
      : {
          timeoutMs: timeout,
          firstByteTimeoutMs: timeout,
          maxStreamMs: timeout,
          totalTimeoutMs: Math.round(timeout * 1.5),
        };
  let deadline = positiveInt('deadline', str('deadline'), DEADLINE.maxS);
  let concurrency = positiveInt('concurrency', str('concurrency'), 32);
  let targets: TargetConfig[];
  const config = str('config');
  if (config !== undefined) {
    for (const flag of ['base-url', ...MODEL_ROLES.map((r) => r.flag.slice(2)), 'api-key-env', 'auth', 'name']) {
      if (values[flag] !== undefined)
        throw new ConfigError(`--${flag} cannot be combined with --config (set it in the file)`);
    }
    if (values['header'] !== undefined)
      throw new ConfigError('--header cannot be combined with --config (set headers in the file)');
    const loaded = loadConfigFile(config);
    targets = loaded.targets;
    concurrency ??= loaded.concurrency;
    deadline ??= loaded.deadline;
  } else {
    const baseUrl = str('base-url');
    const model = str('model');
    if (baseUrl === undefined) throw new ConfigError('--base-url is required (or --config)');
    if (model === undefined) throw new ConfigError('--model is required');
    checkBaseUrl(baseUrl);
    const auth = str('auth') ?? 'bearer';
    if (auth !== 'bearer' && auth !== 'api-key')
      throw new ConfigError(`--auth must be bearer or api-key, got '${auth}'`);
    const keyEnv = str('api-key-env') ?? DEFAULT_KEY_ENV_VAR;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv))
      throw new ConfigError(`--api-key-env expects a variable name, got '${keyEnv}'`);
    const headers: Record<string, string> = {};
    for (const h of (values['header'] as string[] | undefined) ?? []) {
      const [name, value] = parseHeaderFlag(h);
      headers[name] = value;
    }
    const reasoning = str('reasoning-model');
    const vision = str('vision-model');
    const messages = str('messages-model');
    targets = [
      {
        name: str('name') ?? defaultTargetName(baseUrl),
        baseUrl,
        keyEnv,
        models: {
          model,
          ...(reasoning !== undefined ? { reasoning } : {}),
          ...(vision !== undefined ? { vision } : {}),
          ...(messages !== undefined ? { messages } : {}),
        },
        headers,
        auth: auth as AuthScheme,
      },
    ];
  }
  return {
    targets,
    concurrency: concurrency ?? 4,
    only,
    out: str('out') ?? 'relaycheck-report',
    limits,
    deadlineMs: (deadline ?? DEADLINE.defaultS) * 1000,
  };
}

export async function runCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        model: { type: 'string' },
        'reasoning-model': { type: 'string' },
        'vision-model': { type: 'string' },
        'messages-model': { type: 'string' },
        'api-key-env': { type: 'string' },
        header: { type: 'string', multiple: true },
        auth: { type: 'string' },
        name: { type: 'string' },
        config: { type: 'string' },
        only: { type: 'string' },
        concurrency: { type: 'string' },
        'timeout-ms': { type: 'string' },
        deadline: { type: 'string' },
        out: { type: 'string' },
        ...GATE_FLAGS,
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    // Never echo a stray value back: it may be a key pasted on the command line.
    const message = /^Unexpected argument/.test((e as Error).message)
      ? 'unexpected positional argument (not shown)'
      : (e as Error).message;
    const hint = /--api-key\b|--key\b/.test(argv.join(' '))
      ? '\nThe key is read from an environment variable (--api-key-env, default RELAYCHECK_API_KEY), never from the command line.'
      : '';
    return fail(`${message}${hint}\n\n${HELP}`);
  }
  if (values.help) {
    printOut(HELP);
    return 0;
  }

  let p: Plan;
  let targets: Target[];
  try {
    p = plan(values);
    targets = p.targets.map((t) => resolveTarget(t, process.env));
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message);
    throw e;
  }

  // Arguments that would only fail after the paid requests are checked before the first one.
  const gateRun = gateOptions(values);
  const { require } = gateRun;
  const unknown = [...require, ...targets.flatMap((t) => t.require ?? [])].filter((id) => !isFeatureId(id));
  if (unknown.length > 0)
    return fail(
      `--require: unknown feature id(s) ${[...new Set(unknown)].join(', ')} (run 'relaycheck spec' to list them)`,
    );
  if (gateRun.updateBaseline && gateRun.baseline === undefined) return fail('--update-baseline needs --baseline FILE');
  if (gateRun.baseline !== undefined) {
    if (existsSync(gateRun.baseline)) {
      try {
        parseBaseline(readFileSync(gateRun.baseline, 'utf8'), gateRun.baseline);
      } catch (e) {
        return fail(`cannot use --baseline: ${(e as Error).message}`);
      }
    } else if (!gateRun.updateBaseline) {
      return fail(`baseline ${gateRun.baseline} does not exist (create it with --update-baseline)`);
    }
  }

  // A file where the folder should be would lose every paid result: found now, not after.
  try {
    prepareOutDir(p.out);
  } catch (e) {
    return fail(`cannot write the report to --out ${p.out}: ${(e as Error).message}`);
  }

  const runs = await Promise.all(
    targets.map((target) =>
      runTarget(target, {
        concurrency: p.concurrency,
        limits: p.limits,
        deadlineMs: p.deadlineMs,
        ...(p.only ? { only: p.only } : {}),
        onResult: (r) => {
          const line = progressFor(target.name, r);
          if (line !== undefined) printErr(`${line}\n`);
        },
      }),
    ),
  );
  const report = buildReport(runs.map((r) => r.report));
  const { result: gate, baselineWritten } = runGate(report, gateRun);
  printOut(renderTable(report));
  try {
    const path = writeReport(p.out, report);
    const rendered = writeReportFiles(report, p.out, undefined, { require, gate });
    printOut(`\nReport: ${path} (also ${rendered.map((f) => basename(f)).join(', ')})\n`);
  } catch (e) {
    return fail(`could not write the report to ${p.out}: ${(e as Error).message}`);
  }
  // The other targets' results and gate are printed even when one target could not be measured.
  if (gate.checked) (gate.exitCode === 0 ? printOut : printErr)(formatGate(gate));
  if (baselineWritten) printOut(`baseline updated: ${baselineWritten}\n`);
  const problems = runs.flatMap((r) => r.problems);
  for (const problem of problems) printErr(`relaycheck run: not measured: ${problem}\n`);
  return problems.length > 0 ? 2 : gate.exitCode;
}
