// The Responses probes' judges on hand-made exchanges: a faithful answer passes, each
// deviation gets its verdict and a summary naming it.
import { describe, expect, it } from 'vitest';
import {
  responsesBasic,
  responsesIncomplete,
  responsesReasoning,
  responsesErrors,
  responsesStore,
  responsesStructured,
  responsesStream,
  responsesToolOutput,
  responsesTools,
  responsesUsage,
} from '../../../suites/probes/responses.js';
import type { ProbeContext } from '../../../suites/wire/types.js';
import { json, sse, text } from '../helpers.js';

const CTX: ProbeContext = { model: 'm', models: { model: 'm' } };
type J = Record<string, unknown>;

const USAGE = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 4,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 16,
};
const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text: 'alpha beta', annotations: [] }],
};
const RESPONSE = { id: 'resp_1', object: 'response', status: 'completed', output: [MESSAGE], usage: USAGE };

/** A faithful stream's events for RESPONSE. */
function streamEvents(): J[] {
  const at = { item_id: 'msg_1', output_index: 0 };
  const list: J[] = [
    { type: 'response.created', response: { ...RESPONSE, status: 'in_progress', output: [], usage: null } },
    { type: 'response.in_progress', response: { ...RESPONSE, status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_item.added', output_index: 0, item: { ...MESSAGE, content: [] } },
    { type: 'response.content_part.added', ...at, content_index: 0, part: { type: 'output_text', text: '' } },
    { type: 'response.output_text.delta', ...at, content_index: 0, delta: 'alpha' },
    { type: 'response.output_text.delta', ...at, content_index: 0, delta: ' beta' },
    { type: 'response.output_text.done', ...at, content_index: 0, text: 'alpha beta' },
    { type: 'response.content_part.done', ...at, content_index: 0, part: MESSAGE.content[0] },
    { type: 'response.output_item.done', output_index: 0, item: MESSAGE },
    { type: 'response.completed', response: RESPONSE },
  ];
  return list.map((e, i) => ({ ...e, sequence_number: i }));
}
const raw = (events: J[]): string =>
  events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');

const basic = (o: ReturnType<typeof json>) => responsesBasic.judge({ 'responses basic': o }, CTX);
const stream = (events: J[]) => responsesStream.judge({ 'responses stream': sse(raw(events)) }, CTX);

describe('responses.basic', () => {
  it('passes a completed Response with an output_text answer', () => {
    expect(basic(json(RESPONSE))).toMatchObject({ verdict: 'supported' });
  });
  it('fails message parts typed as Chat text, a chat.completion, and says why', () => {
    const parts = { ...RESPONSE, output: [{ ...MESSAGE, content: [{ type: 'text', text: 'alpha beta' }] }] };
    expect(basic(json(parts))).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/no output_text part/),
    });
    const chat = { object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'hi' } }] };
    expect(basic(json(chat)).verdict).toBe('broken');
    expect(basic(json({ ...RESPONSE, status: 'incomplete' })).summary).toMatch(/status "incomplete"/);
  });
  it('reports a refusal as rejected and a transport failure as error', () => {
    expect(basic(json({ error: { message: 'nope' } }, 400)).verdict).toBe('rejected');
    expect(basic(text('', 502)).verdict).toBe('rejected');
    expect(responsesBasic.judge({}, CTX).verdict).toBe('error');
  });
});

