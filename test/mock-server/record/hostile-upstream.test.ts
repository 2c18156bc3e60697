// Record mode against an upstream written to hurt it: answers without end, silence, a redirect
// to another origin, echoed credentials in headers and bodies. Every upstream here is a
// loopback server; each test sets small limits so nothing big is ever sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockProvider, type MockProvider, type RecordEvent } from '../../../mock-server/index.js';
import type { RecordOptions } from '../../../mock-server/assembly/options.js';
import { logRecordEvent } from '../../../scripts/cli/commands/mock.js';

const UPSTREAM_KEY = 'sk-test_AbC/9+x=yzUPSTREAM';
const CLIENT_KEY = 'sk-client-7777';
const GATEWAY_KEY = 'pk-gateway/Secret+42';

const servers: Server[] = [];
const mocks: MockProvider[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.stop()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

interface Recording {
  base: string;
  file: string;
  events: RecordEvent[];
}

async function recorder(upstreamUrl: string, limits: RecordOptions['limits'] = {}): Promise<Recording> {
  const file = join(mkdtempSync(join(tmpdir(), 'relaycheck-hostile-')), 'session.yaml');
  const events: RecordEvent[] = [];
  const mock = createMockProvider({
    record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onEvent: (e) => events.push(e), limits },
  });
  mocks.push(mock);
  const { baseUrl } = await mock.start({ port: 0 });
  return { base: baseUrl, file, events };
}

function chat(base: string, body: object = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], ...body }),
    signal: AbortSignal.timeout(10_000),
  });
}

const completion = (content: string): string =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });

/** The envelope's error, after checking it is OpenAI's shape. */
async function envelope(res: Response): Promise<{ message: string; type: string; code: string }> {
  const json = (await res.json()) as { error: { message: string; type: string; code: string; param: unknown } };
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return json.error;
}

const recorded = (file: string): string => readFileSync(file, 'utf8');

describe('record mode is bounded', () => {
  it('refuses an answer over the size cap with a 502 envelope, records nothing and stops reading', async () => {
    let upstreamClosed = false;
    let sent = 0;
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // An answer that never ends (no content-length): only the recorder hanging up stops it.
      const more = (): void => {
        while (!res.destroyed && res.write(Buffer.alloc(16 * 1024, 0x20))) sent += 16 * 1024;
        if (!res.destroyed) res.once('drain', more);
      };
      res.on('close', () => (upstreamClosed = true));
      more();
    });
    const r = await recorder(url, { maxBodyBytes: 64 * 1024 });
    const res = await chat(r.base);
    expect(res.status).toBe(502);
    const error = await envelope(res);
    expect(error.code).toBe('upstream_too_large');
    expect(error.message).toContain(String(64 * 1024));
    await expect.poll(() => upstreamClosed).toBe(true);
    expect(sent).toBeLessThan(8 * 1024 * 1024);
    expect(r.events).toEqual([expect.objectContaining({ kind: 'upstream-error' })]);
    expect(recorded(r.file)).toBe('fixtures: []\n');
  });

  it('refuses an answer whose declared length is over the cap before reading it', async () => {
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{"choices":');
    });
    const r = await recorder(url, { maxBodyBytes: 1024 });
    const res = await chat(r.base);
    expect(res.status).toBe(502);
    expect((await envelope(res)).code).toBe('upstream_too_large');
  });

  it('gives up on an upstream that sends no headers (504 envelope, logged)', async () => {
    const url = await upstream(() => undefined);
    const r = await recorder(url, { firstByteTimeoutMs: 200 });
    const started = Date.now();
    const res = await chat(r.base);
    expect(res.status).toBe(504);
    expect((await envelope(res)).code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.events).toEqual([
      expect.objectContaining({ kind: 'upstream-error', message: expect.stringContaining('200 ms') }),
    ]);
  });

  it('gives up on a JSON answer that drips forever', async () => {
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    const r = await recorder(url, { timeoutMs: 300 });
    const res = await chat(r.base);
    expect(res.status).toBe(504);
    expect((await envelope(res)).code).toBe('upstream_timeout');
    expect(recorded(r.file)).toBe('fixtures: []\n');
  });

  it('ends a never-ending stream with an in-band error and records nothing', async () => {
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'a' } }] };
      const timer = setInterval(() => res.write(`data: ${JSON.stringify(chunk)}\n\n`), 20);
      res.on('close', () => clearInterval(timer));
    });
    const r = await recorder(url, { maxStreamMs: 300 });
    const res = await chat(r.base, { stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    const last = text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.replace(/^data: /, ''))).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect(recorded(r.file)).toBe('fixtures: []\n');
    expect(r.events).toEqual([expect.objectContaining({ kind: 'upstream-error' })]);
  });

  it('ends a stream that falls silent', async () => {
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n');
    });
    const r = await recorder(url, { idleTimeoutMs: 200 });
    const res = await chat(r.base, { stream: true });
    expect(await res.text()).toContain('"code":"upstream_timeout"');
  });
});

