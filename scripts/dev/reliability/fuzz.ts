// Fuzzing the mock: fast-check arbitraries for hostile requests (mutated valid requests,
// byte-level damage, odd headers, hostile JSON Schemas, extreme sizes), a sender that times
// each one, and a judge that says what is wrong with an answer. Shared by
// test/hardening/mock-fuzz.test.ts (a few hundred runs in `npm test`) and
// scripts/dev/reliability/run.ts (the long campaign whose figures go to docs/RELIABILITY.md).
//
// What a right answer is, for every request: a 200 that is a valid chat.completion (or a
// valid stream ending in [DONE]), or a 4xx in OpenAI's error envelope; never a 5xx (unless
// the request asked for one with x-mock-error), never a stack trace, never more than a second
// of CPU.
import { request as httpRequest, Agent } from 'node:http';
import fc from 'fast-check';
import { validate } from '../../../spec/validators.js';
import { interpretChatStream, parseSse } from '../../../suites/transport/sse.js';

export interface FuzzCase {
  /** Which generator made it (for the figures). */
  kind: string;
  method: string;
  /** Under the mock's origin, e.g. /v1/chat/completions. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** The request asks for an injected error (x-mock-error): a 5xx or a cut stream is the answer. */
  injected: boolean;
}

export interface FuzzAnswer {
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  /** Wall time, request sent to body read. */
  ms: number;
  /** CPU of this process (mock + client) over the exchange: an upper bound on the mock's. */
  cpuMs: number;
  /** A transport failure (no answer, reset, timeout). */
  error?: string;
}

export const CHAT_PATH = '/v1/chat/completions';
/** The CPU one request may take (the issue's bound). */
export const CPU_LIMIT_MS = 1000;

// ---- what requests look like ------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PNG_RED =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
    },
  },
};

/** Valid requests covering the mock's features: every mutation starts from one of these. */
export const TEMPLATES: readonly Json[] = [
  { model: 'mock-model', messages: [{ role: 'user', content: 'Output exactly: hello world' }] },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Tell me about rivers.' }],
    stream: true,
    stream_options: { include_usage: true },
  },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Count from 1 to 20, separated by commas.' }],
    n: 3,
    max_tokens: 7,
    stop: [', 5', 'x'],
  },
  {
    model: 'mock-model',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say exactly: "OK"' },
    ],
    logprobs: true,
    top_logprobs: 3,
    seed: 7,
    temperature: 0,
  },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'What is the weather in Paris and Tokyo? Use the tools.' }],
    tools: [WEATHER_TOOL],
    tool_choice: 'auto',
  },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Weather?' }],
    tools: [WEATHER_TOOL],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
    stream: true,
  },
  {
    model: 'mock-model',
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
    ],
    tools: [WEATHER_TOOL],
  },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Return a JSON object with the keys "name" and "age".' }],
    response_format: { type: 'json_object' },
  },
  {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'Describe a city.' }],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'city',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            population: { type: 'integer', minimum: 0 },
            tags: { type: 'array', items: { type: 'string' } },
          },
          required: ['name', 'population', 'tags'],
          additionalProperties: false,
        },
      },
    },
    stream: true,
  },
  {
    model: 'mock-reasoner',
    messages: [
      { role: 'developer', content: 'Think.' },
      { role: 'user', content: 'Why is the sky blue?' },
    ],
    reasoning_effort: 'high',
    max_completion_tokens: 50,
    stream: true,
  },
  {
    model: 'mock-model',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What colour is this image?' },
          { type: 'image_url', image_url: { url: PNG_RED, detail: 'low' } },
        ],
      },
    ],
  },
  {
    model: 'mock-model',
    messages: [
      { role: 'user', content: 'hi', name: 'u1' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' },
    ],
    max_tokens: 1,
    user: 'x',
    presence_penalty: 0.5,
    frequency_penalty: -0.5,
    top_p: 0.9,
  },
];

