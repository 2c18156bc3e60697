// Record mode on /v1/responses and /v1/messages against an upstream written to hurt it, as on
// chat: answers without end, a redirect to another origin, echoed credentials. Every upstream
// is a loopback server; each test sets small limits so nothing big is ever sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockProvider, type MockProvider, type RecordEvent } from '../../../mock-server/index.js';
import type { RecordOptions } from '../../../mock-server/assembly/options.js';

const UPSTREAM_KEY = 'sk-ant-UPSTREAM/key+9=';
const CLIENT_KEY = 'sk-ant-client-Secret-31337';

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

async function recorder(upstreamUrl: string, limits: RecordOptions['limits'] = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'relaycheck-hostile-')), 'session.yaml');
  const events: RecordEvent[] = [];
  const mock = createMockProvider({
    record: { file, upstream: upstreamUrl, upstreamKey: UPSTREAM_KEY, onEvent: (e) => events.push(e), limits },
  });
  mocks.push(mock);
  const { baseUrl } = await mock.start({ port: 0 });
  return { base: baseUrl, file, events, recorded: () => readFileSync(file, 'utf8') };
}

const responses = (base: string, body: object = {}): Promise<Response> =>
  fetch(`${base}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify({ model: 'gpt-5', input: 'hello', ...body }),
    signal: AbortSignal.timeout(10_000),
  });

const messages = (base: string, body: object = {}): Promise<Response> =>
  fetch(`${base}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-opus-5-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello' }],
      ...body,
    }),
    signal: AbortSignal.timeout(10_000),
  });

/** An SSE upstream that never ends: one event every 20 ms. */
const endless =
  (event: string, data: object) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`), 20);
    res.on('close', () => clearInterval(timer));
  };

describe('record mode is bounded on /v1/responses and /v1/messages', () => {
  it('ends a never-ending Responses stream with an `error` event and records nothing', async () => {
    const url = await upstream(
      endless('response.output_text.delta', { type: 'response.output_text.delta', output_index: 0, delta: 'a' }),
    );
    const r = await recorder(url, { maxStreamMs: 300 });
    const res = await responses(r.base, { stream: true });
    expect(res.status).toBe(200);
    const last = (await res.text()).trim().split('\n\n').at(-1)!;
    expect(last.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(last.split('\n')[1]!.replace(/^data: /, ''))).toMatchObject({
      type: 'error',
      code: 'upstream_timeout',
    });
    expect(r.recorded()).toBe('fixtures: []\n');
    expect(r.events).toEqual([expect.objectContaining({ kind: 'upstream-error' })]);
  });

  it("ends a never-ending Messages stream with Anthropic's error event and records nothing", async () => {
    const url = await upstream(
      endless('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'a' },
      }),
    );
    const r = await recorder(url, { maxStreamMs: 300 });
    const res = await messages(r.base, { stream: true });
    expect(res.status).toBe(200);
    const last = (await res.text()).trim().split('\n\n').at(-1)!;
    expect(last.split('\n')[0]).toBe('event: error');
    const error = JSON.parse(last.split('\n')[1]!.replace(/^data: /, '')) as {
      type: string;
      error: { message: string };
    };
    expect(error.type).toBe('error');
    expect(error.error.message).toMatch(/still open after 300 ms/);
    expect(r.recorded()).toBe('fixtures: []\n');
  });

  it("refuses an oversized Messages answer with a 502 in Anthropic's envelope", async () => {
    const url = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = (): void => {
        while (!res.destroyed && res.write(Buffer.alloc(16 * 1024, 0x20)));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    const r = await recorder(url, { maxBodyBytes: 64 * 1024 });
    const res = await messages(r.base);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('api_error');
    expect(body.error.message).toContain(String(64 * 1024));
    expect(r.recorded()).toBe('fixtures: []\n');
  });
});

describe('record mode never follows a redirect on /v1/responses and /v1/messages', () => {
  for (const [surface, send] of [
    ['responses', responses],
    ['messages', messages],
  ] as const) {
    it(`answers a 307 on ${surface} with a 502; the other origin never sees the request`, async () => {
      const hits: IncomingMessage['headers'][] = [];
      const elsewhere = await upstream((req, res) => {
        hits.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
      const url = await upstream((_req, res) => {
        res.writeHead(307, { location: `${elsewhere}/${surface}` });
        res.end();
      });
      const r = await recorder(url);
      const res = await send(r.base);
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(text).toMatch(/a redirect, which record mode never follows/);
      if (surface === 'responses') expect(JSON.parse(text)).toMatchObject({ error: { code: 'upstream_redirect' } });
      else expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(hits).toEqual([]);
      expect(r.recorded()).toBe('fixtures: []\n');
    });
  }
});

describe("record mode keeps the client's x-api-key to itself", () => {
  it('sends the recorder key upstream, masks an echoed client key in the file and drops echoing headers', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const url = await upstream((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-api-key': String(req.headers['x-api-key']),
        'request-id': 'req_1',
      });
      const echo = `you sent ${CLIENT_KEY} and ${Buffer.from(UPSTREAM_KEY).toString('base64')}`;
      res.end(
        JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-opus-5-5',
          content: [{ type: 'text', text: echo }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 3, output_tokens: 5 },
        }),
      );
    });
    const r = await recorder(url);
    const res = await messages(r.base);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-api-key')).toBeNull();
    expect(res.headers.get('request-id')).toBe('req_1');
    expect(seen[0]!['x-api-key']).toBe(UPSTREAM_KEY);
    expect(JSON.stringify(seen)).not.toContain(CLIENT_KEY);
    await expect.poll(() => r.events.length).toBe(1);
    expect(r.events[0]).toMatchObject({ kind: 'recorded' });
    const file = r.recorded();
    expect(file).toContain('[REDACTED]');
    expect(file).not.toContain(CLIENT_KEY);
    expect(file).not.toContain(Buffer.from(UPSTREAM_KEY).toString('base64'));
  });
});
