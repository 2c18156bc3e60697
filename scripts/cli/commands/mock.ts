// `relaycheck mock`: serve the mock provider until Ctrl-C.
import { parseArgs } from 'node:util';
import { relayIds } from '../../../spec/relays.js';
import {
  BREAK_HEADER,
  createMockProvider,
  describeBreaks,
  FAULT_HEADER,
  JOURNAL_PATH,
} from '../../../mock-server/index.js';
import { parseBreakList } from '../../../mock-server/breaks/index.js';
import { loadFixtureFile } from '../../../mock-server/fixtures/load.js';
import type { MockOptions, RecordOptions } from '../../../mock-server/assembly/options.js';
import type { RecordEvent } from '../../../mock-server/endpoints/record.js';
import { DEFAULT_KEY_ENV_VAR } from '../../../suites/transport/curl.js';
import { oneLine } from '../../../suites/report/text.js';
import { existsSync } from 'node:fs';
import { loadBreaksFromReport, replicaModels } from '../../../mock-server/from-report/load.js';
import { DEFAULT_PROFILE, loadProfile } from '../../../mock-server/assembly/profile.js';

const HELP = `Usage: relaycheck mock [--port 8080] [--host 127.0.0.1] [--profile ID] [--break ID,ID]
                      [--api-key KEY ...] [--tokens-per-second N] [--first-token-ms N] [--latency-ms N]
                      [--chunk-tokens N] [--fixtures FILE ...] [--strict] [--models ID,ID]
                      [--style faithful|realistic] [--seed N]
                      [--record FILE --upstream URL [--upstream-key-env NAME] [--record-on-miss]]
                      [--from-report report.json [--target NAME]]
       relaycheck mock --list-breaks

Serves an OpenAI-compatible mock: POST <base>/chat/completions, GET <base>/models[/{id}],
and where the dialect lists them other surfaces (openai: POST /v1/responses, GET/DELETE /v1/responses/{id}).
--profile   speak a documented relay's dialect: ${relayIds().join(', ')} (default openai,
            the faithful reference: base /v1, models mock-model and mock-reasoner)
--models    serve these model ids too, over chat and over Anthropic's /v1/messages (any id, e.g.
            the one Claude Code is given with ANTHROPIC_MODEL)
--break     switch on single deviations (see --list-breaks); per request: header '${BREAK_HEADER}'
Errors on demand: header '${FAULT_HEADER}: 429' (or 400/401/402/403/404/500/503,
'429; retry-after=3', 'stream-error@N', 'stream-cut@N') or model 'mock-error-<status>'.
--chunk-tokens  content tokens per streamed delta (default 1, as OpenAI; some providers send several)
Journal of received requests: GET ${JOURNAL_PATH}.
--fixtures  scripted answers (YAML, spec/fixtures.schema.yaml), repeatable; first match wins
--strict    with fixtures: a request none matches gets an error naming the nearest miss
--style     realistic: answers vary as real models' do (casing, hidden reasoning, declined
            optional tool calls, dated model ids, chunking), the protocol exact; --seed N picks the world
--record FILE --upstream URL  forward chat completions, /responses and /messages to the relay
            at URL (its base URL, e.g. https://relay.example/v1) with the key in $RELAYCHECK_API_KEY
            (or --upstream-key-env NAME), answer with its response, and append a fixture per
            exchange to FILE
--record-on-miss  serve the fixtures (--fixtures, else FILE) and record only the requests none matches
--from-report report.json  switch on the breaks that reproduce a report's measured verdicts
            (--target NAME when it has several targets); prints what cannot be reproduced
`;

function nonNegative(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${value}'`);
  return n;
}

function chunkTokens(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error(`--chunk-tokens must be an integer 1-1000, got '${value}'`);
  return n;
}

