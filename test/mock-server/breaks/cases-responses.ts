// The Responses API breaks (POST /responses): each break's scenario and the exact change it
// must make. None touches a chat request, so none changes a battery item.
import { expect } from 'vitest';
import {
  expectSame,
  json,
  MODEL,
  post,
  REASONER,
  send,
  start,
  type BreakCases,
  type J,
  type Reply,
  type Req,
} from './harness.js';

const BODY = { model: MODEL, input: 'Output exactly: alpha beta gamma delta epsilon', store: false };
const P = post(BODY, { path: '/responses' });
/** A response the mock keeps (GET and DELETE /responses/{id}). */
const STORED = { ...BODY, input: 'Reply with exactly: OK', store: true };
const S = post({ ...BODY, stream: true }, { path: '/responses' });

/** The events of a Responses stream, each `event:` name checked against its data's type. */
function events(r: Reply): J[] {
  expect(r.status, r.text).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
  return r.text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as J;
      expect(/^event: (.+)$/m.exec(block)?.[1]).toBe(data.type);
      return data;
    });
}

const TERMINAL = ['response.completed', 'response.incomplete', 'response.failed'];

const REASONING = {
  model: REASONER,
  input: 'Is 1001 a prime number?',
  reasoning: { effort: 'low', summary: 'auto' },
  include: ['reasoning.encrypted_content'],
  store: false,
};

const WEATHER = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CALL = { ...BODY, input: 'What is the weather in Paris?', tools: [WEATHER], tool_choice: 'required' };
const TP = post(CALL, { path: '/responses' });
const TS = post({ ...CALL, stream: true }, { path: '/responses' });
const OUTPUT = post(
  {
    ...BODY,
    input: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temperature_c":23}' },
    ],
    tools: [WEATHER],
  },
  { path: '/responses' },
);

