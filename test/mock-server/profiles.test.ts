// A test per documented relay profile (spec/relays/*.yaml): the mock running the profile
// serves every fact and deviation its dialect file documents, each test named with the
// dialect's own quote. Everything is driven from the YAML: a new model, endpoint or
// deviation without a demonstration here fails. Each profile is compared with the reference
// mock (profile openai) serving the same models: outside what its deviations may change
// (the battery lists in breaks/cases-*.ts), it must answer byte-identically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakParams, RelayDialect, RelayModel } from '../../spec/generated/types.js';
import { loadRelays, modelsFor, quoteList, relayBreaks } from '../../spec/relays.js';
import { validate } from '../../spec/validators.js';
import { composeQuirks, type ErrorReply } from '../../mock-server/breaks/index.js';
import { ApiError } from '../../mock-server/core/api-error.js';
import { faultFor } from '../../mock-server/http/faults.js';
import { profileFromDialect } from '../../mock-server/assembly/profile.js';
import { errorCases } from './breaks/cases-errors.js';
import { metadataCases, modelsCases } from './breaks/cases-metadata.js';
import { reasoningCases, structuredCases } from './breaks/cases-output.js';
import { requestCases } from './breaks/cases-request.js';
import { streamCases } from './breaks/cases-stream.js';
import { toolCases } from './breaks/cases-tools.js';
import {
  assembled,
  BATTERY_ITEMS,
  battery,
  errorOf,
  expectSame,
  FAULT_HEADER,
  isJsonReply,
  isSseReply,
  json,
  KEY,
  PERSON_FORMAT,
  runBattery,
  send,
  sse,
  start,
  user,
  type BatteryItem,
  type BreakCases,
  type J,
  type Reply,
  type Req,
  type Running,
} from './breaks/harness.js';

const CASES: BreakCases = {
  ...requestCases,
  ...streamCases,
  ...toolCases,
  ...structuredCases,
  ...reasoningCases,
  ...errorCases,
  ...metadataCases,
  ...modelsCases,
};

const IMAGE = {
  type: 'image_url',
  image_url: {
    url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  },
};

/** A test name from a quote field: its first quote (the rest go in the assertion messages). */
const named = (quote: unknown): string => {
  const list = quoteList(quote as string | string[] | undefined);
  return list.length === 0 ? '' : ` ('${list[0]}'${list.length > 1 ? ` +${list.length - 1}` : ''})`;
};
const noteQuote = (relay: RelayDialect, about: string): unknown => relay.notes?.find((n) => n.about === about)?.quote;

/** A chat request with an explicit `stream`, so dialects that default it answer as asked. */
const ask = (model: string, text: string, extra: Record<string, unknown> = {}): Req => ({
  body: { model, messages: [user(text)], stream: false, ...extra },
});
const askStream = (model: string, text: string, extra: Record<string, unknown> = {}): Req =>
  ask(model, text, { stream: true, ...extra });

// ------------------------------------------------------------------ deviations

interface DemoContext {
  /** The mock running the profile, and the reference mock serving the same models. */
  profile: Running;
  reference: Running;
  relay: RelayDialect;
  /** The dialect's default chat model. */
  model: string;
  params: BreakParams | undefined;
  /** The deviation's quotes, for assertion messages. */
  quotes: string[];
}

/**
 * OpenAI's refusal for each condition error-status can remap (statuses from spec/breaks.yaml;
 * type and code as the mock sends them where it provokes the condition itself).
 */
const OPENAI_REFUSAL: Record<string, { status: number; type: string; code: string | null }> = {
  invalid_api_key: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  insufficient_quota: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  model_not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  invalid_request_error: { status: 400, type: 'invalid_request_error', code: null },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  server_error: { status: 500, type: 'server_error', code: null },
};