/** Values that break assumptions: wrong types, extremes, odd Unicode, odd shapes. */
const NASTY_VALUES: readonly Json[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  0.5,
  -1e-300,
  1e308,
  -1e308,
  2 ** 53 + 1,
  -(2 ** 31),
  2 ** 32,
  4096,
  1e21,
  '',
  ' ',
  'a',
  'mock-model',
  'mock-reasoner',
  'user',
  'assistant',
  'tool',
  'system',
  'function',
  'json_schema',
  'json_object',
  'auto',
  'required',
  'none',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e\u0041',
  '🦀🦀',
  'é\u0301',
  '\r\n\r\n',
  'data: [DONE]\n\n',
  '</script><script>alert(1)</script>',
  '${process.env.HOME}',
  '%s%n',
  'x'.repeat(70_000),
  'Output exactly: ' + 'word '.repeat(2000),
  'Count from -999999999999999 to 999999999999999',
  [],
  [null],
  [1, 2, 3],
  ['a', 'b', 'c', 'd', 'e'],
  {},
  { type: 'text' },
  { type: 'function', function: { name: 'f' } },
  { $ref: '#' },
];

/** Every path to a value inside `v` (the root is []). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

type Mutation =
  | { op: 'set'; pick: number; value: Json }
  | { op: 'delete'; pick: number }
  | { op: 'add'; pick: number; key: string; value: Json }
  | { op: 'wrap'; pick: number; depth: number }
  | { op: 'repeat'; pick: number; times: number };

function applyMutation(root: Json, mutation: Mutation): Json {
  // Values may be shared constants (NASTY_VALUES): a copy, so no mutation ever changes them.
  const m = 'value' in mutation ? { ...mutation, value: structuredClone(mutation.value) } : mutation;
  const all = paths(root);
  const path = all[m.pick % all.length]!;
  const get = (p: (string | number)[]): Json =>
    p.reduce<Json>((v, k) => (v as Record<string, Json>)[k as string] as Json, root);
  const setAt = (p: (string | number)[], value: Json | undefined): Json => {
    if (p.length === 0) return value === undefined ? null : value;
    const parent = get(p.slice(0, -1)) as Record<string, Json> | Json[];
    const key = p[p.length - 1]!;
    if (value === undefined) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, Json>)[key as string];
    } else {
      (parent as Record<string, Json>)[key as string] = value;
    }
    return root;
  };
  const current = get(path);
  switch (m.op) {
    case 'set':
      return setAt(path, m.value);
    case 'delete':
      return setAt(path, undefined);
    case 'add':
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
        current[m.key] = m.value;
        return root;
      }
      if (Array.isArray(current)) {
        current.push(m.value);
        return root;
      }
      return setAt(path, { [m.key]: m.value });
    case 'wrap': {
      let v: Json = current;
      for (let i = 0; i < m.depth; i++) v = i % 2 === 0 ? [v] : { v };
      return setAt(path, v);
    }
    case 'repeat':
      return setAt(
        path,
        Array.from({ length: m.times }, () => structuredClone(current)),
      );
  }
}

const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: nastyValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      pick: fc.nat(),
      key: fc.oneof(
        fc.constantFrom(
          'model',
          'messages',
          'n',
          'stream',
          'tools',
          'tool_choice',
          'response_format',
          'logprobs',
          'top_logprobs',
          'max_tokens',
          'stop',
          'seed',
          'role',
          'content',
          'type',
          'name',
          'schema',
          '$ref',
          '__proto__',
          'constructor',
        ),
        fc.string({ maxLength: 6 }),
      ),
      value: nastyValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('wrap' as const), pick: fc.nat(), depth: fc.integer({ min: 1, max: 80 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('repeat' as const),
      pick: fc.nat(),
      times: fc.integer({ min: 2, max: 300 }),
    }),
  },
);

const GOOD_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-fuzz-0123456789' };

function jsonCase(kind: string, body: Json, headers: Record<string, string> = GOOD_HEADERS): FuzzCase {
  return {
    kind,
    method: 'POST',
    path: CHAT_PATH,
    headers: { ...headers },
    body: Buffer.from(JSON.stringify(body) ?? 'null'),
    injected: false,
  };
}

/** A valid request, changed in 1-3 places (wrong types, extreme values, deletions, nesting). */
export const mutatedRequest: fc.Arbitrary<FuzzCase> = fc
  .record({
    template: fc.nat({ max: TEMPLATES.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  })
  .map(({ template, mutations }) => {
    let body = structuredClone(TEMPLATES[template]!) as Json;
    for (const m of mutations) body = applyMutation(body, m);
    return jsonCase('mutated', body);
  });

/** The same, as text: a key repeated (JSON.parse keeps the last one). */
export const duplicateKeyRequest: fc.Arbitrary<FuzzCase> = fc
  .record({
    template: fc.nat({ max: TEMPLATES.length - 1 }),
    key: fc.constantFrom('model', 'messages', 'stream', 'n', 'tools', '__proto__', 'constructor'),
    value: nastyValue,
  })
  .map(({ template, key, value }) => {
    const text = JSON.stringify(TEMPLATES[template]);
    const c = jsonCase('duplicate-key', null);
    c.body = Buffer.from(`{${JSON.stringify(key)}:${JSON.stringify(value)},${text.slice(1)}`);
    return c;
  });

/** Invalid UTF-8 sequences: a lone continuation, an overlong '/', a surrogate, a cut 4-byte char, 0xFF. */
const BAD_UTF8: readonly number[][] = [
  [0x80],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0xa6],
  [0xff],
  [0xfe, 0xff],
  [0xc3],
];

// The shape every damage arbitrary below produces (documentation for the union).
export type ByteDamage =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'replace'; with: Buffer }
  | { op: 'prefix'; bytes: number[] }
  | { op: 'suffix'; text: string };

