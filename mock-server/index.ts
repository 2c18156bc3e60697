// createMockProvider(): the mock as an Express app (drive it with supertest, or embed it in
// your own tests on port 0) plus start/stop and the request journal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, chatPaths, JOURNAL_PATH as JOURNAL_ROUTE, type ControlAccess } from './app.js';
import { chatCompletionsHandler } from './endpoints/chat.js';
import { responsesFor } from './endpoints/responses.js';
import { Journal, watchRequest, type JournalEntry } from './http/journal.js';
import { trackConnections } from './http/reply-batch.js';
import type { Fixture } from '../spec/generated/types.js';
import { resolveOptions, type MockOptions } from './assembly/options.js';
import { createRecorder } from './endpoints/record.js';

export type { MockOptions, MockModel, MockLimits, RecordOptions } from './assembly/options.js';
export type { RecordEvent } from './endpoints/record.js';
export type { JournalEntry, JournalPage } from './http/journal.js';
export { BREAK_HEADER } from './endpoints/prologue.js';
/** Where the journal is served. A literal type, not a re-export: the public .d.ts must not reach express's types. */
export const JOURNAL_PATH: '/__mock/journal' = JOURNAL_ROUTE;
export { describeBreaks } from './breaks/index.js';
export type { ActiveBreak } from '../spec/breaks.js';
export { FAULT_HEADER } from './http/faults.js';
export type { Fixture, FixtureFile, FixtureMatch, FixtureReply } from '../spec/generated/types.js';
export { loadFixtureFile, parseFixtureText, FixtureError } from './fixtures/load.js';
export { FIXTURE_MISS_HEADER } from './fixtures/reply.js';

export interface StartOptions {
  port?: number;
  host?: string;
}

/**
 * The mock as a Node request handler (it is an Express app): give it to supertest, to
 * `http.createServer`, or mount it with `app.use(mock.app)`. Typed without express's types so
 * consumers need no @types/express.
 */
export type MockApp = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

export interface MockProvider {
  app: MockApp;
  journal: Journal;
  /** Where clients send requests, e.g. `/v1` (the profile's base path). */
  basePath: string;
  start(options?: StartOptions): Promise<{ url: string; baseUrl: string; port: number }>;
  stop(): Promise<void>;
  /** The base URL (`http://127.0.0.1:PORT/v1`) once started. */
  readonly baseUrl: string | undefined;
  /** More fixtures, after the ones already loaded (validated: a bad one throws a FixtureError). */
  addFixtures(fixtures: Fixture[]): void;
  /** Drop every fixture (and sequence position): answers are computed again. */
  clearFixtures(): void;
  /** The last request the mock received, for an app test to assert what the app sent. */
  lastRequest(): JournalEntry | undefined;
  /** The journaled requests, oldest first, that satisfy the predicate (all without one). */
  requests(predicate?: (entry: JournalEntry) => boolean): JournalEntry[];
}

export function createMockProvider(options: MockOptions = {}): MockProvider {
  const resolved = resolveOptions(options);
  const journal = new Journal(resolved.journalSize);
  const basePath = resolved.profile.basePaths[0]!;
  const ctx = { options: resolved, journal };
  // One chat-completions handler, two ways in: the Express app routes to it, and the server
  // start() creates sends it the exact chat paths directly, without Express on the way.
  const computed = chatCompletionsHandler(ctx);
  // Record mode: chat completions, Responses and Messages go upstream (or, on a fixture hit
  // with onMiss, to the mock).
  const recorder = resolved.record ? createRecorder(ctx, computed, resolved.record) : undefined;
  const chat = recorder?.handler ?? computed;
  // The host start() listens on, for the control endpoints' Host check.
  const access: ControlAccess = {};
  const app = buildApp(ctx, chat, access, recorder?.forward, recorder?.byId);
  const chatPathSet = new Set(chatPaths(ctx));
  // POST of a Responses endpoint takes the same direct path (the app shares its handlers and store).
  const responsesPaths = new Map(
    resolved.profile.endpoints
      .filter((e) => e.protocol === 'openai-responses')
      .map((e) => {
        const create = responsesFor(ctx, e.path).create;
        return [e.path, recorder ? recorder.forward('responses', create) : create] as const;
      }),
  );
  let server: Server | undefined;
  let baseUrl: string | undefined;

  return {
    app,
    journal,
    basePath,
    get baseUrl() {
      return baseUrl;
    },
    addFixtures: (fixtures) => resolved.fixtures.add(fixtures),
    clearFixtures: () => resolved.fixtures.clear(),
    lastRequest: () => journal.last(),
    requests: (predicate) => (predicate ? journal.list().filter(predicate) : journal.list()),
    async start({ port = 0, host = '127.0.0.1' } = {}) {
      if (server) throw new Error('the mock is already started');
      // Node checks request deadlines every connectionsCheckingInterval (30 s by default):
      // check often enough that requestTimeoutMs means what it says.
      const checkEvery = Math.max(100, Math.min(1000, resolved.limits.requestTimeoutMs));
      const s = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
        // The handler answers its own errors; should that fail, the connection goes, not the server.
        // The app journals what it routes; the direct path is journaled here, by the same hook.
        const direct =
          req.method === 'POST' ? (chatPathSet.has(req.url!) ? chat : responsesPaths.get(req.url!)) : undefined;
        if (direct) {
          watchRequest(journal, req, res);
          direct(req, res).catch(() => res.destroy());
        } else app(req, res);
      });
      trackConnections(s);
      // A client that never finishes sending its request is cut off: headers by Node at
      // requestTimeoutMs; a stalled body by the body reader at the same deadline, with a 408
      // in OpenAI's envelope. Node's own whole-request timeout is only a backstop after it, so
      // it never races the enveloped answer with a bare one.
      s.headersTimeout = Math.min(resolved.limits.requestTimeoutMs, 60_000);
      s.requestTimeout = resolved.limits.requestTimeoutMs + 1000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      access.boundHost = host;
      const address = s.address() as AddressInfo;
      const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${hostPart}:${address.port}`;
      baseUrl = `${url}${basePath}`;
      return { url, baseUrl, port: address.port };
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      baseUrl = undefined;
      access.boundHost = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
      // Exchanges that finished are in the record file once stop() resolves.
      await recorder?.flush();
    },
  };
}
