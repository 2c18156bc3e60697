import { describe, expect, it } from 'vitest';
import {
  callFindings,
  parallelToolCalls,
  toolChoiceNamed,
  toolChoiceNone,
  toolChoiceRequired,
  toolsNoParams,
  toolsCall,
  toolsHistory,
  toolsStream,
} from '../../../suites/probes/tools.js';
import { CTX, json, ok, seen, sse, sseOf, toolCall } from '../helpers.js';

const weather = toolCall('get_weather', '{"city":"Paris"}', 'call_w');
const time = toolCall('get_server_time', '{}', 'call_t');
const calls = (list: unknown[], finish = 'tool_calls') => ok({ content: null, toolCalls: list, finish });
const text = (content = 'It is sunny.') => ok({ content });
const refused = json(
  {
    error: {
      message: "tool_choice 'required' is not supported",
      type: 'invalid_request_error',
      param: 'tool_choice',
      code: null,
    },
  },
  400,
);

describe('tools.call', () => {
  it('supported: two well-formed calls, finish_reason tool_calls', () => {
    const j = toolsCall.judge(seen({ 'tool call': calls([weather, time]) }), CTX);
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('get_weather({"city":"Paris"})');
  });
  it('broken: "" for a no-parameter tool (tool-args-empty-string), arguments as an object (tool-args-object)', () => {
    expect(
      toolsCall.judge(seen({ 'tool call': calls([weather, toolCall('get_server_time', '')]) }), CTX).summary,
    ).toContain('empty string');
    expect(
      toolsCall.judge(seen({ 'tool call': calls([toolCall('get_weather', { city: 'Paris' })]) }), CTX),
    ).toMatchObject({ verdict: 'broken' });
  });
  it('partial: finish_reason stop (tool-finish-stop); arguments not matching the parameters', () => {
    expect(toolsCall.judge(seen({ 'tool call': calls([weather], 'stop') }), CTX).verdict).toBe('partial');
    expect(
      callFindings(
        { index: 0, id: 'c', type: 'function', name: 'get_weather', arguments: '{"town":"Paris"}' },
        false,
      )[0]!.text,
    ).toContain("missing property 'city'");
  });
  it('inconclusive when the model answers in text', () => {
    expect(toolsCall.judge(seen({ 'tool call': text() }), CTX).verdict).toBe('inconclusive');
  });
  it('broken when finish_reason says tool_calls but the message has none', () => {
    const j = toolsCall.judge(seen({ 'tool call': ok({ content: 'Sunny.', finish: 'tool_calls' }) }), CTX);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('carries no tool call');
  });
});