/** A valid request damaged at the byte level: cut, bad UTF-8, flipped bits, garbage, BOM, trailing data. */
export const damagedBytesRequest: fc.Arbitrary<FuzzCase> = fc
  .record({
    template: fc.nat({ max: TEMPLATES.length - 1 }),
    damage: fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...BAD_UTF8) }),
      fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({
        op: fc.constant('replace' as const),
        with: fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc
            .constantFrom(
              '',
              ' ',
              '\n\t ',
              'null',
              'true',
              '0',
              '-1e999',
              '"x"',
              '[]',
              '{}',
              '[{}]',
              '{"model":',
              '{"a":1}{"b":2}',
              '\uFEFF{}',
            )
            .map((s) => Buffer.from(s)),
        ),
      }),
      fc.record({
        op: fc.constant('prefix' as const),
        bytes: fc.constantFrom([0xef, 0xbb, 0xbf], [0x20], [0x00], [0xff]),
      }),
      fc.record({
        op: fc.constant('suffix' as const),
        text: fc.constantFrom(' ', 'x', ',', '}', '{}', '\u0000', '// comment'),
      }),
    ),
  })
  .map(({ template, damage }) => {
    const c = jsonCase('damaged-bytes', TEMPLATES[template]!);
    const b = c.body!;
    const at = (n: number): number => n % (b.length + 1);
    switch (damage.op) {
      case 'truncate':
        c.body = b.subarray(0, at(damage.at));
        break;
      case 'insert':
        c.body = Buffer.concat([b.subarray(0, at(damage.at)), Buffer.from(damage.bytes), b.subarray(at(damage.at))]);
        break;
      case 'flip': {
        const copy = Buffer.from(b);
        const i = damage.at % copy.length;
        copy[i] = copy[i]! ^ (1 << damage.bit);
        c.body = copy;
        break;
      }
      case 'replace':
        c.body = damage.with;
        break;
      case 'prefix':
        c.body = Buffer.concat([Buffer.from(damage.bytes), b]);
        break;
      case 'suffix':
        c.body = Buffer.concat([b, Buffer.from(damage.text)]);
        break;
    }
    return c;
  });

