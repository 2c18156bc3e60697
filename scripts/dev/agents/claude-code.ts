// `npm run agents:claude`: Claude Code, pinned, run offline against the mock's default profile
// in three cases (a plain question with its default model and no fixtures; a Read task scripted
// by a fixture; the same task with a model id given by --models). Prints each case's request
// log in summary and exits non-zero when a case fails; --write saves the run to docs/AGENTS.md.
//
// Offline, and checked: Claude Code is installed from the npm registry into .cache/agents/
// (no install script runs: its native binary is taken from the platform package), then the
// cases run inside a network namespace of their own (`unshare -rn`: only a loopback exists
// there), with HTTP(S)_PROXY pointing at a loopback recorder that refuses and lists whatever
// Claude Code tries to reach besides the mock. Not part of `npm test`: it installs ~400 MB.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  binaryPath,
  CACHE,
  CLAUDE_CODE_VERSION,
  install,
  log,
  NOTE_FILE,
  OFFLINE_ENV,
  READ_PROMPT,
  readTaskFixtures,
  ROOT,
  runClaude,
  startRecorder,
} from './claude-launch.js';
import {
  judge,
  parseTranscript,
  renderCase,
  summarize,
  type CaseExpectation,
  type Check,
  type JournalRow,
} from './summary.js';
import { freePort } from '../free-port.js';

const INSIDE = 'RELAYCHECK_AGENTS_INSIDE_NETNS';

interface MockChild {
  url: string;
  stop(): Promise<void>;
}

/** `relaycheck mock` as a user runs it (the built CLI), on a free loopback port. */
async function startMock(args: string[], apiKey: string): Promise<MockChild> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'relaycheck.js'),
      'mock',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--api-key',
      apiKey,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relaycheck mock exited: ${output.trim()}`);
    if (output.includes('listening')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`relaycheck mock did not start: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          ok();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Every journal entry, a page at a time (the journal is paged: ?limit=&after=). */
async function readJournal(url: string, apiKey: string): Promise<JournalRow[]> {
  const rows: JournalRow[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${url}/__mock/journal?limit=100&after=${after}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (!res.ok) throw new Error(`GET /__mock/journal answered ${res.status}`);
    const page = (await res.json()) as { data: JournalRow[]; has_more: boolean };
    rows.push(...page.data);
    if (!page.has_more || page.data.length === 0) return rows;
    after = page.data[page.data.length - 1]!.seq;
  }
}

interface Case {
  id: string;
  title: string;
  /** Extra `relaycheck mock` arguments. */
  mock(dir: string): string[];
  /** Extra Claude Code environment. */
  env: Record<string, string>;
  prompt: string;
  expect: CaseExpectation;
  /** Writes the case's files (the note, the fixture) into its folder. */
  prepare?(dir: string): void;
}

const CUSTOM_MODEL = 'my-claude';
const TOKEN = `PLUM-${randomBytes(3).toString('hex').toUpperCase()}`;

/** The note and the fixture file that script the Read task. */
function prepareReadTask(dir: string): void {
  const note = join(dir, 'work', NOTE_FILE);
  writeFileSync(note, `The code is ${TOKEN}.\n`);
  // JSON is YAML: the mock's loader reads it as is.
  const fixtures = { fixtures: readTaskFixtures(note, TOKEN) };
  writeFileSync(join(dir, 'fixtures.yaml'), `${JSON.stringify(fixtures, null, 2)}\n`);
}

const CASES: Case[] = [
  {
    id: 'a',
    title: '(a) a plain question, default model, no fixtures',
    mock: () => [],
    env: {},
    prompt: 'What is the capital of France?',
    expect: { maxRequests: 4, toolCalls: [] },
  },
  {
    id: 'b',
    title: '(b) a Read task scripted by a fixture, default model',
    mock: (dir) => ['--fixtures', join(dir, 'fixtures.yaml')],
    env: {},
    prompt: READ_PROMPT,
    prepare: prepareReadTask,
    expect: { maxRequests: 6, toolCalls: ['Read'], toolResultContains: TOKEN, answerContains: TOKEN },
  },
  {
    id: 'c',
    title: `(c) the same task with --models ${CUSTOM_MODEL}`,
    mock: (dir) => ['--models', CUSTOM_MODEL, '--fixtures', join(dir, 'fixtures.yaml')],
    // Subagents and background calls ask for the small model: it is the same id here.
    env: {
      ANTHROPIC_MODEL: CUSTOM_MODEL,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: CUSTOM_MODEL,
      ANTHROPIC_SMALL_FAST_MODEL: CUSTOM_MODEL,
    },
    prompt: READ_PROMPT,
    prepare: prepareReadTask,
    expect: {
      maxRequests: 6,
      toolCalls: ['Read'],
      toolResultContains: TOKEN,
      answerContains: TOKEN,
      model: CUSTOM_MODEL,
    },
  },
];

