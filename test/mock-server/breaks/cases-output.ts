// Structured output and reasoning: each break's scenario and the exact change it must make.
import { expect } from 'vitest';
import { tokenize } from '../../../mock-server/core/tokens.js';
import {
  answer,
  assembled,
  chat,
  errorOf,
  expectSame,
  JSON_OBJECT_PROMPT,
  json,
  PERSON_FORMAT,
  post,
  REASONER,
  sse,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const JSON_OBJECT = { response_format: { type: 'json_object' } };
const JO = post(chat(JSON_OBJECT_PROMPT, JSON_OBJECT));
const JOS = post(chat(JSON_OBJECT_PROMPT, { ...JSON_OBJECT, stream: true }));
const JS = post(chat('Describe a person.', { response_format: PERSON_FORMAT }));
const JSS = post(chat('Describe a person.', { response_format: PERSON_FORMAT, stream: true }));

const reasoning = (extra: Record<string, unknown> = {}): J => chat('Output exactly: 42', extra, REASONER);
const R = post(reasoning({ reasoning_effort: 'low' }));
const RS = post(reasoning({ reasoning_effort: 'low', stream: true }));

const chunks = (r: Reply): J[] => sse(r).chunks;

/** The response with its first message's content replaced; usage counts the new content. */
function withContent(r: Reply, content: string): J {
  const body = json(r);
  const before = tokenize(body.choices[0].message.content ?? '').length;
  body.choices[0].message.content = content;
  const delta = tokenize(content).length - before;
  body.usage.completion_tokens += delta;
  body.usage.total_tokens += delta;
  return body;
}

export const structuredCases: BreakCases = {
  'json-fenced': {
    scenario: [JO, JOS, JS],
    check([f, fs, fSchema], [b, bs, bSchema]) {
      const content = json(f!).choices[0].message.content as string;
      expect(JSON.parse(content)).toEqual(expect.any(Object));
      expect(json(b!)).toEqual(withContent(f!, `\`\`\`json\n${content}\n\`\`\``));
      expect(assembled(bs!)).toEqual([{ ...assembled(fs!)[0], content: `\`\`\`json\n${content}\n\`\`\`` }]);
      expectSame(bSchema!, fSchema!, 'json_schema answers are not fenced');
    },
    changes: ['json_object'],
  },

  'schema-not-enforced': {
    scenario: [JS, JSS, JO],
    check([f, fs, fObject], [b, bs, bObject]) {
      const value = JSON.parse(json(f!).choices[0].message.content as string);
      expect(Object.keys(value)).toEqual(['name', 'age']);
      delete value.name;
      const loose = JSON.stringify(value);
      expect(json(b!), 'unfenced JSON without the first required property').toEqual(withContent(f!, loose));
      expect(assembled(bs!)).toEqual([{ ...assembled(fs!)[0], content: loose }]);
      expectSame(bObject!, fObject!, 'json_object answers are untouched');
    },
    changes: ['json_schema'],
  },

  'response-format-ignored': {
    // A prompt that says JSON without naming keys: only response_format makes the answer JSON.
    scenario: [
      post(chat('Tell me about rivers, in JSON.', JSON_OBJECT)),
      post(chat('Tell me about rivers, in JSON.')),
      JS,
      post(chat('Describe a person.')),
    ],
    check([fo, foNone, fs, fsNone], [bo, , bs]) {
      expect(JSON.parse(json(fo!).choices[0].message.content as string)).toEqual(expect.any(Object));
      expect(answer(bo!), 'json_object: as without response_format').toEqual(answer(foNone!));
      expect(() => JSON.parse(json(bo!).choices[0].message.content as string)).toThrow();
      expect(answer(fs!)).not.toEqual(answer(fsNone!));
      expect(answer(bs!), 'json_schema: as without response_format').toEqual(answer(fsNone!));
      expect(() => JSON.parse(json(bs!).choices[0].message.content as string)).toThrow();
    },
    // The battery's json_object prompt names the keys it wants: the answer is the same JSON
    // with or without response_format, so that item does not change.
    changes: ['json_schema'],
  },

  'json-schema-rejected': {
    scenario: [JS, JSS, JO],
    check([f, fs, fObject], [b, bs, bObject]) {
      expect(f!.status).toBe(200);
      expect(fs!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'response_format.type', type: 'invalid_request_error' });
      errorOf(bs!, 400);
      expectSame(bObject!, fObject!, 'json_object still works');
    },
    changes: ['json_schema'],
  },
};

