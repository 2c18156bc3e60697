// Errors: each break's scenario and the exact change it must make to a refusal. Refusals are
// provoked with an unknown model (404), a malformed body (400), no key (401) and the fault
// header (x-mock-error: 429 / 402).
import { expect } from 'vitest';
import {
  chat,
  errorOf,
  expectSame,
  FAULT_HEADER,
  isSseReply,
  json,
  post,
  send,
  sse,
  start,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const HI = 'Output exactly: hi';
/** Unknown model, non-streamed and streamed: 404 model_not_found. */
const E = post(chat(HI, {}, 'no-such-model'));
const ES = post(chat(HI, { stream: true }, 'no-such-model'));
/** A malformed body (no messages): 400, and the same asking for a stream. */
const E400 = post({ model: 'mock-model' });
const E400S = post({ model: 'mock-model', stream: true });
/** No key: 401. */
const E401 = post(chat(HI), { auth: false });
/** Injected rate limit: 429 with Retry-After. */
const E429 = post(chat(HI), { headers: { [FAULT_HEADER]: '429' } });
/** Injected exhausted credit (the fault's code is insufficient_quota). */
const E402 = post(chat(HI), { headers: { [FAULT_HEADER]: '402' } });
const OK = post(chat(HI));

/** The refusals most error breaks are shown on. */
const REFUSALS = [E, ES, E400, E401, E429];

/** Broken = faithful refusal with `status` and `body` rewritten; other headers unchanged. */
function expectRefusal(b: Reply, f: Reply, status: number, body: (faithful: J) => unknown, what: string): void {
  expect(f.status, what).toBeGreaterThanOrEqual(400);
  expect(b.status, what).toBe(status);
  const expected = body(json(f));
  if (expected === undefined) expect(b.text, what).toBe('');
  else if (typeof expected === 'string') expect(b.text, what).toBe(expected);
  else expect(json(b), what).toEqual(expected);
  const { 'content-length': _l, 'content-type': _t, ...rest } = b.headers;
  const { 'content-length': _fl, 'content-type': _ft, ...frest } = f.headers;
  expect(rest, `${what}: other headers`).toEqual(frest);
}

/** A case rewriting each refusal's body the same way, status unchanged. */
function bodyCase(body: (faithful: J) => unknown, contentType: RegExp): BreakCases[string] {
  return {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) => {
        expectRefusal(b[i]!, f[i]!, f[i]!.status, body, `refusal ${i}`);
        expect(b[i]!.headers['content-type']).toMatch(contentType);
      });
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  };
}

