import { describe, expect, it } from 'vitest';
import { judgeCap, logprobs, n, paramsRange, paramsUnknown, seed, stop } from '../../../suites/probes/generation.js';
import { CTX, completion, failed, json, ok, seen, sse, sseOf, text, textChunks } from '../helpers.js';

const refusal = (message = 'Unrecognized request argument supplied: relaycheck_unknown_parameter', status = 400) =>
  json({ error: { message, type: 'invalid_request_error', param: null, code: null } }, status);
const usage = (completion_tokens: number) => ({
  prompt_tokens: 20,
  completion_tokens,
  total_tokens: 20 + completion_tokens,
});

describe('max_tokens / max_completion_tokens', () => {
  const cap = (o: ReturnType<typeof ok>) => judgeCap(seen({ cap: o }), 'cap', 'max_tokens');
  it('supported: at most 5 tokens and finish_reason length', () => {
    expect(cap(ok({ content: '1, 2, 3', finish: 'length', usage: usage(5) })).verdict).toBe('supported');
  });
  it('ignored: the whole count (max-tokens-ignored)', () => {
    const all = Array.from({ length: 50 }, (_, i) => i + 1).join(', ');
    expect(cap(ok({ content: all, finish: 'stop', usage: usage(99) })).verdict).toBe('ignored');
    expect(cap(ok({ content: all, finish: 'stop', usage: null })).verdict).toBe('ignored');
  });
  it('partial: cut but finish_reason stop (no-length-finish)', () => {
    const j = cap(ok({ content: '1, 2, 3', finish: 'stop', usage: usage(5) }));
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain('hidden');
  });
  it('inconclusive: a short answer that never reached the cap', () => {
    expect(cap(ok({ content: 'Sure!', finish: 'stop', usage: usage(2) })).verdict).toBe('inconclusive');
  });
  it('rejected: the parameter refused (max-completion-tokens-rejected)', () => {
    expect(cap(refusal("Unsupported parameter: 'max_completion_tokens'")).verdict).toBe('rejected');
  });
});