/** How each break a dialect may document shows against the profile. */
const DEMOS: Record<string, (ctx: DemoContext) => Promise<void>> = {
  async 'stream-default-true'({ profile, reference, model, quotes }) {
    const body = { model, messages: [user('Output exactly: hello there')] };
    const [p, r, pFalse] = await Promise.all([
      send(profile, { body }),
      send(reference, { body }),
      send(profile, { body: { ...body, stream: false } }),
    ]);
    expect(isJsonReply(r), 'OpenAI answers with JSON').toBe(true);
    expect(isSseReply(p), `no stream field: SSE (${quotes.join(' / ')})`).toBe(true);
    expect(sse(p).done).toBe(true);
    expect(assembled(p)[0].content).toBe('hello there');
    expect(isJsonReply(pFalse), 'an explicit "stream": false gets JSON').toBe(true);
  },

  async 'stop-ignored'({ profile, reference, model, quotes }) {
    const [p, r, pNone] = await Promise.all([
      send(profile, ask(model, 'Count from 1 to 10', { stop: ['5'] })),
      send(reference, ask(model, 'Count from 1 to 10', { stop: ['5'] })),
      send(profile, ask(model, 'Count from 1 to 10')),
    ]);
    expect(json(r).choices[0].message.content).toBe('1, 2, 3, 4, ');
    expect(p.status, 'no error').toBe(200);
    expect(json(p).choices[0].message.content, `does not stop at the sequence (${quotes.join(' / ')})`).toBe(
      json(pNone).choices[0].message.content,
    );
    expect(json(p).choices[0].message.content).toContain('5, 6');
  },

  async 'json-fenced'({ profile, reference, model, quotes }) {
    const req = ask(model, 'Return a JSON object with the keys "city" and "population".', {
      response_format: { type: 'json_object' },
    });
    const [p, r] = await Promise.all([send(profile, req), send(reference, req)]);
    const plain = json(r).choices[0].message.content as string;
    expect(JSON.parse(plain)).toEqual(expect.any(Object));
    expect(json(p).choices[0].message.content, `a Markdown code block (${quotes.join(' / ')})`).toBe(
      `\`\`\`json\n${plain}\n\`\`\``,
    );
  },

  async 'schema-not-enforced'({ profile, reference, model, quotes }) {
    const req = ask(model, 'Describe a person.', { response_format: PERSON_FORMAT });
    const [p, r] = await Promise.all([send(profile, req), send(reference, req)]);
    const required = PERSON_FORMAT.json_schema.schema.required;
    expect(Object.keys(JSON.parse(json(r).choices[0].message.content as string))).toEqual(required);
    const got = JSON.parse(json(p).choices[0].message.content as string) as Record<string, unknown>;
    expect(
      required.every((k) => k in got),
      `the schema is not honoured (${quotes.join(' / ')})`,
    ).toBe(false);
  },

  async 'usage-on-finish-chunk'({ profile, reference, model, quotes }) {
    const req = askStream(model, 'Count from 1 to 5', { stream_options: { include_usage: true } });
    const [p, r] = await Promise.all([send(profile, req), send(reference, req)]);
    const usage = sse(r).chunks.at(-1).usage;
    const chunks = sse(p).chunks;
    const last = chunks.at(-1);
    expect(last.choices[0].finish_reason, `usage on the last frame, the finish chunk (${quotes.join(' / ')})`).toBe(
      'stop',
    );
    expect(last.choices[0].delta).toEqual({});
    expect(last.usage).toEqual(usage);
    expect(
      chunks.some((c) => Array.isArray(c.choices) && c.choices.length === 0),
      'no separate choices: [] chunk',
    ).toBe(false);
    expect(sse(p).done).toBe(true);
  },

  async 'n-ignored'({ profile, reference, model, quotes }) {
    const [p, r, ps] = await Promise.all([
      send(profile, ask(model, 'Tell me about rivers.', { n: 3 })),
      send(reference, ask(model, 'Tell me about rivers.', { n: 3 })),
      send(profile, askStream(model, 'Tell me about rivers.', { n: 3 })),
    ]);
    expect(json(r).choices).toHaveLength(3);
    expect(json(p).choices, `always one entry (${quotes.join(' / ')})`).toHaveLength(1);
    expect(assembled(ps)).toHaveLength(1);
  },

  async 'error-status'({ profile, reference, relay, model, params, quotes }) {
    const { condition, status } = params as { condition: string; status: number };
    // Over HTTP, with the injectable fault for this condition: the reference answers as
    // OpenAI does, the profile with the documented status and the same body.
    const fault = faultFor(condition);
    expect(fault, `a fault provokes ${condition}`).toBeDefined();
    const req: Req = { ...ask(model, 'hi'), headers: { [FAULT_HEADER]: fault! } };
    const [p, r] = await Promise.all([send(profile, req), send(reference, req)]);
    expect(r.status).toBe(OPENAI_REFUSAL[condition]!.status);
    expect(errorOf(p, status), `${condition} refused with ${status} (${quotes.join(' / ')})`).toEqual(json(r).error);
    // OpenAI's own refusal for the condition, through the profile's breaks.
    const openai = OPENAI_REFUSAL[condition]!;
    const cause = new ApiError(openai.status, openai.type, 'refused', null, openai.code);
    const reply: ErrorReply = {
      status: cause.status,
      headers: {},
      error: { message: cause.message, type: cause.type, param: null, code: cause.code },
      envelope: 'standard',
      inBand: false,
    };
    composeQuirks(profileFromDialect(relay).breaks).error(reply, { stream: false, cause });
    expect(reply, `OpenAI's ${openai.status} for ${condition} becomes ${status}, nothing else`).toEqual({
      status,
      headers: {},
      error: { message: 'refused', type: openai.type, param: null, code: openai.code },
      envelope: 'standard',
      inBand: false,
    });
  },

  async 'extra-field'({ profile, reference, model, params, quotes }) {
    const { name, value, in: where } = params as { name: string; value: unknown; in: string[] };
    const [p, r, ps] = await Promise.all([
      send(profile, ask(model, 'hi')),
      send(reference, ask(model, 'hi')),
      send(profile, askStream(model, 'hi')),
    ]);
    const field = (o: J): unknown => (name in o ? o[name] : '(absent)');
    expect(field(json(r))).toBe('(absent)');
    expect(field(json(p)), `${name} on the response (${quotes.join(' / ')})`).toEqual(
      where.includes('response') ? value : '(absent)',
    );
    sse(ps).chunks.forEach((c, i) => {
      const on = where.includes('every-chunk') || (i === 0 && where.includes('first-chunk'));
      expect(field(c), `${name} on chunk ${i}`).toEqual(on ? value : '(absent)');
    });
  },
};

