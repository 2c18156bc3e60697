// Issue 14: every unhealthy kind of target gets exit 2, one root-cause line, no mass
// `rejected` and no readiness claim; each against a small loopback server made for it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockProvider, type MockProvider } from '../../../mock-server/index.js';
import type { RelaycheckReport } from '../../../spec/generated/types.js';
import { runCommand } from '../../../scripts/cli/commands/run.js';
import { KEY } from '../helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const send = (
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
};
const completion = (content: string) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  });
const lastUser = (body: string): string => {
  try {
    const messages = (JSON.parse(body) as { messages?: Array<{ content?: unknown }> }).messages ?? [];
    return String(messages[messages.length - 1]?.content ?? '');
  } catch {
    return '';
  }
};

let mock: MockProvider;
let mockUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-health-'));
let n = 0;

beforeAll(async () => {
  mock = createMockProvider({ apiKeys: [KEY], journalSize: 0 });
  mockUrl = (await mock.start({ port: 0 })).baseUrl;
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await mock.stop();
});

async function relaycheck(baseUrl: string, ...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
  process.env['RELAYCHECK_API_KEY'] = KEY;
  const outDir = join(dir, String(n++));
  try {
    const code = await runCommand(['--base-url', baseUrl, '--model', 'gpt-4o-mini', '--out', outDir, ...extra]);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as RelaycheckReport;
    return { code, stdout, stderr, report, target: report.targets[0]! };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function expectUnmeasured(baseUrl: string, cause: string, line: RegExp, ...extra: string[]) {
  const r = await relaycheck(baseUrl, ...extra);
  expect(r.code).toBe(2);
  expect(r.target.health).toMatchObject({ status: 'unmeasured', cause });
  expect(r.target.health!.line).toMatch(line);
  // One root cause: every feature is `error` with that one line, none `rejected`.
  expect(r.target.results.length).toBeGreaterThan(20);
  expect(new Set(r.target.results.map((x) => `${x.verdict} ${x.summary}`))).toEqual(
    new Set([`error not measured: ${r.target.health!.line}`]),
  );
  expect(r.stderr).toContain(`relaycheck run: not measured: ${r.target.name}: ${r.target.health!.line}`);
  // One line in the terminal's findings, and no readiness claim.
  expect(r.stdout.match(/^ {2}not measured: /gm)).toHaveLength(1);
  expect(r.stdout).toContain('no client readiness claim: no feature was measured');
  expect(r.stdout).not.toMatch(/client operations expected to work/);
  expect(r.target.usage.requests).toBeLessThanOrEqual(6);
  return r;
}

const REPLY_NOW = { 'retry-after': '0' };

describe('relaycheck run against unhealthy targets (exit 2, one cause)', () => {
  it('a static web server (HTML pages, 404)', async () => {
    const url = await serve((_q, res) => send(res, 404, 'text/html', '<!doctype html><html><h1>Not Found</h1></html>'));
    const r = await expectUnmeasured(url, 'not-the-api', /answered HTTP 404 with an HTML page, not the OpenAI API/);
    if (process.env['SHOW_HEALTH_OUTPUT']) console.log(r.stdout, r.stderr);
  });
  it('a WAF answering 403 with an HTML page', async () => {
    const url = await serve((_q, res) => send(res, 403, 'text/html', '<html><body>Access denied by WAF</body></html>'));
    await expectUnmeasured(url, 'not-the-api', /HTTP 403 with an HTML page/);
  });
  it('a 301 redirect on every path', async () => {
    const url = await serve((_q, res) =>
      send(res, 301, 'text/html', 'moved', { location: 'https://elsewhere.invalid/' }),
    );
    await expectUnmeasured(
      url,
      'redirect',
      /redirected \(HTTP 301 redirect to https:\/\/elsewhere\.invalid\/ not followed\)/,
    );
  });
  it('every request 503', async () => {
    const err = JSON.stringify({
      error: { message: 'upstream unavailable', type: 'server_error', code: 'unavailable' },
    });
    const url = await serve((_q, res) => send(res, 503, 'application/json', err, REPLY_NOW));
    await expectUnmeasured(
      url,
      'server-error',
      /fails every chat request \(HTTP 503 unavailable: upstream unavailable\)/,
    );
  });
  it('every request 402 (credit exhausted), never retried', async () => {
    const err = JSON.stringify({
      error: { message: 'You exceeded your quota', type: 'insufficient_quota', code: 'insufficient_quota' },
    });
    const url = await serve((_q, res) => send(res, 402, 'application/json', err));
    const r = await expectUnmeasured(url, 'no-credit', /no credit left on the account \(HTTP 402 insufficient_quota/);
    expect(r.target.usage.requests).toBe(2);
  });
  it('a 429 insufficient_quota is not retried', async () => {
    const err = JSON.stringify({ error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } });
    const url = await serve((_q, res) => send(res, 429, 'application/json', err, REPLY_NOW));
    const r = await expectUnmeasured(url, 'no-credit', /no credit left/);
    expect(r.target.usage).toMatchObject({ requests: 2, logicalRequests: 2 });
  });
  it('the right relay, a wrong model id (also with a baseline: no regressions)', async () => {
    const base = join(dir, 'baseline.yaml');
    const good = await relaycheck(mockUrl, '--only', 'chat.basic,stop', '--baseline', base, '--update-baseline');
    expect(good.code).toBe(0);
    const r = await expectUnmeasured(
      mockUrl,
      'model-not-found',
      /^model "gpt-4o-mini-nope" does not exist \(HTTP 404 model_not_found\): check --model$/,
      '--model',
      'gpt-4o-mini-nope',
      '--baseline',
      base,
    );
    expect(r.stdout + r.stderr).not.toMatch(/regression/i);
    if (process.env['SHOW_HEALTH_OUTPUT']) console.log(r.stdout, r.stderr);
  });
  it('a refused port', async () => {
    const url = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    await expectUnmeasured(url, 'unreachable', /could not be reached \(.*ECONNREFUSED/);
  });
  it('a hanging port with a short timeout', async () => {
    const url = await serve(() => undefined);
    await expectUnmeasured(
      url,
      'timeout',
      /did not answer \(no (complete response|response headers) within 300 ms\)/,
      '--timeout-ms',
      '300',
    );
  });
  it('a connection reset', async () => {
    const url = await serve((req) => req.socket.destroy());
    await expectUnmeasured(url, 'connection-reset', /reset the connection/);
  });
});

describe('targets the preflight passes, with a deviation it names', () => {
  it('a canned server: content-dependent features are inconclusive, never "dropped"', async () => {
    const url = await serve((req, res) =>
      req.method === 'GET'
        ? send(res, 200, 'application/json', '{"object":"list","data":[]}')
        : send(res, 200, 'application/json', completion('Hello! How can I help?')),
    );
    const r = await relaycheck(
      url,
      '--vision-model',
      'gpt-4o',
      '--only',
      'chat.basic,stop,vision.image_url,messages.developer_role',
    );
    expect(r.target.health).toMatchObject({ status: 'limited', cause: 'prompt-insensitive', promptSensitive: false });
    const by = Object.fromEntries(r.target.results.map((x) => [x.feature, x]));
    for (const f of ['stop', 'vision.image_url', 'messages.developer_role']) {
      expect(by[f]!.verdict).toBe('inconclusive');
      expect(by[f]!.summary).toMatch(/^inconclusive: the model's answers do not depend on the prompt/);
    }
    expect(by['chat.basic']!.verdict).toBe('supported');
    expect(r.code).toBe(0);
  });
  it('an echo server is prompt-insensitive too', async () => {
    const url = await serve((req, res, body) =>
      req.method === 'GET'
        ? send(res, 404, 'text/plain', 'no')
        : send(res, 200, 'application/json', completion(lastUser(body))),
    );
    const r = await relaycheck(url, '--only', 'stop');
    expect(r.target.health?.cause).toBe('prompt-insensitive');
    expect(r.target.results[0]!.verdict).toBe('inconclusive');
  });
  it('streamed tool calls always HTTP 500: tools.stream is broken with that evidence', async () => {
    const err = JSON.stringify({ error: { message: 'tool stream failed', type: 'server_error' } });
    const url = await serve((req, res, body) => {
      const parsed = body ? (JSON.parse(body) as { stream?: boolean; tools?: unknown }) : {};
      if (parsed.stream === true && parsed.tools !== undefined)
        return send(res, 500, 'application/json', err, REPLY_NOW);
      void fetch(`${mockUrl}${req.url!.replace(/^\/v1/, '')}`, {
        method: req.method!,
        headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json' },
        ...(body ? { body } : {}),
      }).then(async (up) => send(res, up.status, up.headers.get('content-type') ?? '', await up.text()));
    });
    const r = await relaycheck(url, '--only', 'chat.basic,tools.stream');
    expect(r.target.health?.status).toBe('healthy');
    const tools = r.target.results.find((x) => x.feature === 'tools.stream')!;
    expect(tools.verdict).toBe('broken');
    expect(tools.summary).toMatch(/failed the same way on all 3 attempts \(HTTP 500: .*tool stream failed/);
    expect(r.target.usage.retried).toContain('tools.stream');
    expect(r.stdout).toMatch(/requests on the wire \(\d+ logical \+ \d+ retries: tools\.stream\)/);
    expect(r.code).toBe(0);
  });
});

describe('arguments are checked before the first request', () => {
  it('--require with an unknown id, an unreadable baseline', async () => {
    let hits = 0;
    const url = await serve((_q, res) => (hits++, send(res, 500, 'text/plain', 'x')));
    for (const extra of [
      ['--require', 'bogus'],
      ['--baseline', join(dir, 'missing.yaml')],
    ]) {
      let stderr = '';
      const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
      try {
        expect(await runCommand(['--base-url', url, '--model', 'm', ...extra])).toBe(2);
      } finally {
        err.mockRestore();
      }
      expect(stderr).toMatch(/bogus|does not exist/);
    }
    expect(hits).toBe(0);
  });
});

describe('a multi-target run with one target unmeasurable', () => {
  it('still measures and gates the healthy one, names the dead one with its cause, and exits 2', async () => {
    const dead = await serve((_q, res) => send(res, 404, 'text/html', '<html>Not Found</html>'));
    const config = join(dir, 'two-targets.yaml');
    writeFileSync(
      config,
      `targets:\n  - name: good\n    baseUrl: ${mockUrl}\n    models: { model: mock-model }\n` +
        `  - name: dead\n    baseUrl: ${dead}\n    models: { model: gpt-4o-mini }\n`,
    );
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
    process.env['RELAYCHECK_API_KEY'] = KEY;
    const outDir = join(dir, 'multi');
    let code: number;
    try {
      code = await runCommand(['--config', config, '--out', outDir, '--require', 'chat.basic']);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(2);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as RelaycheckReport;
    const [good, gone] = [
      report.targets.find((t) => t.name === 'good')!,
      report.targets.find((t) => t.name === 'dead')!,
    ];
    expect(good.health?.status).toBe('healthy');
    expect(good.results.find((r) => r.feature === 'chat.basic')!.verdict).toBe('supported');
    expect(gone.health).toMatchObject({ status: 'unmeasured', cause: 'not-the-api' });
    // The healthy target's results are printed; the dead one is named once with its cause.
    expect(stdout).toMatch(/good \(mock-model\): \d+ supported/);
    expect(stderr).toContain(`relaycheck run: not measured: dead: ${gone.health!.line}`);
    expect(stderr).not.toContain('not measured: good');
  });
});
