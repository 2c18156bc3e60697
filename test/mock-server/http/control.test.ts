// The control endpoints (/__mock/*): behind the key when keys are set, only for a loopback
// (or the bound) Host, and paged so that no request's work grows with the journal.
import { request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../../mock-server/http/control-access.js';
import { createMockProvider, type JournalEntry, type JournalPage } from '../../../mock-server/index.js';
import { body, expectSchema } from '../helpers.js';

const KEY = 'sk-control-key-0123456789';
const BEARER = { authorization: `Bearer ${KEY}` };
const JOURNAL = '/__mock/journal';

/** A journal holding `n` chat requests, recorded directly (no HTTP needed to fill it). */
function filled(n: number, bodyText = JSON.stringify(body('hello')), options = {}) {
  const provider = createMockProvider({ apiKeys: [KEY], journalSize: 1000, ...options });
  for (let i = 0; i < n; i++)
    provider.journal.record({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${KEY}` },
      bodyJson: bodyText,
      bodyState: 'parsed',
      status: 200,
      stream: false,
    });
  return provider;
}

describe('control endpoints: the key', () => {
  it('under apiKeys, GET and DELETE of the journal (and unknown control paths) need the key, in the API envelope', async () => {
    const provider = filled(3);
    const { app } = provider;
    // The API's own refusal, to compare with.
    const api = await request(app).get('/v1/models');
    expect(api.status).toBe(401);
    for (const req of [
      () => request(app).get(JOURNAL),
      () => request(app).delete(JOURNAL),
      () => request(app).get('/__mock/anything'),
      () => request(app).get(JOURNAL).set('authorization', 'Bearer sk-wrong-key-000000000'),
      () => request(app).delete(JOURNAL).set('x-api-key', KEY), // the chat API's header is Authorization
    ]) {
      const res = await req();
      expect(res.status).toBe(401);
      expectSchema('error', res.body);
      expect((res.body as { error: { type: string; code: string } }).error).toMatchObject({
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
      expect(res.text).not.toContain(KEY);
    }
    expect((await request(app).get(JOURNAL)).body).toEqual(api.body);
    expect(provider.journal.list()).toHaveLength(4); // nothing was cleared; the /v1/models refusal is journaled
    const read = await request(app).get(JOURNAL).set(BEARER);
    expect(read.status).toBe(200);
    expect((read.body as JournalPage).data).toHaveLength(4);
    expect((await request(app).delete(JOURNAL).set(BEARER)).status).toBe(204);
    expect(provider.journal.list()).toEqual([]);
  });

  it('needs the key even when the profile accepts any key on its API (any-key-accepted)', async () => {
    const { app } = createMockProvider({ apiKeys: [KEY], breaks: [{ id: 'any-key-accepted' }] });
    expect((await request(app).get('/v1/models').set('authorization', 'Bearer whatever')).status).toBe(200);
    expect((await request(app).get(JOURNAL).set('authorization', 'Bearer whatever')).status).toBe(401);
    expect((await request(app).get(JOURNAL).set(BEARER)).status).toBe(200);
  });

  it('without apiKeys, the journal stays open to a local client, as before', async () => {
    const { app } = createMockProvider();
    expect((await request(app).get(JOURNAL)).status).toBe(200);
    expect((await request(app).delete(JOURNAL)).status).toBe(204);
  });
});

describe('control endpoints: the Host header (DNS rebinding)', () => {
  it.each(['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io', '0.0.0.0:80', 'a b'])(
    'refuses Host %j with 403 in the envelope, and the journal is neither read nor cleared',
    async (host) => {
      const provider = filled(2);
      for (const method of ['get', 'delete'] as const) {
        const res = await request(provider.app)[method](JOURNAL).set(BEARER).set('host', host);
        expect(res.status).toBe(403);
        expectSchema('error', res.body);
        expect((res.body as { error: { code: string } }).error.code).toBe('host_not_allowed');
        expect(res.text).not.toContain('hello'); // no prompt leaks
      }
      expect(provider.journal.list()).toHaveLength(2);
    },
  );

  it.each(['127.0.0.1', '127.0.0.1:9', 'localhost', 'LOCALHOST:8080', '[::1]', '[::1]:8080'])(
    'accepts the loopback Host %j',
    async (host) => {
      const res = await request(filled(1).app).get(JOURNAL).set(BEARER).set('host', host);
      expect(res.status).toBe(200);
    },
  );

  it('leaves the API endpoints to the key: a relay answers any Host', async () => {
    const res = await request(filled(0).app).get('/v1/models').set(BEARER).set('host', 'evil.example');
    expect(res.status).toBe(200);
  });

  it('accepts the host the mock listens on besides loopback, never a wildcard address', () => {
    expect(hostAllowed('mock.internal:8080', 'mock.internal')).toBe(true);
    expect(hostAllowed('[fd00::1]:8080', '[fd00::1]')).toBe(true);
    expect(hostAllowed('[fd00::1]:8080', 'fd00::1')).toBe(true);
    expect(hostAllowed('mock.internal:8080', '127.0.0.1')).toBe(false);
    expect(hostAllowed('0.0.0.0:8080', '0.0.0.0')).toBe(false);
    expect(hostAllowed('[::]:8080', '::')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
    expect(hostAllowed('localhost:99999999', undefined)).toBe(false);
  });

  it('holds on a real server too (Host sent raw)', async () => {
    const provider = filled(1);
    const { port } = await provider.start({ host: '127.0.0.1' });
    try {
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: JOURNAL, headers: { ...BEARER, host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status('rebound.attacker.example')).toBe(403);
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`localhost:${port}`)).toBe(200);
    } finally {
      await provider.stop();
    }
  });
});

describe('control endpoints: paging', () => {
  const get = (app: ReturnType<typeof createMockProvider>['app'], query = '') =>
    request(app).get(`${JOURNAL}${query}`).set(BEARER);

  it('lists a bounded default page, and `after` walks every entry once, in order', async () => {
    const { app } = filled(250);
    const first = (await get(app)).body as JournalPage;
    expect(first.data).toHaveLength(100);
    expect(first.has_more).toBe(true);
    const seen: number[] = [];
    let page = first;
    for (;;) {
      seen.push(...page.data.map((e) => e.seq));
      if (!page.has_more) break;
      page = (await get(app, `?after=${page.data.at(-1)!.seq}&limit=70`)).body as JournalPage;
      expect(page.data.length).toBeLessThanOrEqual(70);
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    const past = (await get(app, `?after=250`)).body as JournalPage;
    expect(past).toEqual({ object: 'list', data: [], has_more: false });
  });

  it('keeps the cursor valid across overwrites and clears (seqs only grow)', async () => {
    const provider = filled(5, undefined, { journalSize: 3 });
    const page = (await get(provider.app, '?after=3')).body as JournalPage;
    expect(page.data.map((e: JournalEntry) => e.seq)).toEqual([4, 5]);
    const evicted = (await get(provider.app, '?after=1')).body as JournalPage;
    expect(evicted.data.map((e: JournalEntry) => e.seq)).toEqual([3, 4, 5]); // 1 and 2 were overwritten
    await request(provider.app).delete(JOURNAL).set(BEARER);
    await request(provider.app).get('/v1/models').set(BEARER);
    await request(provider.app).get('/v1/models/mock-model').set(BEARER);
    const after = (await get(provider.app, '?after=6')).body as JournalPage;
    expect(after.data.map((e: JournalEntry) => [e.seq, e.path])).toEqual([[7, '/v1/models/mock-model']]);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?limit=1&limit=2', 'limit'],
    ['?after=-1', 'after'],
    ['?after=1e3', 'after'],
  ])('refuses %s with a 400 naming the parameter', async (query, param) => {
    const res = await get(filled(1).app, query);
    expect(res.status).toBe(400);
    expectSchema('error', res.body);
    expect((res.body as { error: { param: string } }).error.param).toBe(param);
  });

  it('a full journal of large bodies is read in bounded pages without blocking the event loop', async () => {
    // 1,000 bodies of about 60 KiB, just under the journal's 64 KiB cap per body.
    const big = JSON.stringify(body('x'.repeat(60 * 1024)));
    const { app } = filled(1000, big);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const res = await get(app, '?limit=1000');
    delay.disable();
    expect(res.status).toBe(200);
    const page = res.body as JournalPage;
    expect(page.has_more).toBe(true);
    // Bounded by bytes, not by the count asked for: one listing was ~59 MB before.
    expect(page.data.length).toBeGreaterThanOrEqual(1);
    expect(res.text.length).toBeLessThan(512 * 1024);
    // Before paging, this one read blocked the loop for 1.5 s or more; a page takes about
    // half a millisecond. The bound is loose: the machine running the tests may be busy.
    expect(delay.max / 1e6).toBeLessThan(300);
  });
});
