// The client readiness prediction (suites/readiness.ts): pure, from verdicts and the
// readiness data. Synthetic data pins the rules; the committed data checks it explains what
// was measured on every relay dialect.
import { describe, expect, it } from 'vitest';
import { breaks } from '../../spec/breaks.js';
import type { Break, ClientReadiness } from '../../spec/generated/types.js';
import { features, surfaceOf } from '../../spec/features.js';
import { expectedVerdicts, loadRelays, servesSurface } from '../../spec/relays.js';
import { loadClientReadiness } from '../../suites/clients/data.js';
import { predictClientReadiness, readinessLine, type VerdictLike } from '../../suites/readiness.js';

const fail = (error: string) => ({ error, message: `${error} message` });

const DATA: ClientReadiness = {
  packages: { sdk: '1.0.0' },
  operations: [
    { id: 'sdk.create', client: 'openai', operation: 'create' },
    { id: 'sdk.stream', client: 'openai', operation: 'stream' },
    { id: 'sdk.tools', client: 'openai', operation: 'tools' },
  ],
  profiles: [],
  breaks: [
    { id: 'sse-a', fails: { 'sdk.stream': fail('TypeError') } },
    { id: 'sse-b', fails: { 'sdk.stream': fail('SyntaxError'), 'sdk.tools': fail('ExpectationError') } },
    { id: 'default-true', fails: { 'sdk.create': fail('APICallError') } },
    { id: 'two-flips', fails: { 'sdk.tools': fail('TypeError') } },
    { id: 'invisible', fails: { 'sdk.create': fail('ExpectationError') } },
    { id: 'harmless', fails: {} },
  ],
};

const CATALOGUE: Break[] = [
  { id: 'sse-a', category: 'stream', description: 'A', flips: { 'stream.sse': 'broken' } },
  { id: 'sse-b', category: 'stream', description: 'B', flips: { 'stream.sse': 'broken' } },
  {
    id: 'default-true',
    category: 'request',
    description: 'Streams by default.',
    flips: { 'stream.default': 'broken' },
  },
  {
    id: 'two-flips',
    category: 'tools',
    description: 'Two',
    flips: { 'tools.call': 'broken', 'tools.stream': 'broken' },
  },
  { id: 'invisible', category: 'errors', description: 'I', flips: {} },
  { id: 'harmless', category: 'stream', description: 'H', flips: { 'stream.sse': 'partial' } },
];

const verdicts = (v: Record<string, string>): VerdictLike[] =>
  Object.entries(v).map(([feature, verdict]) => ({ feature, verdict }));
const expectations = (v: Record<string, string>) =>
  Object.fromEntries(predictClientReadiness(verdicts(v), DATA, CATALOGUE).operations.map((o) => [o.id, o.expectation]));

