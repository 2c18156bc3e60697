// Every MockLimits field is enforced, configurable, and answered in OpenAI's envelope
// (docs/RELIABILITY.md lists them with their defaults).
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonNestsDeeper, measureJson } from '../../mock-server/core/json-limits.js';
import { createMockProvider, type MockLimits, type MockProvider } from '../../mock-server/index.js';
import { DEFAULT_LIMITS } from '../../mock-server/assembly/options.js';
import { readJsonBody } from '../../mock-server/http/read-body.js';
import { validate } from '../../spec/validators.js';

/** A request stream carrying `text` as a JSON body. */
function fakeRequest(text: string): IncomingMessage {
  const req = Readable.from([Buffer.from(text)]) as unknown as IncomingMessage;
  req.headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) };
  return req;
}

const AUTH = { authorization: 'Bearer sk-limits-0123456789', 'content-type': 'application/json' };
const LIMITS: Partial<MockLimits> = {
  maxBodyBytes: 2000,
  maxJsonDepth: 16,
  maxMessages: 3,
  maxN: 2,
  maxTools: 2,
  maxGeneratedTokens: 10,
  maxResponseTokens: 16,
  maxSchemaValues: 20,
  maxSchemaDepth: 4,
  maxSchemaNodes: 6,
  requestTimeoutMs: 300,
};

let mock: MockProvider;
let base: string;
let origin: URL;

beforeAll(async () => {
  mock = createMockProvider({ limits: LIMITS });
  const started = await mock.start({ port: 0 });
  base = started.baseUrl;
  origin = new URL(started.url);
});
afterAll(() => mock.stop());

const user = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  messages: [{ role: 'user', content }],
  ...extra,
});

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: AUTH,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function refused(body: unknown, status: number, code: string, param: string | null = null): Promise<string> {
  const r = await post(body);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(validate('error', r.json).errors).toEqual([]);
  const error = r.json['error'] as { code: string; param: string | null; message: string };
  expect(error.code).toBe(code);
  expect(error.param).toBe(param);
  return error.message;
}

type Choice = {
  finish_reason: string;
  message: { content: string | null; tool_calls?: { function: { arguments: string } }[] };
  logprobs: { content: unknown[] } | null;
};
async function served(body: unknown): Promise<{ choices: Choice[]; usage: { completion_tokens: number } }> {
  const r = await post(body);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  expect(validate('chat-response', r.json).errors).toEqual([]);
  return r.json as unknown as { choices: Choice[]; usage: { completion_tokens: number } };
}

const nest = (depth: number): unknown => (depth === 0 ? 1 : [nest(depth - 1)]);
const schemaOfDepth = (depth: number): unknown =>
  depth <= 1 ? { type: 'string' } : { type: 'object', properties: { a: schemaOfDepth(depth - 1) }, required: ['a'] };

