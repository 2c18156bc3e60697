// The Anthropic Messages probes' judges on hand-made exchanges: a faithful answer passes, each
// deviation gets its verdict and a summary naming it; a probe sends nothing after a basic
// request that was not answered.
import { describe, expect, it } from 'vitest';
import {
  cacheBody,
  cachePrefix,
  messagesAuth,
  messagesBasic,
  messagesBetaHeader,
  messagesCache,
  messagesCountTokens,
  messagesErrors,
  messagesStream,
  messagesThinking,
  messagesToolResult,
  messagesTools,
  messagesUsage,
} from '../../../suites/probes/messages.js';
import { countTokens } from '../../../mock-server/core/tokens.js';
import type { Observed, ProbeContext, Seen, Step } from '../../../suites/wire/types.js';
import { failed, json, sse } from '../helpers.js';

const CTX: ProbeContext = { model: 'claude-sonnet-4-5', models: { 'messages-model': 'claude-sonnet-4-5' } };
type J = Record<string, unknown>;

const USAGE = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 };
const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'alpha beta gamma delta' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: USAGE,
};
const BASIC = 'messages basic';

/** A faithful stream of MESSAGE, its text in two deltas, with a ping. */
function streamEvents(): J[] {
  return [
    {
      type: 'message_start',
      message: { ...MESSAGE, content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 0 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'alpha beta' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' gamma delta' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } },
    { type: 'message_stop' },
  ];
}
const asSse = (events: J[]): Observed =>
  sse(events.map((e) => `event: ${String(e['type'])}\ndata: ${JSON.stringify(e)}\n\n`).join(''));

/** The labels a probe's steps ask for, given the exchanges so far. */
function labels(steps: readonly Step[], seen: Seen): string[] {
  return steps.flatMap((s) => (typeof s === 'function' ? s(seen, CTX) : s)).map((r) => r.label);
}

describe('the basic message and the gate every probe goes through', () => {
  it('a faithful message is supported; content as a string is broken', () => {
    expect(messagesBasic.judge({ [BASIC]: json(MESSAGE) }, CTX).verdict).toBe('supported');
    const j = messagesBasic.judge({ [BASIC]: json({ ...MESSAGE, content: 'alpha' }) }, CTX);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toMatch(/content is a string/);
  });

  it('after a basic request answered 404, a probe sends nothing more and proposes the refusal', () => {
    const notFound = json({ type: 'error', error: { type: 'not_found_error', message: 'model: gpt-4o-mini' } }, 404);
    for (const probe of [messagesStream, messagesTools, messagesAuth, messagesErrors, messagesCache]) {
      expect(labels(probe.steps, { [BASIC]: notFound }), probe.feature).toEqual([BASIC]);
      const j = probe.judge({ [BASIC]: notFound }, CTX);
      expect(j.verdict, probe.feature).toBe('rejected');
      expect(j.decisive).toBe(BASIC);
    }
    // Answered: the probe's own requests follow.
    expect(labels(messagesAuth.steps, { [BASIC]: json(MESSAGE) })).toContain('messages wrong key');
  });
});