interface CaseRun {
  title: string;
  checks: Check[];
  markdown: string;
  exit: number | null;
}

async function runCase(bin: string, c: Case, extraMockArgs: string[]): Promise<CaseRun> {
  const dir = mkdtempSync(join(tmpdir(), `relaycheck-agents-${c.id}-`));
  const home = join(dir, 'home');
  mkdirSync(home);
  mkdirSync(join(dir, 'work'));
  c.prepare?.(dir);
  const apiKey = `sk-agents-${randomBytes(12).toString('hex')}`;
  const recorder = await startRecorder();
  const mock = await startMock([...c.mock(dir), ...extraMockArgs], apiKey);
  try {
    const result = await runClaude(
      bin,
      // Never --dangerously-skip-permissions: Read is the one tool allowed without asking.
      ['-p', c.prompt, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Read'],
      {
        ...OFFLINE_ENV,
        ...c.env,
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        ANTHROPIC_BASE_URL: mock.url,
        ANTHROPIC_API_KEY: apiKey,
        HTTPS_PROXY: recorder.url,
        HTTP_PROXY: recorder.url,
        https_proxy: recorder.url,
        http_proxy: recorder.url,
      },
      join(dir, 'work'),
    );
    const rows = await readJournal(mock.url, apiKey);
    const summary = summarize(rows, parseTranscript(result.stdout), [...recorder.attempts]);
    const checks = judge(summary, c.expect);
    if (result.code !== 0) checks.push({ ok: false, what: `claude exited ${result.code}: ${result.stderr.trim()}` });
    return { title: c.title, checks, markdown: renderCase(c.title, summary, checks), exit: result.code };
  } finally {
    await mock.stop();
    await recorder.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The recorder is checked before use: Claude Code pointed at Anthropic's own host must show up
 * in it (as a refused CONNECT), or a case's "no outside attempt" would prove nothing.
 */
async function checkRecorder(bin: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'relaycheck-agents-guard-'));
  const recorder = await startRecorder();
  try {
    await runClaude(
      bin,
      ['-p', 'hi', '--output-format', 'json'],
      {
        ...OFFLINE_ENV,
        HOME: dir,
        CLAUDE_CONFIG_DIR: join(dir, '.claude'),
        ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
        ANTHROPIC_API_KEY: 'sk-not-a-key',
        CLAUDE_CODE_MAX_RETRIES: '0',
        HTTPS_PROXY: recorder.url,
        https_proxy: recorder.url,
      },
      dir,
    );
    if (!recorder.attempts.some((a) => a.startsWith('CONNECT api.anthropic.com:')))
      throw new Error(
        'the proxy recorder saw nothing of a run aimed at api.anthropic.com: it cannot vouch for the cases',
      );
    log(
      `proxy recorder checked: a run aimed at api.anthropic.com showed up (${recorder.attempts.length} refused CONNECTs)`,
    );
    return recorder.attempts.length;
  } finally {
    await recorder.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inside(bin: string, only: string[], extraMockArgs: string[]): Promise<number> {
  // A fresh network namespace has its loopback down.
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' });
  if (up.status !== 0) throw new Error('could not bring up the loopback in the network namespace (is `ip` installed?)');
  const version = spawnSync(bin, ['--version'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
  });
  const control = await checkRecorder(bin);
  const runs: CaseRun[] = [];
  for (const c of CASES.filter((x) => only.length === 0 || only.includes(x.id))) {
    log(`case ${c.title}`);
    const run = await runCase(bin, c, extraMockArgs);
    runs.push(run);
    process.stdout.write(`${run.markdown}\n`);
  }
  const failed = runs.filter((r) => r.checks.some((c) => !c.ok));
  const doc = [
    `## Claude Code ${version.stdout.trim()} against \`relaycheck mock\` (default profile)`,
    '',
    `Run on ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on ${platform()}-${arch()}, ` +
      'by `npm run agents:claude`, inside a network namespace with only a loopback (`unshare -rn`) and ' +
      'HTTP(S)_PROXY pointing at a loopback recorder that refuses every request, checked first: ' +
      `a control run aimed at api.anthropic.com showed up in it as ${control} refused CONNECTs. ` +
      `${runs.length - failed.length} of ${runs.length} cases pass.`,
    '',
    ...runs.map((r) => r.markdown),
  ].join('\n');
  writeFileSync(process.env.RELAYCHECK_AGENTS_OUT ?? join(tmpdir(), 'relaycheck-agents-claude.md'), doc);
  return failed.length === 0 ? 0 : 1;
}

const DOC_HEAD = `# Real agents against the mock

Written by \`npm run agents:claude -- --write\` (scripts/dev/agents/claude-code.ts); not part of
\`npm test\`: it installs Claude Code (~400 MB) into .cache/agents/. Each case starts
\`relaycheck mock\` (the built CLI, default profile) and runs \`claude -p ... --output-format
stream-json --verbose --allowedTools Read\` with a HOME of its own, \`ANTHROPIC_BASE_URL\` (no
\`/v1\`), \`ANTHROPIC_API_KEY\` and Claude Code's offline switches; the request log below is the
mock's journal (\`GET /__mock/journal\`, paged), the tool calls and the answer are Claude Code's
transcript. The client readiness generator (\`npx tsx scripts/dev/clients/readiness.ts\`) runs
the same launch code (scripts/dev/agents/claude-launch.ts) for its \`claude-code.*\` rows in every
dialect and under the breaks of its API, when Claude Code is installed (docs/CLIENTS.md).

Pinned to Claude Code 2.1.197. 2.1.337 (the newest 2.1) asks for \`claude-opus-5-5\` by
default, which the default profile serves too: \`npm run agents:claude -- --version 2.1.337\`
passes all three cases. In case (a) the answer is the mock's computed prose: the question is
plain prose, so the mock follows the latest system text, and Claude Code's last
\`role: "system"\` entry (its skill list) holds no instruction the grammar knows (its mention of
\`keybindings.json\` beside "rebind keys" once read as "JSON with keys").
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      version: { type: 'string', default: CLAUDE_CODE_VERSION },
      case: { type: 'string', multiple: true, default: [] },
      write: { type: 'boolean', default: false },
      // Model ids every case's mock serves besides the profile's: a newer Claude Code's default.
      models: { type: 'string' },
    },
  });
  const only = values.case;
  const extra = values.models === undefined ? [] : ['--models', values.models];
  if (process.env[INSIDE] === '1') return inside(binaryPath(join(CACHE, `claude-code-${values.version}`)), only, extra);
  if (!existsSync(join(ROOT, 'dist', 'scripts', 'cli', 'main.js')))
    throw new Error('dist/ is not built: run `npm run build`');
  install(values.version);
  // Everything below runs where no network but a loopback exists; refuse to go on otherwise.
  if (spawnSync('unshare', ['-rn', 'true']).status !== 0)
    throw new Error('`unshare -rn` is not available here: refusing to run Claude Code with network access');
  const out = join(mkdtempSync(join(tmpdir(), 'relaycheck-agents-out-')), 'run.md');
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawnSync('unshare', ['-rn', tsx, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [INSIDE]: '1', RELAYCHECK_AGENTS_OUT: out },
  });
  if (values.write && existsSync(out)) {
    const target = join(ROOT, 'docs', 'AGENTS.md');
    writeFileSync(target, `${DOC_HEAD}\n${readFileSync(out, 'utf8')}`);
    log(`wrote ${target}`);
  }
  rmSync(join(out, '..'), { recursive: true, force: true });
  return child.status ?? 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    log(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
  },
);