describe('responses.stream', () => {
  it('passes a faithful stream', () => {
    expect(stream(streamEvents())).toMatchObject({ verdict: 'supported' });
  });
  it('fails a stream without response.completed, or closed early', () => {
    expect(stream(streamEvents().slice(0, -1))).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/without response\.completed/),
    });
    expect(stream(streamEvents().slice(0, 5)).summary).toMatch(/without response\.completed/);
  });
  it('fails output only in response.completed', () => {
    const only = streamEvents().filter(
      (e) => !String(e.type).startsWith('response.output') && !String(e.type).startsWith('response.content'),
    );
    expect(stream(only)).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/only in response\.completed/),
    });
  });
  it('marks missing sequence numbers partial and disordered ones broken', () => {
    const none = streamEvents().map(({ sequence_number: _, ...e }) => e);
    expect(stream(none)).toMatchObject({ verdict: 'partial', summary: expect.stringMatching(/sequence_number/) });
    const disordered = streamEvents().map((e, i) => ({ ...e, sequence_number: i === 3 ? 1 : e.sequence_number }));
    expect(stream(disordered).verdict).toBe('broken');
  });
  it('fails deltas that do not add up, and item ids that change', () => {
    const events = streamEvents();
    events[5] = { ...events[5], delta: ' gamma' };
    expect(stream(events).summary).toMatch(/deltas add up to/);
    const ids = streamEvents();
    ids[4] = { ...ids[4], item_id: 'msg_other' };
    expect(stream(ids).summary).toMatch(/item id other than/);
  });
  it('compares the stream with the same request unstreamed: a replayed delta, estimated usage', () => {
    const withPlain = (events: J[], plain: J = RESPONSE) =>
      responsesStream.judge({ 'responses stream': sse(raw(events)), 'responses basic': json(plain) }, CTX);
    expect(withPlain(streamEvents()).verdict).toBe('supported');
    // A relay that replays "alph" and rebuilds every done event from its own deltas: only the
    // non-streamed answer shows the duplication.
    const replay = streamEvents();
    const corrupt = 'alphalpha beta';
    const message = { ...MESSAGE, content: [{ type: 'output_text', text: corrupt, annotations: [] }] };
    replay.splice(4, 2, { ...replay[4], delta: 'alph' }, { ...replay[4], delta: 'alpha' }, replay[5]!);
    replay[7] = { ...replay[7], text: corrupt };
    replay[8] = { ...replay[8], part: message.content[0] };
    replay[9] = { ...replay[9], item: message };
    replay[10] = { ...replay[10], response: { ...RESPONSE, output: [message] } };
    const renumbered = replay.map((e, i) => ({ ...e, sequence_number: i }));
    expect(stream(renumbered).verdict, 'consistent on its own').toBe('supported');
    const j = withPlain(renumbered);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('"alph" then "alpha" (re-sends "alph")');
    // Streamed usage at characters/4 of the input (38 characters: 10) and output (10: 3).
    const estimated = streamEvents();
    const usage = { ...USAGE, input_tokens: 10, output_tokens: 3, total_tokens: 13 };
    estimated[9] = { ...estimated[9], response: { ...RESPONSE, usage } };
    const plain = { ...RESPONSE, usage: { ...USAGE, input_tokens: 20, total_tokens: 24 } };
    const e = withPlain(estimated, plain);
    expect(e.verdict).toBe('partial');
    expect(e.summary).toMatch(/streamed usage looks estimated .*input_tokens 10 streamed, 20 not streamed/);
  });
  it('says a JSON answer is not a stream', () => {
    expect(responsesStream.judge({ 'responses stream': json(RESPONSE) }, CTX).verdict).toBe('broken');
  });
});

describe('responses.usage', () => {
  const usage = (u: unknown) => responsesUsage.judge({ 'responses basic': json({ ...RESPONSE, usage: u }) }, CTX);
  it('passes the counts with their details', () => {
    expect(usage(USAGE).verdict).toBe('supported');
  });
  it('fails zero, missing or Chat-named counts, and a wrong total', () => {
    expect(usage({ ...USAGE, input_tokens: 0, output_tokens: 0, total_tokens: 0 }).verdict).toBe('broken');
    expect(usage(undefined).verdict).toBe('broken');
    expect(usage({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }).summary).toMatch(/input_tokens/);
    expect(usage({ ...USAGE, total_tokens: 99 }).verdict).toBe('partial');
    const { input_tokens_details: _, ...noDetails } = USAGE;
    expect(usage(noDetails).summary).toMatch(/cached_tokens/);
  });
});

const CALL = {
  id: 'fc_1',
  type: 'function_call',
  call_id: 'call_1',
  name: 'get_weather',
  arguments: '{"city":"Paris"}',
};
function callStream(call: J = CALL, twice = false): J[] {
  const at = { item_id: 'fc_1', output_index: 0 };
  const block = [
    { type: 'response.output_item.added', output_index: 0, item: { ...call, arguments: '' } },
    { type: 'response.function_call_arguments.delta', ...at, delta: '{"city":' },
    { type: 'response.function_call_arguments.delta', ...at, delta: '"Paris"}' },
    { type: 'response.function_call_arguments.done', ...at, arguments: call.arguments },
    { type: 'response.output_item.done', output_index: 0, item: call },
  ];
  const output = twice ? [call, call] : [call];
  return [
    { type: 'response.created', response: { ...RESPONSE, output: [] } },
    ...block,
    ...(twice ? block : []),
    { type: 'response.completed', response: { ...RESPONSE, output } },
  ].map((e, i) => ({ ...e, sequence_number: i }));
}
const tools = (body: J, events: J[]) =>
  responsesTools.judge({ 'responses tool call': json(body), 'responses tool call, streamed': sse(raw(events)) }, CTX);

