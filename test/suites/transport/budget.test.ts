// One logical request has a total budget, retries and waits included: a relay that drips
// retryable 500 bodies cannot hold it for timeoutMs × attempts. The run's deadline (an
// AbortSignal) stops the attempt in flight and every retry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, RUN_DEADLINE } from '../../../suites/transport/http.js';

let server: Server;
let base = '';
let hits = 0;
const timers = new Set<ReturnType<typeof setInterval>>();

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    // A retryable 500 whose body never ends: one byte every 50 ms.
    res.writeHead(500, { 'content-type': 'application/json' });
    const t = setInterval(() => res.write(' '), 50);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('the budget of one logical request', () => {
  it('bounds a dripping retryable 500 by totalTimeoutMs, not timeoutMs × attempts', async () => {
    hits = 0;
    const started = Date.now();
    const r = await exchange(
      { method: 'POST', url: `${base}/v1/chat/completions`, headers: {}, body: {} },
      { timeoutMs: 1_000, firstByteTimeoutMs: 1_000, maxRetries: 2, baseRetryDelayMs: 10, totalTimeoutMs: 1_200 },
    );
    const took = Date.now() - started;
    // Before: three attempts of 1 s each (3 s and more).
    expect(took).toBeLessThan(2_400);
    expect(r.error?.kind).toBe('timeout');
    expect(r.attempts).toBe(2);
    expect(r.error?.message).toContain('1200 ms budget (retries included)');
    expect(r.evidence.timing.totalMs).toBeLessThan(2_400);
  });

  it('an aborted signal stops the attempt in flight and sends no retry', async () => {
    hits = 0;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const r = await exchange(
      { method: 'POST', url: `${base}/v1/chat/completions`, headers: {}, body: {} },
      { timeoutMs: 5_000, maxRetries: 2 },
      { signal: controller.signal },
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.error).toEqual({ kind: 'timeout', message: RUN_DEADLINE });
    expect(hits).toBe(1);
    const again = await exchange(
      { method: 'GET', url: `${base}/v1/models`, headers: {} },
      {},
      { signal: controller.signal },
    );
    expect(again.error?.message).toBe(RUN_DEADLINE);
    expect(hits).toBe(1);
  });
});