describe('messages.stream', () => {
  const judge = (events: J[], basic = json(MESSAGE)) =>
    messagesStream.judge({ [BASIC]: basic, 'messages stream': asSse(events) }, CTX);

  it('a faithful stream (pings anywhere) is supported', () => {
    const j = judge(streamEvents());
    expect(j.verdict, j.summary).toBe('supported');
  });

  it.each([
    [
      'indices from 1',
      (e: J[]) => e.map((x) => (typeof x['index'] === 'number' ? { ...x, index: 1 } : x)),
      /index 1 where 0/,
    ],
    [
      'no content_block_stop',
      (e: J[]) => e.filter((x) => x['type'] !== 'content_block_stop'),
      /never got its content_block_stop/,
    ],
    ['no message_stop', (e: J[]) => e.filter((x) => x['type'] !== 'message_stop'), /without message_stop/],
    ['no message_delta', (e: J[]) => e.filter((x) => x['type'] !== 'message_delta'), /no message_delta/],
    ['message_start missing', (e: J[]) => e.slice(1), /first event is content_block_start/],
    [
      'a delta duplicated',
      (e: J[]) => [...e.slice(0, 4), e[3]!, ...e.slice(4)],
      /streamed text "alpha betaalpha beta gamma delta" re-sends 1 delta\(s\) the non-streamed answer "alpha beta gamma delta" has once/,
    ],
  ])('%s is broken', (_, edit, why) => {
    const j = judge(edit(streamEvents()));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toMatch(why);
  });

  /** The faithful stream with its text deltas replaced. */
  const withDeltas = (texts: string[]): J[] => {
    const e = streamEvents();
    const deltas = texts.map((text) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    }));
    return [...e.slice(0, 3), ...deltas, ...e.slice(5)];
  };

  it('a partial delta replayed ("alph", "alpha") is broken, with both texts and the offending delta', () => {
    expect(judge(withDeltas(['alph', 'a beta', ' gamma delta'])).verdict, 'split differently: fine').toBe('supported');
    const j = judge(withDeltas(['alph', 'alpha beta', ' gamma delta']));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('"alph" then "alpha beta" (re-sends "alph")');
    expect(j.details).toMatchObject({
      streamed: 'alphalpha beta gamma delta',
      nonStreamed: 'alpha beta gamma delta',
      offendingDeltas: [{ at: 1, delta: 'alpha beta', resent: 'alph', previous: 'alph' }],
    });
  });

  it("another wording is the model's sampling: not judged, said in a warning", () => {
    const j = judge(withDeltas(['alpha beta', ' gamma, delta.']));
    expect(j.verdict, j.summary).toBe('supported');
    expect(j.warnings?.join(' ')).toMatch(/a model's sampling could explain/);
  });

  it('streamed usage that disagrees with the same request not streamed is partial; a characters/4 estimate is named', () => {
    const edit = (input: number, output: number) =>
      streamEvents().map((x) =>
        x['type'] === 'message_start'
          ? { ...x, message: { ...(x['message'] as J), usage: { ...USAGE, input_tokens: input, output_tokens: 0 } } }
          : x['type'] === 'message_delta'
            ? { ...x, usage: { output_tokens: output } }
            : x,
      );
    // The prompt is 38 characters (10 tokens at four a token), the answer 22 (6); the model counts 22.
    const basic = json({ ...MESSAGE, usage: { ...USAGE, input_tokens: 22 } });
    const estimated = judge(edit(10, 6), basic);
    expect(estimated.verdict).toBe('partial');
    expect(estimated.summary).toMatch(/streamed usage looks estimated .*input_tokens 10 streamed, 22 not streamed/);
    expect(estimated.details).toMatchObject({ usage: { streamed: { prompt: 10 }, nonStreamed: { prompt: 22 } } });
    const other = judge(edit(30, 4));
    expect(other.verdict).toBe('partial');
    expect(other.summary).toMatch(/disagree: input_tokens 30 streamed, 12 not streamed/);
    // message_delta's input_tokens (current streams) agreeing is enough.
    const both = streamEvents().map((x) => (x['type'] === 'message_delta' ? { ...x, usage: USAGE } : x));
    expect(judge(both).verdict).toBe('supported');
  });
});

describe('messages.usage', () => {
  it('zero counts are broken, missing cache fields partial', () => {
    const zero = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
    expect(messagesUsage.judge({ [BASIC]: json({ ...MESSAGE, usage: zero }) }, CTX).verdict).toBe('broken');
    const j = messagesUsage.judge({ [BASIC]: json({ ...MESSAGE, usage: { input_tokens: 3, output_tokens: 2 } }) }, CTX);
    expect(j.verdict).toBe('partial');
    expect(j.summary).toMatch(/lacks cache_creation_input_tokens and cache_read_input_tokens/);
  });
});