/** Odd headers: content types, credentials, break lists, error requests, methods and paths. */
export const oddHeadersRequest: fc.Arbitrary<FuzzCase> = fc
  .record({
    template: fc.nat({ max: TEMPLATES.length - 1 }),
    contentType: fc.option(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/vnd.api+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '',
        'application/json; charset=latin1',
      ),
      { nil: undefined },
    ),
    auth: fc.option(
      fc.constantFrom(
        'Bearer sk-x',
        'bearer   sk-y',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        'sk-no-scheme',
        'Bearer ' + 'k'.repeat(4000),
        'Bearer \t',
      ),
      { nil: undefined },
    ),
    breaks: fc.option(
      fc.oneof(
        fc.constantFrom('nope', 'stop-ignored,,', ',', ' ', 'a'.repeat(500), '__proto__', 'constructor,toString'),
        fc.string({ maxLength: 20 }),
      ),
      { nil: undefined },
    ),
    fault: fc.option(
      fc.constantFrom(
        '400',
        '401',
        '402',
        '403',
        '404',
        '429',
        '429; retry-after=99999',
        'insufficient-quota',
        'stream-error@0',
        'stream-error@2',
        'stream-cut@1',
        '999',
        'stream-cut@9999999',
        'x',
        '500; retry-after=1',
      ),
      { nil: undefined },
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: fc.constantFrom(
      CHAT_PATH,
      CHAT_PATH,
      CHAT_PATH,
      '/v1/chat/completions/',
      '/v1/chat/completions?x=1',
      '/v1/models',
      '/v1/models/mock-model',
      '/v1/models/%E0%A4%A',
      '/v1/models/' + 'x'.repeat(3000),
      '/v1//chat/completions',
      '/v1/chat/completions/../models',
      '/__mock/journal',
      '/v2/chat/completions',
      '/%',
      '/',
    ),
  })
  .map(({ template, contentType, auth, breaks, fault, method, path }) => {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (auth !== undefined) headers['authorization'] = auth;
    if (breaks !== undefined) headers['x-mock-break'] = breaks;
    if (fault !== undefined) headers['x-mock-error'] = fault;
    const c = jsonCase('odd-headers', TEMPLATES[template]!, headers);
    c.method = method;
    c.path = path;
    if (method === 'GET' || method === 'HEAD') c.body = null;
    c.injected = fault !== undefined;
    return c;
  });

// ---- hostile JSON Schemas (response_format and tool parameters) --------------------------

/** Patterns that backtrack catastrophically on the wrong input, and broken ones. */
const EVIL_PATTERNS = [
  '^(a+)+$',
  '^(a|aa)+$',
  '^(\\w+\\s?)*$',
  '(.*a){12}',
  '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
  '(',
  '[z-a]',
  '\\',
  '(?<=a)b',
  '^(?!x).*$',
  '\\1(a)',
  '^.{0,4096}$',
  '[^]*',
];

const REFS = [
  '#',
  '#/',
  '#/$defs/a',
  '#/$defs/b',
  '#/definitions/x',
  '#/properties/a',
  '#/$defs/missing',
  'http://example.com/s.json',
  '#anchor',
  '#/%',
  '#/$defs/a/items',
];

