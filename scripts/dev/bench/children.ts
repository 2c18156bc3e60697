// Starts a server child (`node --import tsx FILE`) with an IPC channel, waits for its port,
// and guarantees it is gone at the end: stop over IPC, then SIGKILL after a grace period.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuSample, MemorySample, ParentMessage } from './protocol.js';
import { isObject } from './protocol.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServerChild {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  send(msg: ParentMessage | object): void;
  /** Retained memory, sampled by the child right after a full GC. */
  memory(): Promise<MemorySample>;
  /** The child's CPU time so far (user + system, µs). */
  cpu(): Promise<CpuSample>;
  /** Starts the child's V8 CPU profiler. */
  profileStart(): Promise<void>;
  /** Stops it and has the child write the .cpuprofile to `path`. */
  profileStop(path: string): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Last resort: a child still running when the parent exits is SIGKILLed (by its pid). */
process.on('exit', () => {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
});

export interface StartChildOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Sent right after spawning (the bare server waits for its config). */
  firstMessage?: object;
  readyTimeoutMs?: number;
  /** Arguments for the child script (serve-mock.ts takes its MockOptions as JSON). */
  args?: string[];
}

export async function startChild(name: string, file: string, opts: StartChildOptions = {}): Promise<ServerChild> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const proc = fork(script, opts.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc', ...(opts.nodeArgs ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));

  let nextId = 1;
  const pending = new Map<number, { resolve: (s: unknown) => void; reject: (e: Error) => void }>();
  proc.on('message', (msg: unknown) => {
    if (
      isObject(msg) &&
      (msg.type === 'memory' || msg.type === 'cpu' || msg.type === 'profile') &&
      typeof msg.id === 'number'
    ) {
      pending.get(msg.id)?.resolve(msg.sample);
      pending.delete(msg.id);
    }
  });
  // A child that dies fails its open probes at once, not after their time-out.
  proc.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${name}: exited (code ${code}, signal ${signal})`));
    pending.clear();
  });
  const probe = <T>(type: 'memory' | 'cpu' | 'profile-start' | 'profile-stop', extra: object = {}): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        reject(new Error(`${name}: exited (code ${proc.exitCode}, signal ${proc.signalCode})`));
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name}: no ${type} sample within 15 s`));
      }, 15_000);
      pending.set(id, {
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ ...extra, type, id });
    });
  };

  if (opts.firstMessage) proc.send(opts.firstMessage);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: not ready within ${opts.readyTimeoutMs ?? 20_000} ms`)),
      opts.readyTimeoutMs ?? 20_000,
    );
    const onMessage = (msg: unknown): void => {
      if (isObject(msg) && msg.type === 'ready' && typeof msg.port === 'number')
        done(() => resolve(msg.port as number));
    };
    const onExit = (code: number | null, signal: string | null): void =>
      done(() => reject(new Error(`${name}: exited before it was ready (code ${code}, signal ${signal})`)));
    const done = (f: () => void): void => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      f();
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  }).catch((err: unknown) => {
    proc.kill('SIGKILL');
    throw err;
  });

  const child: ServerChild = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    send(msg) {
      if (proc.connected) proc.send(msg);
    },
    memory: () => probe<MemorySample>('memory'),
    cpu: () => probe<CpuSample>('cpu'),
    async profileStart() {
      const r = await probe<string>('profile-start');
      if (r.startsWith('error:')) throw new Error(`${name}: ${r}`);
    },
    async profileStop(path) {
      const r = await probe<string>('profile-stop', { path });
      if (r.startsWith('error:')) throw new Error(`${name}: ${r}`);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  return child;
}