describe('MockLimits, each enforced and configurable', () => {
  it('the defaults are the documented ones (docs/RELIABILITY.md lists each, from the code, not a copy)', () => {
    const doc = readFileSync(new URL('../../docs/RELIABILITY.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\| `(\w+)` \| ([\d,]+)( MiB)? \|/gm)].map((m) => [
        m[1]!,
        Number(m[2]!.replace(/,/g, '')) * (m[3] ? 1024 * 1024 : 1),
      ]),
    );
    for (const [name, value] of Object.entries(DEFAULT_LIMITS)) expect(documented.get(name), name).toBe(value);
  });

  it('maxBodyBytes: a larger body is a 413', async () => {
    expect(await refused(user('x'.repeat(2000)), 413, 'request_too_large')).toContain('2000 bytes');
  });

  it('maxJsonDepth: a body nested deeper is a 400 before anything parses it; at the limit it is read', async () => {
    // Through the HTTP server: the default (64). {"model":..., "x": [[...1...]]}: the object
    // is level 1, so 63 arrays make 64 levels.
    const plain = createMockProvider();
    const { baseUrl } = await plain.start({ port: 0 });
    try {
      const send = (x: unknown) =>
        fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: AUTH,
          body: JSON.stringify({ ...user('hi'), x }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string } } }));
      expect((await send(nest(64))).body.error.code).toBe('json_too_deep');
      expect((await send(nest(63))).body.error.code).toBe('unknown_parameter');
    } finally {
      await plain.stop();
    }
    // A configured maxJsonDepth is honoured over HTTP too.
    const shallow = createMockProvider({ limits: { maxJsonDepth: 8 } });
    const { baseUrl: shallowUrl } = await shallow.start({ port: 0 });
    try {
      const r = await fetch(`${shallowUrl}/chat/completions`, {
        method: 'POST',
        headers: AUTH,
        body: JSON.stringify({ ...user('hi'), x: nest(8) }),
      });
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('json_too_deep');
    } finally {
      await shallow.stop();
    }
    // readJsonBody enforces the configured value (MockLimits.maxJsonDepth).
    const read = (text: string, maxJsonDepth: number) =>
      readJsonBody(fakeRequest(text), { maxBodyBytes: 10_000, maxJsonDepth });
    await expect(read(JSON.stringify({ x: nest(7) }), 8)).resolves.toMatchObject({ json: { x: nest(7) } });
    await expect(read(JSON.stringify({ x: nest(8) }), 8)).rejects.toMatchObject({ status: 400, code: 'json_too_deep' });
    // Brackets inside strings are text, not nesting.
    await expect(read(JSON.stringify({ x: '[[[[[[[[[[[[' }), 2)).resolves.toMatchObject({
      json: { x: '[[[[[[[[[[[[' },
    });
  });

  it('maxMessages, maxN, maxTools: 400 naming the parameter', async () => {
    const messages = Array.from({ length: 4 }, () => ({ role: 'user', content: 'hi' }));
    await refused({ model: 'mock-model', messages }, 400, 'array_above_max_length', 'messages');
    await refused(user('hi', { n: 3 }), 400, 'integer_above_max_value', 'n');
    const tool = (name: string) => ({ type: 'function', function: { name } });
    await refused(user('hi', { tools: [tool('a'), tool('b'), tool('c')] }), 400, 'array_above_max_length', 'tools');
    expect(
      (await served({ model: 'mock-model', messages: messages.slice(1), n: 2, tools: [tool('a'), tool('b')] })).choices,
    ).toHaveLength(2);
  });

  it('maxGeneratedTokens: the budget without max_tokens, and the cap when max_tokens asks for more', async () => {
    for (const extra of [{}, { max_tokens: 1_000_000 }, { max_completion_tokens: 50 }]) {
      const r = await served(user('Count from 1 to 100.', extra));
      expect(r.choices[0]!.finish_reason).toBe('length');
      expect(r.usage.completion_tokens).toBe(10);
    }
    const fits = await served(user('Output exactly: OK', { max_tokens: 1_000_000 }));
    expect(fits.choices[0]!.finish_reason).toBe('stop');
  });

  it('maxResponseTokens: n choices and top_logprobs alternatives share it', async () => {
    const two = await served(user('Count from 1 to 100.', { n: 2 }));
    expect(two.usage.completion_tokens).toBe(16); // 8 each
    const withLogprobs = await served(user('Count from 1 to 100.', { n: 2, logprobs: true, top_logprobs: 3 }));
    // 16 / (2 choices × (1 + 3 alternatives)) = 2 tokens each
    expect(withLogprobs.choices.map((c) => c.logprobs?.content.length)).toEqual([2, 2]);
    expect(withLogprobs.choices.every((c) => c.finish_reason === 'length')).toBe(true);
  });

  it('maxSchemaValues and maxSchemaDepth: response_format and tool schemas past them are a 400', async () => {
    const wide = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, { type: 'string' }])),
    };
    const rf = (schema: unknown) => ({ response_format: { type: 'json_schema', json_schema: { name: 's', schema } } });
    expect(await refused(user('x', rf(wide)), 400, 'schema_too_large', 'response_format')).toContain('maxSchemaValues');
    expect(await refused(user('x', rf(schemaOfDepth(3))), 400, 'schema_too_large', 'response_format')).toContain(
      'maxSchemaDepth',
    );
    const tools = (parameters: unknown) => ({
      tools: [
        { type: 'function', function: { name: 'ok', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'f', parameters } },
      ],
    });
    await refused(user('x', tools(wide)), 400, 'schema_too_large', 'tools[1].function.parameters');
    await refused(user('x', tools(schemaOfDepth(3))), 400, 'schema_too_large', 'tools[1].function.parameters');
    // Within both limits, served (cut by maxGeneratedTokens: 10).
    expect((await served(user('x', rf(schemaOfDepth(2))))).choices[0]!.message.content).toMatch(/^\{"a":/);
  });

  it('maxSchemaNodes: a schema that needs more generation work is a 400 for response_format', async () => {
    const props = Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, { type: 'string' }]));
    const schema = { type: 'object', properties: props, required: Object.keys(props) };
    expect(
      await refused(
        user('x', { response_format: { type: 'json_schema', json_schema: { name: 's', schema } } }),
        400,
        'invalid_json_schema',
        'response_format',
      ),
    ).toContain('over 6 nodes');
  });

  it('requestTimeoutMs: a client that never finishes its body gets a 408 in the envelope, and its connection is closed', async () => {
    const socket = connect(Number(origin.port), origin.hostname);
    const started = performance.now();
    const received = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`,
      );
      setTimeout(() => socket.destroy(), 5000);
    });
    const ms = performance.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(received).toMatch(/connection: close/i);
    const body = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(validate('error', body).errors).toEqual([]);
    expect((body as { error: { code: string } }).error.code).toBe('request_timeout');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3000);
    // The mock still serves.
    expect((await served(user('Output exactly: OK'))).choices[0]!.message.content).toBe('OK');
  });
});

describe('json-limits: nesting measured without recursion', () => {
  it('jsonNestsDeeper (on the text) and measureJson (on the value) agree, strings and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, max) => {
        const text = JSON.stringify(value);
        const m = measureJson(value, { maxValues: Infinity, maxDepth: Infinity });
        expect(jsonNestsDeeper(text, max)).toBe(m.depth > max);
        expect(measureJson(value, { maxValues: Infinity, maxDepth: max }).exceeded).toBe(
          m.depth > max ? 'depth' : null,
        );
      }),
      { numRuns: 300, seed: 20250606 },
    );
  });

  it('counts values up to the limit and stops there; a million-deep text costs nothing', () => {
    expect(measureJson({ a: [1, 2, { b: null }] }, { maxValues: 100, maxDepth: 10 })).toEqual({
      values: 6,
      depth: 3,
      exceeded: null,
    });
    expect(
      measureJson(
        Array.from({ length: 1000 }, () => 0),
        { maxValues: 10, maxDepth: 10 },
      ).exceeded,
    ).toBe('values');
    const started = performance.now();
    expect(jsonNestsDeeper('['.repeat(1_000_000), 64)).toBe(true);
    expect(jsonNestsDeeper(`"${'['.repeat(1_000_000)}"`, 64)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