// ------------------------------------------------------------------ faithful shapes

/** The reference's battery replies are OpenAI's shapes (schemas and the rules beyond them). */
function expectOpenAIShape(item: BatteryItem, r: Reply): void {
  const schema = (name: string, v: unknown): void => expect(validate(name, v).errors, `${item}: ${name}`).toEqual([]);
  switch (item) {
    case 'plain':
    case 'tool':
    case 'json_object':
    case 'json_schema':
    case 'reasoning': {
      expect(r.status).toBe(200);
      expect(isJsonReply(r)).toBe(true);
      const body = json(r);
      schema('chat-response', body);
      const c = body.choices[0];
      expect(c.message.role).toBe('assistant');
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
      if (item === 'tool') {
        expect(c.finish_reason).toBe('tool_calls');
        expect(JSON.parse(c.message.tool_calls[0].function.arguments as string)).toEqual(expect.any(Object));
      }
      if (item === 'json_object') expect(JSON.parse(c.message.content as string)).toEqual(expect.any(Object));
      if (item === 'json_schema')
        expect(Object.keys(JSON.parse(c.message.content as string))).toEqual(PERSON_FORMAT.json_schema.schema.required);
      if (item === 'reasoning') expect(c.message.reasoning_content).toEqual(expect.any(String));
      break;
    }
    case 'stream':
    case 'tool-stream': {
      expect(r.status).toBe(200);
      expect(isSseReply(r)).toBe(true);
      const s = sse(r);
      expect(s.done).toBe(true);
      expect(s.nonJson).toEqual([]);
      for (const c of s.chunks) schema('chat-chunk', c);
      expect(new Set(s.chunks.map((c) => c.id)).size).toBe(1);
      expect(s.chunks[0].choices[0].delta.role).toBe('assistant');
      const finishes = s.chunks.filter((c) => c.choices?.[0]?.finish_reason != null);
      expect(finishes).toHaveLength(1);
      if (item === 'stream') {
        const last = s.chunks.at(-1);
        expect(last.choices, 'include_usage: a separate choices: [] chunk').toEqual([]);
        expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
        for (const c of s.chunks.slice(0, -1)) expect(c.usage).toBeNull();
      } else {
        expect(finishes[0].choices[0].finish_reason).toBe('tool_calls');
        expect(JSON.parse(assembled(r)[0].tool_calls[0].arguments as string)).toEqual(expect.any(Object));
      }
      break;
    }
    case 'error':
    case 'error-stream':
      expect(errorOf(r, 404)).toMatchObject({ code: 'model_not_found', param: 'model' });
      break;
    case 'models':
      expect(r.status).toBe(200);
      schema('models-list', json(r));
      break;
  }
}

