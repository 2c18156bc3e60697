// `npx tsx scripts/dev/clients/readiness.ts [--concurrency N] [--agent-concurrency N]
// [--agent-breaks all|surface] [--no-agents | --only-agents] [--check]` (or `--render-only`:
// docs/CLIENTS.md again from the committed data): runs every client operation (suites/clients/)
// against the built-in mock in the faithful dialect, each relay dialect and each single break,
// then writes spec/clients.yaml (the data the report's prediction reads) and docs/CLIENTS.md
// (the readable tables). Exits 1, writing nothing, when an operation fails against the
// faithful dialect (the mock or an operation is wrong).
//
// The agents (Codex CLI, Claude Code: scripts/dev/clients/agents.ts) run only when their binary
// is installed (`npm run agents:codex`, `npm run agents:claude`); an agent that is not keeps
// the rows recorded before, and the script says so. An agent runs in the faithful dialect,
// every dialect and, by default, the breaks of its API only (Codex: the Responses breaks;
// Claude Code: the Messages breaks): under every break (`--agent-breaks all`) the agents took
// over 20 minutes on a shared 2-core machine. With an agent to run, the whole script
// re-runs itself in a network namespace with only a loopback (`unshare -rn`, checked), as the
// agents scripts do; without `unshare` the agents are not run.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { breakCategories, breaks } from '../../../spec/breaks.js';
import { loadRelays } from '../../../spec/relays.js';
import { loadClientReadiness } from '../../../suites/clients/data.js';
import type { ClientReadiness } from '../../../spec/generated/types.js';
import { canUnshare, REPO_ROOT } from '../agents/codex-launch.js';
import { outsideReachable } from '../agents/codex-net.js';
import {
  AGENT_BINARIES,
  AGENT_OPERATIONS,
  measureAgents,
  type AgentBreakScope,
  type AgentOperation,
} from './agents.js';
import { buildClientReadiness, clientReadinessYaml, readinessDifferences } from './build-data.js';
import { CLIENT_OPERATIONS } from './operations.js';
import { ALL_OPERATIONS } from './registry.js';
import { measureMatrix, profileOrder, quietConsole, type Cell } from './measure.js';
import { renderClientsDoc } from './markdown.js';

export const CLIENTS_YAML = fileURLToPath(new URL('../../../spec/clients.yaml', import.meta.url));
export const CLIENTS_DOC = fileURLToPath(new URL('../../../docs/CLIENTS.md', import.meta.url));

const INSIDE = 'RELAYCHECK_READINESS_NETNS';
const USAGE =
  'usage: npx tsx scripts/dev/clients/readiness.ts [--concurrency N] [--agent-concurrency N] [--agent-breaks all|surface] [--no-agents | --only-agents] [--check] | --render-only\n';

interface Args {
  concurrency: number;
  agentConcurrency: number;
  agentBreaks: AgentBreakScope;
  agents: boolean;
  /** Compare with the committed data instead of writing it (exit 1 on a difference). */
  check: boolean;
  /** Measure the agents only; the SDK operations keep their recorded rows. */
  onlyAgents: boolean;
  /** Only re-render docs/CLIENTS.md from the committed spec/clients.yaml (no measurement). */
  renderOnly: boolean;
}

