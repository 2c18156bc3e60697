// What test/secrets/cli.test.ts (the whole CLI flow against a relay echoing the key in
// error bodies, headers and JSON) does not cover: the key travels only in the auth header
// and only to the configured origin; a redirect to another origin never carries it (the
// other origin receives nothing); and echoes a plain search misses (split across stream
// chunks, in an SSE id, JSON-escaped, upper-cased, in a header's name, in a redirect's
// Location, with api-key auth) are redacted from everything written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockProvider, type MockProvider } from '../../mock-server/index.js';
import { writeReportFiles } from '../../suites/report/render/index.js';
import { buildReport, writeReport } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import { createRedactor } from '../../suites/transport/redact.js';
import { target } from '../suites/helpers.js';

const KEY = 'sk-relaycheck-HARD-9c41e07b3d2a';
/** Every form of the key a person or a tool would recognise. */
const FORMS = [
  KEY,
  KEY.toLowerCase(),
  KEY.toUpperCase(),
  encodeURIComponent(KEY),
  Buffer.from(KEY).toString('base64'),
  Buffer.from(KEY).toString('base64url'),
  KEY.slice(0, 24),
  KEY.slice(6),
  '\\u0073k-relaycheck',
];

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let mock: MockProvider;
let relay: Server;
let elsewhere: Server;
let relayUrl: string;
const atRelay: Seen[] = [];
const atElsewhere: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-hard-secrets-'));

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', () => resolve(Buffer.concat(parts)));
  });
}

/**
 * Forwards to the mock and echoes the key it was sent every way a plain search would miss;
 * requests asking for max_completion_tokens are redirected to another origin, the key in
 * the Location's query string.
 */
function leakyRelay(upstream: URL, otherOrigin: string): Server {
  return createServer((req, res) => {
    void readAll(req).then((raw) => {
      const body = raw.toString('utf8');
      atRelay.push({ url: req.url ?? '', headers: { ...req.headers }, body });
      const key = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(req.headers['api-key'] ?? '');
      if (body.includes('max_completion_tokens')) {
        res.writeHead(307, { location: `${otherOrigin}${req.url ?? ''}?key=${key}`, 'content-type': 'text/plain' });
        res.end(`moved, bring ${key}`);
        return;
      }
      const headers: Record<string, string | string[] | undefined> = {
        ...req.headers,
        authorization: 'Bearer upstream-key',
      };
      delete headers['api-key'];
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${upstream.pathname}${req.url}`,
          headers,
        },
        (answer) => {
          void readAll(answer).then((buffer) => {
            let text = buffer.toString('utf8');
            const echo: Record<string, string> = key ? { 'x-debug': key.toUpperCase(), [`x-seen-${key}`]: '1' } : {};
            if ((answer.headers['content-type'] ?? '').includes('event-stream') && key) {
              // The key split over two content deltas, and as the stream's event id.
              const half = Math.floor(key.length / 2);
              const delta = (content: string) =>
                `id: ${key}\ndata: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'mock-model', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
              text = text.replace('data: ', `${delta(key.slice(0, half))}${delta(key.slice(half))}data: `);
            } else if (key && text.startsWith('{')) {
              // JSON-escaped: the parsed value is the key, the text is not.
              text = `{"debug":"\\u0073${key.slice(1)}",${text.slice(1)}`;
            }
            const out = { ...answer.headers, ...echo, 'content-length': String(Buffer.byteLength(text)) };
            delete out['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, out);
            res.end(text);
          });
        },
      );
      up.on('error', () => res.destroy());
      up.end(raw);
    });
  });
}

beforeAll(async () => {
  mock = createMockProvider();
  const started = await mock.start({ port: 0 });
  elsewhere = createServer((req, res) => {
    void readAll(req).then((b) => {
      atElsewhere.push({ url: req.url ?? '', headers: { ...req.headers }, body: b.toString('utf8') });
      res.end('{}');
    });
  });
  const otherOrigin = await listen(elsewhere);
  relay = leakyRelay(new URL(started.baseUrl), otherOrigin);
  relayUrl = `${await listen(relay)}/v1`;
});

afterAll(async () => {
  await mock.stop();
  await Promise.all(
    [relay, elsewhere].map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

function written(name: string, report: ReturnType<typeof buildReport>): string[] {
  const out = join(dir, name);
  return [writeReport(out, report), ...writeReportFiles(report, out)].map((f) => readFileSync(f, 'utf8'));
}

describe('the key goes to the relay in its header and nowhere else, and is never written', () => {
  for (const auth of ['bearer', 'api-key'] as const) {
    it(`with --auth ${auth}`, async () => {
      atRelay.length = 0;
      const { report } = await runTarget(target(relayUrl, { apiKey: KEY, secrets: [KEY], auth }), {
        limits: { maxRetries: 0, timeoutMs: 5000, firstByteTimeoutMs: 5000, maxStreamMs: 5000 },
        concurrency: 8,
        // The leaky relay's answers are not prompt-dependent; every probe's path is what is checked here.
        preflight: false,
      });

      // Sent: only in the auth header, only to the relay.
      expect(atRelay.length).toBeGreaterThan(30);
      const header = auth === 'bearer' ? 'authorization' : 'api-key';
      let keyed = 0;
      for (const seen of atRelay) {
        expect(seen.url.includes(KEY) || seen.body.includes(KEY)).toBe(false);
        // Anthropic's surface takes it as x-api-key or Bearer (messages.auth tries both).
        const anthropic = /\/messages(\/|$)/.test(seen.url) ? ['x-api-key', 'authorization'] : [];
        for (const [name, value] of Object.entries(seen.headers)) {
          if (name === header || anthropic.includes(name)) continue;
          expect(String(value).includes(KEY), `${name} on ${seen.url}`).toBe(false);
        }
        if ([header, ...anthropic].some((h) => String(seen.headers[h] ?? '').includes(KEY))) keyed++;
      }
      expect(keyed).toBeGreaterThan(25);
      expect(atElsewhere).toEqual([]);

      // The relay did echo it, and redirected: otherwise this test would prove nothing.
      const evidence = JSON.stringify(report);
      expect(evidence).toContain('x-debug');
      expect(evidence).toContain('x-seen-[REDACTED]');
      expect(evidence).toContain('?key=[REDACTED]');
      expect(report.results.find((r) => r.feature === 'max_completion_tokens')?.verdict).toBe('error');

      for (const text of written(auth, buildReport([report]))) {
        for (const form of FORMS) expect(text.includes(form), form).toBe(false);
        // The split halves are only ever seen apart (each alone is not the key).
        expect(text).not.toMatch(/sk-relaycheck-HARD-9c41e07b3d2a/i);
      }
    }, 30_000);
  }

  it('the redactor catches escaped, encoded and re-cased forms', () => {
    const r = createRedactor([KEY]);
    const echoes = [
      KEY,
      KEY.toUpperCase(),
      `\\u0073${KEY.slice(1)}`,
      [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      `%73${KEY.slice(1)}`,
      [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
      `&#115;${KEY.slice(1)}`,
      `&#x73;${KEY.slice(1)}`,
      Buffer.from(KEY).toString('base64'),
    ];
    for (const echo of echoes) expect(r.text(`before ${echo} after`), echo).toBe('before [REDACTED] after');
    expect(r.headers({ [`X-${KEY}`]: 'yes' })).toEqual({ 'x-[REDACTED]': 'yes' });
    // Not a secret: left alone.
    expect(r.text('sk-relaycheck-HARD')).toBe('sk-relaycheck-HARD');
  });
});
