// The agents of the readiness matrix: Codex CLI (the Responses API) and Claude Code
// (Anthropic's Messages), each a real binary installed on demand by `npm run agents:codex` /
// `npm run agents:claude` into .cache/agents/. One operation is one agent run against a mock
// of its own (the column's dialect, its break, the fixture that scripts the task), launched
// by the agents scripts' own code (scripts/dev/agents/*-launch.ts) and judged by their own
// checks. Too heavy for `npm test`: only the readiness generator runs them, and only when the
// binary is installed; `npm run agents:codex` / `npm run agents:claude` check the agents
// themselves against the faithful mock.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakIds, breaks as breakCatalogue } from '../../../spec/breaks.js';
import { featureById, isFeatureId, surfaceOf } from '../../../spec/features.js';
import { loadRelay, modelsFor, referenceRelay } from '../../../spec/relays.js';
import { createMockProvider, type Fixture } from '../../../mock-server/index.js';
import type { ClientId, ClientSurface } from '../../../suites/clients/types.js';
import {
  CLAUDE_CODE_PACKAGE,
  CLAUDE_CODE_VERSION,
  installedBinary,
  NOTE_FILE,
  OFFLINE_ENV,
  READ_PROMPT,
  readTaskFixtures,
  runClaude,
  startRecorder,
} from '../agents/claude-launch.js';
import { CODEX_BIN, codexEnv, codexInstalled, codexScratch, runCodex } from '../agents/codex-launch.js';
import { close, refusingProxy } from '../agents/codex-net.js';
import {
  caseProblems,
  codexCases,
  codexFixtures,
  CODEX_MODEL,
  CODEX_PACKAGE,
  CODEX_VERSION,
  renderConfig,
  summarise,
} from '../agents/codex-plan.js';
import { judge, parseTranscript, summarize, type CaseExpectation } from '../agents/summary.js';
import { errorClass, mapLimit, type Cell, type Column, type Outcome } from './measure.js';

/** An agent run did not do the task (the message says which check failed, and the agent's own error). */
export class AgentTaskError extends Error {
  override name = 'AgentTaskError';
}

/** One agent run bounded in time: a relay that stalls a stream cannot hold the matrix. */
export const AGENT_RUN_TIMEOUT_MS = 90_000;

/** Where an agent operation runs: the column's dialect (the reference for a break) and break. */
export interface AgentColumn {
  profile: string;
  break?: string;
}

export interface AgentOperation {
  id: string;
  client: Extract<ClientId, 'codex' | 'claude-code'>;
  surface: ClientSurface;
  operation: string;
  /** The npm package and pinned version of the agent (recorded in spec/clients.yaml's packages). */
  package: string;
  version: string;
  /** The binary is installed (nothing is fetched to find out). */
  installed(): boolean;
  /** Throws an AgentTaskError when the agent did not do the task. */
  run(column: AgentColumn): Promise<void>;
}

/**
 * The breaks of a surface: those that flip a feature of that surface, or whose category is
 * named after it (a break that flips nothing). Read from the catalogue, so the breaks of a
 * surface added later (Anthropic's Messages) are picked up without a change here.
 */
export function surfaceBreaks(surface: ClientSurface): string[] {
  return breakCatalogue()
    .filter(
      (b) =>
        b.category === surface ||
        Object.keys(b.flips).some((f) => isFeatureId(f) && (surfaceOf(featureById(f)) as string) === surface),
    )
    .map((b) => b.id);
}

/** Which breaks the agents run under: every one, or those of their surface (a shorter run). */
export type AgentBreakScope = 'all' | 'surface';

/** The matrix columns an agent of `surface` runs in: faithful, every dialect, and the breaks of `scope`. */
export function agentColumns(surface: ClientSurface, profiles: readonly string[], scope: AgentBreakScope): Column[] {
  return [
    { kind: 'faithful' },
    ...profiles.map((id) => ({ kind: 'profile', id }) as const),
    ...(scope === 'all' ? breakIds() : surfaceBreaks(surface)).map((id) => ({ kind: 'break', id }) as const),
  ];
}

function agentColumn(column: Column): AgentColumn {
  const reference = referenceRelay().id;
  if (column.kind === 'profile') return { profile: column.id };
  if (column.kind === 'break') return { profile: reference, break: column.id };
  return { profile: reference };
}

/** The agent's own last error line on stderr ("ERROR: " dropped), or '' when it printed none. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error/i.test(l));
  return (lines.at(-1) ?? '').replace(/^ERROR:\s*/, '');
}