function parse(argv: string[]): Args | undefined {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const args: Args = {
    concurrency: Number(value('--concurrency') ?? 12),
    agentConcurrency: Number(value('--agent-concurrency') ?? 3),
    agentBreaks: (value('--agent-breaks') ?? 'surface') as AgentBreakScope,
    agents: !argv.includes('--no-agents'),
    renderOnly: argv.includes('--render-only'),
    onlyAgents: argv.includes('--only-agents'),
    check: argv.includes('--check'),
  };
  const ok =
    [args.concurrency, args.agentConcurrency].every((n) => Number.isInteger(n) && n >= 1) &&
    ['all', 'surface'].includes(args.agentBreaks);
  return ok ? args : undefined;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function progress(what: string): (cell: Cell, done: number, total: number) => void {
  let last = -1;
  return (_cell, done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (percent % 10 === 0 && percent !== last) {
      last = percent;
      log(`  ${done}/${total} ${what} (${percent}%)`);
    }
  };
}

/** The committed data, or undefined when there is none yet or it no longer validates. */
function previousData(): ClientReadiness | undefined {
  if (!existsSync(CLIENTS_YAML)) return undefined;
  try {
    return loadClientReadiness();
  } catch (err) {
    log(`the committed spec/clients.yaml does not validate (${(err as Error).message}): no rows kept`);
    return undefined;
  }
}

function writeDoc(data: ClientReadiness): void {
  writeFileSync(
    CLIENTS_DOC,
    renderClientsDoc({ data, breaks: breaks(), categories: breakCategories(), relays: loadRelays() }),
  );
}

/** Re-run this script where only a loopback exists (brought up first); its exit status. */
function reexecIsolated(argv: string[]): number {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(
    'unshare',
    ['-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', tsx, fileURLToPath(import.meta.url), ...argv],
    { stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' } },
  );
  return r.status ?? 1;
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (!args) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (args.renderOnly) {
    writeDoc(loadClientReadiness());
    log('wrote docs/CLIENTS.md from spec/clients.yaml');
    return 0;
  }
  const installed = args.agents ? AGENT_OPERATIONS.filter((o) => o.installed()) : [];
  let agents: AgentOperation[] = installed;
  if (installed.length > 0 && process.env[INSIDE] !== '1') {
    if (canUnshare()) return reexecIsolated(argv);
    log('`unshare -rn` is not available here: the agents are not run (their recorded rows are kept)');
    agents = [];
  }
  if (process.env[INSIDE] === '1' && agents.length > 0) {
    const leak = await outsideReachable();
    if (leak) {
      log(`the namespace is not isolated (${leak}): the agents are not run (their recorded rows are kept)`);
      agents = [];
    }
  }
  for (const client of new Set(AGENT_OPERATIONS.map((o) => o.client)))
    if (!agents.some((o) => o.client === client))
      log(
        `${client}: not measured (${args.agents ? `not installed at ${AGENT_BINARIES[client]}` : '--no-agents'}); its rows in spec/clients.yaml are kept as recorded`,
      );

  const started = performance.now();
  const restore = quietConsole();
  let cells: Cell[];
  const timings: string[] = [];
  try {
    let t = performance.now();
    cells = args.onlyAgents
      ? []
      : await measureMatrix({
          operations: CLIENT_OPERATIONS,
          concurrency: args.concurrency,
          onCell: progress('SDK client operations'),
        });
    if (!args.onlyAgents) timings.push(`SDK operations ${cells.length} in ${seconds(t)}`);
    for (const client of new Set(agents.map((o) => o.client))) {
      t = performance.now();
      const agentCells = await measureAgents(
        agents.filter((o) => o.client === client),
        profileOrder(),
        args.agentConcurrency,
        args.agentBreaks,
        progress(`${client} runs`),
      );
      cells.push(...agentCells);
      timings.push(`${client} ${agentCells.length} runs in ${seconds(t)}`);
    }
  } finally {
    restore();
  }
  const faithful = cells.filter((c) => c.column.kind === 'faithful' && c.outcome.error !== undefined);
  if (faithful.length > 0) {
    for (const c of faithful) log(`faithful dialect: ${c.operation} failed: ${c.outcome.error}: ${c.outcome.message}`);
    log('every operation must work against the faithful dialect; nothing written');
    return 1;
  }
  if (args.check) {
    // What checks the agents' rows (npm test checks the SDKs'): `--only-agents --check`.
    const recorded = previousData();
    if (!recorded) throw new Error('--check: no valid spec/clients.yaml to compare with');
    const differences = readinessDifferences(recorded, cells);
    for (const d of differences) log(d);
    log(
      `${cells.length} client operations in ${seconds(started)} (${timings.join('; ')}); ` +
        (differences.length === 0
          ? 'every one gives the outcome recorded in spec/clients.yaml'
          : `${differences.length} differ from spec/clients.yaml (nothing written)`),
    );
    return differences.length === 0 ? 0 : 1;
  }
  const data = buildClientReadiness({ operations: ALL_OPERATIONS, cells, previous: previousData() });
  writeFileSync(CLIENTS_YAML, clientReadinessYaml(data));
  writeDoc(data);
  const failing = data.breaks.filter((r) => Object.keys(r.fails).length > 0).length;
  log(
    `${cells.length} client operations in ${seconds(started)} (${timings.join('; ')}); ` +
      `${failing} of ${data.breaks.length} breaks make a client operation fail\n` +
      `wrote spec/clients.yaml and docs/CLIENTS.md`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