function modelStyle(style: string | undefined, seed: string | undefined): Pick<MockOptions, 'style' | 'seed'> {
  if (style !== undefined && style !== 'faithful' && style !== 'realistic')
    throw new Error(`--style must be faithful or realistic, got '${style}'`);
  if (seed !== undefined && !/^\d{1,15}$/.test(seed))
    throw new Error(`--seed must be a non-negative integer, got '${seed}'`);
  if (seed !== undefined && style !== 'realistic') throw new Error('--seed needs --style realistic');
  return { ...(style ? { style } : {}), ...(seed !== undefined ? { seed: Number(seed) } : {}) };
}

export async function mockCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'api-key': { type: 'string', multiple: true },
        'tokens-per-second': { type: 'string' },
        'first-token-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'chunk-tokens': { type: 'string' },
        models: { type: 'string', multiple: true },
        profile: { type: 'string', default: 'openai' },
        break: { type: 'string', multiple: true },
        'list-breaks': { type: 'boolean' },
        fixtures: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        style: { type: 'string' },
        seed: { type: 'string' },
        'from-report': { type: 'string' },
        record: { type: 'string' },
        upstream: { type: 'string' },
        'upstream-key-env': { type: 'string' },
        'record-on-miss': { type: 'boolean' },
        target: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`relaycheck mock: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values['list-breaks']) {
    process.stdout.write(`${describeBreaks().join('\n')}\n`);
    return 0;
  }
  let provider;
  let port: number;
  try {
    port = nonNegative('port', values.port)!;
    if (!Number.isInteger(port) || port > 65535)
      throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
    const options = mockOptionsFromFlags(values);
    for (const line of options.startLines ?? []) process.stdout.write(`${line}\n`);
    if (options.record) options.record.onEvent = logRecordEvent(options.record.file);
    provider = createMockProvider(options);
  } catch (err) {
    process.stderr.write(`relaycheck mock: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const { baseUrl } = await provider.start({ port, host: values.host });
    const profile = values.profile === 'openai' ? '' : ` speaking ${values.profile}'s dialect`;
    process.stdout.write(`relaycheck mock listening on ${baseUrl}${profile}  (Ctrl-C to stop)\n`);
  } catch (err) {
    process.stderr.write(`relaycheck mock: could not listen on ${values.host}:${port}: ${(err as Error).message}\n`);
    return 2;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await provider.stop();
  process.stdout.write('relaycheck mock stopped\n');
  return 0;
}

export interface MockFlags {
  profile?: string;
  break?: string[];
  'api-key'?: string[];
  'tokens-per-second'?: string;
  'first-token-ms'?: string;
  'latency-ms'?: string;
  fixtures?: string[];
  strict?: boolean;
  'chunk-tokens'?: string;
  models?: string[];
  style?: string;
  seed?: string;
  'from-report'?: string;
  target?: string;
  record?: string;
  upstream?: string;
  'upstream-key-env'?: string;
  'record-on-miss'?: boolean;
}

/**
 * One line per exchange in record mode: what was recorded, or why not (the key is in none).
 * Reasons may quote the relay, so each goes through the renderers' oneLine (no controls, no newline).
 */
export function logRecordEvent(file: string): (event: RecordEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'recorded':
        process.stdout.write(
          `recorded fixture ${event.index} to ${oneLine(file)}: ${event.status}${event.stream ? ' (stream)' : ''}\n`,
        );
        return;
      case 'served':
        process.stdout.write('served from a fixture (not recorded)\n');
        return;
      case 'not-recorded':
        process.stderr.write(`not recorded (status ${event.status}): ${oneLine(event.reason)}\n`);
        return;
      case 'upstream-error':
        process.stderr.write(`${oneLine(event.message)}\n`);
    }
  };
}

