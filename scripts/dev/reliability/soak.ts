// The storm: N concurrent streaming clients against one mock, a third of them hanging up
// mid-stream, repeated; then, after forced garbage collections, the heap and the open
// handles must be back at their baseline. Runs in its own process, started with
// --expose-gc (runSoak() below starts it), and prints one JSON line: the figures.
//
//   node --expose-gc --import tsx scripts/dev/reliability/soak.ts [--clients 500] [--storms 3]
//        [--warmup 1] [--tokens-per-second 40] [--disconnect-every 3]
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMockProvider } from '../../../mock-server/index.js';
import { validate } from '../../../spec/validators.js';
import { interpretChatStream, parseSse } from '../../../suites/transport/sse.js';

export interface SoakOptions {
  clients: number;
  /** Measured storms (after the warm-up ones). */
  storms: number;
  warmup: number;
  tokensPerSecond: number;
  /** Every k-th client hangs up mid-stream (3: a third of them). */
  disconnectEvery: number;
}

export interface StormFigures {
  clients: number;
  /** Streams read to the end: [DONE], every chunk valid, a finish_reason per choice. */
  complete: number;
  /** Clients that hung up on purpose, mid-stream. */
  disconnected: number;
  /** Streams that should have completed and did not (each a failure). */
  broken: number;
  /** The first few reasons for `broken`. */
  problems: string[];
  ms: number;
  /** Highest heapUsed / rss sampled during the storm, MiB. */
  peakHeapMiB: number;
  peakRssMiB: number;
}

export interface SoakFigures {
  options: SoakOptions;
  storms: StormFigures[];
  /** heapUsed after forced GC, MiB: before the measured storms, after each, and at the end. */
  baselineHeapMiB: number;
  heapAfterStormMiB: number[];
  finalHeapMiB: number;
  /** process.getActiveResourcesInfo() by kind, before the measured storms and after. */
  baselineHandles: Record<string, number>;
  finalHandles: Record<string, number>;
  /** Uncaught exceptions, unhandled rejections and mock internal errors seen in the process. */
  unhandled: string[];
  durationMs: number;
}

export const DEFAULT_SOAK: SoakOptions = {
  clients: 500,
  storms: 3,
  warmup: 1,
  tokensPerSecond: 40,
  disconnectEvery: 3,
};

const MiB = 1024 * 1024;
const BODY = JSON.stringify({
  model: 'mock-model',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Count from 1 to 12, separated by commas.' }],
});

function countHandles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed / MiB;
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One streaming client; `hangUpAfter` data events, or read to the end (null). */
function client(origin: URL, hangUpAfter: number | null): Promise<{ ok: boolean; hungUp: boolean; problem?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({
      host: origin.hostname,
      port: origin.port,
      method: 'POST',
      path: '/v1/chat/completions',
      // agent: false: one connection per client, closed after its answer (no pooled socket
      // outlives the storm and passes for a leak).
      agent: false,
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-soak',
        'content-length': Buffer.byteLength(BODY),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ ok: false, hungUp: false, problem: 'no end within 20 s' });
    }, 20_000);
    const done = (r: { ok: boolean; hungUp: boolean; problem?: string }): void => {
      clearTimeout(timer);
      resolve(r);
    };
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      let events = 0;
      res.on('data', (d: Buffer) => {
        parts.push(d);
        events += d.toString('latin1').split('\n\n').length - 1;
        if (hangUpAfter !== null && events >= hangUpAfter) {
          req.destroy();
          done({ ok: true, hungUp: true });
        }
      });
      res.on('end', () => {
        if (hangUpAfter !== null)
          return done({ ok: false, hungUp: false, problem: 'the stream ended before the client could hang up' });
        done(checkStream(res.statusCode ?? 0, Buffer.concat(parts).toString('utf8')));
      });
      res.on('error', (e) => {
        if (hangUpAfter === null) done({ ok: false, hungUp: false, problem: `stream cut: ${e.message}` });
      });
    });
    req.on('error', (e) => {
      if (hangUpAfter === null) done({ ok: false, hungUp: false, problem: `request failed: ${e.message}` });
    });
    req.end(BODY);
  });
}

function checkStream(status: number, text: string): { ok: boolean; hungUp: boolean; problem?: string } {
  const fail = (problem: string) => ({ ok: false, hungUp: false, problem });
  if (status !== 200) return fail(`HTTP ${status}`);
  const read = interpretChatStream(parseSse(text).events);
  if (!read.done) return fail('no [DONE]');
  if (read.nonJson.length > 0 || read.errorEvents.length > 0) return fail('a non-JSON or error event');
  for (const chunk of read.chunks) if (!validate('chat-chunk', chunk).valid) return fail('an invalid chunk');
  const finished = read.chunks.some((c) =>
    (c as { choices?: { finish_reason?: unknown }[] }).choices?.some((x) => typeof x.finish_reason === 'string'),
  );
  if (!finished) return fail('no finish_reason');
  if (!read.chunks.some((c) => (c as { usage?: unknown }).usage)) return fail('no usage chunk');
  return { ok: true, hungUp: false };
}