/** A message without the run's temporary folder, key or random token (so the data is stable). */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s !== '') out = out.split(s).join('<…>');
  return out.replace(/\/tmp\/relaycheck-[A-Za-z0-9._-]+/g, '<dir>');
}

// ------------------------------------------------------------------------------------ Codex

function codexModel(profile: string): string {
  if (profile === referenceRelay().id) return CODEX_MODEL;
  const relay = loadRelay(profile);
  return (modelsFor(relay, 'reasoning-model')[0] ?? modelsFor(relay, 'model')[0])?.id ?? CODEX_MODEL;
}

async function runCodexCase(which: 'plain task' | 'tool task', column: AgentColumn): Promise<void> {
  const { key, secret, scratch, workspace, home, codexHome } = codexScratch('relaycheck-readiness-codex-');
  const mock = createMockProvider({
    profile: column.profile,
    apiKeys: key,
    fixtures: codexFixtures(),
    ...(column.break ? { breaks: [{ id: column.break }] } : {}),
  });
  const attempts: string[] = [];
  const proxy = await refusingProxy(attempts);
  try {
    const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
    writeFileSync(
      join(codexHome, 'config.toml'),
      renderConfig({ baseUrl, model: codexModel(column.profile), streamIdleTimeoutMs: 20_000 }),
    );
    const c = codexCases(secret).find((x) => x.name === which)!;
    const lastMessageFile = join(scratch, 'last.txt');
    const { code, stderr } = await runCodex(
      c.prompt,
      codexEnv({ home, codexHome, key, proxyUrl: proxy.url }),
      workspace,
      lastMessageFile,
      AGENT_RUN_TIMEOUT_MS,
    );
    const problems = caseProblems({
      case: c,
      exitCode: code,
      finalMessage: existsSync(lastMessageFile) ? readFileSync(lastMessageFile, 'utf8') : '',
      summary: summarise(mock.requests(), []),
      outsideAttempts: attempts,
    });
    if (problems.length > 0) {
      // Codex's own words first (they survive the 160-character cut), then the checks that failed.
      const why = code === null ? `no result within ${AGENT_RUN_TIMEOUT_MS / 1000} s` : lastErrorLine(stderr);
      throw new AgentTaskError(scrub(`${why ? `${why} — ` : ''}${problems.join('; ')}`, [key, secret, baseUrl]));
    }
  } finally {
    await close(proxy.server);
    await mock.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------ Claude Code

/** The model Claude Code asks for in a dialect: its default where the dialect serves it, else the dialect's own. */
function claudeModel(profile: string): string | undefined {
  if (profile === referenceRelay().id) return undefined;
  const messages = (loadRelay(profile).endpoints ?? []).find((e) => e.protocol === 'anthropic-messages');
  return messages?.models?.[0];
}

async function runClaudeCase(which: 'plain' | 'read', column: AgentColumn): Promise<void> {
  const bin = installedBinary();
  if (!bin) throw new Error(`Claude Code ${CLAUDE_CODE_VERSION} is not installed (npm run agents:claude)`);
  const dir = mkdtempSync(join(tmpdir(), 'relaycheck-readiness-claude-'));
  const home = join(dir, 'home');
  const work = join(dir, 'work');
  mkdirSync(home);
  mkdirSync(work);
  const token = `PLUM-${randomBytes(3).toString('hex').toUpperCase()}`;
  const note = join(work, NOTE_FILE);
  writeFileSync(note, `The code is ${token}.\n`);
  const fixtures: Fixture[] = which === 'read' ? readTaskFixtures(note, token) : [];
  const apiKey = `sk-agents-${randomBytes(12).toString('hex')}`;
  const mock = createMockProvider({
    profile: column.profile,
    apiKeys: apiKey,
    fixtures,
    ...(column.break ? { breaks: [{ id: column.break }] } : {}),
  });
  const recorder = await startRecorder();
  try {
    const { url } = await mock.start({ port: 0, host: '127.0.0.1' });
    const model = claudeModel(column.profile);
    const prompt = which === 'read' ? READ_PROMPT : 'What is the capital of France?';
    const result = await runClaude(
      bin,
      ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Read'],
      {
        ...OFFLINE_ENV,
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_KEY: apiKey,
        // As the SDK operations run with maxRetries: 0: a refusal shows at once.
        CLAUDE_CODE_MAX_RETRIES: '0',
        API_TIMEOUT_MS: String(AGENT_RUN_TIMEOUT_MS / 2),
        ...(model
          ? { ANTHROPIC_MODEL: model, ANTHROPIC_SMALL_FAST_MODEL: model, ANTHROPIC_DEFAULT_HAIKU_MODEL: model }
          : {}),
        HTTPS_PROXY: recorder.url,
        HTTP_PROXY: recorder.url,
        https_proxy: recorder.url,
        http_proxy: recorder.url,
      },
      work,
      AGENT_RUN_TIMEOUT_MS,
    );
    const expectation: CaseExpectation =
      which === 'read'
        ? { maxRequests: 6, toolCalls: ['Read'], toolResultContains: token, answerContains: token }
        : { maxRequests: 4, toolCalls: [] };
    const transcript = parseTranscript(result.stdout);
    const failed = judge(summarize(mock.requests(), transcript, [...recorder.attempts]), expectation).filter(
      (c) => !c.ok,
    );
    if (result.code !== 0 || failed.length > 0) {
      // Claude Code's own words first (e.g. "API Error: 404 ..."), then the checks that failed.
      const said =
        result.code === null
          ? `no result within ${AGENT_RUN_TIMEOUT_MS / 1000} s`
          : transcript.isError
            ? (transcript.answer ?? lastErrorLine(result.stderr))
            : '';
      const checks = failed.map((c) => c.what).join('; ');
      throw new AgentTaskError(
        scrub([said, checks || `claude exited ${result.code}`].filter((s) => s !== '').join(' — '), [
          apiKey,
          token,
          url,
        ]),
      );
    }
  } finally {
    await recorder.stop();
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------- registry

const codex = {
  client: 'codex',
  surface: 'responses',
  package: CODEX_PACKAGE,
  version: CODEX_VERSION,
  installed: codexInstalled,
} as const;

const claudeCode = {
  client: 'claude-code',
  surface: 'messages',
  package: CLAUDE_CODE_PACKAGE,
  version: CLAUDE_CODE_VERSION,
  installed: () => installedBinary() !== undefined,
} as const;

export const AGENT_OPERATIONS: AgentOperation[] = [
  {
    ...codex,
    id: 'codex.plain-task',
    operation: '`codex exec` "Output exactly: …": exit 0, the final message is the answer',
    run: (column) => runCodexCase('plain task', column),
  },
  {
    ...codex,
    id: 'codex.tool-task',
    operation:
      '`codex exec` "Read notes.txt …": Codex runs the scripted shell call, sends its output back and answers with the file\'s word',
    run: (column) => runCodexCase('tool task', column),
  },
  {
    ...claudeCode,
    id: 'claude-code.plain-question',
    operation: '`claude -p` a plain question with its default model: an answer, no tool call, exit 0',
    run: (column) => runClaudeCase('plain', column),
  },
  {
    ...claudeCode,
    id: 'claude-code.read-tool',
    operation:
      '`claude -p` "Read the file note.txt …": Claude Code runs the scripted Read call and answers with the file\'s code',
    run: (column) => runClaudeCase('read', column),
  },
];

/** Where the binaries are looked for, for the generator's message. */
export const AGENT_BINARIES: Record<AgentOperation['client'], string> = {
  codex: CODEX_BIN,
  'claude-code': `.cache/agents/claude-code-${CLAUDE_CODE_VERSION}/`,
};

const MAX_MESSAGE = 160;

function outcomeOf(err: unknown): Outcome {
  const line = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  return {
    error: errorClass(err),
    message: line.length <= MAX_MESSAGE ? line : `${line.slice(0, MAX_MESSAGE - 1)}…`,
  };
}

/**
 * Every agent operation in its columns (faithful, every dialect, the breaks of `scope`),
 * at most `concurrency` agents at once. The cells have the SDK matrix's shape.
 */
export async function measureAgents(
  operations: readonly AgentOperation[],
  profiles: readonly string[],
  concurrency: number,
  scope: AgentBreakScope,
  onCell?: (cell: Cell, done: number, total: number) => void,
): Promise<Cell[]> {
  const jobs = operations.flatMap((op) => agentColumns(op.surface, profiles, scope).map((column) => ({ op, column })));
  let done = 0;
  return mapLimit(jobs, concurrency, async ({ op, column }): Promise<Cell> => {
    let outcome: Outcome = {};
    try {
      await op.run(agentColumn(column));
    } catch (err) {
      outcome = outcomeOf(err);
    }
    const cell: Cell = { column, operation: op.id, outcome };
    onCell?.(cell, ++done, jobs.length);
    return cell;
  });
}