export const reasoningCases: BreakCases = {
  'reasoning-field-renamed': {
    scenario: [R, RS],
    check([f, fs], [b, bs]) {
      const expected = json(f!);
      const message = expected.choices[0].message;
      expect(message.reasoning_content).toEqual(expect.any(String));
      message.reasoning = message.reasoning_content;
      delete message.reasoning_content;
      expect(json(b!)).toEqual(expected);
      const streamed = chunks(fs!);
      let renamed = 0;
      for (const c of streamed) {
        const d = c.choices[0]?.delta;
        if (d && 'reasoning_content' in d) {
          d.reasoning = d.reasoning_content;
          delete d.reasoning_content;
          renamed++;
        }
      }
      expect(renamed).toBeGreaterThan(1);
      expect(chunks(bs!)).toEqual(streamed);
    },
    changes: ['reasoning'],
  },

  'reasoning-in-think-tags': {
    scenario: [R, RS],
    check([f, fs], [b, bs]) {
      const faithful = json(f!);
      const { content, reasoning_content: thought } = faithful.choices[0].message;
      const tagged = `<think>${thought as string}</think>${content as string}`;
      const expected = json(f!);
      delete expected.choices[0].message.reasoning_content;
      expected.choices[0].message.content = tagged;
      // The reasoning is now content: counted once, as content.
      const completion = tokenize(tagged).length;
      expected.usage.completion_tokens = completion;
      expected.usage.total_tokens = expected.usage.prompt_tokens + completion;
      expected.usage.completion_tokens_details.reasoning_tokens = 0;
      expect(json(b!)).toEqual(expected);
      expect(assembled(bs!)).toEqual([{ ...assembled(fs!)[0], content: tagged, reasoning_content: null }]);
      expect(chunks(bs!).at(-1).choices[0].finish_reason).toBe('stop');
    },
    changes: ['reasoning'],
  },

  'reasoning-dropped': {
    scenario: [
      post(reasoning()),
      post(reasoning({ stream: true })),
      post(reasoning({ stream: true, stream_options: { include_usage: true } })),
      R,
    ],
    check([f, fs, fu, fEffort], [b, bs, bu, bEffort]) {
      // reasoning_effort refused, as a non-reasoning model refuses it.
      expect(fEffort!.status).toBe(200);
      expect(errorOf(bEffort!, 400)).toMatchObject({ param: 'reasoning_effort', code: 'unsupported_parameter' });
      // Usage rebuilt without the reasoning: completion counts the answer only.
      const withoutReasoning = (usage: J): J => {
        const r = usage.completion_tokens_details.reasoning_tokens;
        expect(r).toBeGreaterThan(0);
        return {
          ...usage,
          completion_tokens: usage.completion_tokens - r,
          total_tokens: usage.total_tokens - r,
          completion_tokens_details: { ...usage.completion_tokens_details, reasoning_tokens: 0 },
        };
      };
      const expected = json(f!);
      delete expected.choices[0].message.reasoning_content;
      expected.usage = withoutReasoning(expected.usage);
      expect(json(b!), 'no reasoning, and none counted').toEqual(expected);
      expect(assembled(bs!)).toEqual([{ ...assembled(fs!)[0], reasoning_content: null }]);
      expect(chunks(bu!).at(-1).usage).toEqual(withoutReasoning(chunks(fu!).at(-1).usage));
    },
    changes: ['reasoning'],
  },

  'reasoning-effort-ignored': {
    scenario: [
      R,
      post(reasoning({ reasoning_effort: 'high' })),
      post(reasoning()),
      post(reasoning({ reasoning_effort: 'relaycheck-invalid' })),
    ],
    check([fLow, fHigh, fNone, fInvalid], [bLow, bHigh, , bInvalid]) {
      const amount = (r: Reply): number => json(r).usage.completion_tokens_details.reasoning_tokens;
      expect(amount(fLow!)).toBeLessThan(amount(fHigh!));
      expect(answer(bLow!), 'low: as without reasoning_effort').toEqual(answer(fNone!));
      expect(answer(bHigh!), 'high: as without reasoning_effort').toEqual(answer(fNone!));
      // Dropped before validation: an invalid value, refused faithfully, is answered too.
      expect(errorOf(fInvalid!, 400).param).toBe('reasoning_effort');
      expect(answer(bInvalid!), 'invalid: as without reasoning_effort').toEqual(answer(fNone!));
    },
    changes: ['reasoning'],
  },

  'reasoning-effort-rejected': {
    scenario: [R, post(reasoning())],
    check([f, fNone], [b, bNone]) {
      expect(f!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'reasoning_effort', code: 'unsupported_parameter' });
      expectSame(bNone!, fNone!, 'the reasoning model works without it');
    },
    changes: ['reasoning'],
  },
};