describe('record mode never follows a redirect', () => {
  it('answers a 307 with a 502 envelope; the other origin never sees the request', async () => {
    const hits: IncomingMessage['headers'][] = [];
    const elsewhere = await upstream((req, res) => {
      hits.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion('from elsewhere'));
    });
    const url = await upstream((_req, res) => {
      res.writeHead(307, { location: `${elsewhere}/chat/completions` });
      res.end();
    });
    const r = await recorder(url);
    const res = await chat(r.base, {}, { 'x-portkey-api-key': GATEWAY_KEY });
    expect(res.status).toBe(502);
    expect((await envelope(res)).code).toBe('upstream_redirect');
    expect(hits).toEqual([]);
    expect(recorded(r.file)).not.toContain('elsewhere');
  });
});

describe('record mode passes on only what a client needs', () => {
  it('drops echoed credentials and unknown headers, masks the key in those it keeps', async () => {
    const url = await upstream((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        authorization: req.headers.authorization ?? '',
        'set-cookie': 'session=abc',
        'x-echo-key': String(req.headers['x-portkey-api-key']),
        'x-request-id': `req-${UPSTREAM_KEY}`,
        'x-ratelimit-remaining-requests': '99',
      });
      res.end(completion('hi'));
    });
    const r = await recorder(url);
    const res = await chat(r.base, {}, { 'x-portkey-api-key': GATEWAY_KEY });
    expect(res.status).toBe(200);
    const names = [...res.headers.keys()];
    expect(names).not.toContain('authorization');
    expect(names).not.toContain('set-cookie');
    expect(names).not.toContain('x-echo-key');
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('99');
    expect(res.headers.get('x-request-id')).toBe('req-[REDACTED]');
    const all = JSON.stringify([...res.headers.entries()]);
    expect(all).not.toContain(UPSTREAM_KEY);
    expect(all).not.toContain(GATEWAY_KEY);
  });
});

describe('the record file keeps no form of a key', () => {
  const forms = (key: string): string[] => [
    key,
    key.toUpperCase(),
    encodeURIComponent(key),
    Buffer.from(key).toString('base64'),
    Buffer.from(key).toString('base64').replace(/=+$/, ''),
  ];

  it('masks raw, upper-case, URL-encoded and base64 echoes of the upstream and gateway keys', async () => {
    const url = await upstream((req, res) => {
      const echoes = [UPSTREAM_KEY, String(req.headers['x-portkey-api-key'])].flatMap(forms);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(`echo: ${echoes.join(' | ')}`));
    });
    const r = await recorder(url);
    const res = await chat(r.base, {}, { 'x-portkey-api-key': GATEWAY_KEY });
    expect(res.status).toBe(200);
    await expect.poll(() => r.events.length).toBe(1);
    expect(r.events[0]).toMatchObject({ kind: 'recorded' });
    const file = recorded(r.file);
    expect(file).toContain('[REDACTED]');
    for (const form of [...forms(UPSTREAM_KEY), ...forms(GATEWAY_KEY)]) expect(file).not.toContain(form);
  });
});

describe("the recorder's log", () => {
  it('prints a reason quoting the relay on one line, without its control characters', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const log = logRecordEvent('session.yaml');
      log({
        kind: 'not-recorded',
        status: 200,
        reason: 'bad fixture\n::error title=x::owned\u001b]0;title\u0007\u001b[2K',
      });
      log({ kind: 'upstream-error', message: 'cut\r\n::add-mask::relaycheck\u001b]52;c;Zm9v\u0007' });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      // eslint-disable-next-line no-control-regex -- looking for controls is the point
      expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(line).not.toMatch(/(^|\n)::/);
    }
  });
});
