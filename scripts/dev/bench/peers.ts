// Peers: other mock servers answering the same non-streaming request, started as child
// processes on 127.0.0.1 (Prism over a small OpenAPI description, @dwmkerr/mock-llm with its
// default echo rule). A peer that cannot start is reported with the reason, never fatal.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, type ServerChild } from './children.js';
import type { CpuSample } from './protocol.js';
import { runLoad, type LoadResult } from './load.js';
import { recordResponse } from './request.js';
import { fmt } from './stats.js';
import { summarize, type SideSummary } from './throughput.js';
import { freePort } from '../free-port.js';

export interface PeerServer {
  name: string;
  url: string;
  proc: ChildProcess;
  cpu(): Promise<CpuSample>;
  stop(): Promise<void>;
  /** Bytes and status of its answer to the bench request. */
  status: number;
  bodyBytes: number;
  startMs: number;
}

export interface PeerSpec {
  name: string;
  /** What it is, for the report. */
  describe: string;
  script: string;
  args: (port: number) => string[];
  env?: (port: number) => Record<string, string>;
  cwd?: string;
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const OPENAPI_FILE = here('./peers/chat-openapi.yaml');

export function peerSpecs(scratch: string): PeerSpec[] {
  return [
    {
      name: 'Prism',
      describe: `@stoplight/prism-cli ${version('@stoplight/prism-cli')}: \`prism mock -h 127.0.0.1 -p PORT scripts/dev/bench/peers/chat-openapi.yaml\` (static example response)`,
      script: join(REPO_ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js'),
      args: (port) => ['mock', '-h', '127.0.0.1', '-p', String(port), OPENAPI_FILE],
    },
    {
      name: 'mock-llm',
      describe: `@dwmkerr/mock-llm ${version('@dwmkerr/mock-llm')}: \`HOST=127.0.0.1 PORT=… mock-llm\`, default config (echoes the last user message), started in an empty directory so no mock-llm.yaml is picked up`,
      script: join(REPO_ROOT, 'node_modules/@dwmkerr/mock-llm/dist/main.js'),
      args: () => [],
      env: (port) => ({ HOST: '127.0.0.1', PORT: String(port) }),
      cwd: scratch,
    },
  ];
}

/**
 * @copilotkit/aimock with one catch-all fixture (`match: {}`) whose content is the mock's own
 * answer to the prompt, so both send the same text; `chunkChars` is its --chunk-size.
 */
export function aimockSpec(fixtureFile: string, chunkChars: number): PeerSpec {
  return {
    name: 'aimock',
    describe: `@copilotkit/aimock ${version('@copilotkit/aimock')}: \`llmock -h 127.0.0.1 -p PORT -f fixture.json -c ${chunkChars} --log-level silent\`, one catch-all fixture answering the mock's own text`,
    script: join(REPO_ROOT, 'node_modules/@copilotkit/aimock/dist/cli.js'),
    args: (port) => [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-f',
      fixtureFile,
      '-c',
      String(chunkChars),
      '--log-level',
      'silent',
    ],
  };
}

export function version(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '(not installed)';
  }
}

const CLK_TCK = 100;

/** utime + stime of a process from /proc (Linux), µs; all its threads included. */
function procCpu(pid: number): CpuSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1e6) / CLK_TCK, system: (Number(fields[12]) * 1e6) / CLK_TCK };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

export async function startPeer(spec: PeerSpec, timeoutMs = 60_000): Promise<PeerServer> {
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [spec.script, ...spec.args(port)], {
    cwd: spec.cwd ?? REPO_ROOT,
    env: { ...process.env, ...(spec.env?.(port) ?? {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  // Last resort: the peer goes when the bench process does.
  const onExit = (): void => void proc.kill('SIGKILL');
  process.on('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  const url = `http://127.0.0.1:${port}`;
  // Ready = it answers the bench request; polled every 200 ms, bounded by timeoutMs.
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await stop();
      throw new Error(`exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode}): ${oneLine(stderr)}`);
    }
    try {
      const r = await recordResponse(url, 2000);
      const startMs = performance.now() - t0;
      return {
        name: spec.name,
        url,
        proc,
        cpu: async () => procCpu(proc.pid!),
        stop,
        status: r.status,
        bodyBytes: Buffer.from(r.bodyBase64, 'base64').length,
        startMs,
      };
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`not answering within ${timeoutMs / 1000} s (${last}); stderr: ${oneLine(stderr)}`);
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 300) || '(empty)';

export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'relaycheck-peer-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One rotation per concurrency: mock / peer A / peer B / mock / …; medians per side. */
export async function measurePeers(
  mock: Pick<ServerChild, 'url' | 'cpu'>,
  peers: PeerServer[],
  opts: { connectionsList: number[]; rounds: number; seconds: number; warmupSeconds: number; log: (l: string) => void },
): Promise<Map<string, Array<{ connections: number; peer: SideSummary; mock: SideSummary; ratio: number }>>> {
  const out = new Map<string, Array<{ connections: number; peer: SideSummary; mock: SideSummary; ratio: number }>>(
    peers.map((p) => [p.name, []]),
  );
  const sides: Array<[string, Pick<PeerServer, 'url' | 'cpu'>]> = [
    ['mock', mock],
    ...peers.map((p): [string, PeerServer] => [p.name, p]),
  ];
  for (const connections of opts.connectionsList) {
    for (const [, s] of sides) await runLoad(s, { connections, duration: opts.warmupSeconds });
    const runs = new Map<string, LoadResult[]>(sides.map(([n]) => [n, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const [name, s] of sides) {
        const r = await runLoad(s, { connections, duration: opts.seconds });
        runs.get(name)!.push(r);
        opts.log(
          `  peers c=${connections} round ${round}/${opts.rounds}  ${name.padEnd(8)} ${fmt(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  cpu ${fmt(r.cpuUs)} µs/req${r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : ''}`,
        );
      }
    }
    const m = summarize(runs.get('mock')!);
    for (const p of peers) {
      const s = summarize(runs.get(p.name)!);
      out.get(p.name)!.push({ connections, peer: s, mock: m, ratio: s.rps / m.rps });
    }
  }
  return out;
}
