// `npx tsx scripts/dev/bench/profile-request.ts`: CPU µs per request of the mock's
// /v1/chat/completions (the bench's JSON request and its streamed "Count from 1 to 50" twin),
// next to a bare node:http replay of the same bytes measured in the same run, rounds
// interleaved. On a shared machine only the ratio within one run means anything. The server
// CPU is the child's own (process.cpuUsage over IPC), so the load generator is not counted.
// SURFACE=responses measures /v1/responses with the same prompts instead.
// PROFILE_OUT=dir also writes a .cpuprofile of the mock per body and prints its top self time.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startChild, type ServerChild } from './children.js';
import { runLoad } from './load.js';
import { analyse, type CpuProfile } from './profile.js';
import {
  BENCH_BODY,
  recordResponse,
  RESPONSES_BODY,
  RESPONSES_PATH,
  RESPONSES_STREAM_BODY,
  STREAM_BODY,
} from './request.js';
import { median } from './stats.js';

const requests = Number(process.env.REQUESTS ?? 3000);
const rounds = Number(process.env.ROUNDS ?? 5);
const connectionsList = (process.env.CONNECTIONS ?? '1,10').split(',').map(Number);
/** BODIES=stream (or json) measures one of the two. */
const bodies = (process.env.BODIES ?? 'json,stream').split(',');
const responses = process.env.SURFACE === 'responses';
const path = responses ? RESPONSES_PATH : undefined;
const profileOut = process.env.PROFILE_OUT ? resolve(process.env.PROFILE_OUT) : undefined;

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function cpuPerRequest(child: ServerChild, body: string, connections: number): Promise<number> {
  const r = await runLoad(child, { connections, amount: requests, body, path });
  if (r.errors > 0 || r.non2xx > 0) throw new Error(`${child.name}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  return r.cpuUs;
}

async function main(): Promise<void> {
  const children: ServerChild[] = [];
  try {
    const mock = await startChild('mock', './serve-mock.ts');
    children.push(mock);
    for (const [label, body] of [
      ['json', responses ? RESPONSES_BODY : BENCH_BODY],
      ['stream', responses ? RESPONSES_STREAM_BODY : STREAM_BODY],
    ] as const) {
      if (!bodies.includes(label)) continue;
      const recorded = await recordResponse(mock.url, 10_000, body, path);
      const bare = await startChild(`bare ${label}`, './serve-bare.ts', {
        firstMessage: { type: 'config', response: recorded },
      });
      children.push(bare);
      for (const connections of connectionsList) {
        // Warm-up: JIT both sides before anything is counted.
        await cpuPerRequest(mock, body, connections);
        await cpuPerRequest(bare, body, connections);
        const m: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < rounds; i++) {
          m.push(await cpuPerRequest(mock, body, connections));
          b.push(await cpuPerRequest(bare, body, connections));
        }
        const mu = median(m);
        const bu = median(b);
        log(
          `${label.padEnd(6)} c=${String(connections).padEnd(3)} mock ${mu.toFixed(0).padStart(5)} µs  bare ${bu.toFixed(0).padStart(4)} µs  bare÷mock ${(bu / mu).toFixed(3)}`,
        );
      }
      if (profileOut) {
        mkdirSync(profileOut, { recursive: true });
        const file = join(profileOut, `mock-${label}.cpuprofile`);
        await mock.profileStart();
        await cpuPerRequest(mock, body, 10);
        await mock.profileStop(file);
        const a = analyse(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.env.PROFILE_TOP ?? 30));
        log(`\n${label}: top self time (${a.totalMs.toFixed(0)} ms sampled), profile in ${file}`);
        for (const f of a.functions)
          log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(5)} ms  ${f.name}`);
        log(`${label}: inclusive`);
        for (const f of a.inclusive)
          log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(5)} ms  ${f.name}`);
      }
      await bare.stop();
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profile-request: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