export const errorCases: BreakCases = {
  'errors-http-200': {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) => expectRefusal(b[i]!, f[i]!, 200, (x) => x, `refusal ${i}`));
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  },

  'errors-empty-200': {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) => expectRefusal(b[i]!, f[i]!, 200, () => undefined, `refusal ${i}`));
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  },

  'errors-in-band-sse': {
    scenario: [ES, E400S, E, E400, OK],
    check([fs, f400s, f, f400, fOk], [bs, b400s, b, b400, bOk]) {
      for (const [br, fr] of [
        [bs!, fs!],
        [b400s!, f400s!],
      ] as const) {
        errorOf(fr, fr.status);
        expect(br.status).toBe(200);
        expect(isSseReply(br)).toBe(true);
        expect(br.text, 'one event: the error body, and no [DONE]').toBe(`data: ${fr.text}\n\n`);
        expect(sse(br).errorEvents).toEqual([json(fr)]);
      }
      expectSame(b!, f!, 'non-streamed refusals are untouched');
      expectSame(b400!, f400!);
      expectSame(bOk!, fOk!);
    },
    changes: ['error-stream'],
  },

  'stream-client-error-500': {
    scenario: [ES, E400S, E, E400, OK],
    check([fs, f400s, f, f400, fOk], [bs, b400s, b, b400, bOk]) {
      expectRefusal(bs!, fs!, 500, (x) => x, 'streamed unknown model → 500, body unchanged');
      expectRefusal(b400s!, f400s!, 500, (x) => x, 'streamed invalid request → 500');
      expectSame(b!, f!, 'non-streamed refusals are untouched');
      expectSame(b400!, f400!);
      expectSame(bOk!, fOk!);
    },
    changes: ['error-stream'],
  },

  'error-stack-trace': {
    scenario: [E, ES, E400, OK],
    check([f, fs, f400, fOk], [b, bs, b400, bOk]) {
      for (const [br, fr] of [
        [b!, f!],
        [bs!, fs!],
        [b400!, f400!],
      ] as const) {
        const message = errorOf(fr, fr.status).message as string;
        expectRefusal(
          br,
          fr,
          fr.status,
          (x) => x && { ...x, error: { ...x.error, message: errorOf(br, fr.status).message } },
          'status kept',
        );
        expect(errorOf(br, fr.status).message).toMatch(
          new RegExp(`^Error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n    at handleChat \\(/srv/`),
        );
      }
      expectSame(bOk!, fOk!);
    },
    changes: ['error', 'error-stream'],
  },

  'unknown-model-503': {
    scenario: [E, ES, E400, E429],
    check([f, fs, f400, f429], [b, bs, b400, b429]) {
      expect(errorOf(f!, 404).code).toBe('model_not_found');
      expectRefusal(b!, f!, 503, (x) => x, 'unknown model');
      expectRefusal(bs!, fs!, 503, (x) => x, 'unknown model, streamed');
      expectSame(b400!, f400!, 'other refusals are untouched');
      expectSame(b429!, f429!);
    },
    changes: ['error', 'error-stream'],
  },

  'unknown-model-served': {
    scenario: [E, ES, OK, E400],
    check([f, fs, fOk, f400], [b, bs, bOk, b400]) {
      expect(errorOf(f!, 404).code).toBe('model_not_found');
      expect(b!.status, 'served as a success').toBe(200);
      const served = json(b!);
      const normal = json(fOk!);
      expect(served.object).toBe('chat.completion');
      expect(served.model, 'the unknown id is echoed').toBe('no-such-model');
      expect(served.choices, 'answered by the default model').toEqual(normal.choices);
      expect(served.usage).toEqual(normal.usage);
      expectSame(bs!, fs!, 'a streamed request for it is still refused');
      expectSame(bOk!, fOk!, 'known models are untouched');
      expectSame(b400!, f400!, 'other refusals are untouched');
    },
    changes: ['error'],
  },

  'errors-blanket-500': {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) => expectRefusal(b[i]!, f[i]!, 500, (x) => x, `refusal ${i}`));
      expect(b[4]!.headers['retry-after']).toBe(f[4]!.headers['retry-after']);
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  },

  'error-status': {
    // Parameters: shown with a condition the mock can provoke. With the defaults
    // (insufficient_quota → 402) nothing the battery provokes changes.
    startup: { params: { condition: 'model_not_found', status: 400 } },
    scenario: [E, ES, E400, E429, OK],
    check([f, fs, f400, f429, fOk], [b, bs, b400, b429, bOk]) {
      expectRefusal(b!, f!, 400, (x) => x, 'model_not_found → 400');
      expectRefusal(bs!, fs!, 400, (x) => x, 'streamed');
      expectSame(b400!, f400!, 'other conditions are untouched');
      expectSame(b429!, f429!);
      expectSame(bOk!, fOk!);
    },
    changes: [],
    more: {
      'remaps a condition matched by error type or code (insufficient_quota, rate_limit_exceeded)': async () => {
        const faithful = await start();
        const quota = await start({
          breaks: [{ id: 'error-status', params: { condition: 'insufficient_quota', status: 418 } }],
        });
        const rate = await start({
          breaks: [{ id: 'error-status', params: { condition: 'rate_limit_exceeded', status: 503 } }],
        });
        try {
          const [f402, f429, q402, q429, r429] = await Promise.all([
            send(faithful, E402),
            send(faithful, E429),
            send(quota, E402),
            send(quota, E429),
            send(rate, E429),
          ]);
          expect(errorOf(f402, 402).code).toBe('insufficient_quota');
          expectRefusal(q402, f402, 418, (x) => x, 'insufficient_quota → 418');
          expectSame(q429, f429, 'rate limits untouched');
          expectRefusal(r429, f429, 503, (x) => x, 'rate_limit_exceeded → 503');
          expect(r429.headers['retry-after']).toBe('1');
        } finally {
          await Promise.all([faithful, quota, rate].map((s) => s.provider.stop()));
        }
      },
    },
  },

  'error-envelope-nonstandard': bodyCase((f) => ({ object: 'error', ...f.error }), /^application\/json/),
  'error-envelope-array': bodyCase((f) => [f], /^application\/json/),
  'error-bare-string': bodyCase((f) => f.error.message, /^text\/plain/),

  'error-code-nil': bodyCase((f) => ({ error: { ...f.error, code: '<nil>' } }), /^application\/json/),

  'error-code-numeric': {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) =>
        expectRefusal(
          b[i]!,
          f[i]!,
          f[i]!.status,
          (x) => ({ error: { ...x.error, code: f[i]!.status } }),
          `refusal ${i}`,
        ),
      );
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  },

  'error-message-request-id': {
    scenario: [...REFUSALS, OK],
    check(f, b) {
      REFUSALS.forEach((_, i) => {
        const message = json(b[i]!).error.message as string;
        const faithful = json(f[i]!).error.message as string;
        expect(message.startsWith(`${faithful} (request id: `), message).toBe(true);
        expect(message).toMatch(/ \(request id: \d+\)$/);
        expectRefusal(b[i]!, f[i]!, f[i]!.status, (x) => ({ error: { ...x.error, message } }), `refusal ${i}`);
      });
      expectSame(b.at(-1)!, f.at(-1)!, 'a success is untouched');
    },
    changes: ['error', 'error-stream'],
  },

  'retry-after-dropped': {
    scenario: [E429, post(chat(HI), { headers: { [FAULT_HEADER]: '429; retry-after=7' } }), E, OK],
    check([f, f7, fe, fOk], [b, b7, be, bOk]) {
      expect(f!.headers['retry-after']).toBe('1');
      expect(f7!.headers['retry-after']).toBe('7');
      for (const [br, fr] of [
        [b!, f!],
        [b7!, f7!],
      ] as const) {
        const { 'retry-after': _r, ...rest } = fr.headers;
        expect(br.status).toBe(429);
        expect(br.headers, 'no Retry-After, nothing else').toEqual(rest);
        expect(br.text).toBe(fr.text);
      }
      expectSame(be!, fe!);
      expectSame(bOk!, fOk!);
    },
    changes: [],
  },
};