describe('predictClientReadiness', () => {
  it('expects everything to work on a target with every feature supported', () => {
    const p = predictClientReadiness(
      verdicts({ 'stream.sse': 'supported', 'stream.default': 'supported' }),
      DATA,
      CATALOGUE,
    );
    expect(p.matchedBreaks).toEqual([]);
    expect(p.operations.map((o) => [o.id, o.expectation, o.reasons])).toEqual([
      ['sdk.create', 'works', []],
      ['sdk.stream', 'works', []],
      ['sdk.tools', 'works', []],
    ]);
    expect(readinessLine(p)).toBe('all 3 client operations expected to work');
  });

  it('inherits the failing operations of the one break that gives a verdict, with its description as the reason', () => {
    const p = predictClientReadiness(verdicts({ 'stream.default': 'broken' }), DATA, CATALOGUE);
    expect(p.matchedBreaks).toEqual(['default-true']);
    const create = p.operations.find((o) => o.id === 'sdk.create')!;
    expect(create.expectation).toBe('fails');
    expect(create.reasons).toEqual([
      {
        break: 'default-true',
        description: 'Streams by default.',
        flips: [{ feature: 'stream.default', verdict: 'broken' }],
        error: 'APICallError',
        message: 'APICallError message',
      },
    ]);
    expect(readinessLine(p)).toBe('2/3 client operations expected to work; expected to fail: openai Node SDK (create)');
  });

  it('says "fails" only when every break giving the verdict fails the operation, else "may fail"', () => {
    // sse-a and sse-b both give stream.sse broken: both fail sdk.stream, only sse-b fails sdk.tools.
    expect(expectations({ 'stream.sse': 'broken' })).toEqual({
      'sdk.create': 'works',
      'sdk.stream': 'fails',
      'sdk.tools': 'may-fail',
    });
  });

  it('needs the same verdict: a different non-supported verdict of the feature matches nothing', () => {
    expect(expectations({ 'stream.sse': 'partial' })).toEqual({
      'sdk.create': 'works',
      'sdk.stream': 'works',
      'sdk.tools': 'works',
    });
    expect(expectations({ 'stream.default': 'ignored' })['sdk.create']).toBe('works');
    // A deciding feature that was not measured gives no "works" claim (issue 14, item 6).
    expect(expectations({ 'stream.default': 'skipped' })['sdk.create']).toBe('not-measured');
  });

  it('matches a break only when all of its flips match', () => {
    expect(expectations({ 'tools.call': 'broken' })['sdk.tools']).toBe('works');
    expect(expectations({ 'tools.call': 'broken', 'tools.stream': 'broken' })['sdk.tools']).toBe('fails');
  });

  it('cannot see breaks that flip nothing', () => {
    const p = predictClientReadiness(verdicts({}), DATA, CATALOGUE);
    expect(p.matchedBreaks).not.toContain('invisible');
    expect(p.operations.every((o) => o.expectation === 'works')).toBe(true);
  });

  it('ignores breaks the readiness data has no row for', () => {
    const data = { ...DATA, breaks: DATA.breaks.filter((b) => b.id !== 'default-true') };
    expect(predictClientReadiness(verdicts({ 'stream.default': 'broken' }), data, CATALOGUE).matchedBreaks).toEqual([]);
  });
});

describe('an API the target does not serve', () => {
  const data: ClientReadiness = {
    ...DATA,
    operations: [
      { id: 'sdk.create', client: 'openai', operation: 'create', surface: 'chat' },
      { id: 'default.text', client: 'ai-sdk-default', operation: 'generateText', surface: 'responses' },
      { id: 'default.object', client: 'ai-sdk-default', operation: 'generateObject', surface: 'responses' },
    ],
  };
  const notServed = 'not served: the basic request (POST /responses) answered HTTP 404: Unknown request URL';
  const predict = (results: VerdictLike[]) => predictClientReadiness(results, data, CATALOGUE);

  it('fails every operation of that API, with the suite\'s "not served" summary as the reason', () => {
    const p = predict([
      { feature: 'chat.basic', verdict: 'supported' },
      { feature: 'responses.basic', verdict: 'skipped', summary: notServed },
      { feature: 'responses.stream', verdict: 'skipped', summary: notServed },
    ]);
    expect(p.operations.map((o) => [o.id, o.expectation, o.notServed])).toEqual([
      ['sdk.create', 'works', undefined],
      ['default.text', 'fails', notServed],
      ['default.object', 'fails', notServed],
    ]);
    expect(readinessLine(p)).toBe(
      '1/3 client operations expected to work; expected to fail: Vercel AI SDK default provider (Responses) (all 2)',
    );
  });

  it('claims nothing of the kind where a feature of the API was measured, or it was skipped for another reason', () => {
    const served = predict([
      { feature: 'responses.basic', verdict: 'skipped', summary: notServed },
      { feature: 'responses.stream', verdict: 'supported' },
    ]);
    expect(served.operations.every((o) => o.expectation === 'works')).toBe(true);
    const noModel = predict([
      { feature: 'responses.basic', verdict: 'skipped', summary: 'no model configured (--model)' },
    ]);
    expect(noModel.operations.every((o) => o.notServed === undefined)).toBe(true);
  });
});

