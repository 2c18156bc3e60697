// responses.retrieve on hand-made exchanges: the requests it sends after the stored response
// (and when it stops), and its verdicts: a faithful round trip, a relay that keeps no
// responses (an honest refusal), one that returns another response, one whose DELETE deletes
// nothing.
import { describe, expect, it } from 'vitest';
import { responsesRetrieve, responsesStore } from '../../../suites/probes/responses.js';
import type { Observed, ProbeContext, RequestSpec, Seen } from '../../../suites/wire/types.js';
import { json, text } from '../helpers.js';

const CTX: ProbeContext = { model: 'm', models: { model: 'm' } };
type J = Record<string, unknown>;
type StepFn = (seen: Seen, ctx: ProbeContext) => readonly RequestSpec[];

const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text: 'OK', annotations: [] }],
};
const STORED: J = { id: 'resp_1', object: 'response', status: 'completed', output: [MESSAGE] };
const DELETED = { id: 'resp_1', object: 'response', deleted: true };
const NOT_FOUND = json(
  {
    error: { message: "Response with id 'resp_1' not found.", type: 'invalid_request_error', param: null, code: null },
  },
  404,
);

const step = (i: number, seen: Record<string, Observed>): readonly RequestSpec[] =>
  (responsesRetrieve.steps[i] as StepFn)(seen, CTX);

/** The judge on a full round trip; each exchange can be replaced. */
function judge(over: Partial<Record<string, Observed>> = {}) {
  const seen: Record<string, Observed | undefined> = {
    'responses stored': json(STORED),
    'responses retrieve': json(STORED),
    'responses delete': json(DELETED),
    'responses retrieve after delete': NOT_FOUND,
    ...over,
  };
  return responsesRetrieve.judge(seen, CTX);
}

describe('responses.retrieve: the requests', () => {
  it('shares responses.store’s stored turn, new to each run (ids derived from request bytes never collide across runs)', () => {
    const first = (ctx: ProbeContext) => (responsesRetrieve.steps[0] as StepFn)({}, ctx);
    const run = (runId: string): ProbeContext => ({ ...CTX, runId });
    expect(first(run('a1'))).toEqual((responsesStore.steps[0] as StepFn)({}, run('a1')));
    expect(first(run('a1'))[0]!.body).toMatchObject({ store: true, input: expect.stringMatching(/^Session a1\. /) });
    expect(first(run('a1'))[0]!.body).not.toEqual(first(run('b2'))[0]!.body);
  });
  it('reads the stored response by its id, beside responses.store’s own follow-up (shared, not sent twice)', () => {
    const seen = { 'responses stored': json(STORED) };
    const [followUp, get] = step(1, seen);
    // The same request as responses.store's: the session sends it once, and the DELETE waits for it.
    expect(followUp).toEqual((responsesStore.steps[1] as StepFn)(seen, CTX)[0]);
    expect(get).toMatchObject({ method: 'GET', path: '/responses/resp_1', noRetry: true });
    expect(get!.body).toBeUndefined();
  });
  it('DELETEs only after the GET found it, and GETs again (not shared with the first GET) only after a 2xx DELETE', () => {
    const stored = json(STORED);
    expect(step(2, { 'responses stored': stored, 'responses retrieve': json(STORED) })).toEqual([
      expect.objectContaining({ method: 'DELETE', path: '/responses/resp_1', noRetry: true }),
    ]);
    expect(step(2, { 'responses stored': stored, 'responses retrieve': NOT_FOUND })).toEqual([]);
    const after = step(3, { 'responses stored': stored, 'responses delete': json(DELETED) });
    expect(after).toEqual([expect.objectContaining({ method: 'GET', path: '/responses/resp_1', repeat: 1 })]);
    expect(step(3, { 'responses stored': stored, 'responses delete': text('', 405) })).toEqual([]);
  });
  it('puts the relay’s id in the path escaped, and sends nothing for an id no URL carries faithfully', () => {
    const get = step(1, { 'responses stored': json({ ...STORED, id: 'resp_a/b?c' }) })[1]!;
    expect(get.path).toBe('/responses/resp_a%2Fb%3Fc');
    for (const id of ['..', '', 'x'.repeat(600), 42])
      expect(step(1, { 'responses stored': json({ ...STORED, id }) }), String(id)).toEqual([]);
    expect(judge({ 'responses stored': json({ ...STORED, id: '..' }) }).verdict).toBe('error');
  });
});

describe('responses.retrieve: the verdicts', () => {
  it('passes GET, DELETE (object "response" or "response.deleted"), then a 404 in the envelope', () => {
    expect(judge()).toMatchObject({ verdict: 'supported', decisive: 'responses retrieve' });
    expect(judge({ 'responses delete': json({ ...DELETED, deleted: false }) }).decisive).toBe('responses delete');
    expect(judge({ 'responses delete': json({ ...DELETED, object: 'response.deleted' }) }).verdict).toBe('supported');
  });
  it('says rejected, not broken, for a relay that keeps no responses (404 or 405 to the GET)', () => {
    for (const status of [404, 405]) {
      const r = judge({
        'responses retrieve': json({ error: { message: 'Invalid URL (GET /v1/responses/resp_1)' } }, status),
      });
      expect(r).toMatchObject({ verdict: 'rejected', decisive: 'responses retrieve' });
      expect(r.summary).toMatch(new RegExp(`HTTP ${status}.*Invalid URL.*does not keep responses`));
    }
  });
  it('fails a GET returning another response, another text or another status', () => {
    expect(judge({ 'responses retrieve': json({ ...STORED, id: 'resp_2' }) })).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/"resp_2": another response/),
      decisive: 'responses retrieve',
    });
    const other = { ...STORED, output: [{ ...MESSAGE, content: [{ type: 'output_text', text: 'Hello' }] }] };
    expect(judge({ 'responses retrieve': json(other) }).summary).toMatch(
      /output text "Hello", but the create answer was "OK"/,
    );
    expect(judge({ 'responses retrieve': json({ ...STORED, status: 'in_progress' }) }).verdict).toBe('broken');
  });
  it('fails a DELETE that answers deleted while the response stays retrievable', () => {
    expect(judge({ 'responses retrieve after delete': json(STORED) })).toMatchObject({
      verdict: 'broken',
      summary: expect.stringMatching(/still returned the response.*did not delete it/),
      decisive: 'responses retrieve after delete',
    });
  });
  it('marks a refused DELETE, a bad DELETE answer and a bare 404 after it partial', () => {
    expect(judge({ 'responses delete': json({ error: { message: 'Method not allowed' } }, 405) })).toMatchObject({
      verdict: 'partial',
      summary: expect.stringMatching(/DELETE was refused \(HTTP 405/),
    });
    expect(judge({ 'responses delete': json({ ok: true }) }).summary).toMatch(/deleted undefined, not true/);
    expect(judge({ 'responses retrieve after delete': text('Not Found', 404) })).toMatchObject({
      verdict: 'partial',
      summary: expect.stringMatching(/without OpenAI's .* envelope/),
    });
    expect(
      judge({ 'responses retrieve after delete': json({ error: { message: 'gone', type: 'x' } }, 410) }).summary,
    ).toMatch(/HTTP 410, not 404/);
  });
  it('gives the stored request’s own refusal, and error when an exchange could not be made', () => {
    expect(judge({ 'responses stored': json({ error: { message: 'no' } }, 400) }).verdict).toBe('rejected');
    expect(judge({ 'responses retrieve': undefined }).verdict).toBe('error');
    expect(judge({ 'responses retrieve after delete': undefined }).verdict).toBe('error');
  });
});
