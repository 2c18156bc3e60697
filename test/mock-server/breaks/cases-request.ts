// Request handling: each break's scenario and the exact change it must make. Many of these
// breaks make the mock behave as if a parameter had not been sent: their check compares the
// broken answer with the faithful answer to the request without it (`answer` leaves out id
// and created, which derive from the request's bytes).
import { expect } from 'vitest';
import { cacheKeyDropped } from './cases-caching.js';
import { tokenize } from '../../../mock-server/core/tokens.js';
import {
  answer,
  assembled,
  chat,
  errorOf,
  expectSame,
  isJsonReply,
  isSseReply,
  json,
  KEY,
  MODEL,
  post,
  TEXT_ONLY_MODEL,
  user,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const COUNT = 'Count from 1 to 20';
const HI = 'Output exactly: alpha beta gamma';
const IMAGE = {
  type: 'image_url',
  image_url: {
    url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  },
};

const body0 = (r: Reply): J => json(r);
const message0 = (r: Reply): J => json(r).choices[0].message;

/** `b` answers exactly as `f` does (f is the faithful answer to the equivalent request). */
function sameAnswer(b: Reply, f: Reply, what: string): void {
  expect(answer(b), what).toEqual(answer(f));
}

/** Out-of-range values, what the break clamps them to, and fields they need alongside. */
const OUT_OF_RANGE: [string, unknown, unknown, Record<string, unknown>?][] = [
  ['temperature', 2.5, 2],
  ['temperature', -1, 0],
  ['top_p', 1.2, 1],
  ['frequency_penalty', -2.5, -2],
  ['presence_penalty', 3, 2],
  ['top_logprobs', 25, 20, { logprobs: true }],
  ['n', 0, 1],
  // Five stop strings: the fifth (which would cut the answer) is dropped.
  ['stop', ['x1', 'x2', 'x3', 'x4', 'beta'], ['x1', 'x2', 'x3', 'x4']],
];

export const requestCases: BreakCases = {
  'stream-default-true': {
    scenario: [post(chat(HI)), post(chat(HI, { stream: false })), post(chat(HI, { stream: true }))],
    check([f, fFalse, fTrue], [b, bFalse, bTrue]) {
      expect(isJsonReply(f!)).toBe(true);
      expect(isSseReply(b!), 'no `stream`: an SSE stream').toBe(true);
      expect(answer(b!).chunks, 'the stream `stream: true` gets').toEqual(answer(fTrue!).chunks);
      expectSame(bFalse!, fFalse!, 'an explicit stream: false is honoured');
      expectSame(bTrue!, fTrue!);
    },
    changes: ['plain', 'tool', 'json_object', 'json_schema', 'reasoning'],
  },

  'any-key-accepted': {
    // The key check is set up at startup: providers with a key list, the broken one started
    // with the break.
    startup: { options: { apiKeys: [KEY] } },
    scenario: [
      post(chat(HI)),
      post(chat(HI), { auth: false }),
      post(chat(HI), { headers: { authorization: 'Bearer sk-wrong-key-000000000000' } }),
      { method: 'GET', path: '/models', auth: false },
      post(chat(HI, {}, 'no-such-model'), { auth: false }),
    ],
    check([f, fNone, fWrong, fModels, fBad], [b, bNone, bWrong, bModels, bBad]) {
      errorOf(fNone!, 401);
      errorOf(fWrong!, 401);
      errorOf(fModels!, 401);
      errorOf(fBad!, 401);
      expectSame(b!, f!);
      expectSame(bNone!, f!, 'no key: served as with the right key');
      expectSame(bWrong!, f!, 'a wrong key: served as with the right key');
      expect(bModels!.status).toBe(200);
      expect(errorOf(bBad!, 404).code, 'unknown models are still refused').toBe('model_not_found');
    },
    changes: [],
  },

  'unknown-params-stripped': {
    scenario: [
      post(chat(HI, { foo_bar: 1 })),
      post(chat(HI)),
      post({ model: MODEL, messages: [{ role: 'user', content: HI, foo_bar: 1 }] }),
    ],
    check([f, fWithout, fNested], [b, , bNested]) {
      expect(errorOf(f!, 400)).toMatchObject({ param: 'foo_bar', code: 'unknown_parameter' });
      sameAnswer(b!, fWithout!, 'answered as if the field had not been sent');
      // A nested unknown field is accepted by OpenAI's published schema, so by the faithful mock too.
      expect(fNested!.status, fNested!.text).toBe(200);
      expectSame(bNested!, fNested!, 'only top-level fields are dropped');
    },
    changes: [],
  },

  'params-range-unchecked': {
    scenario: OUT_OF_RANGE.flatMap(([param, bad, clamped, more]) => [
      post(chat(HI, { ...more, [param]: bad })),
      post(chat(HI, { ...more, [param]: clamped })),
    ]),
    check(f, b) {
      OUT_OF_RANGE.forEach(([param], i) => {
        expect(errorOf(f[2 * i]!, 400).param, `${param} out of range is refused faithfully`).toBe(param);
        sameAnswer(b[2 * i]!, f[2 * i + 1]!, `${param} is clamped`);
        expectSame(b[2 * i + 1]!, f[2 * i + 1]!, `${param} in range is untouched`);
      });
    },
    changes: [],
  },

  'max-tokens-ignored': {
    scenario: [
      post(chat(COUNT, { max_tokens: 5 })),
      post(chat(COUNT)),
      post(chat(COUNT, { max_completion_tokens: 5 })),
    ],
    check([f, fFull, fMct], [b, , bMct]) {
      expect(body0(f!).choices[0].finish_reason).toBe('length');
      sameAnswer(b!, fFull!, 'the full answer, as without max_tokens');
      expectSame(bMct!, fMct!, 'max_completion_tokens is still honoured');
    },
    changes: [],
  },

  'max-completion-tokens-ignored': {
    scenario: [
      post(chat(COUNT, { max_completion_tokens: 5 })),
      post(chat(COUNT)),
      post(chat(COUNT, { max_tokens: 5 })),
    ],
    check([f, fFull, fMt], [b, , bMt]) {
      expect(body0(f!).choices[0].finish_reason).toBe('length');
      sameAnswer(b!, fFull!, 'the full answer, as without max_completion_tokens');
      expectSame(bMt!, fMt!, 'max_tokens is still honoured');
    },
    changes: [],
  },

  'max-completion-tokens-rejected': {
    scenario: [post(chat(COUNT, { max_completion_tokens: 5 })), post(chat(COUNT, { max_tokens: 5 }))],
    check([f, fMt], [b, bMt]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({
        param: 'max_completion_tokens',
        code: 'unsupported_parameter',
        type: 'invalid_request_error',
      });
      expectSame(bMt!, fMt!);
    },
    changes: [],
  },

  'no-length-finish': {
    scenario: [
      post(chat(COUNT, { max_tokens: 5 })),
      post(chat(COUNT, { max_tokens: 5, stream: true })),
      post(chat(COUNT)),
    ],
    check([f, fs, fFull], [b, bs, bFull]) {
      const expected = body0(f!);
      expect(expected.choices[0].finish_reason).toBe('length');
      expected.choices[0].finish_reason = 'stop';
      expect(body0(b!), 'cut as before, reported as stop').toEqual(expected);
      const chunks = answer(fs!).chunks as J[];
      const finish = chunks.find((c) => c.choices[0]?.finish_reason === 'length');
      finish.choices[0].finish_reason = 'stop';
      expect(answer(bs!).chunks).toEqual(chunks);
      expectSame(bFull!, fFull!, 'an uncut answer is untouched');
    },
    changes: [],
  },

  'stop-ignored': {
    scenario: [
      post(chat(COUNT, { stop: '5' })),
      post(chat(COUNT)),
      post(chat(COUNT, { stop: ['5'], stream: true })),
      post(chat(COUNT, { stream: true })),
    ],
    check([f, fFull, fs, fsFull], [b, , bs]) {
      expect(message0(f!).content).toBe('1, 2, 3, 4, ');
      sameAnswer(b!, fFull!, 'as if no stop had been sent');
      sameAnswer(bs!, fsFull!, 'streamed too');
      expect(answer(fs!)).not.toEqual(answer(fsFull!));
    },
    changes: [],
  },

  'stop-included': {
    scenario: [post(chat(COUNT, { stop: '5' })), post(chat(COUNT, { stop: ['5'], stream: true })), post(chat(COUNT))],
    check([f, fs, fPlain], [b, bs, bPlain]) {
      const expected = body0(f!);
      expect(expected.choices[0].message.content).toBe('1, 2, 3, 4, ');
      expected.choices[0].message.content += '5';
      // Usage counts what was sent, stop string included.
      const completion = tokenize(expected.choices[0].message.content).length;
      expected.usage.completion_tokens = completion;
      expected.usage.total_tokens = expected.usage.prompt_tokens + completion;
      expect(body0(b!)).toEqual(expected);
      expect(assembled(bs!)).toEqual([{ ...assembled(fs!)[0], content: '1, 2, 3, 4, 5' }]);
      expectSame(bPlain!, fPlain!, 'no stop string met: untouched');
    },
    changes: [],
  },

  'stop-ignored-streaming': {
    scenario: [
      post(chat(COUNT, { stop: '5' })),
      post(chat(COUNT, { stop: '5', stream: true })),
      post(chat(COUNT, { stream: true })),
    ],
    check([f, , fsFull], [b, bs]) {
      expectSame(b!, f!, 'non-streamed: stop honoured');
      sameAnswer(bs!, fsFull!, 'streamed: as if no stop had been sent');
    },
    changes: [],
  },

  'n-ignored': {
    scenario: [
      post(chat('Tell me about rivers.', { n: 3 })),
      post(chat('Tell me about rivers.', { n: 3, stream: true })),
      post(chat('Tell me about rivers.')),
      post(chat('Tell me about rivers.', { stream: true })),
    ],
    check([f, fs, f1, fs1], [b, bs]) {
      expect(body0(f!).choices).toHaveLength(3);
      expect(assembled(fs!)).toHaveLength(3);
      sameAnswer(b!, f1!, 'one choice, as with n = 1');
      expect(body0(b!).choices[0]).toEqual(body0(f!).choices[0]);
      sameAnswer(bs!, fs1!, 'streamed: one choice');
    },
    changes: [],
  },

  'n-rejected': {
    scenario: [post(chat(HI, { n: 2 })), post(chat(HI, { n: 1 }))],
    check([f, f1], [b, b1]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 422)).toMatchObject({ param: 'n', type: 'invalid_request_error' });
      expectSame(b1!, f1!, 'n = 1 is accepted');
    },
    changes: [],
  },

  'seed-rejected': {
    scenario: [post(chat(HI, { seed: 42 })), post(chat(HI))],
    check([f, fNo], [b, bNo]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'seed', code: 'unsupported_parameter' });
      expectSame(bNo!, fNo!);
    },
    changes: [],
  },

  'logprobs-ignored': {
    scenario: [
      post(chat(HI, { logprobs: true, top_logprobs: 2 })),
      post(chat(HI)),
      post(chat(HI, { logprobs: true, stream: true })),
      post(chat(HI, { stream: true })),
    ],
    check([f, fNo, fs, fsNo], [b, , bs]) {
      expect(body0(f!).choices[0].logprobs).not.toBeNull();
      expect(body0(b!).choices[0].logprobs).toBeNull();
      sameAnswer(b!, fNo!, 'as without logprobs');
      expect(answer(fs!)).not.toEqual(answer(fsNo!));
      sameAnswer(bs!, fsNo!, 'streamed too');
    },
    changes: [],
  },

  'developer-role-rejected': {
    scenario: [
      post({ model: MODEL, messages: [{ role: 'developer', content: 'Be brief.' }, user(HI)] }),
      post({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, user(HI)] }),
    ],
    check([f, fSys], [b, bSys]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'messages[0].role', type: 'invalid_request_error' });
      expectSame(bSys!, fSys!, 'system messages are still accepted');
    },
    changes: [],
  },

  'developer-role-dropped': {
    scenario: [
      post({ model: MODEL, messages: [{ role: 'developer', content: 'Be brief and answer in French.' }, user(HI)] }),
      post({ model: MODEL, messages: [user(HI)] }),
      post({ model: MODEL, messages: [{ role: 'system', content: 'Be brief and answer in French.' }, user(HI)] }),
    ],
    check([f, fWithout, fSys], [b, , bSys]) {
      expect(body0(f!).usage.prompt_tokens).toBeGreaterThan(body0(fWithout!).usage.prompt_tokens);
      sameAnswer(b!, fWithout!, 'as if the developer message had not been sent');
      expectSame(bSys!, fSys!, 'system messages are kept');
    },
    changes: [],
  },

  'image-dropped': {
    scenario: [
      post(chat([{ type: 'text', text: 'Describe this image.' }, IMAGE])),
      post(chat([{ type: 'text', text: 'Describe this image.' }])),
      post(chat([{ type: 'text', text: 'Describe this image.' }, IMAGE], {}, TEXT_ONLY_MODEL)),
      post(chat([{ type: 'text', text: 'Describe this image.' }], {}, TEXT_ONLY_MODEL)),
    ],
    check([f, fText, fTextModel, fTextModelText], [b, , bTextModel]) {
      expect(body0(f!).usage.prompt_tokens).toBeGreaterThan(body0(fText!).usage.prompt_tokens);
      sameAnswer(b!, fText!, 'answered from the text parts only');
      errorOf(fTextModel!, 400);
      sameAnswer(bTextModel!, fTextModelText!, 'accepted (and dropped) on a model without vision too');
    },
    changes: [],
  },

  'image-rejected': {
    scenario: [
      post(chat([{ type: 'text', text: 'Describe this image.' }, IMAGE])),
      post(chat([{ type: 'text', text: 'Describe this image.' }])),
    ],
    check([f, fText], [b, bText]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'messages[0].content', type: 'invalid_request_error' });
      expectSame(bText!, fText!, 'text parts alone are accepted');
    },
    changes: [],
  },
  ...cacheKeyDropped,
};