describe('messages.thinking', () => {
  const thinking = { type: 'thinking', thinking: 'I will call it.', signature: 'c2ln' };
  const call = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } };
  const text = { type: 'text', text: 'It is sunny.' };
  const first = (content: J[]) => ({ [BASIC]: json(MESSAGE), 'messages thinking': json({ ...MESSAGE, content }) });

  it('a text answer gets a second sample; the signed block is sent back with the tool result', () => {
    expect(labels(messagesThinking.steps, first([thinking, text]))).toContain('messages thinking, second sample');
    const steps = messagesThinking.steps.flatMap((s) =>
      typeof s === 'function' ? s(first([thinking, call]), CTX) : s,
    );
    const next = steps.find((r) => r.label === 'messages thinking, continued after the tool')!;
    const sent = (next.body!['messages'] as J[])[1]!;
    expect(sent).toEqual({ role: 'assistant', content: [thinking, call] });
  });

  it('a refused continuation is broken; text twice is inconclusive; no thinking block is broken', () => {
    const refused = json(
      { type: 'error', error: { type: 'invalid_request_error', message: 'Invalid `signature`' } },
      400,
    );
    const j = messagesThinking.judge(
      { ...first([thinking, call]), 'messages thinking, continued after the tool': refused },
      CTX,
    );
    expect(j.verdict).toBe('broken');
    expect(j.summary).toMatch(/Invalid `signature`/);
    const twice = messagesThinking.judge(
      {
        ...first([thinking, text]),
        'messages thinking, second sample': json({ ...MESSAGE, content: [thinking, text] }),
      },
      CTX,
    );
    expect(twice.verdict).toBe('inconclusive');
    expect(twice.summary).toMatch(/tool_choice auto/);
    expect(messagesThinking.judge(first([call]), CTX).verdict).toBe('broken');
  });
});

describe('messages.tool_result', () => {
  const answer = (text: string, input: number): Observed =>
    json({ ...MESSAGE, content: [{ type: 'text', text }], usage: { ...USAGE, input_tokens: input } });
  const seen = (withText: number, withoutText: number, failed = 'The tool reported an error.') => ({
    [BASIC]: json(MESSAGE),
    'messages tool_result': answer('It is 23 °C.', withText),
    "messages tool_result, without the assistant's text": answer('It is 23 °C.', withoutText),
    'messages tool_result is_error': answer(failed, withText),
  });

  it('supported when the result, the text beside the call and is_error all reach the model', () => {
    expect(messagesToolResult.judge(seen(120, 108), CTX).verdict).toBe('supported');
  });

  it('ignored when the turn costs no more with the text than without it, or is_error reads as a success', () => {
    const j = messagesToolResult.judge(seen(108, 108), CTX);
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/text beside its tool_use never reached the model/);
    expect(messagesToolResult.judge(seen(120, 108, 'It is 23 °C.'), CTX).summary).toMatch(/read as a success/);
  });
});

describe('messages.cache and messages.count_tokens', () => {
  it('sizes the prefix past the model minimum (the mock counts it so too)', () => {
    for (const [model, min] of [
      ['claude-sonnet-4-5', 1024],
      ['claude-haiku-4-5', 4096],
      ['claude-opus-4-7', 2048],
    ] as const) {
      const body = cacheBody(model);
      const tokens = countTokens(JSON.stringify((body['system'] as J[])[0]));
      expect(tokens, model).toBeGreaterThan(min);
      expect(tokens, model).toBeLessThan(min * 1.8);
    }
    expect(cachePrefix(1024)).toBe(cachePrefix(1024));
  });

  it('a second request reading from the cache is supported; none read is ignored', () => {
    const used = (u: J): Observed => json({ ...MESSAGE, usage: { ...USAGE, ...u } });
    const seen = (second: J) => ({
      [BASIC]: json(MESSAGE),
      'messages cache_control, first': used({ cache_creation_input_tokens: 1500 }),
      'messages cache_control, second': used(second),
    });
    expect(messagesCache.judge(seen({ cache_read_input_tokens: 1500 }), CTX).verdict).toBe('supported');
    const j = messagesCache.judge(seen({ input_tokens: 1512 }), CTX);
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/cache_control was dropped/);
  });

  it('count_tokens far from the charged input is broken, within 10% supported', () => {
    const seen = (n: number) => ({
      [BASIC]: json(MESSAGE),
      'messages tool without parameters': json({ ...MESSAGE, usage: { ...USAGE, input_tokens: 400 } }),
      'messages count_tokens': json({ input_tokens: n }),
    });
    expect(messagesCountTokens.judge(seen(420), CTX).verdict).toBe('supported');
    expect(messagesCountTokens.judge(seen(40), CTX).verdict).toBe('broken');
  });
});

