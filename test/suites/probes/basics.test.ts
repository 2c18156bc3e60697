import { describe, expect, it } from 'vitest';
import {
  auth,
  chatBasic,
  chatMetadata,
  modelsList,
  snapshotSuffix,
  usageAccounting,
  usageTokenizer,
} from '../../../suites/probes/basics.js';
import { BASIC, TOKENIZER_LONG } from '../../../suites/wire/requests.js';
import { chatPromptTokens, type ChatMessageLike } from '../../../spec/tokenizer.js';
import { CTX, completion, failed, json, ok, seen, text, toolCall as toolCallOf } from '../helpers.js';

describe('chat.basic', () => {
  it('supported: a well-formed completion', () => {
    const j = chatBasic.judge(seen({ basic: ok({ content: 'alpha beta gamma delta' }) }), CTX);
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('alpha beta gamma delta');
  });
  it('partial: message.role missing (message-role-missing)', () => {
    const j = chatBasic.judge(seen({ basic: ok({ role: null }) }), CTX);
    expect(j).toMatchObject({ verdict: 'partial' });
    expect(j.summary).toContain('message.role is missing');
  });
  it('broken: no choice, non-string content, HTTP 200 with an error body, SSE for stream:false', () => {
    expect(chatBasic.judge(seen({ basic: json({ ...completion(), choices: [] }) }), CTX).verdict).toBe('broken');
    expect(chatBasic.judge(seen({ basic: ok({ content: null }) }), CTX).verdict).toBe('broken');
    expect(chatBasic.judge(seen({ basic: json({ error: { message: 'upstream down' } }) }), CTX)).toMatchObject({
      verdict: 'broken',
    });
    expect(chatBasic.judge(seen({ basic: text('{not json', 200, 'application/json') }), CTX).summary).toContain(
      'not JSON',
    );
  });
  it('rejected (4xx) and error (transport, 5xx)', () => {
    expect(chatBasic.judge(seen({ basic: json({ error: { message: 'no' } }, 400) }), CTX).verdict).toBe('rejected');
    expect(
      chatBasic.judge(seen({ basic: failed('timeout', 'no response headers within 20000 ms') }), CTX).verdict,
    ).toBe('error');
    expect(chatBasic.judge(seen({ basic: json({ error: { message: 'down' } }, 503) }), CTX).verdict).toBe('error');
  });
});

