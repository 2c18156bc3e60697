import { describe, expect, it } from 'vitest';
import {
  envelopeFinding,
  errorsEnvelope,
  errorsInBand,
  errorsStatus,
  stackTrace,
} from '../../../suites/probes/errors.js';
import { CTX, failed, json, ok, seen, sse, sseOf, text, textChunks } from '../helpers.js';

const envelope = (code: string | null, message = 'nope') => ({
  error: { message, type: 'invalid_request_error', param: null, code },
});
const refusals = (unknown = 404, malformed = 400, wrong = 401) => ({
  'unknown model': json(envelope('model_not_found'), unknown),
  'malformed JSON': json(envelope(null), malformed),
  'wrong key': json(envelope('invalid_api_key'), wrong),
  'no key': json(envelope('invalid_api_key'), 401),
});

describe('errors.status', () => {
  it('supported: 404 / 400 / 401', () => {
    expect(errorsStatus.judge(seen(refusals()), CTX).verdict).toBe('supported');
  });
  it('partial: unknown model as 503 (unknown-model-503), blanket 500, another 4xx', () => {
    expect(errorsStatus.judge(seen(refusals(503)), CTX)).toMatchObject({
      verdict: 'partial',
      decisive: 'unknown model',
    });
    expect(errorsStatus.judge(seen(refusals(500, 500, 500)), CTX).summary).toContain('retry');
    expect(errorsStatus.judge(seen(refusals(404, 400, 403)), CTX).summary).toContain('HTTP 403 (expected 401)');
  });
  it('broken: refusals with HTTP 200 (errors-http-200, errors-empty-200)', () => {
    expect(errorsStatus.judge(seen(refusals(200, 200, 200)), CTX).verdict).toBe('broken');
    const empty = { 'unknown model': text('', 200), 'malformed JSON': text('', 200), 'wrong key': text('', 200) };
    expect(errorsStatus.judge(seen(empty), CTX).summary).toContain('empty body');
  });
  it('a wrong key that is served is auth business, not a status fault (any-key-accepted)', () => {
    const j = errorsStatus.judge(seen({ ...refusals(), 'wrong key': ok() }), CTX);
    expect(j.verdict).toBe('supported');
    expect(j.warnings?.join()).toContain('wrong key was served');
  });
  it('ignored: an unknown model id served with a completion (unknown-model-served)', () => {
    const j = errorsStatus.judge(seen({ ...refusals(), 'unknown model': ok() }), CTX);
    expect(j).toMatchObject({ verdict: 'ignored', decisive: 'unknown model' });
    expect(j.summary).toContain('HTTP 200 with a completion for the model id "relaycheck-no-such-model"');
    expect(j.warnings ?? []).toEqual([]);
    // Worse findings still win: an unknown model served and the other refusals as 200.
    const http200 = { 'unknown model': ok(), 'malformed JSON': json(envelope(null), 200), 'wrong key': ok() };
    expect(errorsStatus.judge(seen(http200), CTX).verdict).toBe('broken');
  });
  it('error when a refusal could not be measured', () => {
    expect(errorsStatus.judge(seen({ ...refusals(), 'malformed JSON': failed() }), CTX).verdict).toBe('error');
  });
});

