// A gateway as a child process: started with the loopback preload, in its own process
// group (stopped as a whole, also on errors and Ctrl-C), its output kept in a log file,
// and ready only once the socket list shows it listening on 127.0.0.1 alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judgeListeners, readListeners, socketInodes, type SocketVerdict } from './sockets.js';

export const PRELOAD = fileURLToPath(new URL('./loopback-preload.cjs', import.meta.url));

export interface GatewayProcess {
  pid: number;
  sockets: SocketVerdict;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops every gateway still running (the exit and signal handlers call it). */
export function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
}

async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return void running.delete(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

export async function startGateway(options: {
  cwd: string;
  args: string[];
  env?: Record<string, string>;
  port: number;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<GatewayProcess> {
  const log = createWriteStream(options.logFile);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.cwd,
    NODE_ENV: 'production',
    NODE_OPTIONS: `--require ${PRELOAD}`,
    // Keep the gateways from reaching for anything but loopback.
    NO_PROXY: '*',
    ...options.env,
  };
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('exit', () => {
    running.delete(child);
    log.end();
  });
  const stop = () => stopChild(child);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `exited (${child.signalCode ?? `code ${child.exitCode}`}) before listening; see ${options.logFile}`,
        );
      if (readListeners().some((l) => l.port === options.port)) break;
      if (Date.now() > deadline)
        throw new Error(`not listening on port ${options.port} after the timeout; see ${options.logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Settle: a server may open more sockets right after the first.
    await new Promise((r) => setTimeout(r, 300));
    const sockets = judgeListeners(readListeners(), options.port, socketInodes(child.pid!));
    if (!sockets.ok) throw new Error(`refusing to use it: ${sockets.problem} (found ${sockets.found.join(', ')})`);
    return { pid: child.pid!, sockets, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
