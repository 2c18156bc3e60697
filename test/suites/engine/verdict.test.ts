// The one decision point per verdict: the overrule steps are one ordered table, the first
// step that applies decides, and the runner carries out nothing but what it decides.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decide, OVERRULES, type Exchange, type Facts } from '../../../suites/engine/verdict.js';
import type { Sent } from '../../../suites/engine/session.js';
import type { ExchangeResult } from '../../../suites/transport/http.js';
import type { Probe } from '../../../suites/wire/types.js';
import { featureById } from '../../../spec/features.js';

function sent(result: Partial<ExchangeResult>): Sent {
  return {
    auth: 'key',
    request: {} as Sent['request'],
    result: { status: 200, attempts: 1, text: '', ...result } as ExchangeResult,
  };
}
const exchange = (label: string, result: Partial<ExchangeResult> = {}): Exchange => ({ label, sent: sent(result) });
const PROBE = {
  feature: 'stop',
  needs: 'model',
  steps: [],
  judge: () => ({ verdict: 'supported', summary: '' }),
} as Probe;
const facts = (over: Partial<Facts> = {}): Facts => ({
  feature: 'stop',
  entry: undefined,
  probe: PROBE,
  configured: true,
  preflight: { missing: [], exchanges: [] },
  ...over,
});

describe('the overrule pipeline', () => {
  it('is one table: the steps needing no answer come before those that read the judge', () => {
    const phases = OVERRULES.map((s) => s.phase);
    expect(phases.indexOf('after')).toBeGreaterThan(phases.lastIndexOf('before'));
    expect(OVERRULES.map((s) => s.name)).toEqual([
      'target not measurable',
      'no probe',
      'model not configured',
      'model unusable',
      'prompt-insensitive model',
      'run deadline',
      'surface not served',
      'redirected',
      'invalid UTF-8',
      'repeated failure',
    ]);
  });

  it('skips a Responses feature the target does not serve, from the first request to /responses', () => {
    const entry = featureById('responses.basic');
    const to = (label: string, path: string, result: Partial<ExchangeResult>): Exchange => ({
      label,
      sent: { ...sent(result), request: { method: 'POST', url: `http://127.0.0.1:1/v1${path}`, headers: {} } },
    });
    const judged = { verdict: 'rejected' as const, summary: 'refused' };
    const unknownUrl = {
      status: 404,
      text: 'Unknown request URL',
      json: { error: { message: 'Unknown URL', code: 'unknown_url' } },
    };
    const got = decide('after', facts({ feature: entry.id, entry, judged, used: [to('r', '/responses', unknownUrl)] }));
    expect(got).toMatchObject({ verdict: 'skipped', decisive: 'r' });
    expect(got!.summary).toMatch(/^not served: r \(POST \/responses\) answered HTTP 404: Unknown URL/);
    expect(
      decide('after', facts({ feature: entry.id, entry, judged, used: [to('r', '/responses', { status: 405 })] })),
    ).toMatchObject({ verdict: 'skipped' });
    const unknownModel = { status: 400, json: { error: { message: 'no such model', code: 'model_not_found' } } };
    expect(
      decide('after', facts({ feature: entry.id, entry, judged, used: [to('r', '/responses', unknownModel)] }))!
        .summary,
    ).toMatch(/the model is unknown there/);
    // Served: a refusal the feature itself asks for (a later request) or any other status stands.
    const served = [to('a', '/responses', { status: 200 }), to('b', '/responses', unknownUrl)];
    expect(decide('after', facts({ feature: entry.id, entry, judged, used: served }))).toBeNull();
    expect(
      decide('after', facts({ feature: entry.id, entry, judged, used: [to('r', '/responses', { status: 400 })] })),
    ).toBeNull();
    // A chat feature is never "not served", whatever its answer.
    expect(
      decide(
        'after',
        facts({ entry: featureById('chat.basic'), judged, used: [to('r', '/chat/completions', unknownUrl)] }),
      ),
    ).toBeNull();
  });

  it('lets the judge stand when no step applies', () => {
    expect(decide('before', facts())).toBeNull();
    const judged = { verdict: 'supported' as const, summary: 'fine' };
    expect(decide('after', facts({ judged, used: [exchange('a')] }))).toBeNull();
  });

  it('decides by the first step that applies, in table order', () => {
    const fatal = { cause: 'key-refused', line: 'the key was refused', sent: sent({ status: 401 }) };
    // No probe and an unmeasurable target: the target's root cause wins.
    expect(
      decide('before', facts({ probe: undefined, preflight: { fatal, missing: [], exchanges: [] } })),
    ).toMatchObject({
      verdict: 'error',
      summary: 'not measured: the key was refused',
    });
    expect(decide('before', facts({ probe: undefined }))?.verdict).toBe('skipped');
    // A redirect and invalid UTF-8 in one probe: nothing was measured, so `error`, not `broken`.
    const used = [
      exchange('a', { error: { kind: 'invalid-utf8', message: 'x' } }),
      exchange('b', { error: { kind: 'redirect', message: 'y' } }),
    ] as Exchange[];
    expect(decide('after', facts({ judged: { verdict: 'supported', summary: 's' }, used }))).toMatchObject({
      verdict: 'error',
      decisive: 'b',
    });
  });

  it('turns a failure repeated on every attempt into broken, and only an error verdict', () => {
    const used = [
      exchange('with stop', {
        status: 503,
        text: 'down',
        attempts: 3,
        repeatedFailure: true,
      } as Partial<ExchangeResult>),
    ];
    expect(decide('after', facts({ judged: { verdict: 'error', summary: 's' }, used }))).toMatchObject({
      verdict: 'broken',
      decisive: 'with stop',
    });
    expect(decide('after', facts({ judged: { verdict: 'ignored', summary: 's' }, used }))).toBeNull();
  });

  it('is the only place a runner changes a verdict', () => {
    // The runner assigns a verdict nowhere: it carries out `decide` or the judge's judgement.
    const runner = readFileSync(new URL('../../../suites/engine/runner.ts', import.meta.url), 'utf8');
    expect(runner.match(/verdict: '/g) ?? []).toEqual(["verdict: '"]); // the internal error's
  });
});
