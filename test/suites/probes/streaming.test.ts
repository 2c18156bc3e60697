import { describe, expect, it } from 'vitest';
import {
  cumulativeDeltas,
  streamDefault,
  streamIncludeUsage,
  streamIntegrity,
  streamSse,
} from '../../../suites/probes/streaming.js';
import { CTX, completion, failed, json, ok, seen, sse, sseOf, textChunks, toolCall } from '../helpers.js';

const good = textChunks(['alph', 'a', ' beta', ' ']);
const judgeSse = (raw: string, contentType?: string) =>
  streamSse.judge(seen({ stream: sse(raw, 200, contentType) }), CTX);

describe('stream.sse', () => {
  it('supported: OpenAI framing', () => {
    const j = judgeSse(sseOf(good));
    expect(j.verdict).toBe('supported');
    expect(j.warnings ?? []).toEqual([]);
  });
  it('spec-legal quirks only warn: comments, CRLF, no space, event lines, multi-line data', () => {
    const raw = `: OPENROUTER PROCESSING\r\n\r\n${good.map((c) => `event: message\r\ndata:${JSON.stringify(c, null, 1).split('\n').join('\r\ndata:')}\r\n\r\n`).join('')}data: [DONE]\r\n\r\n`;
    const j = judgeSse(raw);
    expect(j.verdict).toBe('supported');
    expect(j.warnings!.join(' | ')).toMatch(/comment.*CRLF.*without a space.*several `data:`.*`event:`/);
  });
  it('broken: no [DONE] (no-done), no finish chunk, finish_reason "" (finish-reason-empty), cumulative deltas, a comment re-wrapped as data', () => {
    expect(judgeSse(sseOf(good, false)).summary).toContain('[DONE]');
    expect(judgeSse(sseOf(good.slice(0, -1))).summary).toContain('no chunk carries a finish_reason');
    const empty = good.map((c, i) =>
      i < good.length - 1 ? { ...c, choices: [{ ...(c['choices'] as object[])[0], finish_reason: '' }] } : c,
    );
    expect(judgeSse(sseOf(empty))).toMatchObject({ verdict: 'broken' });
    expect(judgeSse(sseOf(textChunks(['alph', 'alpha', 'alpha beta', 'alpha beta ']))).summary).toContain(
      'repeats the whole text',
    );
    expect(judgeSse(`data: : keep-alive\n\n${sseOf(good)}`).summary).toContain('not JSON');
  });
  it('partial: chunk ids change (chunk-id-changes), role missing (role-missing), finish repeated (finish-repeated), wrong content type', () => {
    expect(judgeSse(sseOf(good.map((c, i) => ({ ...c, id: `c${i}` })))).summary).toContain('different chunk ids');
    const noRole = [
      { ...good[0], choices: [{ index: 0, delta: { content: '' }, finish_reason: null }] },
      ...good.slice(1),
    ];
    expect(judgeSse(sseOf(noRole))).toMatchObject({ verdict: 'partial' });
    const last = good.length - 1;
    const repeated = [
      ...good.slice(0, last - 1),
      { ...good[last - 1], choices: [{ index: 0, delta: { content: ' ' }, finish_reason: 'stop' }] },
      good[last],
    ];
    expect(judgeSse(sseOf(repeated)).summary).toContain('finish_reason sent 2 times');
    expect(judgeSse(sseOf(good), 'text/plain').summary).toContain('text/plain');
  });
  it('an empty usage chunk in a stream that did not ask for it is not stream.sse business', () => {
    const usage = {
      id: 'chatcmpl-s',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    expect(judgeSse(sseOf([...good, usage])).verdict).toBe('supported');
  });
  it('a stream that never ends is broken; a JSON body is broken; a 4xx is rejected; a connection failure is error', () => {
    const never = {
      ...sse(sseOf(good.slice(0, 2), false)),
      error: { kind: 'stream-too-long' as const, message: 'stream still open after 300 ms' },
    };
    expect(streamSse.judge(seen({ stream: never }), CTX).summary).toContain('never ended');
    expect(streamSse.judge(seen({ stream: ok() }), CTX).verdict).toBe('broken');
    expect(streamSse.judge(seen({ stream: ok() }), CTX).summary).toContain('single JSON body');
    expect(streamSse.judge(seen({ stream: failed() }), CTX).verdict).toBe('error');
  });
});

describe('cumulativeDeltas', () => {
  it('tells whole-text-so-far deltas from incremental ones', () => {
    expect(cumulativeDeltas(['a', 'ab', 'abc'])).toBe(true);
    expect(cumulativeDeltas(['alph', 'a', ' beta'])).toBe(false);
    expect(cumulativeDeltas(['1', '1'])).toBe(false);
    expect(cumulativeDeltas(['only'])).toBe(false);
  });
  it('sees through a repeated finish chunk that re-sends the whole text (stream-cumulative-repeated-finish)', () => {
    expect(cumulativeDeltas(['alph', 'alpha', 'alpha beta', 'alpha beta', 'alpha beta', 'alpha beta'])).toBe(true);
    expect(cumulativeDeltas(['alpha beta', 'alpha beta'])).toBe(false);
  });
});

describe('stream.sse against gateway shapes', () => {
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'm' };
  const chunk = (content: string | undefined, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  });
  it('broken: cumulative deltas followed by the finish chunk three times, each with the whole text', () => {
    const text = ['alph', 'alpha', 'alpha beta', 'alpha beta gamma'];
    const chunks = [...textChunks(text).slice(0, -1), ...[1, 2, 3].map(() => chunk('alpha beta gamma', 'stop'))];
    const j = judgeSse(sseOf(chunks));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('repeats the whole text');
    expect(j.summary).toContain('finish_reason sent 3 times');
  });
  it('partial: the finish chunk repeated (stream-repeated-finish)', () => {
    const chunks = [...textChunks(['alph', 'a']), chunk(undefined, 'stop'), chunk(undefined, 'stop')];
    const j = judgeSse(sseOf(chunks));
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain('finish_reason sent 3 times');
  });
  it('partial: SSE without a Content-Type (sse-no-content-type)', () => {
    const j = judgeSse(sseOf(good), '');
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain('Content-Type is "(none)"');
  });
  it('stream.include_usage: a stream cut before its finish chunk is inconclusive, not ignored (stream-cut-no-finish)', () => {
    const cut = sse(sseOf(textChunks(['alph', 'a']).slice(0, -1), false));
    const j = streamIncludeUsage.judge(seen({ 'stream with include_usage': cut, stream: cut }), CTX);
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toContain('neither a finish chunk nor [DONE]');
  });
  it('broken: a cut passed on as an ordinary end, neither finish chunk nor [DONE]', () => {
    const j = judgeSse(sseOf(textChunks(['alph', 'a']).slice(0, -1), false));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('no `data: [DONE]`');
    expect(j.summary).toContain('no chunk carries a finish_reason');
  });
});

