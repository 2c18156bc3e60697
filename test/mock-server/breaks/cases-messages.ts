// Anthropic's Messages breaks (POST /messages): each break's scenario and the exact change it
// must make. None touches a chat request, so none changes a battery item.
import { expect } from 'vitest';
import { json, post, send, start, type BreakCases, type J, type Reply, type Req } from './harness.js';

/** A model the reference profile serves over Messages. */
const CLAUDE = 'claude-sonnet-4-5';
const VERSION = { 'anthropic-version': '2023-06-01' };
const M = (body: Record<string, unknown>, more: Partial<Req> = {}): Req =>
  post({ model: CLAUDE, max_tokens: 64, ...body }, { path: '/messages', headers: VERSION, ...more });
const COUNT = (body: Record<string, unknown>): Req =>
  post({ model: CLAUDE, ...body }, { path: '/messages/count_tokens', headers: VERSION });

const ask = (text: string): J[] => [{ role: 'user', content: text }];
const TEXT = { messages: ask('Output exactly: alpha beta gamma delta') };
const STREAM = { ...TEXT, stream: true };
const WEATHER = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const TIME = { name: 'get_time', description: 'The time', input_schema: { type: 'object', properties: {} } };
const THINKING = { max_tokens: 1100, thinking: { type: 'enabled', budget_tokens: 1024 } };
const CALL = { tools: [WEATHER], messages: ask('What is the weather in Paris? Use the get_weather tool.') };
const HISTORY = (result: J): J[] => [
  ...ask('What is the weather in Paris?'),
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', ...result }] },
];

/** A system prompt past the 1,024 tokens Sonnet caches at least, marked for caching. */
const CACHED = {
  max_tokens: 8,
  system: [
    {
      type: 'text',
      text: Array.from({ length: 120 }, (_, i) => `Rule ${i}: item ${i} stays on shelf ${i % 7}.`).join('\n'),
      cache_control: { type: 'ephemeral' },
    },
  ],
  messages: ask('Reply with exactly: OK'),
};

/** The events of a Messages stream, each `event:` name checked against its data's type. */
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

/** A message, checked as 200 JSON. */
function message(r: Reply): J {
  expect(r.status, r.text).toBe(200);
  return json(r);
}

/** The answer's text (blocks or a string). */
const textOf = (m: J): string =>
  typeof m.content === 'string' ? m.content : (m.content as J[]).map((b) => (b.type === 'text' ? b.text : '')).join('');

/** Both replies the same but for the message id (derived from the request's bytes, which a break may change). */
const sameBut = (b: J, f: J, edit: (m: J) => void = () => undefined): void => {
  const want = structuredClone(f);
  edit(want);
  expect({ ...b, id: 'msg' }).toEqual({ ...want, id: 'msg' });
};