describe('the prediction from the committed data', () => {
  const data = loadClientReadiness();

  it('explains, from each measured relay dialect’s documented verdicts, every failure measured on it', () => {
    // An API no feature of spec/features.yaml probes yet cannot be predicted from verdicts.
    const probed = new Set<string>(features().map(surfaceOf));
    const predictable = new Set(data.operations.filter((o) => probed.has(o.surface ?? 'chat')).map((o) => o.id));
    for (const relay of loadRelays()) {
      // A dialect not yet measured against the SDKs (no clients.yaml row) has nothing to explain.
      const row = data.profiles.find((r) => r.id === relay.id);
      if (!row) continue;
      const expected = expectedVerdicts(relay);
      const p = predictClientReadiness(
        features().map((f) => ({
          feature: f.id,
          verdict: expected[f.id]!,
          // What the suite says of a feature of an API the dialect does not serve.
          ...(servesSurface(relay, f) ? {} : { summary: `not served: POST ${f.id} answered HTTP 404` }),
        })),
        data,
        breaks(),
      );
      const predicted = p.operations.filter((o) => o.expectation !== 'works').map((o) => o.id);
      const measured = Object.keys(row.fails).filter((op) => predictable.has(op));
      expect(predicted, relay.id).toEqual(expect.arrayContaining(measured));
      if (relay.reference) expect(predicted, 'the reference').toEqual([]);
    }
  });

  it('predicts, for each measured break alone, that every operation it made fail fails or may fail', () => {
    for (const b of breaks()) {
      // A break not yet measured against the SDKs (no clients.yaml row) has nothing to check.
      const row = data.breaks.find((r) => r.id === b.id);
      if (!row || Object.keys(b.flips).length === 0) continue;
      const p = predictClientReadiness(
        Object.entries(b.flips).map(([feature, verdict]) => ({ feature, verdict: String(verdict) })),
        data,
        breaks(),
      );
      for (const op of Object.keys(row.fails)) {
        expect(p.operations.find((o) => o.id === op)!.expectation, `${b.id}: ${op}`).not.toBe('works');
      }
    }
  });

  it('on aireiter: non-streamed calls of the openai SDK and the AI SDK fail because stream defaults to true', () => {
    const aireiter = loadRelays().find((r) => r.id === 'aireiter')!;
    const p = predictClientReadiness(
      Object.entries(expectedVerdicts(aireiter)).map(([feature, verdict]) => ({ feature, verdict })),
      data,
      breaks(),
    );
    const create = p.operations.find((o) => o.id === 'openai.create')!;
    expect(create.expectation).toBe('fails');
    expect(create.reasons.map((r) => r.break)).toEqual(['stream-default-true']);
    expect(p.operations.find((o) => o.id === 'ai-sdk.stream-text')!.expectation).toBe('works');
  });

  it('on a target whose verdicts are those of a Responses break, the AI SDK default provider is expected to fail', () => {
    // responses-text-parts (message parts typed `text`, not `output_text`) alone gives responses.basic broken.
    const results: VerdictLike[] = [
      { feature: 'chat.basic', verdict: 'supported' },
      { feature: 'responses.basic', verdict: 'broken' },
      { feature: 'responses.stream', verdict: 'supported' },
    ];
    const p = predictClientReadiness(results, data, breaks());
    expect(p.matchedBreaks).toEqual(['responses-text-parts']);
    const generate = p.operations.find((o) => o.id === 'ai-sdk-default.generate-text')!;
    expect(generate.expectation).toBe('fails');
    expect(generate.reasons.map((r) => [r.break, r.error])).toEqual([['responses-text-parts', 'APICallError']]);
    // Chat Completions clients are untouched by it.
    expect(p.operations.find((o) => o.id === 'ai-sdk.generate-text')!.expectation).toBe('works');
    expect(readinessLine(p)).toMatch(
      /expected to fail: .*Vercel AI SDK default provider \(Responses\) \(generate-text/,
    );
  });

  it('on a target without /responses, the Responses clients are expected to fail, the chat ones to work', () => {
    const aiid = loadRelays().find((r) => r.id === 'aiid')!;
    const expected = expectedVerdicts(aiid);
    const p = predictClientReadiness(
      features().map((f) => ({
        feature: f.id,
        verdict: expected[f.id]!,
        ...(servesSurface(aiid, f) ? {} : { summary: 'not served: POST /responses answered HTTP 404' }),
      })),
      data,
      breaks(),
    );
    const of = (id: string) => p.operations.find((o) => o.id === id)!;
    for (const id of ['ai-sdk-default.generate-text', 'openai.responses-create'])
      expect([id, of(id).expectation, of(id).notServed]).toEqual([id, 'fails', expect.stringMatching(/^not served/)]);
    expect(of('ai-sdk.generate-text').expectation).toBe('works');
    expect(readinessLine(p)).toContain('Vercel AI SDK default provider (Responses) (all 5)');
  });
});
