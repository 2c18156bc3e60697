// Issue 23, security 6: the masking gaps. Header secrecy by name covers the `*-auth`,
// `*-token`, `*-secret`, `*-key` families and variables named `*_CRED` / `*_AUTH`; a key a
// relay echoes in `Retry-After` (or any other field) is masked in report.json and the
// renderings; a key in the base URL's query or fragment is refused like `user:pass@`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../scripts/cli/commands/run.js';
import { writeReportFiles } from '../../suites/report/render/index.js';
import { buildReport, writeReport } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import { checkBaseUrl, ConfigError, isSecretEnvName, resolveTarget } from '../../suites/target.js';
import { createRedactor, isSensitiveHeader } from '../../suites/transport/redact.js';

const KEY = 'sk-relaycheck-MASK-5f0e2a91c7';
const LITERAL = 'relay-literal-auth-4471'; // written out in the config, in a header named *-auth
const CRED = 'cred-from-env-88120'; // from a variable named *_CRED, in a header with a plain name

describe('header secrecy by name', () => {
  it.each([
    'X-Relay-Auth',
    'x-session-token',
    'X-Client-Secret',
    'x-portkey-api-key',
    'x_upstream_key',
    'X-Api-Token',
    'x-relay-apikey',
    'x-relay-password',
  ])('%s is secret', (name) => {
    expect(isSensitiveHeader(name)).toBe(true);
    expect(createRedactor([]).headers({ [name]: 'abc-secret-value' })[name.toLowerCase()]).toBe('[REDACTED]');
  });

  it.each([
    'x-ratelimit-remaining-tokens',
    'x-portkey-provider',
    'access-control-allow-credentials',
    'x-author',
    'keyboard',
  ])('%s is evidence, not a secret', (name) => expect(isSensitiveHeader(name)).toBe(false));

  it('variables named *_CRED or *_AUTH are secret (whole words only)', () => {
    const config = { keyEnv: 'RELAYCHECK_API_KEY' };
    for (const name of ['RELAY_CRED', 'MY_AUTH', 'upstream_auth', 'GCP_CREDENTIAL'])
      expect(isSecretEnvName(name, config)).toBe(true);
    for (const name of ['AUTHOR_NAME', 'RELAY_REGION', 'CREDIT_LIMIT'])
      expect(isSecretEnvName(name, config)).toBe(false);
  });
});

describe('a key in the base URL', () => {
  it.each([
    'https://relay.example/v1?key=sk-live-query-secret',
    'https://relay.example/v1?api_key=sk-live-query-secret&x=1',
    'https://relay.example/v1#sk-live-query-secret',
  ])('%s is refused, the key not echoed', (url) => {
    let error: unknown;
    try {
      checkBaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/environment variable/);
    expect((error as Error).message).not.toContain('sk-live-query-secret');
  });

  it('the CLI exits 2 before any request, with a clear message', async () => {
    let stderr = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
    process.env['RELAYCHECK_API_KEY'] = KEY;
    try {
      const code = await runCommand(['--base-url', 'http://127.0.0.1:9/v1?key=sk-live-query-secret', '--model', 'm']);
      expect(code).toBe(2);
    } finally {
      err.mockRestore();
      delete process.env['RELAYCHECK_API_KEY'];
    }
    expect(stderr).toMatch(/relaycheck run: --base-url: the base URL has query parameter key .*environment variable/);
    expect(stderr).not.toContain('sk-live-query-secret');
  });
});

describe('echoes in report.json and the renderings', () => {
  let server: Server;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a key in Retry-After, and config header secrets echoed back, are masked everywhere', async () => {
    const seen = new Map<string, number>();
    server = createServer((req, res) => {
      const echo = `${String(req.headers['x-relay-auth'])} ${String(req.headers['x-provider'])}`;
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-relay-auth': String(req.headers['x-relay-auth']) });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', created: 1, owned_by: 'x' }] }));
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const n = (seen.get(body) ?? 0) + 1;
        seen.set(body, n);
        if (n === 1) {
          // The first attempt of each request: a 429 echoing the key as its Retry-After.
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': KEY });
          res.end(
            JSON.stringify({ error: { message: `slow down ${echo}`, type: 'rate_limit', code: 'rate_limited' } }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo-token': CRED });
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 1,
            model: 'm',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: `alpha beta gamma delta ${echo}` },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const target = resolveTarget(
      {
        name: 'masking',
        baseUrl,
        keyEnv: 'MASK_KEY',
        models: { model: 'm' },
        headers: { 'X-Relay-Auth': LITERAL, 'X-Provider': '${RELAY_CRED}' },
        auth: 'bearer',
      },
      { MASK_KEY: KEY, RELAY_CRED: CRED },
    );
    const run = await runTarget(target, {
      only: ['chat.basic'],
      limits: { baseRetryDelayMs: 1, maxRetryDelayMs: 5, timeoutMs: 5000 },
    });
    const report = buildReport([run.report]);
    const attempts = run.report.results.flatMap((r) => r.evidence.flatMap((e) => e.previousAttempts ?? []));
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.retryAfter === '[REDACTED]')).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'relaycheck-masking-'));
    const files = [writeReport(dir, report), ...writeReportFiles(report, dir)];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of [KEY, LITERAL, CRED])
        expect({ file, leaked: text.includes(secret) }).toEqual({ file, leaked: false });
    }
  }, 20_000);
});