describe('responses.tools', () => {
  it('passes one forced call, streamed and not', () => {
    expect(tools({ ...RESPONSE, output: [CALL] }, callStream()).verdict).toBe('supported');
  });
  it('fails a duplicated call, no call, bad arguments and deltas that do not add up', () => {
    expect(tools({ ...RESPONSE, output: [CALL, CALL] }, callStream()).summary).toMatch(/duplicated call/);
    expect(tools({ ...RESPONSE, output: [CALL] }, callStream(CALL, true)).verdict).toBe('broken');
    expect(tools(RESPONSE, callStream()).summary).toMatch(/no function_call item/);
    expect(tools({ ...RESPONSE, output: [{ ...CALL, arguments: 'Paris' }] }, callStream()).verdict).toBe('broken');
    const wrong = callStream().map((e) =>
      e.type === 'response.function_call_arguments.delta' ? { ...e, delta: '{' } : e,
    );
    expect(tools({ ...RESPONSE, output: [CALL] }, wrong).summary).toMatch(/argument deltas add up/);
  });
});

describe('responses.tool_output', () => {
  const judge = (body: J) => responsesToolOutput.judge({ 'responses tool output': json(body) }, CTX);
  const said = (text: string) => ({ ...RESPONSE, output: [{ ...MESSAGE, content: [{ type: 'output_text', text }] }] });
  it('passes an answer that uses the output', () => {
    expect(judge(said('It is 23°C and cloudy in Paris.')).verdict).toBe('supported');
  });
  it('says ignored when the answer does not know it, or the model calls the tool again', () => {
    expect(judge(said('I cannot check the weather.')).verdict).toBe('ignored');
    expect(judge({ ...RESPONSE, output: [CALL] })).toMatchObject({
      verdict: 'ignored',
      summary: expect.stringMatching(/again/),
    });
  });
});

describe('responses.structured', () => {
  const judge = (text: string) =>
    responsesStructured.judge(
      {
        'responses json_schema': json({
          ...RESPONSE,
          output: [{ ...MESSAGE, content: [{ type: 'output_text', text }] }],
        }),
      },
      CTX,
    );
  it('passes JSON valid against the schema', () => {
    expect(judge('{"name":"Tom","colour":"grey"}').verdict).toBe('supported');
  });
  it('says ignored for prose and broken for JSON off the schema', () => {
    expect(judge('A small grey cat.').verdict).toBe('ignored');
    expect(judge('{"name":"Tom"}')).toMatchObject({ verdict: 'broken', summary: expect.stringMatching(/colour/) });
  });
});

describe('responses.incomplete', () => {
  const CUT = { ...RESPONSE, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  const ending = (type: string, response: J) =>
    raw(
      [
        { type: 'response.created', response: { ...response, status: 'in_progress' } },
        { type, response },
      ].map((e, i) => ({ ...e, sequence_number: i })),
    );
  const judge = (body: J, stream: string) =>
    responsesIncomplete.judge(
      { 'responses max_output_tokens': json(body), 'responses max_output_tokens, streamed': sse(stream) },
      CTX,
    );
  it('passes incomplete with its reason, ended by response.incomplete', () => {
    expect(judge(CUT, ending('response.incomplete', CUT)).verdict).toBe('supported');
  });
  it('fails an incomplete response sent as response.completed, and an ignored cap', () => {
    expect(judge(CUT, ending('response.completed', CUT))).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/clients log it as a success/),
    });
    const long = {
      ...RESPONSE,
      output: [
        {
          ...MESSAGE,
          content: [{ type: 'output_text', text: Array.from({ length: 50 }, (_, i) => i + 1).join(', ') }],
        },
      ],
    };
    expect(judge(long, ending('response.incomplete', CUT)).verdict).toBe('ignored');
    expect(judge({ ...CUT, incomplete_details: null }, ending('response.incomplete', CUT)).verdict).toBe('partial');
  });
  it('leaves a stream without its terminal event to responses.stream', () => {
    expect(judge(CUT, '')).toMatchObject({
      verdict: 'supported',
      warnings: [expect.stringMatching(/responses\.stream/)],
    });
  });
});

