// Launching Claude Code offline, shared by `npm run agents:claude` (claude-code.ts) and the
// client readiness generator (scripts/dev/clients/agents.ts): the pinned version, its install
// into .cache/agents/, the offline environment, the refusing proxy recorder, one `claude -p`
// run, and the fixture that scripts the Read task.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fixture } from '../../../mock-server/index.js';
import { freePort } from '../free-port.js';

// The pinned Claude Code. 2.1.337 (the newest 2.1 in December 2026) defaults to
// claude-opus-5-5, which the default profile serves too: `--version 2.1.337` passes as well.
export const CLAUDE_CODE_VERSION = '2.1.197';
export const CLAUDE_CODE_PACKAGE = '@anthropic-ai/claude-code';
export const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const CACHE = join(ROOT, '.cache', 'agents');
export const CASE_TIMEOUT_MS = 180_000;

/** The native binary's package per platform (what the package's own install script would copy). */
const NATIVE: Record<string, string> = {
  'linux-x64': `${CLAUDE_CODE_PACKAGE}-linux-x64`,
  'linux-arm64': `${CLAUDE_CODE_PACKAGE}-linux-arm64`,
  'darwin-x64': `${CLAUDE_CODE_PACKAGE}-darwin-x64`,
  'darwin-arm64': `${CLAUDE_CODE_PACKAGE}-darwin-arm64`,
};

// Claude Code's switches for everything but the model API (telemetry, error reports,
// auto-update, feedback); CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC covers the rest.
export const OFFLINE_ENV: Record<string, string> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_ENABLE_TELEMETRY: '0',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};

export function log(line: string): void {
  process.stderr.write(`[agents] ${line}\n`);
}

export function binaryPath(dir: string): string {
  const pkg = NATIVE[`${platform()}-${arch()}`];
  if (!pkg) throw new Error(`no Claude Code binary package known for ${platform()}-${arch()}`);
  return join(dir, 'node_modules', pkg, 'claude');
}

/** The version of the platform package holding the binary. */
function nativeVersion(bin: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(bin, '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Where a version is (or would be) installed. */
export function installDir(version: string): string {
  return join(CACHE, `claude-code-${version}`);
}

/** The binary of an installed version, or undefined when it is not installed (nothing is fetched). */
export function installedBinary(version: string = CLAUDE_CODE_VERSION): string | undefined {
  try {
    const bin = binaryPath(installDir(version));
    return existsSync(bin) && nativeVersion(bin) === version ? bin : undefined;
  } catch {
    return undefined;
  }
}

export function install(version: string): string {
  const dir = installDir(version);
  const manifest = `${JSON.stringify({ name: 'relaycheck-agents-claude-code', private: true, dependencies: { [CLAUDE_CODE_PACKAGE]: version } }, null, 2)}\n`;
  const bin = binaryPath(dir);
  if (
    existsSync(bin) &&
    existsSync(join(dir, 'package.json')) &&
    readFileSync(join(dir, 'package.json'), 'utf8') === manifest &&
    nativeVersion(bin) === version
  )
    return bin;
  log(`installing ${CLAUDE_CODE_PACKAGE}@${version} into ${dir} (~400 MB)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), manifest);
  // --ignore-scripts: nothing from the registry runs at install time.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`npm install of ${CLAUDE_CODE_PACKAGE}@${version} failed`);
  // The platform package is an optional dependency: npm may resolve another version of it.
  if (nativeVersion(bin) !== version)
    throw new Error(`installed ${nativeVersion(bin) ?? 'no'} native binary for ${CLAUDE_CODE_PACKAGE}@${version}`);
  return bin;
}

/** A proxy that forwards nothing: it lists each host asked for and refuses it. */
export async function startRecorder(): Promise<{ url: string; attempts: string[]; stop(): Promise<void> }> {
  const attempts: string[] = [];
  const server = createHttpServer((req, res) => {
    attempts.push(`${req.method} ${req.headers.host ?? req.url ?? ''}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    socket.on('error', () => undefined); // the client may reset it after the 403
    attempts.push(`CONNECT ${req.url ?? ''}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export function runClaude(
  bin: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = CASE_TIMEOUT_MS,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    // Only what it needs: no inherited keys, proxies or tokens from the caller's environment.
    const child = spawn(bin, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

/** The file the Read task reads, in the case's working folder. */
export const NOTE_FILE = 'note.txt';
export const READ_PROMPT = `Read the file ${NOTE_FILE} in the current folder and tell me the code it holds.`;

/**
 * The fixtures that script the Read task: call Read on the note (an absolute path, as Read
 * wants), then answer from the result.
 */
export function readTaskFixtures(notePath: string, token: string): Fixture[] {
  return [
    {
      name: 'read the note',
      match: { toolName: 'Read', hasToolResult: false, userMessage: NOTE_FILE },
      reply: { toolCalls: [{ name: 'Read', arguments: { file_path: notePath } }] },
    },
    {
      name: 'answer from the note',
      match: { toolName: 'Read', hasToolResult: true },
      reply: { content: `The note says the code is ${token}.` },
    },
  ];
}
