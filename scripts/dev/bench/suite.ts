// The suite's own speed against the mock: wall time and requests of the full catalogue with 0
// and with 500 ms of injected latency per chat request, the bound derived from the probes'
// dependent rounds, and the cold start of `relaycheck run` (spawn → first request received).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTarget } from '../../../suites/run.js';
import { PROBES } from '../../../suites/probes/index.js';
import { DEFAULT_KEY_ENV_VAR } from '../../../suites/transport/curl.js';
import { REPO_ROOT, startChild, type ServerChild } from './children.js';
import { median } from './stats.js';

export interface SuiteRun {
  latencyMs: number;
  concurrency: number;
  seconds: number;
  requests: number;
  verdicts: Record<string, number>;
}

export interface RoundsInfo {
  /** The longest `steps` chain over all probes. */
  longestChain: number;
  /** Which probes have it. */
  longestProbes: string[];
  /** The runner awaits GET /models before any probe starts. */
  preflight: boolean;
  /** longestChain + (preflight ? 1 : 0). */
  rounds: number;
}

export interface ColdStart {
  runs: Array<{ firstRequestMs: number; exitMs: number; exitCode: number | null }>;
  firstRequestMs: number;
  exitMs: number;
}

export function dependentRounds(): RoundsInfo {
  const longestChain = Math.max(...PROBES.map((p) => p.steps.length));
  return {
    longestChain,
    longestProbes: PROBES.filter((p) => p.steps.length === longestChain).map((p) => p.feature),
    preflight: true,
    rounds: longestChain + 1,
  };
}

export async function startSuiteMock(key: string, latencyMs: number, children: ServerChild[]): Promise<ServerChild> {
  const c = await startChild(`mock (latency ${latencyMs} ms)`, './serve-mock.ts', {
    args: [JSON.stringify({ apiKeys: [key], journalSize: 0, pacing: { latencyMs } })],
  });
  children.push(c);
  return c;
}

export async function runSuite(
  mockUrl: string,
  key: string,
  latencyMs: number,
  concurrency: number | undefined,
): Promise<SuiteRun> {
  const t0 = performance.now();
  const run = await runTarget(
    {
      name: 'mock',
      baseUrl: `${mockUrl}/v1`,
      keyEnv: DEFAULT_KEY_ENV_VAR,
      apiKey: key,
      secrets: [key],
      auth: 'bearer',
      headers: {},
      models: { model: 'mock-model', reasoning: 'mock-reasoner' },
    },
    concurrency === undefined ? {} : { concurrency },
  );
  const seconds = (performance.now() - t0) / 1000;
  const verdicts: Record<string, number> = {};
  for (const r of run.report.results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
  if (run.problems.length > 0) throw new Error(`suite against the mock: ${run.problems.join('; ')}`);
  return { latencyMs, concurrency: concurrency ?? 4, seconds, requests: run.report.usage.requests, verdicts };
}

/** A pass-through proxy in front of the mock that timestamps the first request it receives. */
function firstRequestProxy(
  target: string,
): Promise<{ server: Server; port: number; first: () => number | undefined; reset: () => void }> {
  let first: number | undefined;
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    first ??= performance.now();
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        first: () => first,
        reset: () => {
          first = undefined;
        },
      }),
    );
  });
}

/** `node bin/relaycheck.js run` against the mock (through the proxy), `runs` times. */
export async function measureColdStart(
  mockUrl: string,
  key: string,
  runs: number,
  log: (l: string) => void,
): Promise<ColdStart> {
  const proxy = await firstRequestProxy(mockUrl);
  const out: ColdStart['runs'] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'relaycheck-cold-'));
      proxy.reset();
      try {
        const t0 = performance.now();
        const child = spawn(
          process.execPath,
          [
            'bin/relaycheck.js',
            'run',
            '--base-url',
            `http://127.0.0.1:${proxy.port}/v1`,
            '--model',
            'mock-model',
            '--out',
            dir,
          ],
          {
            cwd: REPO_ROOT,
            env: { ...process.env, [DEFAULT_KEY_ENV_VAR]: key },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => {
          if (stderr.length < 4000) stderr += d.toString();
        });
        const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
        const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        clearTimeout(kill);
        const exitMs = performance.now() - t0;
        const first = proxy.first();
        if (first === undefined)
          throw new Error(`relaycheck run sent no request (exit ${code}): ${stderr.slice(0, 500)}`);
        out.push({ firstRequestMs: first - t0, exitMs, exitCode: code });
        log(
          `  cold start ${i + 1}/${runs}: first request after ${(first - t0).toFixed(0)} ms, exit ${code} after ${exitMs.toFixed(0)} ms`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    proxy.server.closeAllConnections();
    proxy.server.close();
  }
  return {
    runs: out,
    firstRequestMs: median(out.map((r) => r.firstRequestMs)),
    exitMs: median(out.map((r) => r.exitMs)),
  };
}

export const newKey = (): string => `sk-bench-${randomBytes(12).toString('hex')}`;
