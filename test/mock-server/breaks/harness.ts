// The harness of the break and profile tests: a started mock, requests described as data,
// replies kept as raw bytes, a control battery of representative requests, and the runner
// that, for each break, (1) runs the break's scenario faithful and broken and hands both to
// its check, (2) runs the battery faithful and broken and demands that every item the break
// is not listed as changing is byte-identical (and that every listed item does change).
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakParams } from '../../../spec/generated/types.js';
import { breakById } from '../../../spec/breaks.js';
import { validate } from '../../../spec/validators.js';
import {
  BREAK_HEADER,
  createMockProvider,
  FAULT_HEADER,
  type MockOptions,
  type MockProvider,
} from '../../../mock-server/index.js';
import { interpretChatStream, parseSse, type SseEvent, type SseObservations } from '../../../suites/transport/sse.js';

/** Loose JSON, for assertions on replies (which the checks take apart by hand). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only, never crosses a shipped boundary
export type J = any;

export { BREAK_HEADER, FAULT_HEADER };
export const KEY = 'sk-relaycheck-breaks-0123456789';

// ------------------------------------------------------------------ requests and replies

export interface Req {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Under the mock's base path (default `/chat/completions`). */
  path?: string;
  /** From the root instead (other protocols, base path aliases). */
  absolutePath?: string;
  body?: unknown;
  /** Extra headers (override the defaults). */
  headers?: Record<string, string>;
  /** Send `Authorization: Bearer KEY` (default true). */
  auth?: boolean;
  /** Read through a raw socket and keep the HTTP chunks as written (chunked encoding). */
  raw?: boolean;
}

export interface Reply {
  status: number;
  /** Lower-case names; date and connection management left out (they vary by run). */
  headers: Record<string, string>;
  text: string;
  /** The body's HTTP/1.1 chunks, one per write (only for `raw` requests). */
  writes?: Buffer[];
}

export interface Running {
  provider: MockProvider;
  origin: string;
  baseUrl: string;
  port: number;
}

const VOLATILE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

export async function start(options: MockOptions = {}): Promise<Running> {
  const provider = createMockProvider(options);
  const { url, baseUrl, port } = await provider.start();
  return { provider, origin: url, baseUrl, port };
}

function requestHeaders(req: Req, breaks: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.auth !== false) headers.authorization = `Bearer ${KEY}`;
  if (breaks) headers[BREAK_HEADER] = breaks;
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  return headers;
}

function urlPath(server: Running, req: Req): string {
  return req.absolutePath ?? `${server.provider.basePath}${req.path ?? '/chat/completions'}`;
}

/** Send one request (with `breaks` in x-mock-break when given) and keep the reply's bytes. */
export async function send(server: Running, req: Req, breaks?: string): Promise<Reply> {
  if (req.raw) return sendRaw(server, req, breaks);
  const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
  const res = await fetch(`${server.origin}${urlPath(server, req)}`, {
    method,
    headers: requestHeaders(req, breaks),
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
  });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!VOLATILE_HEADERS.has(k)) headers[k] = v;
  });
  return { status: res.status, headers, text };
}

