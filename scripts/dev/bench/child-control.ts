// Shared by the server children: answers the parent's memory, CPU and profiler probes over
// IPC, and stops on request (or when the parent goes away), so no bench child outlives the run.
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import type { ChildMessage, MemorySample, RecordedResponse } from './protocol.js';
import { isObject } from './protocol.js';

/** The replaying children wait for the response they are to replay (sent by the parent). */
export function waitForConfig(): Promise<RecordedResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench child: no config from the parent within 10 s')), 10_000);
    const onMessage = (msg: unknown): void => {
      if (isObject(msg) && msg.type === 'config' && isObject(msg.response)) {
        clearTimeout(timer);
        process.off('message', onMessage);
        resolve(msg.response as unknown as RecordedResponse);
      }
    };
    process.on('message', onMessage);
  });
}

export function sampleMemory(): MemorySample {
  const before = process.memoryUsage().heapUsed;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    // Two passes: the first may only schedule finalizers.
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, heapUsedBeforeGc: before, external: m.external };
}

export function send(msg: ChildMessage): void {
  process.send?.(msg);
}

let profiler: Session | undefined;

/** The V8 CPU profiler (what --cpu-prof uses), started and stopped on the parent's word so
 * that a profile covers the steady state only, not start-up and module loading. */
async function profile(action: 'start' | 'stop', path: string | undefined): Promise<string> {
  if (action === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
    await profiler.post('Profiler.start');
    return '';
  }
  if (!profiler || !path) throw new Error('the profiler is not running');
  const { profile: result } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  writeFileSync(path, JSON.stringify(result));
  return path;
}

/** Wires memory, CPU and profiler probes, `stop` and parent death to `stop`. */
export function serveControl(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => process.exit(0), 3000);
    hard.unref();
    stop()
      .catch(() => undefined)
      // process.exit (not a kill) so that --cpu-prof gets to write its profile.
      .finally(() => process.exit(0));
  };
  process.on('message', (msg: unknown) => {
    if (!isObject(msg)) return;
    if (msg.type === 'memory' && typeof msg.id === 'number')
      send({ type: 'memory', id: msg.id, sample: sampleMemory() });
    else if (msg.type === 'cpu' && typeof msg.id === 'number')
      send({ type: 'cpu', id: msg.id, sample: process.cpuUsage() });
    else if ((msg.type === 'profile-start' || msg.type === 'profile-stop') && typeof msg.id === 'number') {
      const id = msg.id;
      profile(
        msg.type === 'profile-start' ? 'start' : 'stop',
        typeof msg.path === 'string' ? msg.path : undefined,
      ).then(
        (path) => send({ type: 'profile', id, sample: path }),
        (err: unknown) =>
          send({ type: 'profile', id, sample: `error: ${err instanceof Error ? err.message : String(err)}` }),
      );
    } else if (msg.type === 'stop') shutdown();
  });
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Listen on a free loopback port, answer the parent's control messages, report ready. */
export async function serveChild(server: Server): Promise<void> {
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  serveControl(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}
