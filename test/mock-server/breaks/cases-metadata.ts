// Response metadata, usage and the model list: each break's scenario and the exact change it
// must make.
import { expect } from 'vitest';
import { chatPromptTokens } from '../../../spec/tokenizer.js';
import { cacheTokensZeroed } from './cases-caching.js';
import {
  chat,
  errorOf,
  expectSame,
  json,
  MODEL,
  post,
  send,
  sse,
  start,
  STREAM_USAGE,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const HI = 'Output exactly: alpha beta gamma';
/** Text the two OpenAI tokenizers count apart (o200k_base is the more compact on CJK). */
const CJK = 'Output exactly: OK. 中转站按令牌计费，提示词的令牌数必须与模型的分词器一致。お誕生日おめでとう';
const P = post(chat(HI));
const S = post(chat(HI, STREAM_USAGE));
const MODELS = { method: 'GET', path: '/models' } as const;
const ONE_MODEL = { method: 'GET', path: `/models/${MODEL}` } as const;

const chunks = (r: Reply): J[] => sse(r).chunks;

/** The response and every chunk of the stream with `edit` applied, compared with broken. */
function everywhere(edit: (item: J) => void): (f: Reply[], b: Reply[]) => void {
  return ([f, fs], [b, bs]) => {
    const body = json(f!);
    edit(body);
    expect(json(b!)).toEqual(body);
    const list = chunks(fs!);
    list.forEach(edit);
    expect(chunks(bs!)).toEqual(list);
    expect(sse(bs!).done).toBe(true);
  };
}

const SUCCESSES = ['plain', 'stream', 'tool', 'tool-stream', 'json_object', 'json_schema', 'reasoning'] as const;

export const metadataCases: BreakCases = {
  'model-rewritten': {
    scenario: [P, S],
    check(f, b) {
      const got = json(b[0]!).model as string;
      expect(got).toBe(`openai/${MODEL}`);
      everywhere((item) => (item.model = got))(f, b);
    },
    changes: SUCCESSES,
  },

  'model-snapshot': {
    scenario: [P, S],
    check(f, b) {
      const got = json(b[0]!).model as string;
      expect(got).toMatch(new RegExp(`^${MODEL}-\\d{4}-\\d{2}-\\d{2}$`));
      everywhere((item) => (item.model = got))(f, b);
    },
    changes: SUCCESSES,
  },

  'created-millis': {
    scenario: [P, S],
    check(f, b) {
      const seconds = json(f[0]!).created as number;
      const millis = json(b[0]!).created as number;
      expect(millis).toBeGreaterThanOrEqual(seconds * 1000);
      expect(millis).toBeLessThan(seconds * 1000 + 1000);
      // The same sub-second part everywhere (the mock's clock has whole seconds).
      everywhere((item) => (item.created = item.created * 1000 + (millis - seconds * 1000)))(f, b);
    },
    changes: SUCCESSES,
  },

  'id-empty': {
    scenario: [P, S],
    check: everywhere((item) => (item.id = '')),
    changes: SUCCESSES,
  },

  'message-role-missing': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const body = json(f!);
      delete body.choices[0].message.role;
      expect(json(b!)).toEqual(body);
      expectSame(bs!, fs!, 'streamed deltas keep their role');
    },
    changes: ['plain', 'tool', 'json_object', 'json_schema', 'reasoning'],
  },

  'extra-field': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const body = json(f!);
      expect(JSON.stringify(json(b!)), 'added at the end of the body').toBe(
        JSON.stringify({ ...body, task_id: 'task_mock' }),
      );
      const list = chunks(fs!);
      list[0].task_id = 'task_mock';
      expect(chunks(bs!), 'on the first chunk only').toEqual(list);
    },
    changes: SUCCESSES,
    more: {
      'takes its name, value and places from parameters (every-chunk, response only)': async () => {
        const faithful = await start();
        const every = await start({
          breaks: [{ id: 'extra-field', params: { name: 'provider', value: { id: 7 }, in: ['every-chunk'] } }],
        });
        const response = await start({
          breaks: [{ id: 'extra-field', params: { name: 'x_trace', value: 'abc', in: ['response'] } }],
        });
        try {
          const [f, fs, e, es, r, rs] = await Promise.all([
            send(faithful, P),
            send(faithful, S),
            send(every, P),
            send(every, S),
            send(response, P),
            send(response, S),
          ]);
          expectSame(e, f, 'every-chunk: the non-streamed body is untouched');
          expect(chunks(es)).toEqual(chunks(fs).map((c) => ({ ...c, provider: { id: 7 } })));
          expect(json(r)).toEqual({ ...json(f), x_trace: 'abc' });
          expectSame(rs, fs, 'response only: the stream is untouched');
        } finally {
          await Promise.all([faithful, every, response].map((s) => s.provider.stop()));
        }
      },
    },
  },

  'usage-total-mismatch': {
    scenario: [P, S, post(chat(HI, { stream: true }))],
    check([f, fs, f0], [b, bs, b0]) {
      const body = json(f!);
      const got = json(b!).usage;
      expect(got.total_tokens).not.toBe(got.prompt_tokens + got.completion_tokens);
      body.usage.total_tokens = got.total_tokens;
      expect(json(b!)).toEqual(body);
      const list = chunks(fs!);
      const streamed = chunks(bs!).at(-1).usage;
      expect(streamed.total_tokens).not.toBe(streamed.prompt_tokens + streamed.completion_tokens);
      list.at(-1).usage.total_tokens = streamed.total_tokens;
      expect(chunks(bs!)).toEqual(list);
      expectSame(b0!, f0!, 'a stream without usage is untouched');
    },
    changes: ['plain', 'stream', 'tool', 'json_object', 'json_schema', 'reasoning'],
  },

  'usage-constant': {
    scenario: [P, S, post(chat('Write a long story about a dragon who learns to count from 1 to 30.'))],
    check([f, fs, fLong], [b, bs, bLong]) {
      const constant = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };
      expect(json(fLong!).usage.prompt_tokens, 'faithfully the prompts count differently').not.toBe(
        json(f!).usage.prompt_tokens,
      );
      for (const [broken, faithful] of [
        [b!, f!],
        [bLong!, fLong!],
      ] as const) {
        expect(json(broken).usage).toEqual(constant);
        expect({ ...json(broken), usage: null }, 'nothing else changes').toEqual({ ...json(faithful), usage: null });
      }
      const list = chunks(fs!);
      list.at(-1).usage = constant;
      expect(chunks(bs!)).toEqual(list);
    },
    changes: ['plain', 'stream', 'tool', 'json_object', 'json_schema', 'reasoning'],
  },

  'usage-inflated': {
    scenario: [P, S, post(chat(CJK, {}, 'gpt-4o-mini'))],
    check: (f, b) => {
      const inflate = (item: J): void => {
        if (!item.usage) return;
        item.usage.prompt_tokens = Math.round((item.usage.prompt_tokens * 4) / 3);
        item.usage.total_tokens = item.usage.prompt_tokens + item.usage.completion_tokens;
      };
      everywhere(inflate)(f, b);
      const body = json(f[2]!);
      expect(body.usage.prompt_tokens, 'a third more is visible').toBeGreaterThan(20);
      inflate(body);
      expect(json(b[2]!)).toEqual(body);
    },
    changes: ['plain', 'stream', 'tool', 'json_object', 'json_schema', 'reasoning'],
  },

  'usage-wrong-tokenizer': {
    // gpt-4o-mini counts in o200k_base; the break reports cl100k_base's count. Models without an
    // OpenAI family (the battery's mock-model) are untouched.
    scenario: [post(chat(CJK, {}, 'gpt-4o-mini')), post(chat(CJK, STREAM_USAGE, 'gpt-4o-mini')), P],
    check([f, fs, fPlain], [b, bs, bPlain]) {
      const messages = [{ role: 'user', content: CJK }];
      expect(json(f!).usage.prompt_tokens).toBe(chatPromptTokens('o200k_base', messages));
      const other = chatPromptTokens('cl100k_base', messages);
      expect(other).toBeGreaterThan(json(f!).usage.prompt_tokens);
      const retokenize = (item: J): void => {
        if (!item.usage) return;
        item.usage.prompt_tokens = other;
        item.usage.total_tokens = other + item.usage.completion_tokens;
      };
      const body = json(f!);
      retokenize(body);
      expect(json(b!)).toEqual(body);
      const list = chunks(fs!);
      list.forEach(retokenize);
      expect(chunks(bs!)).toEqual(list);
      expectSame(bPlain!, fPlain!, 'mock-model has no OpenAI tokenizer: untouched');
    },
    changes: [],
  },

  'usage-over-max-tokens': {
    scenario: [
      post(chat(HI, { max_tokens: 20 })),
      post(chat(HI, { ...STREAM_USAGE, max_completion_tokens: 30 })),
      post(chat(HI, { max_tokens: 40, max_completion_tokens: 25 })),
      P,
    ],
    check([f, fs, fBoth, fNone], [b, bs, bBoth, bNone]) {
      const over = (usage: J, cap: number): J => ({
        ...usage,
        completion_tokens: cap + 8,
        total_tokens: usage.prompt_tokens + cap + 8,
      });
      expect(json(f!).usage.completion_tokens, 'the answer fits in the cap').toBeLessThan(20);
      const body = json(f!);
      body.usage = over(body.usage, 20);
      expect(json(b!)).toEqual(body);
      const list = chunks(fs!);
      list.at(-1).usage = over(list.at(-1).usage, 30);
      expect(chunks(bs!)).toEqual(list);
      const both = json(fBoth!);
      both.usage = over(both.usage, 25);
      expect(json(bBoth!), 'the smaller cap').toEqual(both);
      expectSame(bNone!, fNone!, 'a request without a cap is untouched');
    },
    changes: [],
  },
  ...cacheTokensZeroed,
};