describe('stop', () => {
  const full = ok({ content: 'alpha beta gamma delta' });
  const judge = (plain: ReturnType<typeof ok>, streamedPieces: string[], baseline = full, finish = 'stop') =>
    stop.judge(
      seen({
        'without stop': baseline,
        'with stop': plain,
        'streamed with stop': sse(sseOf(textChunks(streamedPieces, { finish }))),
      }),
      CTX,
    );
  it('supported: ends before gamma, streamed and not', () => {
    expect(judge(ok({ content: 'alpha beta ' }), ['alpha', ' beta', ' ']).verdict).toBe('supported');
  });
  it('ignored (stop-ignored): the summary says so in words', () => {
    const j = judge(full, ['alpha', ' beta', ' gamma', ' delta']);
    expect(j.verdict).toBe('ignored');
    expect(j.summary).toMatch(/^stop ignored: output contains "gamma" after the stop sequence/);
  });
  it('broken: the stop string kept (stop-included)', () => {
    expect(judge(ok({ content: 'alpha beta gamma' }), ['alpha', ' beta', ' gamma']).verdict).toBe('broken');
  });
  it('partial: honoured only without streaming (stop-ignored-streaming)', () => {
    expect(judge(ok({ content: 'alpha beta ' }), ['alpha', ' beta', ' gamma', ' delta'])).toMatchObject({
      verdict: 'partial',
      decisive: 'streamed with stop',
    });
  });
  it('inconclusive when the model does not say gamma even without stop', () => {
    expect(judge(ok({ content: 'Hello' }), ['Hello'], ok({ content: 'Hello' })).verdict).toBe('inconclusive');
  });
  it('matches the stop string case-sensitively, as the contract does: a title-cased answer is not "ignored"', () => {
    const titled = ok({ content: 'Alpha Beta Gamma Delta' });
    const j = judge(titled, ['Alpha', ' Beta', ' Gamma', ' Delta'], titled);
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toContain('the model wrote "gamma" in another case, which a stop string does not match');
    // Lower case without stop, capitalised with it: still no evidence either way.
    expect(judge(titled, ['Alpha', ' Beta', ' Gamma', ' Delta']).verdict).toBe('inconclusive');
    // The exact string after the cut is still caught.
    expect(judge(ok({ content: 'Alpha beta gamma delta' }), ['alpha', ' gamma', ' delta'], titled).verdict).toBe(
      'ignored',
    );
  });
  it('a stream without finish chunk is stream.sse business', () => {
    const chunks = textChunks(['alpha', ' beta ']).slice(0, -1);
    const j = stop.judge(
      seen({
        'without stop': full,
        'with stop': ok({ content: 'alpha beta ' }),
        'streamed with stop': sse(sseOf(chunks)),
      }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
  });
});

describe('n', () => {
  const twoStreamed = sse(sseOf([...textChunks(['OK'], { index: 0 }), ...textChunks(['OK'], { index: 1 })]));
  const oneStreamed = sse(sseOf(textChunks(['OK'])));
  it('supported / ignored (n-ignored) / rejected (n-rejected) / partial', () => {
    expect(n.judge(seen({ 'n 2': ok({ choices: 2 }), 'n 2 streamed': twoStreamed }), CTX).verdict).toBe('supported');
    expect(n.judge(seen({ 'n 2': ok(), 'n 2 streamed': oneStreamed }), CTX).verdict).toBe('ignored');
    const r = refusal("Invalid 'n': only 1 is supported", 422);
    expect(n.judge(seen({ 'n 2': r, 'n 2 streamed': r }), CTX).verdict).toBe('rejected');
    expect(n.judge(seen({ 'n 2': ok({ choices: 2 }), 'n 2 streamed': oneStreamed }), CTX).verdict).toBe('partial');
  });
  it('broken: two choices with the same index', () => {
    const dup = json({
      ...completion(),
      choices: [0, 0].map((index) => ({ index, message: { role: 'assistant', content: 'OK' }, finish_reason: 'stop' })),
    });
    expect(n.judge(seen({ 'n 2': dup, 'n 2 streamed': twoStreamed }), CTX).verdict).toBe('broken');
  });
});

describe('seed', () => {
  it('supported (informational), rejected (seed-rejected)', () => {
    const j = seed.judge(
      seen({
        seeded: ok({ content: 'a b c d', extra: { system_fingerprint: 'fp_1' } }),
        'seeded again': ok({ content: 'a b c d' }),
      }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
    expect(j.details).toMatchObject({ identical: true });
    expect(
      seed.judge(seen({ seeded: refusal("Unsupported parameter: 'seed'"), 'seeded again': refusal() }), CTX).verdict,
    ).toBe('rejected');
  });
});

describe('logprobs', () => {
  const entry = (k: number) => ({
    token: 'OK',
    logprob: -0.1,
    bytes: null,
    top_logprobs: Array.from({ length: k }, () => ({ token: 'OK', logprob: -0.1, bytes: null })),
  });
  it('supported / ignored (logprobs-ignored) / partial', () => {
    expect(
      logprobs.judge(seen({ logprobs: ok({ logprobs: { content: [entry(2)], refusal: null } }) }), CTX).verdict,
    ).toBe('supported');
    expect(logprobs.judge(seen({ logprobs: ok() }), CTX).verdict).toBe('ignored');
    expect(logprobs.judge(seen({ logprobs: ok({ logprobs: { content: [entry(1)] } }) }), CTX).summary).toContain(
      'length 1',
    );
  });
});

describe('params.unknown and params.range', () => {
  const control = ok();
  it('unknown: supported on any refusal (whatever the status), ignored when accepted (unknown-params-stripped)', () => {
    expect(paramsUnknown.judge(seen({ 'unknown parameter': refusal(), control }), CTX)).toMatchObject({
      verdict: 'supported',
      decisive: 'unknown parameter',
    });
    expect(paramsUnknown.judge(seen({ 'unknown parameter': refusal('x', 500), control }), CTX).verdict).toBe(
      'supported',
    );
    expect(paramsUnknown.judge(seen({ 'unknown parameter': ok(), control }), CTX).verdict).toBe('ignored');
  });
  it('unknown: a refusal means nothing when the plain request is refused too', () => {
    expect(
      paramsUnknown.judge(seen({ 'unknown parameter': refusal(), control: refusal('no', 403) }), CTX).verdict,
    ).toBe('inconclusive');
    expect(
      paramsUnknown.judge(seen({ 'unknown parameter': text('<html>', 200, 'text/html'), control }), CTX).verdict,
    ).toBe('broken');
    expect(paramsUnknown.judge(seen({ 'unknown parameter': failed(), control }), CTX).verdict).toBe('error');
  });
  const labels = ['temperature 3', 'top_p 2', 'n 0', 'five stop strings'];
  const range = (accepted: string[]) =>
    paramsRange.judge(
      seen({
        control,
        ...Object.fromEntries(labels.map((l) => [l, accepted.includes(l) ? ok() : refusal('out of range')])),
      }),
      CTX,
    );
  it('range: supported / ignored (params-range-unchecked) / partial naming what was accepted', () => {
    expect(range([]).verdict).toBe('supported');
    expect(range(labels).verdict).toBe('ignored');
    const j = range(['n 0']);
    expect(j).toMatchObject({ verdict: 'partial', decisive: 'n 0' });
    expect(j.summary).toContain('accepted: n 0');
  });
});