async function storm(origin: URL, o: SoakOptions): Promise<StormFigures> {
  let peakHeap = 0;
  let peakRss = 0;
  const sampleMemory = (): void => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed / MiB);
    peakRss = Math.max(peakRss, m.rss / MiB);
  };
  const sampler = setInterval(sampleMemory, 25);
  const started = performance.now();
  // Hang up after 2..6 events: well inside a stream of ~30 paced chunks.
  const results = await Promise.all(
    Array.from({ length: o.clients }, (_, i) => client(origin, i % o.disconnectEvery === 0 ? 2 + (i % 5) : null)),
  );
  clearInterval(sampler);
  sampleMemory();
  const problems = results.filter((r) => !r.ok).map((r) => r.problem ?? 'unknown');
  return {
    clients: o.clients,
    complete: results.filter((r) => r.ok && !r.hungUp).length,
    disconnected: results.filter((r) => r.hungUp).length,
    broken: problems.length,
    problems: [...new Set(problems)].slice(0, 5),
    ms: Math.round(performance.now() - started),
    peakHeapMiB: round(peakHeap),
    peakRssMiB: round(peakRss),
  };
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** The soak itself, in this process (which must have been started with --expose-gc). */
export async function soak(o: SoakOptions): Promise<SoakFigures> {
  const started = performance.now();
  const unhandled: string[] = [];
  const onError = (e: unknown): void => {
    unhandled.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  // The mock reports its internal errors (a 500) on stderr: count them too.
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('internal error')) unhandled.push(text.trim());
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;

  // The journal stays on, as for any user; it is cleared before each measurement, since what
  // it keeps (a bounded ring) is not a leak.
  const mock = createMockProvider({ pacing: { tokensPerSecond: o.tokensPerSecond } });
  const { url } = await mock.start({ port: 0 });
  const origin = new URL(url);
  const settle = async (): Promise<number> => {
    mock.journal.clear();
    // Let closed sockets finish closing (their handles go on the next turns of the loop).
    for (let i = 0; i < 10 && JSON.stringify(countHandles()) !== JSON.stringify(baselineHandles ?? {}); i++)
      await tick(50);
    await tick(50);
    return collect();
  };
  // Assigned once the warm-up is done; settle() (defined above) reads it from then on.
  // eslint-disable-next-line prefer-const
  let baselineHandles: Record<string, number> | undefined;
  for (let i = 0; i < o.warmup; i++) await storm(origin, o);
  await tick(200);
  const baselineHeap = await settle();
  baselineHandles = countHandles();

  const storms: StormFigures[] = [];
  const heapAfterStorm: number[] = [];
  for (let i = 0; i < o.storms; i++) {
    storms.push(await storm(origin, o));
    heapAfterStorm.push(round(await settle()));
  }
  const finalHeap = await settle();
  const finalHandles = countHandles();
  await mock.stop();
  process.stderr.write = write;
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
  return {
    options: o,
    storms,
    baselineHeapMiB: round(baselineHeap),
    heapAfterStormMiB: heapAfterStorm,
    finalHeapMiB: round(finalHeap),
    baselineHandles,
    finalHandles,
    unhandled,
    durationMs: Math.round(performance.now() - started),
  };
}

const SELF = fileURLToPath(import.meta.url);

/** Run the soak in a child process with --expose-gc; resolves with its figures. */
export function runSoak(options: Partial<SoakOptions> = {}, timeoutMs = 120_000): Promise<SoakFigures> {
  const o = { ...DEFAULT_SOAK, ...options };
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    SELF,
    '--clients',
    String(o.clients),
    '--storms',
    String(o.storms),
    '--warmup',
    String(o.warmup),
    '--tokens-per-second',
    String(o.tokensPerSecond),
    '--disconnect-every',
    String(o.disconnectEvery),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as SoakFigures);
      } catch {
        reject(new Error(`the soak process exited ${code}: ${err.slice(-2000) || out.slice(-2000)}`));
      }
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string' },
      storms: { type: 'string' },
      warmup: { type: 'string' },
      'tokens-per-second': { type: 'string' },
      'disconnect-every': { type: 'string' },
    },
  });
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  const o: SoakOptions = {
    clients: num(values.clients, DEFAULT_SOAK.clients),
    storms: num(values.storms, DEFAULT_SOAK.storms),
    warmup: num(values.warmup, DEFAULT_SOAK.warmup),
    tokensPerSecond: num(values['tokens-per-second'], DEFAULT_SOAK.tokensPerSecond),
    disconnectEvery: num(values['disconnect-every'], DEFAULT_SOAK.disconnectEvery),
  };
  soak(o).then(
    (figures) => {
      process.stdout.write(`${JSON.stringify(figures)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`soak failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