export const responsesCases: BreakCases = {
  'responses-text-parts': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const want = json(f!);
      for (const item of want.output) if (item.type === 'message') for (const part of item.content) part.type = 'text';
      expect(json(b!)).toEqual(want);
      // The stream is left alone.
      expect(events(bs!)).toEqual(events(fs!));
    },
    changes: [],
  },

  'responses-no-completed': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      expect(all.at(-1).type).toBe('response.completed');
      expect(events(b!)).toEqual(all.slice(0, -1));
    },
    changes: [],
  },

  'responses-output-only-in-completed': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      expect(all.length).toBeGreaterThan(3);
      const kept = all.filter((e) => ['response.created', 'response.in_progress', ...TERMINAL].includes(e.type));
      expect(kept.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
      expect(events(b!)).toEqual(kept);
      expect(kept.at(-1).response.output.length).toBeGreaterThan(0);
    },
    changes: [],
  },

  'responses-no-sequence-number': {
    scenario: [S],
    check([f], [b]) {
      const want = events(f!).map(({ sequence_number: _, ...rest }) => rest as J);
      expect(events(b!)).toEqual(want);
    },
    changes: [],
  },

  'responses-stream-closed-early': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      const got = events(b!);
      expect(got).toEqual(all.slice(0, got.length));
      expect(got.at(-1).type).toBe('response.output_text.delta');
      const deltas = all.filter((e) => e.type === 'response.output_text.delta').length;
      expect(got.filter((e) => e.type === 'response.output_text.delta').length).toBe(Math.floor(deltas / 2) + 1);
      expect(got.some((e) => e.type === 'response.output_text.done' || TERMINAL.includes(e.type))).toBe(false);
    },
    changes: [],
  },

  'responses-duplicate-call': {
    scenario: [TP, TS],
    check([f, fs], [b, bs]) {
      const want = json(f!);
      expect(want.output.map((i: J) => i.type)).toEqual(['function_call']);
      want.output = [want.output[0], want.output[0]];
      expect(json(b!)).toEqual(want);
      // The call's events twice, the copy as output item 1; the sequence renumbered.
      const all = events(fs!);
      const start = all.findIndex((e) => e.type === 'response.output_item.added');
      const end = all.findIndex((e) => e.type === 'response.output_item.done');
      const copy = all.slice(start, end + 1).map((e) => ({ ...e, output_index: 1 }));
      const expected = [...all.slice(0, end + 1), ...copy, ...all.slice(end + 1)].map((e, i) => ({
        ...e,
        sequence_number: i,
      }));
      const last = expected.at(-1);
      last.response = { ...last.response, output: [last.response.output[0], last.response.output[0]] };
      expect(events(bs!)).toEqual(expected);
    },
    changes: [],
  },

  'responses-call-output-dropped': {
    scenario: [OUTPUT],
    check([f], [b]) {
      expect(json(f!).output[0].content[0].text).toContain('23');
      // The model saw only the user's question: an answer that knows nothing of the output.
      const broken = json(b!);
      expect(broken.status).toBe('completed');
      expect(broken.output.map((i: J) => i.type)).toEqual(['message']);
      expect(broken.output[0].content[0].text).not.toContain('23');
      expect(broken.output[0].content[0].text).not.toMatch(/tool result/);
    },
    changes: [],
  },

  'responses-text-format-ignored': {
    scenario: [
      post(
        {
          ...BODY,
          input: 'Describe a cat.',
          text: {
            format: {
              type: 'json_schema',
              name: 'cat',
              schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
            },
          },
        },
        { path: '/responses' },
      ),
    ],
    check([f], [b]) {
      const faithful = json(f!);
      expect(JSON.parse(faithful.output[0].content[0].text)).toHaveProperty('name');
      expect(faithful.text.format.type).toBe('json_schema');
      const broken = json(b!);
      // The Response echoes what the relay forwarded: the default text format, and prose.
      expect(broken.text.format).toEqual({ type: 'text' });
      expect(() => JSON.parse(broken.output[0].content[0].text)).toThrow();
    },
    changes: [],
  },

  'responses-failure-as-completed': {
    scenario: [
      post({ ...BODY, input: 'Count from 1 to 50.', max_output_tokens: 16, stream: true }, { path: '/responses' }),
    ],
    check([f], [b]) {
      const all = events(f!);
      expect(all.at(-1).type).toBe('response.incomplete');
      expect(all.at(-1).response.status).toBe('incomplete');
      const want = all.map((e) => (e.type === 'response.incomplete' ? { ...e, type: 'response.completed' } : e));
      expect(events(b!)).toEqual(want);
    },
    changes: [],
  },

  'responses-reasoning-dropped': {
    scenario: [post(REASONING, { path: '/responses' }), post({ ...REASONING, stream: true }, { path: '/responses' })],
    check([f, fs], [b, bs]) {
      const want = json(f!);
      expect(want.output.map((i: J) => i.type)).toEqual(['reasoning', 'message']);
      expect(typeof want.output[0].encrypted_content).toBe('string');
      want.output = want.output.slice(1);
      expect(json(b!)).toEqual(want);
      // The reasoning item's events gone, the message now output item 0, the sequence renumbered.
      const all = events(fs!);
      expect(all.some((e) => e.type === 'response.reasoning_summary_text.delta')).toBe(true);
      const expected = all
        .filter((e) => e.output_index !== 0)
        .map((e, i) => ({
          ...e,
          sequence_number: i,
          ...(typeof e.output_index === 'number' ? { output_index: e.output_index - 1 } : {}),
        }));
      const last = expected.at(-1);
      last.response = { ...last.response, output: last.response.output.slice(1) };
      expect(events(bs!)).toEqual(expected);
    },
    changes: [],
  },

  'responses-previous-id-ignored': {
    startup: {},
    scenario: [
      post({ ...BODY, input: 'Reply with exactly: OK', store: true }, { path: '/responses' }),
      post({ ...BODY, input: 'And now?', previous_response_id: 'resp_unknown' }, { path: '/responses' }),
    ],
    check([f, fu], [b, bu]) {
      expect(fu!.status).toBe(404);
      expect(json(fu!).error.code).toBe('previous_response_not_found');
      // Accepted: the id never reached the upstream.
      expect(bu!.status).toBe(200);
      expect(json(bu!).previous_response_id).toBeNull();
      expect(json(b!).status).toBe('completed');
      expect(json(f!).status).toBe('completed');
    },
    more: {
      'a known id no longer carries the stored turn': async () => {
        const server = await start();
        try {
          const first = json(
            await send(server, post({ ...BODY, input: 'Reply with exactly: OK', store: true }, { path: '/responses' })),
          );
          const follow = { ...BODY, input: 'And now?', previous_response_id: first.id };
          const faithful = json(await send(server, post(follow, { path: '/responses' })));
          const broken = json(
            await send(server, post(follow, { path: '/responses' }), 'responses-previous-id-ignored'),
          );
          expect(faithful.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens + first.usage.output_tokens - 1);
          expect(broken.usage.input_tokens).toBeLessThan(first.usage.input_tokens + first.usage.output_tokens);
        } finally {
          await server.provider.stop();
        }
      },
    },
    changes: [],
  },

  'responses-retrieve-missing': {
    scenario: [
      { method: 'GET', path: '/responses/resp_unknown' },
      { method: 'DELETE', path: '/responses/resp_unknown' },
    ],
    check([fg, fd], [bg, bd]) {
      // Faithful: the route exists and the id is unknown; broken: the route itself is unknown.
      expect(json(fg!).error.message).toBe("Response with id 'resp_unknown' not found.");
      expect(json(fd!).error.message).toBe("Response with id 'resp_unknown' not found.");
      expect(bg!.status).toBe(404);
      expect(json(bg!).error).toMatchObject({
        message: 'Unknown request URL: GET /v1/responses/resp_unknown.',
        code: 'unknown_url',
      });
      expect(json(bd!).error.message).toBe('Unknown request URL: DELETE /v1/responses/resp_unknown.');
    },
    more: {
      'a stored response is not found, yet previous_response_id still continues it': async () => {
        const server = await start();
        try {
          const first = json(await send(server, post(STORED, { path: '/responses' }), 'responses-retrieve-missing'));
          const byId: Req = { method: 'GET', path: `/responses/${first.id as string}` };
          expect((await send(server, byId)).status).toBe(200);
          expect((await send(server, byId, 'responses-retrieve-missing')).status).toBe(404);
          const next = await send(
            server,
            post({ ...BODY, input: 'And now?', previous_response_id: first.id }, { path: '/responses' }),
            'responses-retrieve-missing',
          );
          expect(json(next).previous_response_id).toBe(first.id);
          const deleted = await send(server, { ...byId, method: 'DELETE' }, 'responses-retrieve-missing');
          expect(deleted.status).toBe(404);
          expect((await send(server, byId)).status, 'the DELETE deleted nothing').toBe(200);
        } finally {
          await server.provider.stop();
        }
      },
    },
    changes: [],
  },

  'responses-delete-ignored': {
    // An unknown id is still refused: only a real response is "deleted" and kept.
    scenario: [{ method: 'DELETE', path: '/responses/resp_unknown' }],
    check([f], [b]) {
      expect(f!.status).toBe(404);
      expectSame(b!, f!);
    },
    more: {
      'answers deleted, and the response is still returned': async () => {
        const server = await start();
        try {
          const first = json(await send(server, post(STORED, { path: '/responses' })));
          const byId: Req = { method: 'GET', path: `/responses/${first.id as string}` };
          const remove: Req = { ...byId, method: 'DELETE' };
          const said = await send(server, remove, 'responses-delete-ignored');
          expect(json(said)).toEqual({ id: first.id, object: 'response', deleted: true });
          const still = await send(server, byId, 'responses-delete-ignored');
          expect(still.status).toBe(200);
          expect(json(still)).toEqual(first);
          // Faithful: the same DELETE removes it.
          expectSame(await send(server, remove), said);
          expect((await send(server, byId)).status).toBe(404);
        } finally {
          await server.provider.stop();
        }
      },
    },
    changes: [],
  },

  'responses-error-as-failed-response': {
    scenario: [
      post({ ...BODY, model: 'no-such-model' }, { path: '/responses' }),
      post({ ...BODY, input: 42 }, { path: '/responses' }),
    ],
    check([f, fi], [b, bi]) {
      for (const [faithful, broken] of [
        [f!, b!],
        [fi!, bi!],
      ] as const) {
        expect(faithful.status).toBeGreaterThanOrEqual(400);
        const error = json(faithful).error;
        expect(broken.status).toBe(200);
        expect(json(broken)).toEqual({
          id: 'resp_error',
          object: 'response',
          status: 'failed',
          error: { code: error.code ?? 'server_error', message: error.message },
          output: [],
          usage: null,
        });
      }
    },
    changes: [],
  },

  'responses-stream-usage-estimated': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      expect(json(b!), 'the non-streamed Response untouched').toEqual(json(f!));
      const stream = events(fs!);
      const text = 'alpha beta gamma delta epsilon';
      const [input, output] = [Math.ceil(BODY.input.length / 4), Math.ceil(text.length / 4)];
      let edited = 0;
      for (const e of stream)
        if (e.response?.usage) {
          e.response.usage = {
            ...e.response.usage,
            input_tokens: input,
            output_tokens: output,
            total_tokens: input + output,
          };
          edited++;
        }
      expect(edited, 'the terminal Response carries usage').toBeGreaterThan(0);
      expect(events(bs!)).toEqual(stream);
      expect(json(f!).usage.input_tokens, 'the faithful count differs').not.toBe(input);
    },
    changes: [],
  },

  'responses-usage-zero': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const zero = {
        input_tokens: 0,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 0,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 0,
      };
      const want = json(f!);
      expect(want.usage.output_tokens).toBeGreaterThan(0);
      want.usage = zero;
      expect(json(b!)).toEqual(want);
      const stream = events(fs!);
      for (const e of stream) if (e.response?.usage) e.response.usage = zero;
      expect(events(bs!)).toEqual(stream);
    },
    changes: [],
  },
};
