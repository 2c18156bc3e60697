// `npm run bench`: mock vs a bare node:http replay of its own bytes (throughput, latency),
// then a memory soak of the mock; writes docs/BENCHMARKS.md. Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT, startChild, type ServerChild } from './children.ts';
import { machineInfo } from './machine.ts';
import { measureMemory } from './memory.ts';
import { analyse, profileChild } from './profile.ts';
import type { RecordedResponse } from './protocol.ts';
import { renderReport, verdicts, type BenchConfig, type ReportInput } from './report.ts';
import { BENCH_BODY, recordResponse } from './request.ts';
import { measureThroughput } from './throughput.ts';

type ReportProfile = NonNullable<ReportInput['profile']>;

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}

const config: BenchConfig = {
  rounds: intEnv('BENCH_ROUNDS', 3, 1, 20),
  seconds: intEnv('BENCH_SECONDS', 5, 1, 60),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2, 1, 30),
  connectionsList: (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`BENCH_CONNECTIONS: bad value '${s}'`);
    return n;
  }),
  ratioTarget: 0.6,
  heapGrowthLimit: 1.2,
  memoryConnections: 50,
};
const memoryRequests = intEnv('BENCH_MEMORY_REQUESTS', 100_000, 1_000, 1_000_000);
const profileSeconds = intEnv('BENCH_PROFILE_SECONDS', 5, 0, 60);
/** Also measure the minimal Express app (reference only; BENCH_FLOOR=0 leaves it out). */
const withFloor = process.env.BENCH_FLOOR !== '0';

const replayConfig = (r: RecordedResponse): RecordedResponse => ({ status: r.status, headers: r.headers, bodyBase64: r.bodyBase64 });
const outPath = resolve(REPO_ROOT, process.env.BENCH_OUT ?? 'docs/BENCHMARKS.md');

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const t0 = performance.now();
  const children: ServerChild[] = [];
  // A hard ceiling on the whole run: whatever hangs, the children go and the process ends.
  const watchdog = setTimeout(() => {
    process.stderr.write('bench: over 10 minutes, giving up\n');
    for (const c of children) c.proc.kill('SIGKILL');
    process.exit(2);
  }, 10 * 60_000);
  watchdog.unref();
  try {
    log('bench: starting the mock child');
    const mock = await startChild('mock', './serve-mock.ts');
    children.push(mock);
    const recorded = await recordResponse(mock.url);
    if (recorded.status !== 200) {
      throw new Error(`the mock answered the bench request with ${recorded.status}: ${Buffer.from(recorded.bodyBase64, 'base64').toString('utf8')}`);
    }
    const bodyBytes = Buffer.from(recorded.bodyBase64, 'base64').length;
    log(`bench: mock answers ${recorded.status}, ${bodyBytes} bytes; starting the bare replay child`);
    const bare = await startChild('bare', './serve-bare.ts', { firstMessage: { type: 'config', response: replayConfig(recorded) } });
    children.push(bare);
    const replayed = await recordResponse(bare.url);
    if (replayed.bodyBase64 !== recorded.bodyBase64 || replayed.status !== recorded.status) throw new Error('the bare server does not replay the mock\'s bytes');
    let floor: ServerChild | undefined;
    if (withFloor) {
      floor = await startChild('express floor', './serve-express-floor.ts', { firstMessage: { type: 'config', response: replayConfig(recorded) } });
      children.push(floor);
      const f = await recordResponse(floor.url);
      if (f.bodyBase64 !== recorded.bodyBase64 || f.status !== recorded.status) throw new Error('the Express floor server does not replay the mock\'s bytes');
    }

    log(`bench: throughput, ${config.rounds} rounds × ${config.seconds} s per side (mock, bare${floor ? ', Express floor' : ''}), c=${config.connectionsList.join(',')}`);
    const throughput = await measureThroughput({ mock, bare, ...(floor ? { floor } : {}) }, { ...config, log });
    await Promise.all([bare.stop(), floor?.stop()]);

    let profile: ReportProfile | undefined;
    if (profileSeconds > 0) {
      const connections = Math.max(...config.connectionsList);
      log(`bench: CPU profile of the (warm) mock, ${profileSeconds} s at c=${connections}`);
      const dir = mkdtempSync(join(tmpdir(), 'relaycheck-bench-'));
      try {
        const a = analyse(await profileChild('mock', mock, dir, profileSeconds, connections, 0), 12);
        profile = { seconds: profileSeconds, connections, categories: a.categories, functions: a.functions };
        for (const c of a.categories) log(`  ${(c.share * 100).toFixed(1).padStart(5)}%  ${c.name}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    await mock.stop();

    log(`bench: memory, ${memoryRequests.toLocaleString('en-US')} requests to a fresh mock child at c=${config.memoryConnections}`);
    const soak = await startChild('mock (memory)', './serve-mock.ts');
    children.push(soak);
    const memory = await measureMemory(soak, {
      warmupRequests: 10_000,
      totalRequests: memoryRequests,
      every: Math.max(1, Math.round(memoryRequests / 10)),
      connections: config.memoryConnections,
      log,
    });
    await soak.stop();

    const v = verdicts(throughput, memory, config);
    const totalSeconds = (performance.now() - t0) / 1000;
    const report = renderReport({
      date: new Date(),
      machine: machineInfo(),
      config,
      throughput,
      memory,
      verdicts: v,
      recorded: { status: recorded.status, headers: recorded.headers, bodyBytes, requestBytes: Buffer.byteLength(BENCH_BODY) },
      totalSeconds,
      ...(profile ? { profile } : {}),
    });
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, report);

    log('');
    for (const x of v) log(`${x.pass ? 'PASS' : 'FAIL'}  ${x.target}: ${x.figure}`);
    log(`bench: ${totalSeconds.toFixed(0)} s; wrote ${outPath}`);
  } finally {
    await Promise.all(children.map((c) => c.stop().catch(() => c.proc.kill('SIGKILL'))));
    clearTimeout(watchdog);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
