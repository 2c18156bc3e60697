// Tool calls: each break's scenario and the exact change it must make.
import { expect } from 'vitest';
import { countTokens } from '../../../mock-server/core/tokens.js';
import {
  answer,
  assembled,
  chat,
  errorOf,
  expectSame,
  json,
  MODEL,
  post,
  sse,
  TIME_TOOL,
  user,
  WEATHER_PROMPT,
  WEATHER_TOOL,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const TOOLS = { tools: [WEATHER_TOOL] };
/** Non-streamed and streamed tool calls. */
const TN = post(chat(WEATHER_PROMPT, TOOLS));
const T = post(chat(WEATHER_PROMPT, { ...TOOLS, stream: true }));
/** Two calls in one turn (one per city). */
const TWO = 'What is the weather in Paris and in Tokyo? Use the tools.';
const T2 = post(chat(TWO, { ...TOOLS, stream: true }));

const chunks = (r: Reply): J[] => sse(r).chunks;
const toolDeltas = (list: J[]): J[] =>
  list.flatMap((c) => (c.choices ?? []).flatMap((ch: J) => ch.delta?.tool_calls ?? []));
const callsOf = (r: Reply): J[] => json(r).choices[0].message.tool_calls ?? [];

/** A finished tool turn to replay: the assistant's call with `content`, then the result. */
function history(content: unknown): J {
  return {
    model: MODEL,
    tools: [WEATHER_TOOL],
    messages: [
      user(WEATHER_PROMPT),
      {
        role: 'assistant',
        content,
        tool_calls: [
          { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc', content: '{"temperature_c":21}' },
    ],
  };
}

/** The history above with text beside the call (or not), then a question only that text answers. */
function recall(content: string | null): J {
  const h = history(content);
  h.messages.push(user('What is the code word you gave in your earlier message?'));
  return h;
}

/** get_time variants offered beside get_weather and named by tool_choice. */
const TIME_EMPTY = {
  type: 'function',
  function: { ...TIME_TOOL.function, parameters: { type: 'object', properties: {} } },
};
const TIME_WITH_PARAMETER = {
  type: 'function',
  function: { ...TIME_TOOL.function, parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
};
const namedTime = (tool: J): J =>
  chat('What time is it on the server? Use the tools.', {
    tools: [WEATHER_TOOL, tool],
    tool_choice: { type: 'function', function: { name: 'get_time' } },
  });

/** The same answer as another request's (a break that drops a parameter). */
const sameAnswer = (b: Reply, f: Reply, what: string): void => expect(answer(b), what).toEqual(answer(f));

export const toolCases: BreakCases = {
  'tool-index-missing': {
    scenario: [T, T2],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        for (const d of toolDeltas(expected)) delete d.index;
        expect(chunks(b[i]!)).toEqual(expected);
        expect(toolDeltas(chunks(b[i]!)).length).toBeGreaterThan(0);
      });
    },
    changes: ['tool-stream'],
  },

  'tool-index-from-1': {
    scenario: [T, T2],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        for (const d of toolDeltas(expected)) d.index += 1;
        expect(chunks(b[i]!)).toEqual(expected);
      });
      expect(new Set(toolDeltas(chunks(b[1]!)).map((d) => d.index))).toEqual(new Set([1, 2]));
    },
    changes: ['tool-stream'],
  },

  'tool-id-changes': {
    scenario: [T, T2],
    check(f, b) {
      f.forEach((fr, i) => {
        const got = toolDeltas(chunks(b[i]!));
        expect(got.length).toBeGreaterThan(2);
        const ids = got.map((d) => d.id);
        for (const id of ids) expect(id).toEqual(expect.any(String));
        expect(new Set(ids).size, 'a different id on every delta').toBe(ids.length);
        const expected = chunks(fr);
        const strip = (list: J[]): J[] => {
          for (const d of toolDeltas(list)) delete d.id;
          return list;
        };
        expect(strip(chunks(b[i]!)), 'nothing else').toEqual(strip(expected));
      });
    },
    changes: ['tool-stream'],
  },

  'tool-args-partial-replay': {
    scenario: [T, T2],
    check([f, f2], [b, b2]) {
      const one = assembled(b!)[0].tool_calls.map((c: J) => c.arguments);
      expect(assembled(f!)[0].tool_calls[0].arguments).toBe('{"city":"Paris"}');
      expect(one, 'the last split word re-sent whole, still JSON').toEqual(['{"city":"ParParis"}']);
      const faithful = assembled(f2!)[0].tool_calls.map((c: J) => c.arguments as string);
      const broken = assembled(b2!)[0].tool_calls.map((c: J) => c.arguments as string);
      expect(broken).toHaveLength(faithful.length);
      broken.forEach((args: string, i: number) => {
        expect(args).not.toBe(faithful[i]);
        expect(() => JSON.parse(args)).not.toThrow();
      });
      // Only argument fragments change: the same chunks otherwise.
      const strip = (list: J[]) => list.map((c) => JSON.stringify(c).replace(/"arguments":"(?:[^"\\]|\\.)*"/g, ''));
      expect(strip(chunks(b!))).toEqual(strip(chunks(f!)));
    },
    changes: ['tool-stream'],
  },

  'tool-args-resent': {
    scenario: [T, T2],
    check(f, b) {
      f.forEach((fr, i) => {
        const whole = assembled(fr)[0].tool_calls.map((c: J) => c.arguments);
        const expected = chunks(fr);
        for (const d of toolDeltas(expected)) if (d.function?.arguments) d.function.arguments = whole[d.index];
        expect(chunks(b[i]!), 'every argument delta carries the whole string').toEqual(expected);
        const joined = assembled(b[i]!)[0].tool_calls[0].arguments as string;
        expect(() => JSON.parse(joined)).toThrow();
      });
    },
    changes: ['tool-stream'],
  },

  'tool-args-empty-string': {
    scenario: [
      post(chat('What time is it? Use the tools.', { tools: [TIME_TOOL] })),
      post(chat('What time is it? Use the tools.', { tools: [TIME_TOOL], stream: true })),
      TN,
    ],
    check([f, fs, fw], [b, bs, bw]) {
      const expected = json(f!);
      const call = expected.choices[0].message.tool_calls[0];
      expect(call.function.arguments).toBe('{}');
      call.function.arguments = '';
      // Usage counts the arguments sent.
      expected.usage.completion_tokens -= countTokens('{}');
      expected.usage.total_tokens -= countTokens('{}');
      expect(json(b!)).toEqual(expected);
      const streamed = chunks(fs!);
      const piece = toolDeltas(streamed).find((d) => d.function?.arguments === '{}');
      piece.function.arguments = '';
      expect(chunks(bs!)).toEqual(streamed);
      expectSame(bw!, fw!, 'a tool with parameters is untouched');
    },
    changes: [],
  },

  'tool-args-object': {
    scenario: [TN, post(chat(TWO, TOOLS)), T],
    check([f, f2, fs], [b, b2, bs]) {
      for (const [fr, br] of [
        [f!, b!],
        [f2!, b2!],
      ] as const) {
        const expected = json(fr);
        for (const c of expected.choices[0].message.tool_calls) c.function.arguments = JSON.parse(c.function.arguments);
        expect(json(br)).toEqual(expected);
        expect(typeof callsOf(br)[0].function.arguments).toBe('object');
      }
      expectSame(bs!, fs!, 'streamed calls are untouched');
    },
    changes: ['tool'],
  },

  'tool-finish-stop': {
    scenario: [TN, T, post(chat('Tell me about rivers.', TOOLS))],
    check([f, fs, fText], [b, bs, bText]) {
      const expected = json(f!);
      expect(expected.choices[0].finish_reason).toBe('tool_calls');
      expected.choices[0].finish_reason = 'stop';
      expect(json(b!)).toEqual(expected);
      const streamed = chunks(fs!);
      const fin = streamed.find((c) => c.choices[0]?.finish_reason === 'tool_calls');
      fin.choices[0].finish_reason = 'stop';
      expect(chunks(bs!)).toEqual(streamed);
      expectSame(bText!, fText!, 'a text answer is untouched');
    },
    changes: ['tool', 'tool-stream'],
  },

  'tool-calls-empty-delta': {
    scenario: [T, post(chat('Tell me about rivers.', { ...TOOLS, stream: true }))],
    check([f, fText], [b, bText]) {
      const expected = chunks(f!);
      const fin = expected.find((c) => c.choices[0]?.finish_reason === 'tool_calls');
      expect(fin.choices[0].delta).toEqual({});
      fin.choices[0].delta = { tool_calls: [] };
      expect(chunks(b!)).toEqual(expected);
      expectSame(bText!, fText!, 'a text answer is untouched');
    },
    changes: ['tool-stream'],
  },

  'tools-stream-dropped': {
    scenario: [T, post(chat(WEATHER_PROMPT, { stream: true })), TN],
    check([f, fNoTools, fn], [b, , bn]) {
      expect(assembled(f!)[0].tool_calls).toHaveLength(1);
      sameAnswer(b!, fNoTools!, 'streamed: answered as if no tools had been sent');
      expectSame(bn!, fn!, 'non-streamed tool calls still work');
    },
    changes: ['tool-stream'],
  },

  'tool-choice-ignored': {
    scenario: [
      post(chat(WEATHER_PROMPT, { ...TOOLS, tool_choice: 'none' })),
      post(chat(WEATHER_PROMPT, TOOLS)),
      post(chat('Tell me about rivers.', { ...TOOLS, tool_choice: 'required' })),
      post(chat('Tell me about rivers.', TOOLS)),
      post(
        chat(WEATHER_PROMPT, {
          tools: [WEATHER_TOOL, TIME_TOOL],
          tool_choice: { type: 'function', function: { name: 'get_time' } },
        }),
      ),
      post(chat(WEATHER_PROMPT, { tools: [WEATHER_TOOL, TIME_TOOL] })),
    ],
    check(f, b) {
      for (const [i, what] of [
        [0, 'none'],
        [2, 'required'],
        [4, 'named'],
      ] as const) {
        expect(answer(f[i]!), `${what} has an effect faithfully`).not.toEqual(answer(f[i + 1]!));
        sameAnswer(b[i]!, f[i + 1]!, `tool_choice ${what} behaves as auto`);
      }
    },
    changes: [],
  },

  'tool-choice-rejected': {
    scenario: [
      post(chat(WEATHER_PROMPT, { ...TOOLS, tool_choice: 'required' })),
      post(chat(WEATHER_PROMPT, { ...TOOLS, tool_choice: 'none' })),
      post(chat(WEATHER_PROMPT, { ...TOOLS, tool_choice: { type: 'function', function: { name: 'get_weather' } } })),
      post(chat(WEATHER_PROMPT, { ...TOOLS, tool_choice: 'auto' })),
    ],
    check(f, b) {
      for (let i = 0; i < 3; i++) {
        expect(f[i]!.status).toBe(200);
        expect(errorOf(b[i]!, 400)).toMatchObject({ param: 'tool_choice', type: 'invalid_request_error' });
      }
      expectSame(b[3]!, f[3]!, '"auto" is accepted');
    },
    changes: [],
  },

  'parallel-tool-calls-ignored': {
    scenario: [post(chat(TWO, { ...TOOLS, parallel_tool_calls: false })), post(chat(TWO, TOOLS))],
    check([f, fAuto], [b]) {
      expect(callsOf(f!)).toHaveLength(1);
      expect(callsOf(fAuto!)).toHaveLength(2);
      sameAnswer(b!, fAuto!, 'several calls, as without parallel_tool_calls');
    },
    changes: [],
  },

  'tool-history-null-rejected': {
    scenario: [post(history(null)), post(history(''))],
    check([f, fEmpty], [b, bEmpty]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'messages[1].content', type: 'invalid_request_error' });
      expectSame(bEmpty!, fEmpty!, 'content "" is accepted');
    },
    changes: [],
  },

  'tool-history-empty-rejected': {
    scenario: [post(history('')), post(history(null))],
    check([f, fNull], [b, bNull]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'messages[1].content', type: 'invalid_request_error' });
      expectSame(bNull!, fNull!, 'content null is accepted');
    },
    changes: [],
  },

  'history-assistant-text-dropped': {
    scenario: [post(recall('The code word is PELICAN.')), post(recall(null)), post(history(null))],
    check([f, fNull, fPlain], [b, bNull, bPlain]) {
      expect(json(f!).choices[0].message.content, 'faithfully the model recalls it').toBe('PELICAN');
      expect(json(b!).choices[0].message.content).not.toContain('PELICAN');
      expect(answer(b!), 'as if the text had never been said').toEqual(answer(fNull!));
      expectSame(bNull!, fNull!, 'a history without text is forwarded as it is');
      expectSame(bPlain!, fPlain!);
    },
    changes: [],
  },

  'tool-no-params-dropped': {
    scenario: [post(namedTime(TIME_TOOL)), post(namedTime(TIME_WITH_PARAMETER)), post(namedTime(TIME_EMPTY))],
    check([fBare, fParam, fEmpty], [bBare, bParam, bEmpty]) {
      for (const f of [fBare!, fParam!, fEmpty!])
        expect(callsOf(f).map((c: J) => c.function.name)).toEqual(['get_time']);
      // Dropped with the tool_choice naming it: the model answers in text.
      for (const b of [bBare!, bEmpty!]) {
        expect(b.status).toBe(200);
        expect(callsOf(b)).toEqual([]);
      }
      expectSame(bParam!, fParam!, 'a tool with parameters is kept');
    },
    changes: [],
  },
};
