// `npm run bench`: mock vs a bare node:http replay of its own bytes (throughput, latency),
// then a memory soak of the mock; writes docs/BENCHMARKS.md. Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT, startChild, type ServerChild } from './children.js';
import { machineInfo } from './machine.js';
import { measureMemory } from './memory.js';
import { analyse, profileChild } from './profile.js';
import type { RecordedResponse } from './protocol.js';
import { renderReport, verdicts, type BenchConfig, type ReportInput } from './report.js';
import { extraVerdicts, type Extras, type PeerResult } from './extras.js';
import { measureAimock } from './aimock.js';
import { measureResponses } from './responses.js';
import { measurePeers, peerSpecs, scratchDir, startPeer, type PeerServer } from './peers.js';
import { BENCH_BODY, recordResponse, STREAM_BODY } from './request.js';
import { streamOnce } from './sse-client.js';
import { calibrateCount, measureBurst, measurePacing } from './streaming.js';
import { dependentRounds, measureColdStart, newKey, runSuite, startSuiteMock, type SuiteRun } from './suite.js';
import { measureThroughput } from './throughput.js';

type ReportProfile = NonNullable<ReportInput['profile']>;

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}

const config: BenchConfig = {
  rounds: intEnv('BENCH_ROUNDS', 3, 1, 20),
  seconds: intEnv('BENCH_SECONDS', 5, 1, 60),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2, 1, 30),
  connectionsList: (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`BENCH_CONNECTIONS: bad value '${s}'`);
    return n;
  }),
  ratioTarget: 0.6,
  loadedRatioTarget: 0.45,
  heapGrowthLimit: 1.2,
  memoryConnections: 50,
};
const memoryRequests = intEnv('BENCH_MEMORY_REQUESTS', 100_000, 1_000, 1_000_000);
const profileSeconds = intEnv('BENCH_PROFILE_SECONDS', 5, 0, 60);
const streamSeconds = intEnv('BENCH_STREAM_SECONDS', 3, 1, 60);
const burstRounds = intEnv('BENCH_BURST_ROUNDS', 3, 1, 20);
const pacingStreams = intEnv('BENCH_PACING_STREAMS', 20, 1, 500);
const coldRuns = intEnv('BENCH_COLD_RUNS', 3, 0, 20);
const withExtras = process.env.BENCH_EXTRAS !== '0';
const withPeers = process.env.BENCH_PEERS !== '0';
/** The aimock comparison (BENCH_AIMOCK=0 leaves it out). */
const withAimock = process.env.BENCH_AIMOCK !== '0';
/** /v1/responses against its bare replay (BENCH_RESPONSES=0 leaves it out). */
const withResponses = process.env.BENCH_RESPONSES !== '0';
/** Also measure the minimal Express app (reference only; BENCH_FLOOR=0 leaves it out). */
const withFloor = process.env.BENCH_FLOOR !== '0';