/** Keyword soup: every keyword the generator knows (and some it does not), any values. */
export const hostileSchema: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(
      true,
      false,
      {},
      { type: 'string' },
      { not: {} },
      { type: [] },
      { type: 'nope' },
      { $ref: '#' },
    ),
    fc
      .record(
        {
          type: fc.oneof(
            fc.constantFrom<Json>('object', 'array', 'string', 'integer', 'number', 'boolean', 'null'),
            fc.constantFrom<Json>(['string', 'null'], ['integer', 'object'], 'int', [], 5),
          ),
          properties: fc.dictionary(
            fc.constantFrom('a', 'b', 'c', 'name', 'city', 'id', '__proto__', ''),
            tie('node'),
            { maxKeys: 4 },
          ),
          required: fc.oneof(
            fc.constant<Json>(['a', 'b']),
            fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'name'), { maxLength: 4 }) as fc.Arbitrary<Json>,
            fc.constant<Json>('a'),
          ),
          additionalProperties: fc.oneof(fc.boolean(), tie('node')),
          patternProperties: fc.dictionary(fc.constantFrom(...EVIL_PATTERNS, '^x_'), tie('node'), { maxKeys: 2 }),
          propertyNames: fc.oneof(
            tie('node'),
            fc.constantFrom(...EVIL_PATTERNS).map((pattern) => ({ pattern })),
          ),
          minProperties: fc.integer({ min: -1, max: 50 }),
          maxProperties: fc.integer({ min: -1, max: 5 }),
          dependentRequired: fc.constant<Json>({ a: ['b', 'c'], b: ['a'] }),
          items: fc.oneof(tie('node'), fc.array(tie('node'), { maxLength: 3 }) as fc.Arbitrary<Json>),
          prefixItems: fc.array(tie('node'), { maxLength: 3 }) as fc.Arbitrary<Json>,
          minItems: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(999, 1001, 1e9, -1)),
          maxItems: fc.integer({ min: 0, max: 4 }),
          uniqueItems: fc.boolean(),
          contains: tie('node'),
          enum: fc.oneof(
            fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }) as fc.Arbitrary<Json>,
            fc.constant<Json>(Array.from({ length: 3000 }, (_, i) => i % 7)),
            fc.constant<Json>([]),
          ),
          const: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
          minimum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(1e308, -1e308, 0.1)),
          maximum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(1e308, -1e308)),
          exclusiveMinimum: fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 5 })),
          exclusiveMaximum: fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 5 })),
          multipleOf: fc.constantFrom<Json>(0, -1, 0.1, 0.3, 1e-300, 7, 1e308, 'x'),
          minLength: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(4096, 4097, 1e9, -1)),
          maxLength: fc.integer({ min: -1, max: 10 }),
          pattern: fc.constantFrom(...EVIL_PATTERNS, '^[a-z]{3}$', '^\\d{2,4}-\\d+$'),
          format: fc.constantFrom(
            'date',
            'date-time',
            'email',
            'uri',
            'uuid',
            'ipv4',
            'ipv6',
            'hostname',
            'time',
            'duration',
            'regex',
            'nope',
          ),
          $ref: fc.constantFrom(...REFS),
          $defs: fc.record({
            a: tie('node'),
            b: fc.constantFrom<Json>(
              { $ref: '#/$defs/a' },
              { allOf: [{ $ref: '#/$defs/b' }] },
              { type: 'array', items: { $ref: '#/$defs/b' }, minItems: 1 },
            ),
          }),
          allOf: fc.array(tie('node'), { minLength: 0, maxLength: 3 }) as fc.Arbitrary<Json>,
          anyOf: fc.array(tie('node'), { minLength: 0, maxLength: 3 }) as fc.Arbitrary<Json>,
          oneOf: fc.array(tie('node'), { minLength: 0, maxLength: 3 }) as fc.Arbitrary<Json>,
          not: tie('node'),
          if: tie('node'),
          then: tie('node'),
          else: tie('node'),
          $dynamicRef: fc.constant<Json>('#x'),
        },
        { requiredKeys: [] },
      )
      .map((s) => s as Json),
  ),
})).node;

/** A request whose response_format or tool carries a hostile schema. */
export const hostileSchemaRequest: fc.Arbitrary<FuzzCase> = fc
  .record({
    schema: hostileSchema,
    where: fc.constantFrom('response_format', 'tool', 'tool-stream', 'response_format-stream'),
    n: fc.constantFrom(1, 1, 2, 16),
  })
  .map(({ schema, where, n }) => {
    const stream = where.endsWith('-stream');
    const body: Record<string, Json> = where.startsWith('tool')
      ? {
          model: 'mock-model',
          messages: [{ role: 'user', content: 'Call the thing for "Paris", Tokyo and Rome.' }],
          tools: [{ type: 'function', function: { name: 'thing', description: 'the thing', parameters: schema } }],
          tool_choice: 'required',
        }
      : {
          model: 'mock-model',
          messages: [{ role: 'user', content: 'Answer.' }],
          response_format: { type: 'json_schema', json_schema: { name: 'r', schema } },
        };
    if (stream) body['stream'] = true;
    if (n > 1) body['n'] = n;
    return jsonCase('hostile-schema', body);
  });