describe('stream.default', () => {
  it('supported for JSON, broken for SSE (stream-default-true)', () => {
    expect(streamDefault.judge(seen({ 'stream omitted': ok() }), CTX).verdict).toBe('supported');
    const j = streamDefault.judge(seen({ 'stream omitted': sse(sseOf(good)) }), CTX);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('SSE');
  });
});

describe('stream.include_usage', () => {
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
  const withNull = good.map((c) => ({ ...c, usage: null }));
  const usageChunk = { ...base, choices: [], usage };
  const finishWithUsage = { ...withNull[withNull.length - 1], usage };
  const judge = (asked: unknown[], plain: unknown[] = good) =>
    streamIncludeUsage.judge(seen({ stream: sse(sseOf(plain)), 'stream with include_usage': sse(sseOf(asked)) }), CTX);

  it('supported: one choices:[] chunk after the finish chunk, nothing unasked', () => {
    expect(judge([...withNull, usageChunk]).verdict).toBe('supported');
  });
  it('ignored: no usage (usage-missing)', () => {
    expect(judge(good).verdict).toBe('ignored');
  });
  it('partial: every chunk, on the finish chunk, duplicated, or unasked', () => {
    expect(judge(good.map((c) => ({ ...c, usage }))).summary).toContain('content chunks');
    expect(judge([...withNull.slice(0, -1), finishWithUsage]).summary).toContain('on the finish chunk instead');
    expect(judge([...withNull.slice(0, -1), finishWithUsage, usageChunk]).summary).toContain('double count');
    expect(judge([...withNull, usageChunk], [...good, usageChunk]).summary).toContain('not asked');
  });
  it('broken: choices null on the usage chunk (usage-choices-null)', () => {
    expect(judge([...withNull, { ...base, choices: null, usage }]).verdict).toBe('broken');
  });
  it('rejected when stream_options is refused (stream-options-rejected)', () => {
    const refused = json(
      {
        error: {
          message: 'stream_options is not supported',
          type: 'invalid_request_error',
          param: 'stream_options',
          code: null,
        },
      },
      400,
    );
    const j = streamIncludeUsage.judge(seen({ stream: sse(sseOf(good)), 'stream with include_usage': refused }), CTX);
    expect(j.verdict).toBe('rejected');
  });
});