const replayConfig = (r: RecordedResponse): RecordedResponse => ({
  status: r.status,
  headers: r.headers,
  bodyBase64: r.bodyBase64,
});
const outPath = resolve(REPO_ROOT, process.env.BENCH_OUT ?? 'docs/BENCHMARKS.md');

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const t0 = performance.now();
  const children: ServerChild[] = [];
  // A hard ceiling on the whole run: whatever hangs, the children go and the process ends.
  const watchdog = setTimeout(() => {
    process.stderr.write('bench: over 15 minutes, giving up\n');
    for (const c of children) c.proc.kill('SIGKILL');
    for (const p of peers) p.proc.kill('SIGKILL');
    process.exit(2);
  }, 15 * 60_000);
  watchdog.unref();
  const peers: PeerServer[] = [];
  const extras: Extras = { problems: [] };
  const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  try {
    log('bench: starting the mock child');
    const mock = await startChild('mock', './serve-mock.ts');
    children.push(mock);
    const recorded = await recordResponse(mock.url);
    if (recorded.status !== 200) {
      throw new Error(
        `the mock answered the bench request with ${recorded.status}: ${Buffer.from(recorded.bodyBase64, 'base64').toString('utf8')}`,
      );
    }
    const bodyBytes = Buffer.from(recorded.bodyBase64, 'base64').length;
    log(`bench: mock answers ${recorded.status}, ${bodyBytes} bytes; starting the bare replay child`);
    const bare = await startChild('bare', './serve-bare.ts', {
      firstMessage: { type: 'config', response: replayConfig(recorded) },
    });
    children.push(bare);
    const replayed = await recordResponse(bare.url);
    if (replayed.bodyBase64 !== recorded.bodyBase64 || replayed.status !== recorded.status)
      throw new Error("the bare server does not replay the mock's bytes");
    let floor: ServerChild | undefined;
    if (withFloor) {
      floor = await startChild('express floor', './serve-express-floor.ts', {
        firstMessage: { type: 'config', response: replayConfig(recorded) },
      });
      children.push(floor);
      const f = await recordResponse(floor.url);
      if (f.bodyBase64 !== recorded.bodyBase64 || f.status !== recorded.status)
        throw new Error("the Express floor server does not replay the mock's bytes");
    }

    log(
      `bench: throughput, ${config.rounds} rounds × ${config.seconds} s per side (mock, bare${floor ? ', Express floor' : ''}), c=${config.connectionsList.join(',')}`,
    );
    const throughput = await measureThroughput({ mock, bare, ...(floor ? { floor } : {}) }, { ...config, log });
    await Promise.all([bare.stop(), floor?.stop()]);

    if (withExtras) {
      // Streaming A/B: the same rotation for a ~50-chunk stream with include_usage.
      const streamed = await recordResponse(mock.url, 10_000, STREAM_BODY);
      const check = await streamOnce(mock.url, STREAM_BODY);
      if (streamed.status !== 200 || !check.done)
        throw new Error(`the mock answered the streaming bench request with ${streamed.status}`);
      const bareStream = await startChild('bare (stream)', './serve-bare.ts', {
        firstMessage: { type: 'config', response: replayConfig(streamed) },
      });
      children.push(bareStream);
      const replayedStream = await recordResponse(bareStream.url, 10_000, STREAM_BODY);
      if (replayedStream.bodyBase64 !== streamed.bodyBase64)
        throw new Error("the bare server does not replay the mock's stream bytes");
      const streamWarmup = 1;
      log(
        `bench: streaming throughput (${check.chunks} chunks + [DONE]), ${config.rounds} rounds × ${streamSeconds} s per side (mock, bare), c=${config.connectionsList.join(',')}`,
      );
      const st = await measureThroughput(
        { mock, bare: bareStream },
        { ...config, seconds: streamSeconds, warmupSeconds: streamWarmup, body: STREAM_BODY, log },
      );
      await bareStream.stop();
      extras.streaming = {
        throughput: st,
        chunks: check.chunks,
        bodyBytes: Buffer.from(streamed.bodyBase64, 'base64').length,
        requestBytes: Buffer.byteLength(STREAM_BODY),
        rounds: config.rounds,
        seconds: streamSeconds,
        warmupSeconds: streamWarmup,
        target: 0.5,
      };
    }

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
    if (withExtras) {
      try {
        log('bench: burst, 100 concurrent streams of ~1,000 chunks at zero pacing');
        const cal = await calibrateCount(mock.url, 1000, log);
        const burst = await measureBurst(mock.url, { streams: 100, countTo: cal.n, rounds: burstRounds, log });
        extras.burst = { ...burst, target: 20_000, calibration: cal.tried };
      } catch (e) {
        extras.problems.push(`Streaming burst: ${errText(e)}`);
      }
    }

    if (withExtras && withAimock) {
      log('bench: aimock vs the mock, the same prompt, JSON and streamed');
      const scratch = scratchDir();
      try {
        extras.aimock = await measureAimock(mock, scratch.dir, {
          connectionsList: config.connectionsList,
          rounds: config.rounds,
          seconds: streamSeconds,
          warmupSeconds: 1,
          log,
          children,
          peers,
        });
      } catch (e) {
        extras.problems.push(`aimock comparison: ${errText(e)}`);
      } finally {
        await Promise.all(peers.splice(0).map((p) => p.stop()));
        scratch.remove();
      }
    }

    if (withExtras && withResponses) {
      const scratch = scratchDir();
      try {
        extras.responses = await measureResponses(mock, scratch.dir, {
          connectionsList: config.connectionsList,
          rounds: config.rounds,
          seconds: streamSeconds,
          warmupSeconds: config.warmupSeconds,
          withAimock,
          log,
          children,
          peers,
        });
      } catch (e) {
        extras.problems.push(`/v1/responses: ${errText(e)}`);
      } finally {
        await Promise.all(peers.splice(0).map((p) => p.stop()));
        scratch.remove();
      }
    }

    if (withExtras && withPeers) {
      log('bench: peers (Prism, mock-llm) vs the mock, the same non-streaming request');
      const scratch = scratchDir();
      const results: PeerResult[] = [];
      try {
        for (const spec of peerSpecs(scratch.dir)) {
          try {
            const p = await startPeer(spec, 60_000);
            peers.push(p);
            results.push({
              name: spec.name,
              describe: spec.describe,
              startMs: p.startMs,
              status: p.status,
              bodyBytes: p.bodyBytes,
              byConnections: [],
            });
            log(
              `  ${spec.name}: ready after ${p.startMs.toFixed(0)} ms, answers ${p.status} with ${p.bodyBytes} bytes`,
            );
            if (p.status !== 200) throw new Error(`answers the bench request with HTTP ${p.status}`);
          } catch (e) {
            const r = results.find((x) => x.name === spec.name);
            if (r) r.error = errText(e);
            else results.push({ name: spec.name, describe: spec.describe, error: errText(e), byConnections: [] });
            log(`  ${spec.name}: could not start: ${errText(e)}`);
            const i = peers.findIndex((x) => x.name === spec.name);
            if (i !== -1) await peers.splice(i, 1)[0]!.stop();
          }
        }
        if (peers.length > 0) {
          const m = await measurePeers(mock, peers, {
            connectionsList: config.connectionsList,
            rounds: config.rounds,
            seconds: streamSeconds,
            warmupSeconds: 1,
            log,
          });
          for (const r of results) r.byConnections = m.get(r.name) ?? [];
        }
      } finally {
        await Promise.all(peers.map((p) => p.stop()));
        scratch.remove();
      }
      extras.peers = {
        results,
        rounds: config.rounds,
        seconds: streamSeconds,
        mockRequestBytes: Buffer.byteLength(BENCH_BODY),
        mockBodyBytes: bodyBytes,
      };
    }
    await mock.stop();

    log(
      `bench: memory, ${memoryRequests.toLocaleString('en-US')} requests to a fresh mock child at c=${config.memoryConnections}`,
    );
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

    if (withExtras) {
      try {
        log(`bench: pacing accuracy, ${pacingStreams} streams at 50 tokens/s`);
        const paced = await startChild('mock (paced)', './serve-mock.ts', {
          args: [JSON.stringify({ pacing: { tokensPerSecond: 50 } })],
        });
        children.push(paced);
        const concurrency = 5;
        const p = await measurePacing(paced.url, STREAM_BODY, {
          tokensPerSecond: 50,
          streams: pacingStreams,
          concurrency,
          log,
        });
        extras.pacing = { ...p, target: 0.1, concurrency };
        await paced.stop();
      } catch (e) {
        extras.problems.push(`Pacing accuracy: ${errText(e)}`);
      }
      try {
        const rounds = dependentRounds();
        log(
          `bench: the suite against the mock (longest chain ${rounds.longestChain} + preflight = ${rounds.rounds} rounds)`,
        );
        const key = newKey();
        const runs: SuiteRun[] = [];
        const repeats = 3;
        /** The run with the median wall time of `repeats`. */
        const medianRun = async (
          url: string,
          latencyMs: number,
          concurrency: number | undefined,
        ): Promise<SuiteRun> => {
          const xs: SuiteRun[] = [];
          for (let i = 0; i < repeats; i++) xs.push(await runSuite(url, key, latencyMs, concurrency));
          const r = xs.sort((a, b) => a.seconds - b.seconds)[Math.floor(repeats / 2)]!;
          log(
            `  latency ${latencyMs} ms, concurrency ${r.concurrency}: ${xs.map((x) => (x.seconds * 1000).toFixed(0)).join(' / ')} ms, ${r.requests} requests`,
          );
          return r;
        };
        const fast = await startSuiteMock(key, 0, children);
        await runSuite(fast.url, key, 0, undefined); // warm-up: module loading, JIT
        runs.push(await medianRun(fast.url, 0, undefined));
        let coldStart;
        if (coldRuns > 0) {
          try {
            coldStart = await measureColdStart(fast.url, key, coldRuns, log);
          } catch (e) {
            extras.problems.push(`Cold start of relaycheck run: ${errText(e)}`);
          }
        }
        await fast.stop();
        const slow = await startSuiteMock(key, 500, children);
        for (const c of [undefined, 64]) runs.push(await medianRun(slow.url, 500, c));
        await slow.stop();
        extras.suite = { runs, rounds, factor: 1.5, repeats, ...(coldStart ? { coldStart } : {}) };
      } catch (e) {
        extras.problems.push(`Suite timings: ${errText(e)}`);
      }
    }

    const v = [...verdicts(throughput, memory, config), ...extraVerdicts(extras)];
    const totalSeconds = (performance.now() - t0) / 1000;
    const report = renderReport({
      date: new Date(),
      machine: machineInfo(),
      config,
      throughput,
      memory,
      verdicts: v,
      recorded: {
        status: recorded.status,
        headers: recorded.headers,
        bodyBytes,
        requestBytes: Buffer.byteLength(BENCH_BODY),
      },
      totalSeconds,
      ...(profile ? { profile } : {}),
      ...(withExtras ? { extras } : {}),
    });
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, report);

    log('');
    for (const x of v) log(`${x.pass ? 'PASS' : 'FAIL'}  ${x.target}: ${x.figure}`);
    log(`bench: ${totalSeconds.toFixed(0)} s; wrote ${outPath}`);
  } finally {
    await Promise.all([
      ...children.map((c) => c.stop().catch(() => c.proc.kill('SIGKILL'))),
      ...peers.map((p) => p.stop().catch(() => p.proc.kill('SIGKILL'))),
    ]);
    clearTimeout(watchdog);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