/** HTTP/1.1 over a bare socket, so the chunked framing (one chunk per server write) is seen. */
function sendRaw(server: Running, req: Req, breaks: string | undefined): Promise<Reply> {
  const body = req.body === undefined ? '' : JSON.stringify(req.body);
  const headers = {
    ...requestHeaders(req, breaks),
    host: `127.0.0.1:${server.port}`,
    connection: 'close',
    'content-length': String(Buffer.byteLength(body)),
  };
  const head = `${req.method ?? (req.body === undefined ? 'GET' : 'POST')} ${urlPath(server, req)} HTTP/1.1\r\n${Object.entries(
    headers,
  )
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const parts: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      try {
        resolve(parseHttp(Buffer.concat(parts)));
      } catch (err) {
        reject(err as Error);
      }
    };
    // Streams are sent with Connection: keep-alive whatever the request asked: stop at the
    // last chunk instead of waiting for the server to close the socket.
    socket.on('data', (b: Buffer) => {
      parts.push(b);
      if (Buffer.concat(parts).includes('\r\n0\r\n\r\n')) finish();
    });
    socket.on('error', reject);
    socket.on('end', finish);
    socket.write(head + body);
  });
}

function parseHttp(all: Buffer): Reply {
  const split = all.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    if (!VOLATILE_HEADERS.has(name)) headers[name] = line.slice(i + 1).trim();
  }
  let rest = all.subarray(split + 4);
  const writes: Buffer[] = [];
  if (/chunked/i.test(lines.find((l) => /^transfer-encoding:/i.test(l)) ?? '')) {
    for (;;) {
      const eol = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      if (!(size > 0)) break;
      writes.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
  } else {
    writes.push(rest);
  }
  return { status, headers, text: Buffer.concat(writes).toString('utf8'), writes };
}

// ------------------------------------------------------------------ reading replies

export const isJsonReply = (r: Reply): boolean => /^application\/json/.test(r.headers['content-type'] ?? '');
export const isSseReply = (r: Reply): boolean => /^text\/event-stream/.test(r.headers['content-type'] ?? '');

export function json(r: Reply): J {
  return JSON.parse(r.text) as J;
}

export interface ReadStream {
  events: SseEvent[];
  observations: SseObservations;
  chunks: J[];
  done: boolean;
  nonJson: string[];
  errorEvents: J[];
}

export function sse(r: Reply): ReadStream {
  const { events, observations } = parseSse(r.text);
  const read = interpretChatStream(events);
  return {
    events,
    observations,
    chunks: read.chunks as J[],
    done: read.done,
    nonJson: read.nonJson,
    errorEvents: read.errorEvents as J[],
  };
}

/** Events of a faithful stream, one string each (`data: ...\n\n`). */
export const rawEvents = (text: string): string[] => text.split(/(?<=\n\n)/);

/**
 * What a completion says, without `id`, `created` and the tool call ids (all derive from the
 * request's bytes, so two different requests never share them): the JSON body, or the chunk
 * list of a stream with its [DONE].
 */
export function answer(r: Reply): J {
  const drop = (o: J): J => {
    const { id: _id, created: _created, ...rest } = o as Record<string, unknown>;
    for (const c of (Array.isArray(rest.choices) ? rest.choices : []) as J[]) {
      for (const t of (c.message ?? c.delta)?.tool_calls ?? []) if (typeof t.id === 'string') t.id = 'call_*';
    }
    return rest;
  };
  if (isSseReply(r)) {
    const s = sse(r);
    return { status: r.status, chunks: s.chunks.map(drop), done: s.done };
  }
  return { status: r.status, body: drop(json(r)) };
}

/** The messages of a stream put back together per choice (content, reasoning, tool calls). */
export function assembled(r: Reply): J[] {
  const byIndex = new Map<number, J>();
  for (const chunk of sse(r).chunks) {
    for (const c of (chunk.choices ?? []) as J[]) {
      const a = byIndex.get(c.index) ?? {
        content: null,
        reasoning_content: null,
        tool_calls: [] as J[],
        finish_reason: null,
      };
      byIndex.set(c.index, a);
      const d = c.delta ?? {};
      if (typeof d.content === 'string') a.content = (a.content ?? '') + d.content;
      if (typeof d.reasoning_content === 'string')
        a.reasoning_content = (a.reasoning_content ?? '') + d.reasoning_content;
      for (const t of (d.tool_calls ?? []) as J[]) {
        const call = (a.tool_calls[t.index] ??= { id: t.id, name: t.function?.name, arguments: '' });
        call.arguments += t.function?.arguments ?? '';
      }
      if (c.finish_reason != null) a.finish_reason = c.finish_reason;
    }
  }
  return [...byIndex.entries()].sort(([x], [y]) => x - y).map(([, a]) => a);
}

/** A deep copy. */
export const copy = <T>(v: T): T => structuredClone(v);

/** The standard OpenAI error body of a reply, checked against the spec schema. */
export function errorOf(r: Reply, status: number): J {
  expect(r.status, r.text).toBe(status);
  expect(isJsonReply(r), r.headers['content-type']).toBe(true);
  const body = json(r);
  expect(validate('error', body).errors).toEqual([]);
  return body.error;
}

/** Reply `b` is byte-identical to `f` (status, headers, body). */
export function expectSame(b: Reply, f: Reply, what = ''): void {
  expect({ status: b.status, headers: b.headers, text: b.text }, what).toEqual({
    status: f.status,
    headers: f.headers,
    text: f.text,
  });
}

// ------------------------------------------------------------------ request builders

export const MODEL = 'mock-model';
export const REASONER = 'mock-reasoner';
/** A model of the reference profile without vision. */
export const TEXT_ONLY_MODEL = 'gpt-4o-mini';

export const user = (content: unknown): J => ({ role: 'user', content });
export const chat = (text: unknown, extra: Record<string, unknown> = {}, model = MODEL): J => ({
  model,
  messages: [user(text)],
  ...extra,
});
export const post = (body: unknown, more: Partial<Req> = {}): Req => ({ body, ...more });
export const STREAM_USAGE = { stream: true, stream_options: { include_usage: true } };

export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};
/** A tool without parameters. */
export const TIME_TOOL = {
  type: 'function',
  function: { name: 'get_time', description: 'The time of day on the server' },
};

export const WEATHER_PROMPT = 'What is the weather in Paris? Use the tools.';

export const PERSON_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'person',
    strict: true,
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
      required: ['name', 'age'],
      additionalProperties: false,
    },
  },
};
export const JSON_OBJECT_PROMPT = 'Return a JSON object with the keys "name" and "age".';

// ------------------------------------------------------------------ the control battery

export const BATTERY_ITEMS = [
  'plain',
  'stream',
  'tool',
  'tool-stream',
  'json_object',
  'json_schema',
  'reasoning',
  'error',
  'error-stream',
  'models',
] as const;
export type BatteryItem = (typeof BATTERY_ITEMS)[number];

/**
 * Representative requests, as clients send them (no `stream` unless streaming). The
 * reasoning item needs a reasoning model; without one it is left out.
 */
export function battery(
  models: { chat: string; reasoner?: string } = { chat: MODEL, reasoner: REASONER },
): Partial<Record<BatteryItem, Req>> {
  const m = models.chat;
  return {
    plain: post(chat('Output exactly: The quick brown fox jumps over the lazy dog.', {}, m)),
    stream: post(chat('Count from 1 to 8', STREAM_USAGE, m)),
    tool: post(chat(WEATHER_PROMPT, { tools: [WEATHER_TOOL] }, m)),
    'tool-stream': post(chat(WEATHER_PROMPT, { tools: [WEATHER_TOOL], stream: true }, m)),
    json_object: post(chat(JSON_OBJECT_PROMPT, { response_format: { type: 'json_object' } }, m)),
    json_schema: post(chat('Describe a person.', { response_format: PERSON_FORMAT }, m)),
    ...(models.reasoner
      ? { reasoning: post(chat('Output exactly: 42', { reasoning_effort: 'low' }, models.reasoner)) }
      : {}),
    error: post(chat('Hello', {}, 'no-such-model')),
    'error-stream': post(chat('Hello', { stream: true }, 'no-such-model')),
    models: { method: 'GET', path: '/models' },
  };
}

export async function runBattery(
  server: Running,
  items: Partial<Record<BatteryItem, Req>>,
  breaks?: string,
): Promise<Partial<Record<BatteryItem, Reply>>> {
  const entries = await Promise.all(
    Object.entries(items).map(async ([k, req]) => [k, await send(server, req, breaks)] as const),
  );
  return Object.fromEntries(entries) as Partial<Record<BatteryItem, Reply>>;
}

// ------------------------------------------------------------------ the per-break table

export interface BreakCase {
  /** The request(s) where the break shows, each sent faithful and broken. */
  scenario: Req[];
  /** Assertions on exactly the documented change, given the replies in scenario order. */
  check(faithful: Reply[], broken: Reply[]): void;
  /** The battery items the break changes (every other one must come out byte-identical). */
  changes: readonly BatteryItem[];
  /**
   * Run the scenario on two providers started with these options, the broken one with the
   * break switched on at startup (createMockProvider({ breaks })) instead of per request:
   * for breaks whose effect is decided at startup, or to give parameters. The battery
   * still runs per request, with the default parameters.
   */
  startup?: { params?: BreakParams; options?: MockOptions };
  /** Further named tests. */
  more?: Record<string, () => Promise<void>>;
}

export type BreakCases = Record<string, BreakCase>;

/** The tests of one table: two per break (its scenario, and the battery). */
export function runBreakCases(title: string, cases: BreakCases): void {
  describe(title, () => {
    let server: Running;
    let faithfulBattery: Partial<Record<BatteryItem, Reply>>;
    const extra: Running[] = [];
    beforeAll(async () => {
      server = await start();
      faithfulBattery = await runBattery(server, battery());
    });
    afterAll(async () => {
      await Promise.all([server, ...extra].map((s) => s.provider.stop()));
    });

    for (const [id, c] of Object.entries(cases)) {
      describe(id, () => {
        it(`does what it says: ${breakById(id).description}`, async () => {
          let f: Reply[];
          let b: Reply[];
          if (c.startup) {
            const faithful = await start(c.startup.options ?? {});
            const broken = await start({
              ...c.startup.options,
              breaks: [{ id, ...(c.startup.params ? { params: c.startup.params } : {}) }],
            });
            extra.push(faithful, broken);
            f = await Promise.all(c.scenario.map((r) => send(faithful, r)));
            b = await Promise.all(c.scenario.map((r) => send(broken, r)));
          } else {
            f = await Promise.all(c.scenario.map((r) => send(server, r)));
            b = await Promise.all(c.scenario.map((r) => send(server, r, id)));
          }
          c.check(f, b);
        });

        const untouched = BATTERY_ITEMS.filter((k) => !c.changes.includes(k));
        it(`changes battery items [${c.changes.join(', ')}] and leaves ${untouched.length} byte-identical`, async () => {
          const broken = await runBattery(server, battery(), id);
          for (const item of BATTERY_ITEMS) {
            const f = faithfulBattery[item]!;
            const b = broken[item]!;
            if (c.changes.includes(item)) {
              expect(
                { status: b.status, headers: b.headers, text: b.text },
                `${id} is listed as changing '${item}' but does not`,
              ).not.toEqual({
                status: f.status,
                headers: f.headers,
                text: f.text,
              });
            } else {
              expectSame(b, f, `${id} changed battery item '${item}'`);
            }
          }
        });

        for (const [name, test] of Object.entries(c.more ?? {})) it(name, test);
      });
    }
  });
}
