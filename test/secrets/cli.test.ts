// The whole flow with a recognisable fake key, against a relay that echoes the key back
// (in error bodies, response headers and even content): the key must appear in no output
// stream and no file, in any encoding a reader would recognise.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockProvider, type MockProvider } from '../../mock-server/index.js';
import { REPORT_FILE_NAMES } from '../../suites/report/render/index.js';
import { REPORT_FILE } from '../../suites/report/report-file.js';

const BIN = fileURLToPath(new URL('../../bin/relaycheck.js', import.meta.url));
const FAKE_KEY = 'sk-relaycheck-FAKE-7d3f9a1c2b5e';

/** Every form of the key a person or a tool might recognise. */
const FORMS = [FAKE_KEY, encodeURIComponent(FAKE_KEY), Buffer.from(FAKE_KEY).toString('base64'), FAKE_KEY.slice(0, 24)];

let mock: MockProvider;
let leaky: Server;
let baseUrl: string;
let dir: string;

/** A relay that forwards to the mock and echoes whatever key it received everywhere it can. */
function startLeakyRelay(target: URL): Promise<string> {
  leaky = createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${req.url}`,
        headers: req.headers,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          const status = up.statusCode ?? 502;
          if (status >= 400)
            body = JSON.stringify({
              error: {
                message: `Invalid key ${key} (base64 ${Buffer.from(key).toString('base64')})`,
                type: 'invalid_request_error',
                param: null,
                code: null,
              },
            });
          else if (!(up.headers['content-type'] ?? '').includes('event-stream'))
            body = body.replace('"model":', `"debug":"served for ${key}","model":`);
          const headers = { ...up.headers, 'x-debug-key': key, 'content-length': String(Buffer.byteLength(body)) };
          delete headers['transfer-encoding'];
          res.writeHead(status, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    leaky.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(leaky.address() as AddressInfo).port}`)),
  );
}

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, RELAYCHECK_API_KEY: FAKE_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  mock = createMockProvider({ apiKeys: [FAKE_KEY] });
  const started = await mock.start({ port: 0 });
  baseUrl = `${await startLeakyRelay(new URL(started.baseUrl))}`;
  dir = mkdtempSync(join(tmpdir(), 'relaycheck-secrets-'));
});

afterAll(async () => {
  await mock.stop();
  await new Promise<void>((resolve) => leaky.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the key never leaks', () => {
  it('not from run, report or their files, even when the relay echoes it back', async () => {
    const run = await cli([
      'run',
      '--base-url',
      baseUrl,
      '--model',
      'mock-model',
      '--reasoning-model',
      'mock-reasoner',
      '--vision-model',
      'mock-model',
      '--out',
      join(dir, 'run'),
    ]);
    expect(run.code, run.out).toBe(0);
    const report = await cli(['report', join(dir, 'run', 'report.json'), '--out', join(dir, 'merged')]);
    expect(report.code, report.out).toBe(0);

    const files = filesUnder(dir);
    // Every format of the format table and report.json, in both folders (a merge writes its own).
    const formats = [...Object.values(REPORT_FILE_NAMES), REPORT_FILE];
    const expected = ['merged', 'run'].flatMap((folder) => formats.map((f) => join(dir, folder, f)));
    expect(files.sort()).toEqual(expected.sort());
    // The relay really did echo it: otherwise this test would prove nothing.
    const evidence = readFileSync(join(dir, 'run', 'report.json'), 'utf8');
    expect(evidence).toContain('x-debug-key');
    expect(evidence).toContain('Invalid key');

    for (const [where, text] of [
      ['run output', run.out],
      ['report output', report.out],
      ...files.map((f) => [f, readFileSync(f, 'utf8')]),
    ] as const) {
      for (const form of FORMS) expect(text.includes(form), `${form} in ${where}`).toBe(false);
    }
    // Reproducers name the variable instead.
    expect(evidence).toContain('$RELAYCHECK_API_KEY');
  }, 60_000);
});