export const modelsCases: BreakCases = {
  'models-created-ms': {
    scenario: [MODELS, ONE_MODEL],
    check([f, fOne], [b, bOne]) {
      const list = json(f!);
      expect(list.data.length).toBeGreaterThan(0);
      expect(json(b!)).toEqual({ ...list, data: list.data.map((m: J) => ({ ...m, created: m.created * 1000 })) });
      expectSame(bOne!, fOne!, 'GET /models/{id} is untouched');
    },
    changes: ['models'],
  },

  'models-list-nonstandard': {
    scenario: [MODELS, ONE_MODEL],
    check([f, fOne], [b, bOne]) {
      const list = json(f!);
      expect(list.data.length).toBeGreaterThan(0);
      expect(json(b!)).toEqual({ ...list, data: list.data.map((m: J) => ({ id: m.id, created_at: m.created })) });
      expectSame(bOne!, fOne!, 'GET /models/{id} is untouched');
    },
    changes: ['models'],
  },

  'models-list-empty': {
    scenario: [MODELS, ONE_MODEL, P],
    check([f, fOne, fChat], [b, bOne, bChat]) {
      expect(json(b!)).toEqual({ ...json(f!), data: [] });
      expectSame(bOne!, fOne!, 'GET /models/{id} is untouched');
      expectSame(bChat!, fChat!, 'the models are still served');
    },
    changes: ['models'],
  },

  'models-endpoint-missing': {
    scenario: [MODELS, ONE_MODEL, P],
    check([f, fOne, fChat], [b, bOne, bChat]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 404).code).toBe('unknown_url');
      expectSame(bOne!, fOne!, 'GET /models/{id} is untouched');
      expectSame(bChat!, fChat!, 'the models are still served');
    },
    changes: ['models'],
  },
};