describe('errors.envelope', () => {
  it('supported: OpenAI envelopes, model_not_found for the unknown model, whatever the status', () => {
    expect(errorsEnvelope.judge(seen(refusals()), CTX).verdict).toBe('supported');
    expect(errorsEnvelope.judge(seen(refusals(200, 200, 200)), CTX).verdict).toBe('supported');
    // The unknown model served (unknown-model-served): no claim about its refusal's code.
    const served = errorsEnvelope.judge(seen({ ...refusals(), 'unknown model': ok() }), CTX);
    expect(served.verdict).toBe('supported');
    expect(served.summary).not.toContain('model_not_found');
  });
  it('partial: top-level fields, an array, code "<nil>", numeric code, another code', () => {
    expect(
      envelopeFinding(json({ object: 'error', message: 'x', type: 't', param: null, code: null }, 400)).verdict,
    ).toBe('partial');
    expect(envelopeFinding(json([envelope(null)], 400)).text).toContain('array');
    expect(envelopeFinding(json(envelope('<nil>'), 400)).text).toContain('<nil>');
    expect(envelopeFinding(json({ error: { message: 'x', type: 't', param: null, code: 404 } }, 404)).text).toContain(
      'numeric',
    );
    expect(envelopeFinding(json(envelope('model_missing'), 404), 'model_not_found').text).toContain(
      'expected model_not_found',
    );
  });
  it('broken: plain text (error-bare-string), empty body (errors-empty-200)', () => {
    expect(
      errorsEnvelope.judge(seen({ ...refusals(), 'unknown model': text('model not found', 404) }), CTX).verdict,
    ).toBe('broken');
    expect(envelopeFinding(text('', 200)).verdict).toBe('broken');
  });
  it('a request id appended to messages only warns', () => {
    const j = errorsEnvelope.judge(
      seen({ ...refusals(), 'malformed JSON': json(envelope(null, 'bad json (request id: 20250101123456789)'), 400) }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
    expect(j.warnings?.join()).toContain('request id');
  });
  it('inconclusive when nothing was refused', () => {
    expect(
      errorsEnvelope.judge(
        seen({ 'unknown model': ok(), 'malformed JSON': ok(), 'wrong key': ok(), 'no key': ok() }),
        CTX,
      ).verdict,
    ).toBe('inconclusive');
  });
});

describe('errors.in_band', () => {
  const label = 'streamed unknown model';
  it('supported: a non-2xx before any SSE (503 included: its class is errors.status business)', () => {
    expect(errorsInBand.judge(seen({ [label]: json(envelope('model_not_found'), 404) }), CTX).verdict).toBe(
      'supported',
    );
    expect(errorsInBand.judge(seen({ [label]: json(envelope('model_not_found'), 503) }), CTX).verdict).toBe(
      'supported',
    );
  });
  it('partial: a streamed refusal with another status than its non-streamed twin (stream-client-error-500)', () => {
    const j = errorsInBand.judge(
      seen({
        [label]: json(envelope('model_not_found'), 500),
        'unknown model': json(envelope('model_not_found'), 404),
      }),
      CTX,
    );
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain('HTTP 500 before any SSE, but HTTP 404 for the same request not streamed');
    const same = {
      [label]: json(envelope('model_not_found'), 503),
      'unknown model': json(envelope('model_not_found'), 503),
    };
    expect(errorsInBand.judge(seen(same), CTX).verdict, 'the same status both ways is errors.status business').toBe(
      'supported',
    );
  });
  it('errors.envelope: a message with a stack trace and file paths is partial (error-stack-trace)', () => {
    const leak = envelope(
      'model_not_found',
      'Error: model not found\n    at route (/srv/gateway/dist/router.js:41:13)\n    at process.tick (node:internal/x:1:1)',
    );
    const f = envelopeFinding(json(leak, 404), 'model_not_found');
    expect(f.verdict).toBe('partial');
    expect(f.text).toContain('stack trace');
    expect(stackTrace('Traceback:\n  File "/app/main.py", line 3, in <module>')).toBe(true);
    expect(stackTrace('The model `gpt-x` does not exist at this endpoint: see /v1/models')).toBe(false);
  });
  it('partial: HTTP 200 then data: {"error"} (errors-in-band-sse)', () => {
    expect(errorsInBand.judge(seen({ [label]: sse(sseOf([envelope('model_not_found')])) }), CTX).verdict).toBe(
      'partial',
    );
  });
  it('broken: HTTP 200 with a JSON error or an empty body', () => {
    expect(errorsInBand.judge(seen({ [label]: json(envelope('model_not_found')) }), CTX).verdict).toBe('broken');
    expect(errorsInBand.judge(seen({ [label]: text('', 200) }), CTX).verdict).toBe('broken');
  });
  it('inconclusive when the unknown model is served (a fallback)', () => {
    expect(errorsInBand.judge(seen({ [label]: sse(sseOf(textChunks(['hi']))) }), CTX).verdict).toBe('inconclusive');
  });
});