/** --record and its companions: the key read from the environment variable named, never from a flag. */
function recordOptions(values: MockFlags, env: NodeJS.ProcessEnv): RecordOptions | undefined {
  const companions = (['upstream', 'upstream-key-env', 'record-on-miss'] as const).filter(
    (f) => values[f] !== undefined,
  );
  if (values.record === undefined) {
    if (companions.length > 0) throw new Error(`--${companions[0]} goes with --record FILE`);
    return undefined;
  }
  if (values.upstream === undefined) throw new Error('--record needs --upstream URL (the relay to record)');
  const keyEnv = values['upstream-key-env'] ?? DEFAULT_KEY_ENV_VAR;
  const key = env[keyEnv];
  if (key === undefined || key.trim() === '') {
    throw new Error(
      `--record: set $${keyEnv} to the upstream's key (or name another variable with --upstream-key-env)`,
    );
  }
  return {
    file: values.record,
    upstream: values.upstream,
    upstreamKey: key.trim(),
    onMiss: values['record-on-miss'] ?? false,
  };
}

/**
 * --models: the profile's models (or a report replica's) plus the ids named, each served on
 * every surface. A bad id (empty, spaces, control characters) is refused by name.
 */
function servedModels(values: MockFlags, fromReport: FromReportLoaded | undefined): Pick<MockOptions, 'models'> {
  const ids = (values.models ?? []).flatMap((v) => v.split(',')).map((id) => id.trim());
  const base = fromReport ? replicaModels(fromReport, values.profile) : undefined;
  if (ids.length === 0) return base ? { models: base } : {};
  for (const id of ids) {
    if (!/^[\w.:/@-]{1,128}$/.test(id)) throw new Error(`--models: '${oneLine(id)}' is not a model id`);
  }
  const models = base ?? loadProfile(values.profile ?? DEFAULT_PROFILE).models;
  const known = new Set(models.map((m) => m.id));
  return { models: [...models, ...[...new Set(ids)].filter((id) => !known.has(id)).map((id) => ({ id }))] };
}

type FromReportLoaded = ReturnType<typeof loadBreaksFromReport>;

/** The mock's options, and what the CLI prints before it starts (which verdicts --from-report reproduces). */
export type MockCliOptions = MockOptions & { startLines?: string[] };

/**
 * The mock's options from the parsed flags: pure but for reading the fixture files. Throws a message for bad values.
 */
export function mockOptionsFromFlags(values: MockFlags, env: NodeJS.ProcessEnv = process.env): MockCliOptions {
  const record = recordOptions(values, env);
  // --record-on-miss without --fixtures serves what the record file already holds.
  const fixtureFiles = values.fixtures ?? (record?.onMiss && existsSync(record.file) ? [record.file] : []);
  const pacing: MockOptions['pacing'] = {};
  // Only the flags given: an undefined value must not replace a default (that was the NaN schedule).
  const tps = nonNegative('tokens-per-second', values['tokens-per-second']);
  const first = nonNegative('first-token-ms', values['first-token-ms']);
  const latency = nonNegative('latency-ms', values['latency-ms']);
  if (tps !== undefined) pacing.tokensPerSecond = tps;
  if (first !== undefined) pacing.firstTokenMs = first;
  if (latency !== undefined) pacing.latencyMs = latency;
  if (values.target !== undefined && values['from-report'] === undefined)
    throw new Error('--target names a target of --from-report: give the report too');
  const fromReport =
    values['from-report'] === undefined ? undefined : loadBreaksFromReport(values['from-report'], values.target);
  const flagged = parseBreakList((values.break ?? []).join(','));
  return {
    profile: values.profile,
    // The report's breaks, then any --break not already among them.
    breaks: [...(fromReport?.breaks ?? []), ...flagged.filter((b) => !fromReport?.breaks.some((r) => r.id === b.id))],
    // The replica serves the models the report measured (gpt-5.2...), not only the mock's ids.
    ...(fromReport ? { startLines: fromReport.lines } : {}),
    ...servedModels(values, fromReport),
    apiKeys: values['api-key'],
    pacing,
    fixtures: fixtureFiles.flatMap((file) => loadFixtureFile(file)),
    ...(record ? { record } : {}),
    strict: values.strict ?? false,
    chunkTokens: chunkTokens(values['chunk-tokens']),
    ...modelStyle(values.style, values.seed),
  };
}