// ---- extremes: the limits' edges --------------------------------------------------------

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Bodies at and past every limit: sizes, counts, depths, token budgets. Built lazily (some are megabytes). */
export const EXTREMES: ReadonlyArray<{ name: string; make: () => FuzzCase }> = [
  {
    name: '10 MB string in a message',
    make: () =>
      jsonCase('extreme', { model: 'mock-model', messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }] }),
  },
  {
    name: '3.9 MB of capitalised words, with tools, n 16',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        n: 16,
        // Asks for the tools: the computed model calls one only when asked (the path measured here).
        messages: [
          { role: 'user', content: 'Use the tools. What is the weather in ' + 'Paris, Rome '.repeat(330_000) },
        ],
        tools: [WEATHER_TOOL],
      }),
  },
  {
    name: '3.9 MB "Output exactly", n 16, stream, top_logprobs 20, max_tokens 1e9',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        n: 16,
        stream: true,
        logprobs: true,
        top_logprobs: 20,
        max_tokens: 1e9,
        messages: [{ role: 'user', content: 'Output exactly: ' + 'word '.repeat(780_000) }],
      }),
  },
  {
    name: '3.9 MB of "json keys" (the key-list rule), n 16',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        n: 16,
        messages: [{ role: 'user', content: 'json keys '.repeat(390_000) }],
      }),
  },
  {
    name: '3.9 MB of punctuation (one token each)',
    make: () =>
      jsonCase('extreme', { model: 'mock-model', messages: [{ role: 'user', content: '.,;'.repeat(1_300_000) }] }),
  },
  {
    name: '2048 messages (the limit)',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: Array.from({ length: 2048 }, (_, i) => ({
          role: i % 2 ? 'assistant' : 'user',
          content: `message ${i}`,
        })),
      }),
  },
  {
    name: '2049 messages',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: Array.from({ length: 2049 }, () => ({ role: 'user', content: 'hi' })),
      }),
  },
  {
    name: '20,000 messages',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: Array.from({ length: 20_000 }, () => ({ role: 'user', content: 'hi' })),
      }),
  },
  {
    name: 'n 16, top_logprobs 20, stream',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        n: 16,
        stream: true,
        logprobs: true,
        top_logprobs: 20,
        messages: [{ role: 'user', content: 'Count from 1 to 1000.' }],
      }),
  },
  {
    name: 'n 17',
    make: () => jsonCase('extreme', { model: 'mock-model', n: 17, messages: [{ role: 'user', content: 'hi' }] }),
  },
  {
    name: 'n 2^31',
    make: () => jsonCase('extreme', { model: 'mock-model', n: 2 ** 31, messages: [{ role: 'user', content: 'hi' }] }),
  },
  {
    name: 'max_tokens 1e308',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        max_tokens: 1e308,
        messages: [{ role: 'user', content: 'Count from 1 to 1000.' }],
      }),
  },
  {
    name: 'a body nested 1,000,000 levels',
    make: () => ({ ...jsonCase('extreme', null), body: Buffer.from(deepArray(1_000_000)) }),
  },
  {
    name: 'a message nested 10,000 levels',
    make: () => ({
      ...jsonCase('extreme', null),
      body: Buffer.from(`{"model":"mock-model","messages":[{"role":"user","content":${deepArray(10_000)}}]}`),
    }),
  },
  {
    name: 'a schema nested 60 levels (under the body limit)',
    make: () => {
      let s: Json = { type: 'string' };
      for (let i = 0; i < 29; i++) s = { type: 'object', properties: { a: s }, required: ['a'] };
      return jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'deep', schema: s } },
      });
    },
  },
  {
    name: 'a schema with 50,000 required properties',
    make: () => {
      const props = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, { type: 'string' }]));
      return jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'wide', schema: { type: 'object', properties: props, required: Object.keys(props) } },
        },
      });
    },
  },
  {
    name: 'a schema with 3,300 required properties (under the size limit)',
    make: () => {
      const props = Object.fromEntries(Array.from({ length: 3300 }, (_, i) => [`k${i}`, { type: 'string' }]));
      return jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'wide', schema: { type: 'object', properties: props, required: Object.keys(props) } },
        },
      });
    },
  },
  {
    name: 'an enum of 9,999 values',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'e', schema: { enum: Array.from({ length: 9_998 }, (_, i) => `v${i}`) } },
        },
      }),
  },
  {
    name: 'an enum of 9,999 values none of which fits',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'e',
            schema: { type: 'integer', enum: Array.from({ length: 9_996 }, (_, i) => `v${i}`) },
          },
        },
      }),
  },
  {
    name: 'uniqueItems: 1000 items from an enum of 3000',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'u',
            schema: {
              type: 'array',
              minItems: 1000,
              uniqueItems: true,
              items: { enum: Array.from({ length: 3000 }, (_, i) => i) },
            },
          },
        },
      }),
  },
  {
    name: 'anyOf with 3,000 unsatisfiable branches',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'a',
            schema: { anyOf: Array.from({ length: 3_000 }, () => ({ type: 'integer', minimum: 2, maximum: 1 })) },
          },
        },
      }),
  },
  {
    name: 'a $ref loop',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'l',
            schema: { $ref: '#/$defs/a', $defs: { a: { $ref: '#/$defs/b' }, b: { allOf: [{ $ref: '#/$defs/a' }] } } },
          },
        },
      }),
  },
  {
    name: 'a recursive schema with no finite instance',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 't',
            schema: { type: 'object', properties: { child: { $ref: '#' } }, required: ['child'] },
          },
        },
      }),
  },
  {
    name: 'an evil pattern with minLength 4096',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'p',
            schema: { type: 'string', pattern: '^(\\w+\\s?)*$', minLength: 4096, format: 'email' },
          },
        },
      }),
  },
  {
    name: '128 tools with 70-value schemas, all called, n 16',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        n: 16,
        messages: [{ role: 'user', content: 'Call thing for "Paris", "Tokyo", "Rome" and "Oslo".' }],
        tools: Array.from({ length: 128 }, (_, i) => ({
          type: 'function',
          function: {
            name: `thing_${i}`,
            description: 'call thing',
            parameters: {
              type: 'object',
              properties: Object.fromEntries(
                Array.from({ length: 12 }, (_, j) => [`p${j}`, { enum: ['a', 'b', 'c', 'd'] }]),
              ),
              required: Array.from({ length: 12 }, (_, j) => `p${j}`),
            },
          },
        })),
      }),
  },
  {
    name: '129 tools',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
        tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })),
      }),
  },
  {
    name: '4 stop sequences of 100 KB',
    make: () =>
      jsonCase('extreme', {
        model: 'mock-model',
        stop: Array.from({ length: 4 }, (_, i) => `${i}`.repeat(100_000)),
        messages: [{ role: 'user', content: 'Output exactly: ' + 'ab '.repeat(100_000) }],
      }),
  },
];