describe('messages.errors and messages.auth', () => {
  const refusal = json({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, 400);
  const errors = (o: Observed) => ({
    [BASIC]: json(MESSAGE),
    'messages unknown model': o,
    'messages without max_tokens': refusal,
    'messages invalid, streamed': refusal,
  });

  it("Anthropic's envelope is supported, OpenAI's partial, a 200 broken", () => {
    expect(messagesErrors.judge(errors(refusal), CTX).verdict).toBe('supported');
    expect(messagesErrors.judge(errors(json({ error: { message: 'bad', type: 'x' } }, 404)), CTX).verdict).toBe(
      'partial',
    );
    expect(messagesErrors.judge(errors(json({ type: 'error', error: {} }, 200)), CTX).verdict).toBe('broken');
  });

  it('x-api-key refused is partial, a wrong key accepted ignored', () => {
    const refused = json({ type: 'error', error: { type: 'authentication_error', message: 'no key' } }, 401);
    const seen = (x: Observed, wrong: Observed) => ({
      [BASIC]: json(MESSAGE),
      'messages x-api-key': x,
      'messages Authorization: Bearer': json(MESSAGE),
      'messages wrong key': wrong,
    });
    expect(messagesAuth.judge(seen(json(MESSAGE), refused), CTX).verdict).toBe('supported');
    const j = messagesAuth.judge(seen(refused, refused), CTX);
    expect(j.verdict).toBe('partial');
    expect(j.summary).toMatch(/ANTHROPIC_AUTH_TOKEN works/);
    expect(messagesAuth.judge(seen(json(MESSAGE), json(MESSAGE)), CTX).verdict).toBe('ignored');
  });
});

describe('messages.beta_header', () => {
  const BETA = 'messages anthropic-beta, ?beta=true';
  const judge = (o: Observed) => messagesBetaHeader.judge({ [BASIC]: json(MESSAGE), [BETA]: o }, CTX);
  const refusal = (status: number, message: string) =>
    json({ type: 'error', error: { type: 'invalid_request_error', message } }, status);

  it("sends the basic request to ?beta=true with Claude Code's betas, once the basic one was answered", () => {
    const steps = messagesBetaHeader.steps.flatMap((s) =>
      typeof s === 'function' ? s({ [BASIC]: json(MESSAGE) }, CTX) : s,
    );
    const beta = steps.find((r) => r.label === BETA)!;
    expect(beta.path).toBe('/messages?beta=true');
    expect(beta.headers).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    });
    expect(beta.body).toEqual(steps.find((r) => r.label === BASIC)!.body);
  });

  it('a message is supported', () => {
    const j = judge(json(MESSAGE));
    expect(j.verdict).toBe('supported');
    expect(j.decisive).toBe(BETA);
  });

  it('a refusal is broken, naming what the relay named; not taken for a model not served', () => {
    const header = judge(
      refusal(
        400,
        'Unexpected value(s) `claude-code-20250219` for the `anthropic-beta` header. Please consult our documentation.',
      ),
    );
    expect(header.verdict).toBe('broken');
    expect(header.summary).toMatch(/HTTP 400: .*Unexpected value/);
    expect(header.summary).toMatch(/it names claude-code-20250219, the anthropic-beta header/);
    // A 404 for the path with a query, once the path without it answered: broken, not skipped.
    const route = judge(json({ error: { message: 'Invalid URL (POST /v1/messages?beta=true)' } }, 404));
    expect(route.verdict).toBe('broken');
    expect(route.summary).toMatch(/HTTP 404: .*it names the query/);
    const neither = judge(refusal(403, 'Forbidden'));
    expect(`${neither.verdict}: ${neither.summary}`).toMatch(/^broken: .*names neither/);
    // An error body with 200 is a refusal too.
    expect(judge(refusal(200, 'beta not allowed')).verdict).toBe('broken');
  });

  it('a 5xx, a 429 or no answer is not measured; a basic request refused proposes that refusal alone', () => {
    expect(judge(refusal(529, 'Overloaded')).verdict).toBe('error');
    expect(judge(refusal(429, 'slow down')).verdict).toBe('error');
    expect(judge(failed()).verdict).toBe('error');
    const notFound = json({ type: 'error', error: { type: 'not_found_error', message: 'model: gpt-4o-mini' } }, 404);
    expect(labels(messagesBetaHeader.steps, { [BASIC]: notFound })).toEqual([BASIC]);
    const j = messagesBetaHeader.judge({ [BASIC]: notFound }, CTX);
    expect([j.verdict, j.decisive]).toEqual(['rejected', BASIC]);
  });

  it('an answer that is not a message like the basic one is broken', () => {
    expect(judge(json({ choices: [] })).verdict).toBe('broken');
  });
});