export const messagesCases: BreakCases = {
  'messages-content-as-string': {
    scenario: [M(TEXT), M(CALL)],
    check([f, ft], [b, bt]) {
      sameBut(message(b!), message(f!), (m) => (m.content = textOf(m)));
      // An answer with a tool_use is left alone.
      expect(message(bt!)).toEqual(message(ft!));
    },
    changes: [],
  },

  'messages-block-index-off': {
    scenario: [M(STREAM)],
    check([f], [b]) {
      const want = events(f!).map((e) => (typeof e.index === 'number' ? { ...e, index: e.index + 1 } : e));
      expect(events(b!)).toEqual(want);
    },
    changes: [],
  },

  'messages-no-block-stop': {
    scenario: [M(STREAM)],
    check([f], [b]) {
      expect(events(b!)).toEqual(events(f!).filter((e) => e.type !== 'content_block_stop'));
    },
    changes: [],
  },

  'messages-no-message-stop': {
    scenario: [M(STREAM)],
    check([f], [b]) {
      const all = events(f!);
      expect(all.at(-1).type).toBe('message_stop');
      expect(events(b!)).toEqual(all.slice(0, -1));
    },
    changes: [],
  },

  'messages-text-deltas-duplicated': {
    scenario: [M(STREAM)],
    check([f], [b]) {
      const want = events(f!).flatMap((e) => (e.delta?.type === 'text_delta' ? [e, e] : [e]));
      expect(events(b!)).toEqual(want);
    },
    changes: [],
  },

  'messages-stream-partial-delta-replay': {
    scenario: [M(STREAM), M(TEXT), M({ ...CALL, stream: true })],
    check([f, ft, fc], [b, bt, bc]) {
      const want = events(f!);
      const texts = want.filter((e) => e.delta?.type === 'text_delta' && e.delta.text !== '');
      expect(texts.length, 'a stream of several text deltas').toBeGreaterThan(2);
      texts[1].delta.text = texts[0].delta.text + texts[1].delta.text;
      expect(events(b!), 'the second delta re-sends the first ("alph", "alpha")').toEqual(want);
      expect(message(bt!), 'the non-streamed message untouched').toEqual(message(ft!));
      expect(events(bc!), 'a tool call has no text delta: untouched').toEqual(events(fc!));
    },
    changes: [],
  },

  'messages-stream-usage-estimated': {
    scenario: [M(STREAM), M(TEXT)],
    check([f, ft], [b, bt]) {
      expect(message(bt!), 'the non-streamed message untouched').toEqual(message(ft!));
      const want = events(f!);
      const text = want.map((e) => (e.delta?.type === 'text_delta' ? e.delta.text : '')).join('');
      const [input, output] = [Math.ceil(TEXT.messages[0]!.content.length / 4), Math.ceil(text.length / 4)];
      const start = want.find((e) => e.type === 'message_start')!.message.usage;
      const end = want.find((e) => e.type === 'message_delta')!.usage;
      expect(start.input_tokens, 'the faithful count differs from the estimate').not.toBe(input);
      Object.assign(start, { input_tokens: input });
      Object.assign(end, { input_tokens: input, output_tokens: output });
      expect(events(b!), 'the characters/4 estimate in message_start and message_delta').toEqual(want);
    },
    changes: [],
  },

  'messages-parameterless-tool-dropped': {
    scenario: [M({ tools: [WEATHER, TIME], tool_choice: { type: 'tool', name: 'get_time' }, messages: ask('Time?') })],
    check([f], [b]) {
      expect(message(f!).content.map((c: J) => c.name)).toEqual(['get_time']);
      // get_time never reached the model; tool_choice "any" called what was left.
      expect(message(b!).content.map((c: J) => c.name)).toEqual(['get_weather']);
    },
    changes: [],
  },

  'messages-tool-result-blocks-dropped': {
    scenario: [
      M({ tools: [WEATHER], messages: HISTORY({ content: [{ type: 'text', text: '{"temperature_c":23}' }] }) }),
      M({ tools: [WEATHER], messages: HISTORY({ content: '{"temperature_c":23}' }) }),
    ],
    check([f, fs], [b, bs]) {
      expect(textOf(message(f!))).toContain('23');
      expect(textOf(message(b!))).not.toContain('23');
      // String content is forwarded.
      expect(message(bs!)).toEqual(message(fs!));
    },
    changes: [],
  },

  'messages-assistant-text-dropped': {
    scenario: [
      M({
        tools: [WEATHER],
        messages: HISTORY({ content: '{"temperature_c":23}' }).map((m: J) =>
          m.role === 'assistant' ? { ...m, content: [{ type: 'text', text: 'Looking it up.' }, ...m.content] } : m,
        ),
      }),
      M({ tools: [WEATHER], messages: HISTORY({ content: '{"temperature_c":23}' }) }),
    ],
    check([f, fWithout], [b, bWithout]) {
      // The text no longer counts: the turn costs what the turn without it costs.
      expect(message(f!).usage.input_tokens).toBeGreaterThan(message(fWithout!).usage.input_tokens);
      expect(message(b!).usage).toEqual(message(fWithout!).usage);
      expect(message(bWithout!)).toEqual(message(fWithout!));
    },
    changes: [],
  },

  'messages-is-error-dropped': {
    scenario: [M({ tools: [WEATHER], messages: HISTORY({ is_error: true, content: 'city not found' }) })],
    check([f], [b]) {
      expect(textOf(message(f!))).toContain('Error: city not found');
      expect(textOf(message(b!))).not.toContain('Error');
      expect(textOf(message(b!))).toContain('city not found');
    },
    changes: [],
  },

  'messages-tool-choice-ignored': {
    scenario: [M({ tools: [WEATHER], tool_choice: { type: 'any' }, messages: ask('Reply with exactly: hello') })],
    check([f], [b]) {
      expect(message(f!).stop_reason).toBe('tool_use');
      expect(message(b!).stop_reason).toBe('end_turn');
      expect(textOf(message(b!))).toBe('hello');
    },
    changes: [],
  },

  'messages-stop-sequences-ignored': {
    scenario: [M({ ...TEXT, stop_sequences: ['gamma'] })],
    check([f], [b]) {
      expect(message(f!)).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'gamma' });
      expect(message(b!)).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
      expect(textOf(message(b!))).toBe('alpha beta gamma delta');
    },
    changes: [],
  },

  'messages-max-tokens-as-end-turn': {
    scenario: [
      M({ max_tokens: 8, messages: ask('Count from 1 to 50, separated by commas.') }),
      M({ max_tokens: 8, stream: true, messages: ask('Count from 1 to 50, separated by commas.') }),
      M(TEXT),
    ],
    check([f, fs, ft], [b, bs, bt]) {
      expect(message(f!).stop_reason).toBe('max_tokens');
      expect(message(b!)).toEqual({ ...message(f!), stop_reason: 'end_turn' });
      const want = events(fs!).map((e) =>
        e.type === 'message_delta' ? { ...e, delta: { ...e.delta, stop_reason: 'end_turn' } } : e,
      );
      expect(events(bs!)).toEqual(want);
      expect(message(bt!)).toEqual(message(ft!));
    },
    changes: [],
  },

  'messages-thinking-signature-rewritten': {
    scenario: [M({ ...CALL, ...THINKING }), M({ ...CALL, ...THINKING, stream: true })],
    check([f, fs], [b, bs]) {
      const signed = message(f!);
      expect(signed.content[0].type).toBe('thinking');
      expect(message(b!)).toEqual({
        ...signed,
        content: signed.content.map((c: J) => (c.type === 'thinking' ? { ...c, signature: expect.any(String) } : c)),
      });
      expect(message(b!).content[0].signature).not.toBe(signed.content[0].signature);
      const sigs = (r: Reply): string[] =>
        events(r)
          .filter((e) => e.delta?.type === 'signature_delta')
          .map((e) => e.delta.signature as string);
      expect(sigs(bs!)).toHaveLength(1);
      expect(sigs(bs!)).not.toEqual(sigs(fs!));
    },
    changes: [],
  },

  'messages-thinking-history-dropped': {
    // A first turn's own history is forwarded as it is.
    scenario: [M({ ...CALL, ...THINKING })],
    check([f], [b]) {
      expect(message(b!).content.map((c: J) => c.type)).toEqual(message(f!).content.map((c: J) => c.type));
    },
    changes: [],
    more: {
      'the next tool turn loses its thinking block and is refused': async () => {
        const server = await start();
        try {
          const first = message(await send(server, M({ ...CALL, ...THINKING })));
          expect(first.content.map((c: J) => c.type)).toEqual(['thinking', 'tool_use']);
          const next = M({
            ...CALL,
            ...THINKING,
            messages: [
              ...CALL.messages,
              { role: 'assistant', content: first.content },
              {
                role: 'user',
                content: [{ type: 'tool_result', tool_use_id: first.content[1].id, content: '{"temperature_c":23}' }],
              },
            ],
          });
          expect(message(await send(server, next)).content[0].type).toBe('thinking');
          const refused = await send(server, next, 'messages-thinking-history-dropped');
          expect(refused.status).toBe(400);
          expect(json(refused).error.message).toMatch(/^messages\.1\.content\.0\.type: Expected `thinking`/);
        } finally {
          await server.provider.stop();
        }
      },
    },
  },

  'messages-cache-control-dropped': {
    scenario: [M(CACHED)],
    check([f], [b]) {
      const [uf, ub] = [message(f!).usage, message(b!).usage];
      const whole = (u: J): number => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
      expect(uf.cache_creation_input_tokens + uf.cache_read_input_tokens).toBeGreaterThan(0);
      expect(ub).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
      expect(ub.input_tokens).toBe(whole(uf));
    },
    changes: [],
  },

  'messages-count-tokens-estimated': {
    scenario: [COUNT({ tools: [WEATHER], system: 'You are terse.', messages: ask('Hello') })],
    check([f], [b]) {
      const [nf, nb] = [json(f!).input_tokens as number, json(b!).input_tokens as number];
      expect(nb).toBeGreaterThan(0);
      expect(nb).toBeLessThan(nf / 4);
    },
    changes: [],
  },

  'messages-usage-zero': {
    scenario: [M(TEXT), M(STREAM)],
    check([f, fs], [b, bs]) {
      const zero = (u: J): J => Object.fromEntries(Object.keys(u).map((k) => [k, 0]));
      expect(message(b!)).toEqual({ ...message(f!), usage: zero(message(f!).usage) });
      const want = events(fs!).map((e) =>
        e.usage
          ? { ...e, usage: zero(e.usage) }
          : e.message
            ? { ...e, message: { ...e.message, usage: zero(e.message.usage) } }
            : e,
      );
      expect(events(bs!)).toEqual(want);
    },
    changes: [],
  },

  'messages-usage-without-cache-fields': {
    scenario: [M(TEXT), M(STREAM)],
    check([f, fs], [b, bs]) {
      const strip = ({ cache_creation_input_tokens: _c, cache_read_input_tokens: _r, ...rest }: J): J => rest;
      expect(message(b!)).toEqual({ ...message(f!), usage: strip(message(f!).usage) });
      const want = events(fs!).map((e) =>
        e.usage
          ? { ...e, usage: strip(e.usage) }
          : e.message
            ? { ...e, message: { ...e.message, usage: strip(e.message.usage) } }
            : e,
      );
      expect(events(bs!)).toEqual(want);
    },
    changes: [],
  },

  'messages-error-openai-envelope': {
    scenario: [M({ ...TEXT, model: 'no-such-model' }), M({ messages: [] })],
    check([f, fm], [b, bm]) {
      for (const [faithful, broken] of [
        [f!, b!],
        [fm!, bm!],
      ] as const) {
        const { error } = json(faithful);
        expect(json(faithful).type).toBe('error');
        expect(broken.status).toBe(faithful.status);
        expect(json(broken)).toEqual({ error: { message: error.message, type: error.type, param: null, code: null } });
      }
    },
    changes: [],
  },

  'messages-error-as-200': {
    scenario: [M({ ...TEXT, model: 'no-such-model' }), M({ messages: [] }), M(TEXT, { auth: false })],
    check([f, fm, fa], [b, bm, ba]) {
      expect([f!.status, fm!.status]).toEqual([404, 400]);
      expect([b!.status, bm!.status]).toEqual([200, 200]);
      expect([json(b!), json(bm!)]).toEqual([json(f!), json(fm!)]);
      // A missing key stays a 401.
      expect(ba!.status).toBe(401);
      expect(ba!.text).toBe(fa!.text);
    },
    changes: [],
  },

  'messages-x-api-key-refused': {
    scenario: [M(TEXT, { auth: false, headers: { ...VERSION, 'x-api-key': 'sk-any-key-123456' } }), M(TEXT)],
    check([f, fb], [b, bb]) {
      expect(f!.status).toBe(200);
      expect(b!.status).toBe(401);
      expect(json(b!).error.type).toBe('authentication_error');
      // Bearer still works.
      expect(message(bb!)).toEqual(message(fb!));
    },
    changes: [],
  },

  'messages-system-role-refused': {
    scenario: [M({ messages: [{ role: 'system', content: 'Reply with exactly: BANANA' }, ...ask('Hello')] }), M(TEXT)],
    check([f, ft], [b, bt]) {
      expect(textOf(message(f!))).toBe('BANANA');
      expect(b!.status).toBe(400);
      expect(json(b!)).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: "messages.0.role: Input should be 'user' or 'assistant'" },
      });
      expect(message(bt!)).toEqual(message(ft!));
    },
    changes: [],
  },

  'messages-beta-refused': {
    scenario: [
      M(TEXT, { headers: { ...VERSION, 'anthropic-beta': 'claude-code-20250219, interleaved-thinking-2025-05-14' } }),
      M(TEXT, { path: '/messages?beta=true' }),
      { ...COUNT(TEXT), path: '/messages/count_tokens?beta=true' },
      M(TEXT),
    ],
    check([fh, fq, fc, ft], [bh, bq, bc, bt]) {
      // The faithful mock answers Claude Code's betas and its query.
      message(fh!);
      message(fq!);
      expect([bh!.status, bq!.status]).toEqual([400, 400]);
      expect(json(bh!)).toEqual({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message:
            'Unexpected value(s) `claude-code-20250219`, `interleaved-thinking-2025-05-14` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.',
        },
      });
      expect(json(bq!).error.message).toMatch(/^beta: .*query/);
      // count_tokens too; without either, nothing changes.
      expect([fc!.status, bc!.status]).toEqual([200, 400]);
      expect(message(bt!)).toEqual(message(ft!));
    },
    changes: [],
  },
};
