import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportExchange } from '../../../spec/generated/types.js';
import { validate } from '../../../spec/validators.js';
import { DEFAULT_LIMITS, exchange, retryAfterMs, type ExchangeResult } from '../../../suites/transport/http.js';
import { createRedactor } from '../../../suites/transport/redact.js';

const KEY = 'sk-test-9f8e7d6c5b4a3210';
const AUTH = { authorization: `Bearer ${KEY}` };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let main: Server;
let other: Server;
let base = '';
let otherBase = '';
let otherRequests = 0;
const hits = new Map<string, number>();
const hit = (key: string): number => {
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  return n;
};
/** Resolved when the response of a route is closed, with the bytes the server managed to write. */
const closedRoutes = new Map<string, Promise<number>>();
const intervals = new Set<ReturnType<typeof setInterval>>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
  });
}

function sseHead(res: ServerResponse, type = 'text/event-stream'): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  res.flushHeaders();
}

function trackClose(route: string, res: ServerResponse, written: () => number): void {
  closedRoutes.set(route, new Promise((resolve) => res.on('close', () => resolve(written()))));
}

const routes: Record<string, Handler> = {
  '/json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r1' });
    res.end(JSON.stringify({ ok: true, n: 1 }));
  },
  '/echo': async (req, res) => {
    const body = await readBody(req);
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
    res.end(
      JSON.stringify({
        received: JSON.parse(body || 'null'),
        headers: req.headers,
        note: `your key is ${req.headers.authorization}`,
      }),
    );
  },
  '/sse': (_req, res) => {
    sseHead(res);
    const parts = [
      ': OPENROUTER PROCESSING\r\n\r\n',
      'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"你',
      '好"}}]}\r',
      '\n\r\ndata:{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
      'data: [DONE]\n\n',
    ];
    let i = 0;
    const next = (): void => {
      if (i < parts.length) {
        res.write(parts[i++]);
        setTimeout(next, 2);
      } else res.end();
    };
    next();
  },
  '/sse-plain': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('data: {"a":1}\n\ndata: [DONE]\n\n');
  },
  '/flaky429': (_req, res) => {
    if (hit('flaky429') === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null } }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }
  },
  '/always500': (_req, res) => {
    hit('always500');
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"boom"}}');
  },
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let written = 0;
    let open = true;
    trackClose('/huge', res, () => written);
    res.on('close', () => (open = false));
    const pump = (): void => {
      while (open && written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  },
  '/forever-sse': (_req, res) => {
    sseHead(res);
    res.write('data: {"id":"c1","choices":[]}\n\n');
    let written = 0;
    const t = setInterval(() => {
      written++;
      res.write(': keep-alive\n\n');
    }, 20);
    intervals.add(t);
    trackClose('/forever-sse', res, () => written);
    res.on('close', () => clearInterval(t));
  },
  '/hang': () => {
    // Accept and never answer.
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: `${otherBase}/steal`, 'content-type': 'text/plain' });
    res.end('moved');
  },
  '/reset': (_req, res) => {
    sseHead(res);
    res.write('data: {"id":"c1","choices":[{"index":0,"delta":{"content":"par');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/badutf8': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x21]));
  },
  '/done-open': (_req, res) => {
    sseHead(res);
    res.write('data: {"id":"c1","choices":[]}\n\ndata: [DONE]\n\n');
    trackClose('/done-open', res, () => 0);
  },
  '/empty': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end();
  },
};

async function listen(handler: Handler): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  ({ server: main, base } = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    if (route) route(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  }));
  ({ server: other, base: otherBase } = await listen((_req, res) => {
    otherRequests++;
    res.end('stolen');
  }));
});

afterAll(async () => {
  for (const t of intervals) clearInterval(t);
  await Promise.all([close(main), close(other)]);
});

/** Wrap one exchange in a minimal report and check it against spec/report.schema.yaml. */
function expectValidEvidence(evidence: ReportExchange): void {
  const report = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    tool: { name: 'relaycheck', version: '0.0.0' },
    targets: [
      {
        name: 't',
        baseUrl: base,
        model: 'm',
        usage: { requests: 1, promptTokens: 0, completionTokens: 0 },
        durationMs: 1,
        results: [{ feature: 'f', verdict: 'supported', summary: 's', reproduce: 'curl', evidence: [evidence] }],
      },
    ],
  };
  expect(validate('report', report).errors).toEqual([]);
}

function fakeSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

const small = { timeoutMs: 2_000, firstByteTimeoutMs: 2_000, maxStreamMs: 2_000 };

describe('exchange', () => {
  it('JSON: parsed, recorded, redacted request headers', async () => {
    const r = await exchange({ method: 'GET', url: `${base}/json`, headers: AUTH, label: 'models' }, small);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.json).toEqual({ ok: true, n: 1 });
    expect(r.error).toBeUndefined();
    expect(r.evidence).toMatchObject({
      label: 'models',
      attempts: 1,
      request: { method: 'GET', body: null, headers: { authorization: 'Bearer [REDACTED]' } },
      response: { status: 200, bodyKind: 'json', body: { ok: true, n: 1 }, truncated: false, bytes: 17 },
    });
    expect(r.evidence.response?.headers['x-request-id']).toBe('r1');
    expect(r.evidence.timing.firstByteMs).toBeGreaterThanOrEqual(0);
    expectValidEvidence(r.evidence);
  });

  it('SSE: parsed incrementally, quirks observed, chat stream interpreted', async () => {
    const r = await exchange(
      { method: 'POST', url: `${base}/sse`, headers: AUTH, body: { model: 'm', stream: true }, expectStream: true },
      small,
    );
    expect(r.error).toBeUndefined();
    expect(r.sse?.chat.done).toBe(true);
    expect(r.sse?.chat.chunks).toHaveLength(2);
    expect(r.sse?.chat.chunks[0]).toMatchObject({ choices: [{ delta: { content: '你好' } }] });
    expect(r.sse?.observations).toMatchObject({ comments: 1, noSpaceAfterColon: 1, unterminatedLast: false });
    expect(r.sse?.observations.crlf).toBeGreaterThanOrEqual(3);
    expect(r.evidence.response).toMatchObject({ bodyKind: 'sse', body: null, truncated: false });
    expect(r.evidence.response?.rawSse).toContain('data: [DONE]');
    expect(r.evidence.request.body).toEqual({ model: 'm', stream: true });
    expect(r.evidence.request.headers['content-type']).toBe('application/json');
    expectValidEvidence(r.evidence);
  });

  it('SSE served as text/plain is still parsed, with a note', async () => {
    const r = await exchange({ method: 'POST', url: `${base}/sse-plain`, headers: {}, body: {} }, small);
    expect(r.sse?.chat.chunks).toEqual([{ a: 1 }]);
    expect(r.evidence.notes?.[0]).toMatch(/text\/plain/);
  });

  it('429 with Retry-After, then 200: two attempts, the delay honoured', async () => {
    const { sleep, waits } = fakeSleep();
    const r = await exchange({ method: 'POST', url: `${base}/flaky429`, headers: AUTH, body: {} }, small, { sleep });
    expect(r.status).toBe(200);
    expect(r.attempts).toBe(2);
    expect(waits).toEqual([1000]);
    expect(r.evidence.attempts).toBe(2);
    expect(r.evidence.previousAttempts).toEqual([{ status: 429, retryAfter: '1', waitMs: 1000 }]);
    expectValidEvidence(r.evidence);
  });

  it('500 three times: gives up after maxRetries with exponential back-off', async () => {
    const { sleep, waits } = fakeSleep();
    const r = await exchange(
      { method: 'GET', url: `${base}/always500`, headers: {} },
      { ...small, maxRetries: 2 },
      { sleep },
    );
    expect(r.status).toBe(500);
    expect(r.attempts).toBe(3);
    expect(hits.get('always500')).toBe(3);
    expect(waits).toEqual([500, 1000]);
    expect(r.json).toEqual({ error: { message: 'boom' } });
    expect(r.error).toBeUndefined(); // a 5xx is an answer, not a transport failure
  });

  it('connection refused: retried, then a network error', async () => {
    const { server, base: dead } = await listen(() => undefined);
    await close(server);
    const { sleep, waits } = fakeSleep();
    const r = await exchange(
      { method: 'GET', url: `${dead}/x`, headers: AUTH },
      { ...small, maxRetries: 1 },
      { sleep },
    );
    expect(r.status).toBeNull();
    expect(r.attempts).toBe(2);
    expect(waits).toEqual([500]);
    expect(r.error?.kind).toBe('network');
    expect(r.error?.message).toMatch(/ECONNREFUSED/);
    expect(r.evidence.response).toBeUndefined();
    expectValidEvidence(r.evidence);
  });

  it('a body larger than the cap: truncated, connection aborted, memory bounded', async () => {
    const cap = 64 * 1024;
    const r = await exchange({ method: 'GET', url: `${base}/huge`, headers: {} }, { ...small, maxBodyBytes: cap });
    expect(r.error?.kind).toBe('too-large');
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.text)).toBe(cap);
    expect(r.evidence.response?.truncated).toBe(true);
    expect(Buffer.byteLength(String(r.evidence.response?.body))).toBeLessThanOrEqual(64 * 1024);
    const written = await closedRoutes.get('/huge')!; // the server saw the connection close
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expectValidEvidence(r.evidence);
  });

  it('a stream that never ends stops at maxStreamMs', async () => {
    const started = Date.now();
    const r = await exchange(
      { method: 'POST', url: `${base}/forever-sse`, headers: {}, body: { stream: true }, expectStream: true },
      { ...small, maxStreamMs: 150 },
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r.error?.kind).toBe('stream-too-long');
    expect(r.truncated).toBe(true);
    expect(r.sse?.chat.chunks).toEqual([{ id: 'c1', choices: [] }]);
    expect(r.sse?.chat.done).toBe(false);
    expect(r.sse?.observations.comments).toBeGreaterThan(0);
    await closedRoutes.get('/forever-sse');
  });

  it('a stream left open after [DONE] is closed after doneGraceMs, as a note', async () => {
    const r = await exchange(
      { method: 'POST', url: `${base}/done-open`, headers: {}, body: { stream: true }, expectStream: true },
      { ...small, doneGraceMs: 50 },
    );
    expect(r.error).toBeUndefined();
    expect(r.truncated).toBe(false);
    expect(r.sse?.chat.done).toBe(true);
    expect(r.evidence.notes?.join(' ')).toMatch(/after \[DONE\]/);
    await closedRoutes.get('/done-open');
  });

  it('a server that accepts and never answers: timeout, not retried', async () => {
    const { sleep, waits } = fakeSleep();
    const r = await exchange({ method: 'GET', url: `${base}/hang`, headers: {} }, { timeoutMs: 150 }, { sleep });
    expect(r.error).toEqual({ kind: 'timeout', message: 'no complete response within 150 ms' });
    expect(r.status).toBeNull();
    expect(r.attempts).toBe(1);
    expect(waits).toEqual([]);
    expectValidEvidence(r.evidence);
  });

  it('firstByteTimeoutMs bounds the wait for headers', async () => {
    const r = await exchange(
      { method: 'GET', url: `${base}/hang`, headers: {} },
      { timeoutMs: 5_000, firstByteTimeoutMs: 100 },
    );
    expect(r.error?.kind).toBe('timeout');
    expect(r.error?.message).toMatch(/headers within 100 ms/);
  });

  it('a redirect to another origin is not followed and the key does not travel', async () => {
    const r = await exchange({ method: 'POST', url: `${base}/redirect`, headers: AUTH, body: { a: 1 } }, small);
    expect(r.status).toBe(302);
    expect(r.error?.kind).toBe('redirect');
    expect(r.error?.message).toContain(`${otherBase}/steal`);
    expect(r.evidence.response?.headers['location']).toBe(`${otherBase}/steal`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(otherRequests).toBe(0);
    expectValidEvidence(r.evidence);
  });

  it('a connection reset mid-stream: network error, partial data kept, not retried', async () => {
    const { sleep, waits } = fakeSleep();
    const r = await exchange(
      { method: 'POST', url: `${base}/reset`, headers: {}, body: { stream: true }, expectStream: true },
      small,
      { sleep },
    );
    expect(r.status).toBe(200);
    expect(r.error?.kind).toBe('network');
    expect(r.error?.message).toMatch(/connection lost/);
    expect(r.truncated).toBe(true);
    expect(r.attempts).toBe(1);
    expect(waits).toEqual([]);
    expect(r.sse?.observations.unterminatedLast).toBe(true);
    expect(r.sse?.chat.nonJson).toHaveLength(1);
    expectValidEvidence(r.evidence);
  });

  it('invalid UTF-8 is an error of its own, the text decoded with U+FFFD', async () => {
    const r = await exchange({ method: 'GET', url: `${base}/badutf8`, headers: {} }, small);
    expect(r.error?.kind).toBe('invalid-utf8');
    expect(r.text).toBe('hi\uFFFD\uFFFD!');
    expect(r.evidence.response).toMatchObject({ bodyKind: 'text', body: 'hi\uFFFD\uFFFD!', bytes: 5 });
  });

  it('an empty body', async () => {
    const r = await exchange({ method: 'GET', url: `${base}/empty`, headers: {} }, small);
    expect(r.status).toBe(200);
    expect(r.json).toBeUndefined();
    expect(r.evidence.response).toMatchObject({ bodyKind: 'empty', body: null, bytes: 0 });
  });

  it('the key echoed back is redacted everywhere; other secrets via the redactor', async () => {
    const other = 'other-secret-value-42';
    const r = await exchange(
      { method: 'POST', url: `${base}/echo?k=${other}`, headers: AUTH, body: { prompt: `say ${KEY}`, o: other } },
      small,
      { redactor: createRedactor([other]) },
    );
    expect(r.status).toBe(200);
    const everything = JSON.stringify(r);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(other);
    expect(r.json).toMatchObject({ note: 'your key is Bearer [REDACTED]', received: { prompt: 'say [REDACTED]' } });
    expect(r.evidence.request.url).toBe(`${base}/echo?k=[REDACTED]`);
    expect(r.evidence.response?.headers['x-echo']).toBe('Bearer [REDACTED]');
    expectValidEvidence(r.evidence);
  });

  it('long strings in the request body are shortened in evidence', async () => {
    const image = `data:image/png;base64,${'A'.repeat(100_000)}`;
    const r = await exchange({ method: 'POST', url: `${base}/json`, headers: {}, body: { image } }, small);
    expect(r.evidence.request.truncated).toBe(true);
    expect(JSON.stringify(r.evidence.request.body).length).toBeLessThan(5_000);
  });

  it('never throws on a bad request', async () => {
    const bad: ExchangeResult[] = await Promise.all([
      exchange({ method: 'GET', url: 'not a url', headers: {} }),
      exchange({ method: 'GET', url: 'ftp://x/y', headers: {} }),
      exchange({ method: 'GET', url: `${base}/json`, headers: {}, body: { a: 1 } }),
      exchange({ method: 'POST', url: `${base}/json`, headers: { 'bad\nname': 'x' }, body: 1 }, { maxRetries: 0 }),
    ]);
    for (const r of bad) {
      expect(r.error?.kind).toBe('network');
      expect(r.status).toBeNull();
      expectValidEvidence(r.evidence);
    }
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it('an HTTP-date Retry-After is honoured through the injected clock, capped at maxRetryDelayMs', async () => {
    let calls = 0;
    const { sleep, waits } = fakeSleep();
    const fakeFetch: typeof fetch = async () => {
      calls++;
      if (calls === 1)
        return new Response('{}', { status: 503, headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' } });
      if (calls === 2) return new Response('{}', { status: 429, headers: { 'retry-after': '3600' } });
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const r = await exchange(
      { method: 'GET', url: 'https://relay.invalid/v1/models', headers: {} },
      {},
      { sleep, now: () => now, fetch: fakeFetch },
    );
    expect(r.attempts).toBe(3);
    expect(waits).toEqual([3000, DEFAULT_LIMITS.maxRetryDelayMs]);
    expect(r.json).toEqual({ ok: true });
  });
});