describe('chat.metadata', () => {
  it('supported; extra fields recorded, not judged', () => {
    const j = chatMetadata.judge(
      seen({ basic: ok({ extra: { task_id: 'task_1', system_fingerprint: 'fp_1' } }) }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
    expect(j.details).toMatchObject({ extraFields: { task_id: 'task_1' }, system_fingerprint: 'fp_1' });
    expect(j.warnings?.join()).toContain('task_id');
  });
  it('supported: the requested model echoed as a dated snapshot (model-snapshot), the snapshot reported', () => {
    for (const [model, snap] of [
      ['m-2024-07-18', '2024-07-18'],
      ['m-0613', '0613'],
      ['m-20250514', '20250514'],
    ]) {
      const j = chatMetadata.judge(seen({ basic: ok({ model }) }), CTX);
      expect(j.verdict, model).toBe('supported');
      expect(j.summary).toContain(`snapshot ${snap}`);
      expect(j.details).toMatchObject({ snapshot: snap });
    }
  });
  it('snapshotSuffix: only a date after the requested id and a dash', () => {
    expect(snapshotSuffix('gpt-4o-mini', 'gpt-4o-mini-2024-07-18')).toBe('2024-07-18');
    expect(snapshotSuffix('gpt-4', 'gpt-4-0613')).toBe('0613');
    expect(snapshotSuffix('gpt-4', 'gpt-4o-2024-08-06')).toBeUndefined();
    expect(snapshotSuffix('gpt-4o', 'gpt-4o-mini')).toBeUndefined();
    expect(snapshotSuffix('gpt-4o', 'gpt-4o-2024-08')).toBeUndefined();
    expect(snapshotSuffix('gpt-4o', 'gpt-4o')).toBeUndefined();
  });
  it('snapshotSuffix: a date has a real month and day, in each of the three forms', () => {
    expect(snapshotSuffix('claude-sonnet-4', 'claude-sonnet-4-20250514')).toBe('20250514');
    expect(snapshotSuffix('gpt-3.5-turbo', 'gpt-3.5-turbo-1106')).toBe('1106');
    expect(snapshotSuffix('qwen', 'qwen-1234')).toBeUndefined();
    expect(snapshotSuffix('qwen', 'qwen-0000')).toBeUndefined();
    expect(snapshotSuffix('m', 'm-20251301')).toBeUndefined();
    expect(snapshotSuffix('m', 'm-2025-02-00')).toBeUndefined();
    expect(snapshotSuffix('m', 'm-2025-12-31')).toBe('2025-12-31');
    expect(chatMetadata.judge(seen({ basic: ok({ model: 'm-1234' }) }), CTX).verdict).toBe('partial');
  });
  it('partial: rewritten model (model-rewritten), empty id (id-empty)', () => {
    expect(chatMetadata.judge(seen({ basic: ok({ model: 'openai/m' }) }), CTX).verdict).toBe('partial');
    expect(chatMetadata.judge(seen({ basic: ok({ model: 'm-mini' }) }), CTX).verdict).toBe('partial');
    expect(chatMetadata.judge(seen({ basic: ok({ id: '' }) }), CTX).summary).toContain('empty');
  });
  it('broken: created in milliseconds (created-millis)', () => {
    const j = chatMetadata.judge(seen({ basic: ok({ created: 1_750_000_000_000 }) }), CTX);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('milliseconds');
  });
  it('skipped when the basic request has no completion; error on transport failure', () => {
    expect(chatMetadata.judge(seen({ basic: json({ error: {} }, 400) }), CTX).verdict).toBe('skipped');
    expect(chatMetadata.judge(seen({ basic: failed() }), CTX).verdict).toBe('error');
  });
});

describe('usage.accounting', () => {
  it('supported when total = prompt + completion', () => {
    expect(usageAccounting.judge(seen({ basic: ok() }), CTX).verdict).toBe('supported');
  });
  it('partial on a mismatch (usage-total-mismatch) or no usage', () => {
    const j = usageAccounting.judge(
      seen({ basic: ok({ usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 20 } }) }),
      CTX,
    );
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain('total_tokens 20');
    expect(usageAccounting.judge(seen({ basic: ok({ usage: null }) }), CTX).verdict).toBe('partial');
  });

  const usage = (prompt: number, completion: number, total = prompt + completion) => ({
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
  });
  const basic = (u: unknown, content = 'alpha beta gamma delta') => ok({ content, usage: u });
  const toolCall = (u: unknown) =>
    ok({
      content: null,
      finish: 'tool_calls',
      toolCalls: [toolCallOf('get_weather', '{"city":"Paris"}'), toolCallOf('get_server_time', '{}')],
      usage: u,
    });
  it('supported with the comparison request, whatever the tokenizer (counts 2.5x ours stay supported)', () => {
    const j = usageAccounting.judge(seen({ basic: basic(usage(12, 5)), 'tool call': toolCall(usage(180, 22)) }), CTX);
    expect(j.verdict).toBe('supported');
    expect(j.summary).toContain('prompt 180 for the longer tool call prompt');
    // Another tokenizer: everything counted about 2.5x what a 4-characters-a-token estimate says.
    expect(
      usageAccounting.judge(seen({ basic: basic(usage(30, 14)), 'tool call': toolCall(usage(450, 19)) }), CTX).verdict,
    ).toBe('supported');
    // And one counting far fewer tokens.
    expect(
      usageAccounting.judge(seen({ basic: basic(usage(4, 2)), 'tool call': toolCall(usage(60, 6)) }), CTX).verdict,
    ).toBe('supported');
  });
  it('broken when every request reports the same usage (usage-constant)', () => {
    const j = usageAccounting.judge(seen({ basic: basic(usage(10, 20)), 'tool call': toolCall(usage(10, 20)) }), CTX);
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain('the same usage (prompt 10, completion 20, total 30)');
    expect(j.summary).toMatch(/prompts are \d+ and \d+ characters long/);
    // Same prompt count but different completions is a coincidence no tokenizer rules out.
    expect(
      usageAccounting.judge(seen({ basic: basic(usage(10, 20)), 'tool call': toolCall(usage(10, 8)) }), CTX).verdict,
    ).toBe('supported');
  });
  it('partial when completion_tokens exceed max_tokens for an answer that fits in it (usage-over-max-tokens)', () => {
    // BASIC allows 20 completion tokens; "alpha beta gamma delta" is 22 characters.
    const j = usageAccounting.judge(seen({ basic: basic(usage(12, 25)), 'tool call': toolCall(usage(180, 22)) }), CTX);
    expect(j.verdict).toBe('partial');
    expect(j.summary).toContain("completion_tokens 25 exceeds the request's max_tokens 20");
    // A long answer means the cap was not applied (max_tokens's finding): the count may be true.
    expect(
      usageAccounting.judge(
        seen({ basic: basic(usage(12, 60), 'word '.repeat(40)), 'tool call': toolCall(usage(180, 22)) }),
        CTX,
      ).verdict,
    ).toBe('supported');
    // Hidden reasoning counted on top of the cap (DeepSeek caps only the answer): not flagged.
    expect(
      usageAccounting.judge(
        seen({
          basic: basic({ ...usage(12, 45), completion_tokens_details: { reasoning_tokens: 40 } }),
          'tool call': toolCall(usage(180, 22)),
        }),
        CTX,
      ).verdict,
    ).toBe('supported');
    // At the cap is possible.
    expect(
      usageAccounting.judge(seen({ basic: basic(usage(12, 20)), 'tool call': toolCall(usage(180, 22)) }), CTX).verdict,
    ).toBe('supported');
  });
  it('judges the basic request alone, with a warning, when the comparison failed', () => {
    const j = usageAccounting.judge(seen({ basic: basic(usage(12, 5)), 'tool call': failed() }), CTX);
    expect(j.verdict).toBe('supported');
    expect(j.warnings?.join(' ')).toContain('could not be compared');
  });
});

describe('auth', () => {
  const refused = json(
    { error: { message: 'Incorrect API key', type: 'authentication_error', param: null, code: 'invalid_api_key' } },
    401,
  );
  it('supported: no key and a wrong key are both refused', () => {
    const j = auth.judge(seen({ basic: ok(), 'no key': refused, 'wrong key': refused }), CTX);
    expect(j.verdict).toBe('supported');
  });
  it('refusals with any status (even 200 with an error body) count: their status is errors.status business', () => {
    const j = auth.judge(
      seen({ basic: ok(), 'no key': json({ error: { message: 'x' } }), 'wrong key': text('', 200) }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
  });
  it('ignored when both are served (any-key-accepted); partial when one is', () => {
    expect(auth.judge(seen({ basic: ok(), 'no key': ok(), 'wrong key': ok() }), CTX).verdict).toBe('ignored');
    const j = auth.judge(seen({ basic: ok(), 'no key': refused, 'wrong key': ok() }), CTX);
    expect(j).toMatchObject({ verdict: 'partial', decisive: 'wrong key' });
  });
  it('error when the configured key itself is refused; inconclusive when everything is refused', () => {
    expect(auth.judge(seen({ basic: refused, 'no key': refused, 'wrong key': refused }), CTX).summary).toContain(
      'configured key was refused',
    );
    expect(
      auth.judge(seen({ basic: json({ error: { message: 'x' } }, 400), 'no key': refused, 'wrong key': refused }), CTX)
        .verdict,
    ).toBe('inconclusive');
  });
});

describe('models.list', () => {
  const entry = (id: string) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'x' });
  it('supported when the model under test is listed in OpenAI shape', () => {
    expect(modelsList.judge(seen({ models: json({ object: 'list', data: [entry('m')] }) }), CTX).verdict).toBe(
      'supported',
    );
  });
  it('partial: nonstandard entries (models-list-nonstandard), empty list, model not listed', () => {
    const nonstandard = modelsList.judge(
      seen({ models: json({ object: 'list', data: [{ id: 'm', created_at: 1 }] }) }),
      CTX,
    );
    expect(nonstandard.verdict).toBe('partial');
    expect(nonstandard.summary).toContain('created_at');
    expect(modelsList.judge(seen({ models: json({ object: 'list', data: [] }) }), CTX).summary).toContain('empty');
    const millis = modelsList.judge(
      seen({ models: json({ object: 'list', data: [{ ...entry('m'), created: 1_700_000_000_000 }] }) }),
      CTX,
    );
    expect(millis.verdict, 'created in milliseconds (models-created-ms)').toBe('partial');
    expect(millis.summary).toContain('milliseconds');
    expect(modelsList.judge(seen({ models: json({ object: 'list', data: [entry('other')] }) }), CTX).summary).toContain(
      'not listed',
    );
  });
  it('rejected on 404 (models-endpoint-missing); broken without a data list', () => {
    expect(modelsList.judge(seen({ models: json({ error: {} }, 404) }), CTX).verdict).toBe('rejected');
    expect(modelsList.judge(seen({ models: text('<html>', 200, 'text/html') }), CTX).verdict).toBe('broken');
  });
});

describe('usage.tokenizer', () => {
  const GPT = { model: 'gpt-4o-mini', models: { model: 'gpt-4o-mini' } };
  const billed = (prompt: number) =>
    ok({ usage: { prompt_tokens: prompt, completion_tokens: 2, total_tokens: prompt + 2 } });
  const exact = {
    basic: chatPromptTokens('o200k_base', BASIC['messages'] as ChatMessageLike[]),
    long: chatPromptTokens('o200k_base', TOKENIZER_LONG['messages'] as ChatMessageLike[]),
  };
  const steps = (ctx: typeof GPT) => {
    const step = usageTokenizer.steps[0]!;
    return (typeof step === 'function' ? step({}, ctx) : step).map((r) => r.label);
  };

  it('is skipped, at no extra request, for a model without a public OpenAI tokenizer', () => {
    expect(steps({ model: 'claude-sonnet-4-6', models: { model: 'claude-sonnet-4-6' } })).toEqual(['basic']);
    const j = usageTokenizer.judge(seen({ basic: billed(10) }), CTX);
    expect(j.verdict).toBe('skipped');
    expect(j.summary).toMatch(/no public tokenizer for "m".*usage\.accounting/);
  });
  it('sends the long plain prompt for an OpenAI model and passes exact counts', () => {
    expect(steps(GPT)).toEqual(['basic', 'long plain prompt']);
    const j = usageTokenizer.judge(seen({ basic: billed(exact.basic), 'long plain prompt': billed(exact.long) }), GPT);
    expect(j.verdict).toBe('supported');
    expect(j.decisive).toBe('long plain prompt');
  });
  it('names an inflated count, with both numbers', () => {
    const j = usageTokenizer.judge(
      seen({ basic: billed(Math.round(exact.basic * 1.5)), 'long plain prompt': billed(Math.round(exact.long * 1.5)) }),
      GPT,
    );
    expect(j.verdict).toBe('partial');
    expect(j.summary).toMatch(/billed above the tokenizer's count/);
    expect(j.summary).toContain(`${exact.basic} and ${exact.long}`);
  });
  it('judges the basic request alone when the long one failed, and is inconclusive without prompt_tokens', () => {
    const j = usageTokenizer.judge(seen({ basic: billed(exact.basic + 7), 'long plain prompt': failed() }), GPT);
    expect(j.verdict).toBe('partial');
    expect(j.warnings?.join()).toMatch(/long plain prompt gave no integer prompt_tokens/);
    expect(usageTokenizer.judge(seen({ basic: ok({ usage: null }) }), GPT).verdict).toBe('inconclusive');
    expect(usageTokenizer.judge(seen({ basic: failed() }), GPT).verdict).toBe('error');
  });
});