describe('stream.integrity', () => {
  const ANSWER = 'alpha beta gamma delta';
  const usage = { prompt_tokens: 19, completion_tokens: 7, total_tokens: 26 };
  const usageChunk = (u: unknown) => ({ id: 'chatcmpl-s', object: 'chat.completion.chunk', choices: [], usage: u });
  const streamed = (pieces: string[], u: unknown = usage) => sse(sseOf([...textChunks(pieces), usageChunk(u)]));
  const judge = (stream: ReturnType<typeof sse> | undefined, extra: Record<string, ReturnType<typeof sse>> = {}) =>
    streamIntegrity.judge(seen({ basic: ok({ content: ANSWER, usage }), 'basic streamed': stream, ...extra }), CTX);

  it('supported: the deltas reassemble to the non-streamed answer, usage agrees', () => {
    const j = judge(streamed(['alph', 'a', ' beta', ' gamm', 'a', ' delt', 'a']));
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('7 streamed delta(s) reassemble to the non-streamed answer');
  });
  it("broken: nullplatform's replayed partial delta, with both texts and the offending deltas", () => {
    const j = judge(streamed(['alph', 'alpha', ' beta', ' gamm', 'a', ' delt', 'a']));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('"alphalpha beta gamma delta"');
    expect(j.summary).toContain('"alph" then "alpha" (re-sends "alph")');
    expect(j.details).toMatchObject({ streamed: 'alphalpha beta gamma delta', nonStreamed: ANSWER });
    expect(j.decisive).toBe('basic streamed');
  });
  it('partial: streamed usage estimated at characters/4 (stream-usage-estimated)', () => {
    const j = judge(streamed([ANSWER], { prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 }));
    expect(j.verdict).toBe('partial');
    expect(j.summary).toMatch(/^streamed usage looks estimated .*prompt_tokens 10 streamed, 19 not streamed/);
  });
  it("several usage objects: one that agrees is enough (placement is stream.include_usage's)", () => {
    const zero = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const chunks = [...textChunks([ANSWER]).map((c) => ({ ...c, usage: zero })), usageChunk(usage), usageChunk(zero)];
    const j = judge(sse(sseOf(chunks)));
    expect(j.verdict).toBe('supported');
    expect(j.warnings!.join(' ')).toContain('other usage object(s)');
    const allZero = [...textChunks([ANSWER]).map((c) => ({ ...c, usage: zero })), usageChunk(zero)];
    expect(judge(sse(sseOf(allZero))).summary).toMatch(/prompt_tokens 0 streamed, 19 not streamed/);
  });
  it("cumulative deltas are stream.sse's: read as meant, with a warning", () => {
    const j = judge(streamed(['alpha', 'alpha beta', 'alpha beta gamma', ANSWER, ANSWER]));
    expect(j.verdict).toBe('supported');
    expect(j.warnings!.join(' ')).toContain('judged by stream.sse');
  });
  it("a tool call whose streamed arguments replay a fragment is broken; other arguments are the model's", () => {
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const frag = (args: string, first = false) => ({
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                ...(first ? { id: 'call_1', type: 'function' } : {}),
                function: { ...(first ? { name: 'get_weather' } : {}), arguments: args },
              },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    const toolStream = (parts: string[]) =>
      sse(
        sseOf([
          frag('', true),
          ...parts.map((p) => frag(p)),
          { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        ]),
      );
    const plainCall = ok({
      content: null,
      toolCalls: [toolCall('get_weather', '{"city":"Paris"}')],
      finish: 'tool_calls',
    });
    const run = (parts: string[]) =>
      streamIntegrity.judge(
        seen({
          basic: ok({ content: ANSWER, usage }),
          'basic streamed': streamed([ANSWER]),
          'tool call': plainCall,
          'streamed tool call': toolStream(parts),
        }),
        CTX,
      );
    expect(run(['{"ci', 'ty":', '"Par', 'Paris"}']).summary).toMatch(/arguments of get_weather .*ParParis/);
    expect(run(['{"ci', 'ty":', '"Par', 'Paris"}']).verdict).toBe('broken');
    expect(run(['{"city":', '"Lyon"}']).verdict).toBe('supported');
  });
  it('stream_options refused: the plain stream is asked for, and the text judged without usage', () => {
    const refused = json({ error: { message: 'no', type: 'invalid_request_error', param: null, code: null } }, 400);
    const step = streamIntegrity.steps[1] as (s: ReturnType<typeof seen>, c: typeof CTX) => { label: string }[];
    expect(step(seen({ 'basic streamed': refused }), CTX).map((r) => r.label)).toEqual([
      'basic streamed, no stream_options',
    ]);
    expect(step(seen({ 'basic streamed': streamed([ANSWER]) }), CTX)).toEqual([]);
    const j = judge(refused, {
      'basic streamed, no stream_options': sse(sseOf(textChunks(['alph', 'alpha', ' beta gamma delta']))),
    });
    expect(j.verdict).toBe('broken');
    expect(j.warnings!.join(' ')).toContain('stream_options was refused');
  });
  it('error when nothing could be read, skipped when what it builds on gave no completion', () => {
    expect(judge(failed()).verdict).toBe('error');
    expect(judge(json(completion({ content: ANSWER })))).toMatchObject({
      verdict: 'skipped',
      summary: expect.stringContaining('see stream.sse'),
    });
    const noBasic = streamIntegrity.judge(seen({ basic: failed(), 'basic streamed': streamed([ANSWER]) }), CTX);
    expect(noBasic.verdict).toBe('error');
    const refusedBasic = streamIntegrity.judge(
      seen({ basic: json({ error: { message: 'no' } }, 400), 'basic streamed': streamed([ANSWER]) }),
      CTX,
    );
    expect(refusedBasic).toMatchObject({ verdict: 'skipped', summary: expect.stringContaining('see chat.basic') });
  });
});
