// `npm run agents:codex`: Codex CLI, offline, against the mock's /v1/responses. It installs the
// pinned @openai/codex into .cache/agents/ (once), then re-runs itself inside a network
// namespace with only loopback (`unshare -rn`), checks that nothing else is reachable, and runs
// two cases: a plain task, and a tool task where a fixture scripts Codex's shell call and the
// answer quotes its output. Each case prints a summary of the mock's journal and of the events
// streamed back; `--save` writes one run to docs/AGENTS-codex.md. Exit 1 when a case fails.
// Too heavy for `npm test` (a 300 MB binary, seconds per case).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockProvider } from '../../../mock-server/index.js';
import { canUnshare, codexEnv, codexScratch, install, log, REPO_ROOT, runCodex } from './codex-launch.js';
import { close, outsideReachable, refusingProxy, sseTap } from './codex-net.js';
import {
  caseProblems,
  codexCases,
  codexFixtures,
  CODEX_MODEL,
  CODEX_PACKAGE,
  CODEX_VERSION,
  formatCase,
  renderConfig,
  summarise,
  type CaseResult,
  type JournalLike,
} from './codex-plan.js';

const INSIDE = 'RELAYCHECK_CODEX_NETNS';
const SAVE_TO = join(REPO_ROOT, 'docs', 'AGENTS-codex.md');

/** Re-run this script in a namespace whose only interface is loopback (brought up first). */
function reexecIsolated(args: string[]): number {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', tsx, script, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [INSIDE]: '1' },
  });
  return r.status ?? 1;
}

interface Journal {
  data: (JournalLike & Record<string, unknown>)[];
  has_more: boolean;
}

/** The journal entries after `after`, every page. */
async function journalSince(mockUrl: string, key: string, after: number): Promise<JournalLike[]> {
  const out: JournalLike[] = [];
  let cursor = after;
  for (;;) {
    const r = await fetch(`${mockUrl}/__mock/journal?limit=100&after=${cursor}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (r.status !== 200) throw new Error(`GET /__mock/journal answered ${r.status}`);
    const page = (await r.json()) as Journal;
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) return out;
    cursor = page.data[page.data.length - 1]!.seq;
  }
}

async function runIsolated(save: boolean, isolated: string): Promise<number> {
  const { key, secret, scratch, workspace, home, codexHome } = codexScratch('relaycheck-codex-');

  const mock = createMockProvider({ apiKeys: key, fixtures: codexFixtures() });
  const { url: mockUrl } = await mock.start({ port: 0 });
  const events: string[][] = [];
  const attempts: string[] = [];
  const tap = await sseTap(mockUrl, events);
  const proxy = await refusingProxy(attempts);
  writeFileSync(join(codexHome, 'config.toml'), renderConfig({ baseUrl: `${tap.url}/v1` }));
  const env = codexEnv({ home, codexHome, key, proxyUrl: proxy.url });

  const results: CaseResult[] = [];
  try {
    for (const c of codexCases(secret)) {
      const before = (await journalSince(mockUrl, key, 0)).at(-1)?.seq ?? 0;
      const eventsBefore = events.length;
      const attemptsBefore = attempts.length;
      const lastMessageFile = join(scratch, `last-${results.length}.txt`);
      log(`agents:codex: ${c.name}`);
      const { code, stderr } = await runCodex(c.prompt, env, workspace, lastMessageFile);
      const finalMessage = existsSync(lastMessageFile) ? readFileSync(lastMessageFile, 'utf8') : '';
      const result: CaseResult = {
        case: c,
        exitCode: code,
        finalMessage,
        summary: summarise(await journalSince(mockUrl, key, before), events.slice(eventsBefore)),
        outsideAttempts: attempts.slice(attemptsBefore),
      };
      results.push(result);
      if (caseProblems(result).length > 0) log(`agents:codex: codex's stderr (tail):\n${stderr.slice(-3000)}`);
    }
  } finally {
    await close(tap.server);
    await close(proxy.server);
    await mock.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const failed = results.filter((r) => caseProblems(r).length > 0).length;
  const report = [
    `Run ${new Date().toISOString()}: ${CODEX_PACKAGE}@${CODEX_VERSION} (\`codex exec\`), model \`${CODEX_MODEL}\`,`,
    `relaycheck ${relaycheckVersion()}, Node ${process.version}, ${process.platform}/${process.arch}.`,
    `Network: ${isolated}.`,
    '',
    ...results.map(formatCase),
    `${results.length - failed} of ${results.length} cases passed.`,
    '',
  ].join('\n');
  process.stdout.write(report);
  if (save) {
    writeFileSync(SAVE_TO, savedDoc(report));
    log(`agents:codex: saved to ${SAVE_TO}`);
  }
  return failed > 0 ? 1 : 0;
}

function relaycheckVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function savedDoc(report: string): string {
  return [
    '## Codex',
    '',
    'Codex CLI against the mock, offline: `npm run agents:codex` (add `-- --save` to rewrite this',
    'section). The script installs the pinned `@openai/codex` into `.cache/agents/` (its npm',
    'package brings the platform binary), gives Codex a `CODEX_HOME` and `HOME` of their own, and',
    'runs it in a network namespace whose only interface is loopback (`unshare -rn`), with',
    'HTTP(S)_PROXY set to a loopback proxy that refuses and records every outside connection.',
    'A tap between Codex and the mock records the SSE event types (the journal keeps requests).',
    'The tool task is scripted by a fixture (a reasoning item and an `exec_command` call running',
    '`cat notes.txt`); the second turn is the computed answer, which quotes the',
    "`function_call_output`, so the final message holds the file's per-run random word only if",
    'Codex ran the command and sent its output back. The client readiness generator',
    '(`npx tsx scripts/dev/clients/readiness.ts`) runs the same two tasks (codex-launch.ts) for its',
    '`codex.*` rows in every dialect and under the Responses breaks, when Codex is installed (docs/CLIENTS.md).',
    '',
    report,
  ].join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const save = args.includes('--save');
  if (process.env[INSIDE] === '1') {
    const leak = await outsideReachable();
    if (leak) {
      log(`agents:codex: the namespace is not isolated (${leak}); not running Codex`);
      return 1;
    }
    return runIsolated(save, 'a namespace with only loopback (`unshare -rn`), checked before use');
  }
  install();
  if (canUnshare()) return reexecIsolated(args);
  // No namespaces here: the refusing proxy is the only guard, and the report says so.
  log('agents:codex: `unshare -rn` is not available: running with the refusing proxy only');
  return runIsolated(save, 'NOT isolated (no `unshare -rn`): outside connections only recorded by the proxy');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`agents:codex: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