/** Any of the generators, weighted toward the richer ones. */
export const anyRequest: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 5, arbitrary: mutatedRequest },
  { weight: 2, arbitrary: damagedBytesRequest },
  { weight: 1, arbitrary: duplicateKeyRequest },
  { weight: 2, arbitrary: oddHeadersRequest },
  { weight: 3, arbitrary: hostileSchemaRequest },
);

// ---- sending ------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Send one case to the mock at `origin` (http://127.0.0.1:PORT); never throws. A request
 * that fails on a kept-alive socket before any answer is sent again once on a new one: the
 * server may close an idle socket (its keepAliveTimeout) just as the client reuses it, a race
 * of HTTP keep-alive itself, not an answer of the mock.
 */
export async function send(origin: string, c: FuzzCase, timeoutMs = 10_000): Promise<FuzzAnswer> {
  const first = await sendOnce(origin, c, timeoutMs);
  return first.staleSocket ? sendOnce(origin, c, timeoutMs) : first;
}

function sendOnce(origin: string, c: FuzzCase, timeoutMs: number): Promise<FuzzAnswer & { staleSocket?: boolean }> {
  const url = new URL(c.path, origin);
  const headers: Record<string, string | number> = { ...c.headers };
  if (c.body !== null) headers['content-length'] = c.body.length;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (a: Omit<FuzzAnswer, 'ms' | 'cpuMs'> & { staleSocket?: boolean }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const cpu = process.cpuUsage(cpu0);
      resolve({ ...a, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    // The raw path (the URL class would normalise `..` and `%`): node:http sends it as given.
    const req = httpRequest({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, headers: {}, body: Buffer.alloc(0), error: `no complete answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        finish({ status: res.statusCode ?? null, headers: flatHeaders(res.headers), body: Buffer.concat(parts) }),
      );
      res.on('error', (e) =>
        finish({
          status: res.statusCode ?? null,
          headers: flatHeaders(res.headers),
          body: Buffer.concat(parts),
          error: `body cut: ${e.message}`,
        }),
      );
      res.on('aborted', () =>
        finish({
          status: res.statusCode ?? null,
          headers: flatHeaders(res.headers),
          body: Buffer.concat(parts),
          error: 'body cut (aborted)',
        }),
      );
    });
    req.on('error', (e) =>
      finish({
        status: null,
        headers: {},
        body: Buffer.alloc(0),
        error: e.message,
        ...(req.reusedSocket ? { staleSocket: true } : {}),
      }),
    );
    req.end(c.body ?? undefined);
  });
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Close the sender's kept-alive sockets (so a test or script leaves no handle behind). */
export function closeSender(): void {
  agent.destroy();
}

// ---- judging ------------------------------------------------------------------------------

const INTERNALS = /\n\s+at |\.ts:\d+|node_modules|\/work\/|TypeError|RangeError|ReferenceError|Maximum call stack/;

function schemaProblem(name: string, value: unknown): string | null {
  const r = validate(name, value);
  return r.valid
    ? null
    : `not a valid ${name}: ${r.errors
        .slice(0, 2)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
        .join('; ')}`;
}

export interface JudgeOptions {
  /** A relay dialect deviates on purpose: only the never-broken rules apply (no 5xx, no internals, CPU). */
  strict: boolean;
}

/** What is wrong with this answer to this case, or null. */
export function judge(c: FuzzCase, a: FuzzAnswer, options: JudgeOptions = { strict: true }): string | null {
  if (a.cpuMs > CPU_LIMIT_MS) return `took ${a.cpuMs.toFixed(0)} ms of CPU (limit ${CPU_LIMIT_MS})`;
  const text = a.body.toString('utf8');
  if (INTERNALS.test(text)) return `internals in the answer: ${text.slice(0, 200)}`;
  const asksStreamFault = c.injected && /stream-(cut|error)/.test(c.headers['x-mock-error'] ?? '');
  if (a.error !== undefined || a.status === null) {
    return asksStreamFault ? null : `no answer: ${a.error ?? 'no status'}`;
  }
  if (a.status >= 500) return c.injected ? null : `HTTP ${a.status}: ${text.slice(0, 200)}`;
  if (!options.strict) return null;
  const type = (a.headers['content-type'] ?? '').toLowerCase();
  if (a.status >= 400) {
    if (c.method === 'HEAD') return null;
    if (!type.startsWith('application/json')) return `HTTP ${a.status} as ${type || 'no content type'}`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `HTTP ${a.status} whose body is not JSON: ${text.slice(0, 120)}`;
    }
    return schemaProblem('error', body);
  }
  // Models and the journal: other tests own their shapes (DELETE /__mock/journal is a 204).
  if (c.method !== 'POST' || !c.path.startsWith(CHAT_PATH)) return null;
  if (a.status !== 200) return `unexpected HTTP ${a.status}`;
  if (type.startsWith('text/event-stream')) {
    const { events } = parseSse(text);
    const read = interpretChatStream(events);
    if (read.nonJson.length > 0) return `stream with non-JSON data: ${String(read.nonJson[0]).slice(0, 100)}`;
    for (const chunk of read.chunks) {
      const p = schemaProblem('chat-chunk', chunk);
      if (p) return `stream chunk ${p}`;
    }
    for (const e of read.errorEvents) {
      if (!c.injected) return `stream with an error event: ${JSON.stringify(e).slice(0, 120)}`;
      const p = schemaProblem('error', e);
      if (p) return `stream error event ${p}`;
    }
    if (!read.done && !asksStreamFault) return 'stream without [DONE]';
    return null;
  }
  if (!type.startsWith('application/json')) return `HTTP 200 as ${type || 'no content type'}`;
  try {
    return schemaProblem('chat-response', JSON.parse(text));
  } catch {
    return `HTTP 200 whose body is not JSON: ${text.slice(0, 120)}`;
  }
}

/** Draw `count` cases from `arb` (reproducible with `seed`). */
export function sample(arb: fc.Arbitrary<FuzzCase>, count: number, seed: number): FuzzCase[] {
  return fc.sample(arb, { numRuns: count, seed });
}