// ------------------------------------------------------------------ the profiles

for (const relay of loadRelays()) {
  const served = profileFromDialect(relay);
  const chatModel = modelsFor(relay, 'model')[0]!.id;
  const reasoner = modelsFor(relay, 'reasoning-model')[0]?.id;
  const bases = [relay.basePath, ...(relay.basePathAliases ?? [])];

  describe(`profile ${relay.id} (${relay.name})`, () => {
    let profile: Running;
    let reference: Running;
    beforeAll(async () => {
      [profile, reference] = await Promise.all([start({ profile: relay.id }), start({ models: served.models })]);
    });
    afterAll(async () => {
      await Promise.all([profile.provider.stop(), reference.provider.stop()]);
    });

    it(`serves the OpenAI routes under ${bases.join(' and ')}${named(noteQuote(relay, 'basePath'))}${named(noteQuote(relay, 'basePathAliases'))}`, async () => {
      expect(profile.provider.basePath).toBe(relay.basePath);
      const replies = await Promise.all(
        bases.map((base) =>
          send(profile, { ...ask(chatModel, 'Output exactly: ok'), absolutePath: `${base}/chat/completions` }),
        ),
      );
      for (const r of replies) {
        expect(r.status, r.text).toBe(200);
        expect(json(r).choices[0].message.content).toBe('ok');
        expectSame(r, replies[0]!, 'the same answer under every prefix');
      }
      for (const base of bases) expect((await send(profile, { absolutePath: `${base}/models` })).status).toBe(200);
      for (const other of ['/v1', '/api/v1', '/openai/v1', '/openai'].filter((p) => !bases.includes(p))) {
        const r = await send(profile, { ...ask(chatModel, 'hi'), absolutePath: `${other}/chat/completions` });
        expect(errorOf(r, 404).code, `nothing under ${other}`).toBe('unknown_url');
      }
    });

    it(`authenticates with ${relay.auth.scheme}${named(relay.auth.quote)}`, async () => {
      expect(relay.auth.scheme, 'only bearer auth has a test').toBe('bearer');
      const [none, bearer] = await Promise.all([
        send(profile, { ...ask(chatModel, 'hi'), auth: false }),
        send(profile, { ...ask(chatModel, 'hi'), headers: { authorization: `Bearer ${KEY}` } }),
      ]);
      expect(errorOf(none, 401).code).toBe('invalid_api_key');
      expect(bearer.status).toBe(200);
    });

    it(`lists exactly its ${relay.models.length} models at ${relay.basePath}/models${named(noteQuote(relay, 'models.list'))}${named(noteQuote(relay, 'models'))}`, async () => {
      const list = json(await send(profile, { path: '/models' }));
      expect(list.data.map((m: J) => m.id)).toEqual(relay.models.map((m) => m.id));
      for (const m of list.data) expect(m.owned_by).toBe(relay.reference ? 'relaycheck' : relay.id);
    });

    for (const m of relay.models) {
      const traits = [
        m.reasoning ? 'reasons' : '',
        m.vision ? 'sees images' : 'no images',
        m.rejects
          ? `refuses ${[...(m.rejects.params ?? []), ...(m.rejects.roles ?? []).map((r) => `role ${r}`)].join(', ')}`
          : '',
      ].filter(Boolean);
      const facts = `${named(m.quote)}${named(m.rejects?.quote)}${m.reasoning ? named(noteQuote(relay, 'reasoning.content')) : ''}${m.vision ? named(noteQuote(relay, 'vision.image_url')) : ''}`;
      it(`model ${m.id}: ${traits.join('; ')}${facts}`, async () => {
        await checkModel(profile, m);
      });
    }

    for (const [i, endpoint] of (relay.endpoints ?? []).entries()) {
      if (endpoint.protocol === 'openai-responses') {
        // The Responses API itself is tested in test/mock-server/responses/.
        it(`${endpoint.path} speaks ${endpoint.protocol}${named(endpoint.quote)}`, async () => {
          const r = await send(profile, {
            absolutePath: endpoint.path,
            body: { model: chatModel, input: 'Reply with exactly: pong' },
          });
          expect(r.status).toBe(200);
          expect(json(r)).toMatchObject({
            object: 'response',
            status: 'completed',
            output: [{ type: 'message', content: [{ type: 'output_text', text: 'pong' }] }],
          });
        });
        continue;
      }
      it(`${endpoint.path} speaks ${endpoint.protocol}${named(endpoint.quote)}`, async () => {
        expect(endpoint.protocol, 'only anthropic-messages has a test').toBe('anthropic-messages');
        await checkAnthropic(profile, relay, i);
      });
      it(`${endpoint.path} requires the documented headers (${Object.keys(endpoint.headers ?? {}).join(', ')})`, async () => {
        const model = endpoint.models?.[0] ?? chatModel;
        const r = await send(profile, {
          absolutePath: endpoint.path,
          body: { model, max_tokens: 100, messages: [user('hi')] },
        });
        expect(Object.keys(endpoint.headers ?? {}).length).toBeGreaterThan(0);
        expect(r.status).toBe(400);
        expect(json(r)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      });
    }

    const active = relayBreaks(relay);
    relay.deviations.forEach((d, i) => {
      const quotes = quoteList(d.quote);
      it(`deviation ${d.break}${d.with ? ` ${JSON.stringify(d.with)}` : ''}${named(d.quote)}`, async () => {
        const demo = DEMOS[d.break];
        if (!demo)
          expect.fail(
            `profiles.test.ts has no demonstration of the break '${d.break}' (${relay.id} documents it: ${quotes.join(' / ')})`,
          );
        await demo({ profile, reference, relay, model: chatModel, params: active[i]!.params, quotes });
      });
    });

    const mayChange = new Set(relay.deviations.flatMap((d) => CASES[d.break]?.changes ?? BATTERY_ITEMS));
    const kept = BATTERY_ITEMS.filter((item) => !mayChange.has(item) && (item !== 'reasoning' || reasoner));
    it(`is OpenAI-faithful apart from its deviations: battery items [${kept.join(', ')}] byte-identical to the reference mock's`, async () => {
      const items = battery({ chat: chatModel, ...(reasoner ? { reasoner } : {}) });
      const [p, r] = await Promise.all([runBattery(profile, items), runBattery(reference, items)]);
      for (const item of Object.keys(items) as BatteryItem[]) expectOpenAIShape(item, r[item]!);
      for (const item of kept) expectSame(p[item]!, r[item]!, `${relay.id}: battery item '${item}'`);
      if (relay.deviations.length === 0) expect(kept.length).toBe(Object.keys(items).length);
    });
  });
}

// ------------------------------------------------------------------ per-model facts

async function checkModel(profile: Running, m: RelayModel): Promise<void> {
  const rejected = new Set([...(m.rejects?.params ?? [])]);
  const base = ask(m.id, 'Output exactly: 42');
  const [plain, streamed, one, image, effort] = await Promise.all([
    send(profile, base),
    send(profile, askStream(m.id, 'Output exactly: 42')),
    send(profile, { path: `/models/${m.id}` }),
    send(profile, ask(m.id, '', { messages: [user([{ type: 'text', text: 'Describe this image.' }, IMAGE])] })),
    send(profile, ask(m.id, 'Output exactly: 42', { reasoning_effort: 'high' })),
  ]);
  expect(plain.status, plain.text).toBe(200);
  const message = json(plain).choices[0].message;
  expect(json(plain).model).toBe(m.id);
  expect(message.content).toBe('42');
  expect(json(one)).toMatchObject({ id: m.id, object: 'model' });
  expect(assembled(streamed)[0].content).toBe('42');
  if (m.reasoning) {
    expect(message.reasoning_content, 'reasoning_content on the message').toEqual(expect.any(String));
    expect(assembled(streamed)[0].reasoning_content, 'and in the stream').toEqual(expect.any(String));
    expect(effort.status, 'reasoning_effort accepted').toBe(200);
  } else {
    expect(message).not.toHaveProperty('reasoning_content');
    expect(errorOf(effort, 400).param).toBe('reasoning_effort');
  }
  if (m.vision) expect(image.status, image.text).toBe(200);
  else expect(errorOf(image, 400).param).toBe('messages[0].content');

  for (const param of rejected) {
    const value = param === 'top_p' ? 0.5 : param === 'temperature' ? 0.7 : 0.1;
    const r = await send(profile, ask(m.id, 'hi', { [param]: value }));
    expect(errorOf(r, 400), `${param} refused`).toMatchObject({ param, type: 'invalid_request_error' });
  }
  for (const role of m.rejects?.roles ?? []) {
    const r = await send(profile, ask(m.id, 'hi', { messages: [{ role, content: 'Be brief.' }, user('hi')] }));
    expect(errorOf(r, 400), `role ${role} refused`).toMatchObject({ param: 'messages[0].role' });
  }
  // The parameters a model refuses are still accepted by the others.
  if (!m.rejects) {
    const r = await send(
      profile,
      ask(m.id, 'hi', {
        temperature: 0.7,
        top_p: 0.5,
        frequency_penalty: 0.1,
        messages: [{ role: 'system', content: 'Be brief.' }, user('hi')],
      }),
    );
    expect(r.status, r.text).toBe(200);
  }
}

// ------------------------------------------------------------------ other protocols

async function checkAnthropic(profile: Running, relay: RelayDialect, index: number): Promise<void> {
  const endpoint = relay.endpoints![index]!;
  const model = endpoint.models?.[0] ?? relay.models[0]!.id;
  const headers = Object.fromEntries(
    Object.entries(endpoint.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const body = { model, max_tokens: 1000, messages: [user('Output exactly: Hello, Claude!')] };
  const at = (extra: Partial<Req>): Req => ({ absolutePath: endpoint.path, body, headers, ...extra });
  const others = relay.models.map((m) => m.id).filter((id) => endpoint.models && !endpoint.models.includes(id));
  const [msg, streamed, noKey, other] = await Promise.all([
    send(profile, at({})),
    send(profile, at({ body: { ...body, stream: true } })),
    send(profile, at({ auth: false })),
    others[0] === undefined ? Promise.resolve(undefined) : send(profile, at({ body: { ...body, model: others[0] } })),
  ]);

  expect(msg.status, msg.text).toBe(200);
  const m = json(msg);
  expect(m).toMatchObject({
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'Hello, Claude!' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
  });
  expect(m.id).toMatch(/^msg_/);
  expect(m.usage).toEqual({
    input_tokens: expect.any(Number),
    output_tokens: expect.any(Number),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  });

  expect(isSseReply(streamed)).toBe(true);
  const events = sse(streamed).events;
  const names = events.map((e) => e.event);
  expect(names[0]).toBe('message_start');
  expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  expect(names[1]).toBe('content_block_start');
  expect(new Set(names.slice(2, -3))).toEqual(new Set(['content_block_delta']));
  for (const e of events) expect(JSON.parse(e.data).type, 'each event names its type in its data').toBe(e.event);
  const text = events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => JSON.parse(e.data).delta.text as string)
    .join('');
  expect(text).toBe('Hello, Claude!');
  expect(JSON.parse(events.at(-2)!.data).delta.stop_reason).toBe('end_turn');
  expect(
    events.some((e) => e.data === '[DONE]'),
    'no OpenAI [DONE]',
  ).toBe(false);

  expect(noKey.status).toBe(401);
  expect(json(noKey)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  if (other) {
    expect(other.status, `${others[0]} is not served at ${endpoint.path}`).toBe(404);
    expect(json(other)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  }
}
