// Launching Codex CLI offline, shared by `npm run agents:codex` (codex.ts) and the client
// readiness generator (scripts/dev/clients/agents.ts): the pinned install in .cache/agents/,
// the check for a loopback-only namespace, and one `codex exec` run.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODEX_PACKAGE, CODEX_VERSION, KEY_ENV, NOTES_FILE } from './codex-plan.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CACHE = join(REPO_ROOT, '.cache', 'agents', `codex-${CODEX_VERSION}`);
export const CODEX_BIN = join(CACHE, 'node_modules', '.bin', 'codex');
export const CASE_TIMEOUT_MS = 180_000;

export const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

export function installedVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(CACHE, 'node_modules', CODEX_PACKAGE, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version;
  } catch {
    return undefined;
  }
}

/** npm install of the pinned version into the cache; --ignore-scripts: nothing from the registry runs. */
export function install(): void {
  if (installedVersion() === CODEX_VERSION && existsSync(CODEX_BIN)) return;
  log(`agents:codex: installing ${CODEX_PACKAGE}@${CODEX_VERSION} into ${CACHE}`);
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(
    join(CACHE, 'package.json'),
    `${JSON.stringify({ name: 'relaycheck-agent-codex', private: true, dependencies: { [CODEX_PACKAGE]: CODEX_VERSION } }, null, 2)}\n`,
  );
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: CACHE,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (r.status !== 0 || installedVersion() !== CODEX_VERSION) throw new Error(`npm install of ${CODEX_PACKAGE} failed`);
}

/** `unshare -rn` works here (a user namespace with a network namespace of its own). */
export function canUnshare(): boolean {
  return spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
}

/** One run's throwaway world: the mock's key, the note's secret word, and Codex's folders. */
export interface CodexScratch {
  key: string;
  secret: string;
  /** The folder holding the rest; the caller removes it. */
  scratch: string;
  workspace: string;
  home: string;
  codexHome: string;
}

/** A fresh key and secret, and a workspace holding the note the tool task reads. */
export function codexScratch(prefix: string): CodexScratch {
  const key = `sk-relaycheck-${randomBytes(8).toString('hex')}`;
  const secret = `marmalade-${randomBytes(4).toString('hex')}`;
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(scratch, 'workspace');
  const home = join(scratch, 'home');
  const codexHome = join(scratch, 'codex-home');
  for (const d of [workspace, home, codexHome]) mkdirSync(d);
  writeFileSync(join(workspace, NOTES_FILE), `The secret word is ${secret}.\n`);
  return { key, secret, scratch, workspace, home, codexHome };
}

/**
 * Codex's whole environment: a HOME and CODEX_HOME of its own, the mock's key, and every proxy
 * variable on the refusing recorder, so anything that tries to leave loopback is recorded.
 */
export function codexEnv(o: { home: string; codexHome: string; key: string; proxyUrl: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: o.home,
    CODEX_HOME: o.codexHome,
    [KEY_ENV]: o.key,
    HTTPS_PROXY: o.proxyUrl,
    HTTP_PROXY: o.proxyUrl,
    ALL_PROXY: o.proxyUrl,
    NO_PROXY: '127.0.0.1,localhost',
    TERM: 'dumb',
  };
}

export function runCodex(
  prompt: string,
  env: NodeJS.ProcessEnv,
  workspace: string,
  lastMessageFile: string,
  timeoutMs = CASE_TIMEOUT_MS,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      CODEX_BIN,
      [
        'exec',
        '--skip-git-repo-check',
        '--sandbox',
        'read-only',
        '--color',
        'never',
        '--output-last-message',
        lastMessageFile,
        prompt,
      ],
      // A process group of its own: the npm launcher starts the native binary as its child,
      // and killing the launcher alone would leave Codex running (and holding stderr open).
      { cwd: workspace, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    const timer = setTimeout(killGroup, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup(); // whatever it left behind (a tool command still running)
      resolvePromise({ code, stderr });
    });
  });
}

/** Whether the pinned Codex is installed (nothing is fetched). */
export function codexInstalled(): boolean {
  return installedVersion() === CODEX_VERSION && existsSync(CODEX_BIN);
}
