// Cost under attack: the run's deadline cuts a relay that hangs after the preflight, an
// endless stream in the preflight is "does not speak the API", and --out is checked before
// the first paid request.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../../scripts/cli/commands/run.js';
import type { RelaycheckReport } from '../../../spec/generated/types.js';
import { features } from '../../../spec/features.js';
import { runTarget } from '../../../suites/run.js';
import { loadConfigFile } from '../../../suites/target.js';
import { KEY, localServer, target } from '../helpers.js';

// Loaded now: the catalogue's first load (YAML, schemas) must not eat the short deadlines below.
features();
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-deadline-'));
const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const MODELS = { object: 'list', data: [{ id: 'm', object: 'model', created: 0, owned_by: 'x' }] };

/** Answers the preflight's two chat requests like a model, then never answers again. */
async function hangsAfterPreflight(): Promise<{ url: string; hits: number[] }> {
  const hits: number[] = [];
  let chats = 0;
  const open = new Set<ServerResponse>();
  const server = await localServer(async (req, res) => {
    hits.push(Date.now());
    if (req.method === 'GET')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MODELS));
    const b = await body(req);
    if (++chats > 2) return void open.add(res); // hang
    const messages = (b['messages'] as Array<{ content: string }> | undefined) ?? [];
    const asked = /Output exactly: (.*)$/.exec(messages.at(-1)?.content ?? '')?.[1] ?? 'ok';
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion',
        created: 0,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: asked }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      }),
    );
  });
  servers.push(async () => {
    for (const r of open) r.destroy();
    await server.close();
  });
  return { url: `${server.url}/v1`, hits };
}

describe('the run deadline', () => {
  it('cuts a relay that hangs after the preflight: unfinished features are error, no request after it', async () => {
    const { url, hits } = await hangsAfterPreflight();
    const started = Date.now();
    const run = await runTarget(target(url, { models: { model: 'm' } }), {
      deadlineMs: 2_000,
      limits: { timeoutMs: 20_000, firstByteTimeoutMs: 20_000, maxStreamMs: 20_000, totalTimeoutMs: 60_000 },
    });
    const took = Date.now() - started;
    // Before: each hanging request waited its 20 s first-byte timeout, three times.
    expect(took).toBeLessThan(6_000);
    const cut = run.report.results.filter((r) => r.summary.includes('run deadline reached'));
    expect(cut.length).toBeGreaterThan(5);
    expect(cut.every((r) => r.verdict === 'error')).toBe(true);
    expect(run.report.results.find((r) => r.feature === 'chat.basic')?.verdict).toBe('supported');
    expect(run.problems.join('\n')).toMatch(/run deadline reached after 2000 ms; \d+ feature\(s\) not measured/);
    expect(run.report.deadlineMs).toBe(2_000);
    expect(hits.filter((t) => t > started + 2_000 + 100)).toEqual([]);
  });

  it('relaycheck run --deadline: exit 2, the deadline in report.json and in report.md / report.html', async () => {
    const { url } = await hangsAfterPreflight();
    const out = join(dir, 'deadline');
    const r = await cli(['--base-url', url, '--model', 'm', '--deadline', '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run deadline reached');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RelaycheckReport;
    expect(report.targets[0]!.deadlineMs).toBe(1_000);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('(deadline 1 s)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('(deadline 1 s)');
    expect((await cli(['--base-url', url, '--model', 'm', '--deadline', '0'])).stderr).toContain(
      '--deadline must be an integer from 1 to',
    );
  });

  it('an endless stream in the preflight is "does not speak the API", within the stream bound', async () => {
    const timers = new Set<ReturnType<typeof setInterval>>();
    const server = await localServer((req, res) => {
      if (req.method === 'GET')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MODELS));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'm',
        choices: [{ index: 0, delta: { content: 'x' } }],
      };
      const t = setInterval(() => res.write(`data: ${JSON.stringify(chunk)}\n\n`), 50);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    servers.push(async () => {
      for (const t of timers) clearInterval(t);
      await server.close();
    });
    const started = Date.now();
    const run = await runTarget(target(`${server.url}/v1`, { models: { model: 'm' } }), {
      limits: { maxStreamMs: 800, timeoutMs: 800 },
    });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run.report.health).toMatchObject({ status: 'unmeasured', cause: 'not-the-api' });
    expect(run.report.health?.line).toContain('a stream that never finished');
    expect(run.problems).toHaveLength(1);
  });
});

describe('the deadline in a config file', () => {
  it("reads 'deadline: S' and refuses a non-positive one", () => {
    const file = (deadline: string): string => {
      const path = join(dir, `config-${deadline}.yaml`);
      writeFileSync(
        path,
        `deadline: ${deadline}\ntargets:\n  - name: a\n    baseUrl: http://127.0.0.1:9/v1\n    models: { model: m }\n`,
      );
      return path;
    };
    expect(loadConfigFile(file('90')).deadline).toBe(90);
    expect(() => loadConfigFile(file('0'))).toThrow(/deadline/);
  });
});

describe('--out is checked before the first request', () => {
  it('an existing file at --out: exit 2 at once, no request sent, the file untouched', async () => {
    let hits = 0;
    const server = await localServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    servers.push(server.close);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep me');
    const r = await cli(['--base-url', `${server.url}/v1`, '--model', 'm', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write the report to --out ${file}`);
    expect(r.stderr).toContain('exists and is not a folder');
    expect(hits).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, 'a-file', 'report.json'))).toBe(false);
  });
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
  const saved = process.env['RELAYCHECK_API_KEY'];
  process.env['RELAYCHECK_API_KEY'] = KEY;
  try {
    return { code: await runCommand(argv), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env['RELAYCHECK_API_KEY'];
    else process.env['RELAYCHECK_API_KEY'] = saved;
  }
}