describe('responses.reasoning', () => {
  const RS = { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAA-sealed' };
  const judge = (first: J, replay: ReturnType<typeof json>) =>
    responsesReasoning.judge({ 'responses reasoning': json(first), 'responses reasoning, replayed': replay }, CTX);
  it('passes a sealed reasoning item accepted when replayed', () => {
    expect(judge({ ...RESPONSE, output: [RS, MESSAGE] }, json(RESPONSE)).verdict).toBe('supported');
  });
  it('fails a missing item, a missing encrypted_content and a refused replay', () => {
    expect(judge(RESPONSE, json(RESPONSE)).summary).toMatch(/no reasoning item/);
    const { encrypted_content: _, ...open } = RS;
    expect(judge({ ...RESPONSE, output: [open, MESSAGE] }, json(RESPONSE)).summary).toMatch(/no encrypted_content/);
    const refused = json({ error: { message: 'The encrypted content could not be verified.' } }, 400);
    expect(judge({ ...RESPONSE, output: [RS, MESSAGE] }, refused)).toMatchObject({ verdict: 'broken' });
  });
  it('replays the first output, messages in their documented part type', () => {
    type Spec = { path?: string; body: { input: unknown[] } };
    const step = responsesReasoning.steps[1] as unknown as (seen: J, ctx: ProbeContext) => [Spec];
    const textPart = { ...MESSAGE, content: [{ type: 'text', text: 'no' }] };
    const [spec] = step({ 'responses reasoning': json({ ...RESPONSE, output: [RS, textPart] }) }, CTX);
    expect(spec.path).toBe('/responses');
    expect(spec.body.input.slice(1, 3)).toEqual([RS, { ...textPart, content: [{ type: 'output_text', text: 'no' }] }]);
  });
});

describe('responses.store', () => {
  const first = { ...RESPONSE, usage: { ...USAGE, input_tokens: 20, output_tokens: 2 } };
  const judge = (followInput: number, unknown: ReturnType<typeof json>) =>
    responsesStore.judge(
      {
        'responses stored': json(first),
        'responses previous_response_id': json({ ...RESPONSE, usage: { ...USAGE, input_tokens: followInput } }),
        'responses unknown previous_response_id': unknown,
      },
      CTX,
    );
  const notFound = json({ error: { message: 'not found', code: 'previous_response_not_found' } }, 404);
  it('passes a follow-up carrying the stored turn, and an unknown id refused', () => {
    expect(judge(40, notFound).verdict).toBe('supported');
  });
  it('says ignored when the previous turn is missing from the prompt or an unknown id is accepted', () => {
    expect(judge(10, notFound)).toMatchObject({
      verdict: 'ignored',
      summary: expect.stringMatching(/not part of the prompt/),
    });
    expect(judge(40, json(RESPONSE))).toMatchObject({
      verdict: 'ignored',
      summary: expect.stringMatching(/was accepted/),
    });
    // A refusal in another shape is still a refusal (its shape is responses.errors's).
    expect(judge(40, json({ ...RESPONSE, status: 'failed' })).verdict).toBe('supported');
  });
});

describe('responses.errors', () => {
  const good = json(
    { error: { message: 'The model does not exist', type: 'invalid_request_error', code: 'model_not_found' } },
    404,
  );
  const judge = (a: ReturnType<typeof json>, b = good, c = good) =>
    responsesErrors.judge(
      {
        'responses unknown model': a,
        'responses unknown model, streamed': b,
        'responses invalid input': c,
      },
      CTX,
    );
  it('passes 4xx refusals in the envelope', () => {
    expect(judge(good).verdict).toBe('supported');
  });
  it('fails a 200 with a failed Response, and marks a bare error partial', () => {
    expect(judge(json({ ...RESPONSE, status: 'failed' }))).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/failed Response instead of a 4xx/),
    });
    expect(judge(good, good, text('bad input', 400)).verdict).toBe('partial');
    expect(judge(good, sse('event: error\ndata: {}\n\n')).verdict).toBe('broken');
  });
});