describe('tools.stream', () => {
  const base = { id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const item = (index: number | undefined, extra: Record<string, unknown>, args: string) => ({
    ...(index === undefined ? {} : { index }),
    ...extra,
    function: { ...(extra['name'] ? { name: extra['name'] } : {}), arguments: args },
  });
  const head = (index: number | undefined, id: string, name: string) => ({
    ...(index === undefined ? {} : { index }),
    id,
    type: 'function',
    function: { name, arguments: '' },
  });
  function stream(
    options: {
      from?: number;
      noIndex?: boolean;
      changingId?: boolean;
      resend?: boolean;
      emptyArgs?: boolean;
      finish?: string;
      emptyList?: boolean;
    } = {},
  ) {
    const i0 = options.noIndex ? undefined : (options.from ?? 0);
    const i1 = options.noIndex ? undefined : (options.from ?? 0) + 1;
    const weatherArgs = options.resend ? ['{"city":"Paris"}', '{"city":"Paris"}'] : ['{"city":', '"Paris"}'];
    return [
      chunk({ role: 'assistant', content: null }),
      chunk({ tool_calls: [head(i0, 'call_w', 'get_weather')] }),
      ...weatherArgs.map((a, k) =>
        chunk({ tool_calls: [item(i0, options.changingId ? { id: `call_w${k}` } : {}, a)] }),
      ),
      chunk({ tool_calls: [head(i1, 'call_t', 'get_server_time')] }),
      chunk({ tool_calls: [item(i1, {}, options.emptyArgs ? '' : '{}')] }),
      chunk(options.emptyList ? { tool_calls: [] } : {}, options.finish ?? 'tool_calls'),
    ];
  }
  const judge = (chunks: unknown[], plain = calls([weather, time])) =>
    toolsStream.judge(seen({ 'streamed tool call': sse(sseOf(chunks)), 'tool call': plain }), CTX);

  it('supported: indexes from 0, id/name first, fragments forming one object each', () => {
    const j = judge(stream());
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('get_server_time({})');
  });
  it.each([
    ['no index (tool-index-missing)', { noIndex: true }, 'without an integer `index`'],
    ['index from 1 (tool-index-from-1)', { from: 1 }, 'not 0..1'],
    ['id changes (tool-id-changes)', { changingId: true }, 'changes between deltas'],
    ['arguments resent (tool-args-resent)', { resend: true }, 'resent'],
    ['"" arguments (tool-args-empty-string)', { emptyArgs: true }, 'empty string'],
  ])('broken: %s', (_, options, phrase) => {
    const j = judge(stream(options));
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain(phrase);
  });
  it('partial: finish_reason stop (tool-finish-stop), an empty tool_calls list (tool-calls-empty-delta)', () => {
    expect(judge(stream({ finish: 'stop' })).verdict).toBe('partial');
    expect(judge(stream({ emptyList: true })).summary).toContain('empty `tool_calls` list');
  });
  const textStream = (finish = 'stop') => [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Sunny.' }),
    chunk({}, finish),
  ];
  const forcing = toolsStream.steps[1] as (
    s: ReturnType<typeof seen>,
  ) => Array<{ label: string; body?: Record<string, unknown> }>;
  const AUTO = { 'streamed tool call': sse(sseOf(textStream())), 'tool call': calls([weather, time]) };
  it('one text sample under auto is never ignored: it asks for the same request forced, streamed and not', () => {
    const next = forcing(seen(AUTO));
    expect(next.map((r) => r.label)).toEqual(['streamed tool call, required', 'tool call, required']);
    expect(next[0]!.body).toMatchObject({ stream: true, tool_choice: 'required' });
    expect(next[1]!.body).toMatchObject({ stream: false, tool_choice: 'required' });
    expect(next[0]!.body!['messages']).toEqual(next[1]!.body!['messages']);
    // Without the forced pair (not sent), the single sample gives inconclusive, with the true reason.
    const j = toolsStream.judge(seen(AUTO), CTX);
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toContain(
      'under tool_choice auto the model answered in text in the streamed sample ("Sunny."); the non-streamed one called get_weather, get_server_time',
    );
    // A stream with calls needs no forcing.
    expect(forcing(seen({ 'streamed tool call': sse(sseOf(stream())), 'tool call': calls([weather]) }))).toEqual([]);
  });
  it('ignored when forced: the stream answers in text while the unstreamed forced request calls (tools-stream-dropped)', () => {
    const j = toolsStream.judge(
      seen({
        ...AUTO,
        'streamed tool call, required': sse(sseOf(textStream())),
        'tool call, required': calls([weather]),
      }),
      CTX,
    );
    expect(j).toMatchObject({ verdict: 'ignored', decisive: 'streamed tool call, required' });
    expect(j.summary).toContain('with stream: true the tools have no effect');
  });
  it('judged on the forced stream when it calls; inconclusive when forcing fails or works nowhere', () => {
    const j = toolsStream.judge(
      seen({ ...AUTO, 'streamed tool call, required': sse(sseOf(stream())), 'tool call, required': calls([weather]) }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('with tool_choice "required": 2 streamed call(s) reassemble');
    expect(j.warnings?.join()).toContain('under tool_choice auto the model answered in text in the streamed sample');
    const mangled = toolsStream.judge(
      seen({ ...AUTO, 'streamed tool call, required': sse(sseOf(stream({ from: 1 }))) }),
      CTX,
    );
    expect(mangled.verdict).toBe('broken');
    const refusedForced = toolsStream.judge(
      seen({ ...AUTO, 'streamed tool call, required': refused, 'tool call, required': refused }),
      CTX,
    );
    expect(refusedForced.verdict).toBe('inconclusive');
    expect(refusedForced.summary).toContain('was refused (HTTP 400');
    const nowhere = toolsStream.judge(
      seen({ ...AUTO, 'streamed tool call, required': sse(sseOf(textStream())), 'tool call, required': text() }),
      CTX,
    );
    expect(nowhere.verdict).toBe('inconclusive');
    expect(nowhere.summary).toContain('may not honour tool_choice');
    // Text streamed and unstreamed under auto: forced too, and the same judgement.
    const bothText = { 'streamed tool call': sse(sseOf(textStream())), 'tool call': text() };
    expect(forcing(seen(bothText))).toHaveLength(2);
    expect(toolsStream.judge(seen(bothText), CTX).summary).toContain(
      'answered in text streamed ("Sunny.") and unstreamed',
    );
  });
  it('broken when the stream ends with finish_reason tool_calls but carries no call (evidence, not choice)', () => {
    const s = seen({ 'streamed tool call': sse(sseOf(textStream('tool_calls'))), 'tool call': calls([weather]) });
    expect(toolsStream.judge(s, CTX)).toMatchObject({ verdict: 'broken' });
    expect(toolsStream.judge(s, CTX).summary).toContain('carries no tool call');
    expect(forcing(s)).toEqual([]);
  });
  it('a missing finish chunk is stream.sse business: only a warning here', () => {
    const j = judge(stream().slice(0, -1));
    expect(j.verdict).toBe('supported');
    expect(j.warnings?.join()).toContain('stream.sse');
  });
});

describe('tools.history', () => {
  const replay = (
    nullReply: ReturnType<typeof ok>,
    emptyReply: ReturnType<typeof ok>,
    withText = text('PELICAN'),
    apart?: ReturnType<typeof ok>,
  ) =>
    toolsHistory.judge(
      seen({
        'tool call': calls([weather]),
        'history, content null': nullReply,
        'history, content ""': emptyReply,
        'history, assistant text': withText,
        'history, text apart': apart,
      }),
      CTX,
    );
  it('supported / rejected (tool-history-null-rejected) / partial (tool-history-empty-rejected)', () => {
    expect(replay(text(), text()).verdict).toBe('supported');
    expect(replay(refused, text())).toMatchObject({ verdict: 'rejected', decisive: 'history, content null' });
    expect(replay(text(), refused)).toMatchObject({ verdict: 'partial', decisive: 'history, content ""' });
  });
  it('replays the relay’s own calls, or a made-up one when none came', () => {
    const step = toolsHistory.steps[1] as unknown as (
      s: ReturnType<typeof seen>,
    ) => Array<{ body?: Record<string, unknown> }>;
    const own = step(seen({ 'tool call': calls([weather, time]) }));
    expect(JSON.stringify(own[0]!.body)).toContain('call_t');
    expect((own[0]!.body!['messages'] as unknown[]).length).toBe(4);
    expect(JSON.stringify(step(seen({ 'tool call': text() }))[1]!.body)).toContain('call_relaycheck_0');
  });
});

describe('tool_choice', () => {
  it('required: supported only when auto answers in text; ignored without a call; rejected on 400', () => {
    expect(toolChoiceRequired.judge(seen({ required: calls([time]), auto: text('hello') }), CTX).verdict).toBe(
      'supported',
    );
    expect(toolChoiceRequired.judge(seen({ required: calls([time]), auto: calls([time]) }), CTX).verdict).toBe(
      'inconclusive',
    );
    expect(toolChoiceRequired.judge(seen({ required: text('hello') }), CTX).verdict).toBe('ignored');
    expect(toolChoiceRequired.judge(seen({ required: refused }), CTX).verdict).toBe('rejected');
  });
  it('the auto comparison is only sent when required produced a call', () => {
    const step = toolChoiceRequired.steps[1] as (s: ReturnType<typeof seen>) => unknown[];
    expect(step(seen({ required: calls([time]) }))).toHaveLength(1);
    // No call: the same request with the tool given a parameter (a tool without parameters may be the cause).
    expect(step(seen({ required: text('hello') }))).toMatchObject([{ label: 'required, with a parameter' }]);
    const then = toolChoiceRequired.steps[2] as (s: ReturnType<typeof seen>) => unknown[];
    expect(then(seen({ required: text('hello'), 'required, with a parameter': calls([time]) }))).toHaveLength(1);
    expect(then(seen({ required: text('hello'), 'required, with a parameter': text('hello') }))).toHaveLength(0);
  });
  it('named: supported / ignored (the other tool or no call) / partial (both)', () => {
    expect(toolChoiceNamed.judge(seen({ named: calls([time]) }), CTX).verdict).toBe('supported');
    expect(toolChoiceNamed.judge(seen({ named: calls([weather]) }), CTX).verdict).toBe('ignored');
    expect(toolChoiceNamed.judge(seen({ named: text() }), CTX).verdict).toBe('ignored');
    expect(toolChoiceNamed.judge(seen({ named: calls([time, weather]) }), CTX).verdict).toBe('partial');
  });
  it('none: supported when auto calls; ignored when a call comes anyway; inconclusive when auto does not call', () => {
    expect(toolChoiceNone.judge(seen({ none: text(), 'tool call': calls([weather, time]) }), CTX).verdict).toBe(
      'supported',
    );
    expect(
      toolChoiceNone.judge(seen({ none: calls([weather]), 'tool call': calls([weather, time]) }), CTX).verdict,
    ).toBe('ignored');
    expect(toolChoiceNone.judge(seen({ none: text(), 'tool call': text() }), CTX).verdict).toBe('inconclusive');
  });
});

describe('parallel_tool_calls', () => {
  const label = 'parallel_tool_calls false';
  it('supported: one call with false, two without', () => {
    expect(
      parallelToolCalls.judge(seen({ [label]: calls([weather]), 'tool call': calls([weather, time]) }), CTX).verdict,
    ).toBe('supported');
  });
  it('ignored: two calls anyway (parallel-tool-calls-ignored); inconclusive: one call without the flag too', () => {
    expect(
      parallelToolCalls.judge(seen({ [label]: calls([weather, time]), 'tool call': calls([weather, time]) }), CTX)
        .verdict,
    ).toBe('ignored');
    expect(
      parallelToolCalls.judge(seen({ [label]: calls([weather]), 'tool call': calls([weather]) }), CTX).verdict,
    ).toBe('inconclusive');
  });
});

describe('tools.history: assistant text beside tool_calls', () => {
  const judge = (withText: ReturnType<typeof ok>, apart?: ReturnType<typeof ok>) =>
    toolsHistory.judge(
      seen({
        'tool call': calls([weather]),
        'history, content null': text(),
        'history, content ""': text(),
        'history, assistant text': withText,
        'history, text apart': apart,
      }),
      CTX,
    );
  it('supported when the model repeats the code word said only beside the calls', () => {
    const j = judge(text('Sure! Pelican'));
    expect(j.verdict).toBe('supported');
    expect(j.summary).toMatch(/text beside its tool_calls reached the model/);
  });
  it('partial when it repeats it only when said in a message of its own (history-assistant-text-dropped)', () => {
    const j = judge(text('I do not know.'), text('PELICAN'));
    expect(j).toMatchObject({ verdict: 'partial', decisive: 'history, assistant text' });
    expect(j.summary).toMatch(/text beside its tool_calls is lost/);
  });
  it('inconclusive when the model repeats it neither way', () => {
    expect(judge(text('No idea.'), text('No idea.')).verdict).toBe('inconclusive');
  });
  it('the control is sent only when the code word is missing', () => {
    const step = toolsHistory.steps[2] as (
      s: ReturnType<typeof seen>,
    ) => Array<{ label: string; body?: Record<string, unknown> }>;
    expect(step(seen({ 'tool call': calls([weather]), 'history, assistant text': text('PELICAN') }))).toEqual([]);
    const control = step(seen({ 'tool call': calls([weather]), 'history, assistant text': text('?') }));
    expect(control[0]!.label).toBe('history, text apart');
    const messages = control[0]!.body!['messages'] as Array<Record<string, unknown>>;
    expect(messages[1]).toEqual({ role: 'assistant', content: expect.stringContaining('PELICAN') });
    expect(messages[2]).toMatchObject({ role: 'assistant', content: null });
  });
});

describe('tools.no_params', () => {
  const bare = 'no parameters key, named';
  const empty = 'empty parameters, named';
  const control = 'with a parameter, named';
  it('supported when both forms are called', () => {
    expect(toolsNoParams.judge(seen({ [bare]: calls([time]), [empty]: calls([time]) }), CTX).verdict).toBe('supported');
  });
  it('ignored when a form is not called but the tool with a parameter is (tool-no-params-dropped)', () => {
    const j = toolsNoParams.judge(seen({ [bare]: text('?'), [empty]: text('?'), [control]: calls([time]) }), CTX);
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/silently dropped.*without a `parameters` key it got text/);
  });
  it('rejected when the forms are refused; inconclusive when naming fails with a parameter too', () => {
    expect(
      toolsNoParams.judge(seen({ [bare]: refused, [empty]: calls([time]), [control]: calls([time]) }), CTX).verdict,
    ).toBe('rejected');
    expect(toolsNoParams.judge(seen({ [bare]: refused, [empty]: refused, [control]: refused }), CTX).verdict).toBe(
      'inconclusive',
    );
  });
  it('the control is sent only when a form was not called', () => {
    const step = toolsNoParams.steps[1] as (s: ReturnType<typeof seen>) => unknown[];
    expect(step(seen({ [bare]: calls([time]), [empty]: calls([time]) }))).toEqual([]);
    expect(step(seen({ [bare]: calls([weather]), [empty]: calls([time]) }))).toHaveLength(1);
  });
  it('tool_choice named and required stay supported, naming the cause, when only the tool without parameters was lost', () => {
    const named = toolChoiceNamed.judge(seen({ named: text('?'), 'named, with a parameter': calls([time]) }), CTX);
    expect(named.verdict).toBe('supported');
    expect(named.warnings?.join()).toMatch(/drops tools without parameters \(see tools.no_params\)/);
    const required = toolChoiceRequired.judge(
      seen({ required: text('hello'), 'required, with a parameter': calls([time]), auto: text('hello') }),
      CTX,
    );
    expect(required.verdict).toBe('supported');
    expect(required.warnings?.join()).toMatch(/see tools.no_params/);
  });
});
