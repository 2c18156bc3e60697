import { describe, expect, it } from 'vitest';
import { developerRole, visionImageUrl } from '../../../suites/probes/inputs.js';
import { reasoningContent, reasoningEffort } from '../../../suites/probes/reasoning.js';
import { jsonContent, jsonObject, jsonSchema } from '../../../suites/probes/structured-output.js';
import { IMAGE_DATA_URL } from '../../../suites/wire/requests.js';
import { CTX, json, ok, seen, sse, sseOf, textChunks } from '../helpers.js';

const refused = (message: string) =>
  json({ error: { message, type: 'invalid_request_error', param: null, code: 'unsupported_parameter' } }, 400);
const BASE = 'without response_format';

describe('response_format', () => {
  const prose = ok({ content: 'A cat is a small furry animal.' });
  it('jsonContent: object, fenced, truncated, prose', () => {
    expect(jsonContent('{"a":1}', 'stop').kind).toBe('object');
    expect(jsonContent('```json\n{"a":1}\n```', 'stop').kind).toBe('fenced');
    expect(jsonContent('{"a": "long', 'length').kind).toBe('truncated');
    expect(jsonContent('A cat.', 'stop').kind).toBe('prose');
  });
  it('json_object: supported when the baseline was not raw JSON', () => {
    expect(
      jsonObject.judge(seen({ json_object: ok({ content: '{"cat":"small"}' }), [BASE]: prose }), CTX).verdict,
    ).toBe('supported');
  });
  it('json_object: the baseline may be a stream (stream-default-true relays)', () => {
    expect(
      jsonObject.judge(
        seen({ json_object: ok({ content: '{"cat":"small"}' }), [BASE]: sse(sseOf(textChunks(['A cat.']))) }),
        CTX,
      ).verdict,
    ).toBe('supported');
  });
  it('json_object: inconclusive when the model writes raw JSON anyway', () => {
    expect(
      jsonObject.judge(
        seen({ json_object: ok({ content: '{"cat":"small"}' }), [BASE]: ok({ content: '{"cat":"small"}' }) }),
        CTX,
      ),
    ).toMatchObject({ verdict: 'inconclusive', decisive: BASE });
  });
  it('json_object: broken when fenced (json-fenced), ignored when prose (response-format-ignored)', () => {
    expect(
      jsonObject.judge(seen({ json_object: ok({ content: '```json\n{"cat":"small"}\n```' }), [BASE]: prose }), CTX)
        .verdict,
    ).toBe('broken');
    expect(jsonObject.judge(seen({ json_object: prose, [BASE]: prose }), CTX).verdict).toBe('ignored');
  });
  it('json_schema: supported / broken when a required key is missing (schema-not-enforced) / rejected (json-schema-rejected)', () => {
    expect(
      jsonSchema.judge(
        seen({ json_schema: ok({ content: '{"name":"Tom","color":"grey","age":3}' }), [BASE]: prose }),
        CTX,
      ).verdict,
    ).toBe('supported');
    const j = jsonSchema.judge(
      seen({ json_schema: ok({ content: '{"name":"Tom","color":"grey"}' }), [BASE]: prose }),
      CTX,
    );
    expect(j.verdict).toBe('broken');
    expect(j.summary).toContain("missing property 'age'");
    expect(
      jsonSchema.judge(seen({ json_schema: refused('json_schema is unavailable'), [BASE]: prose }), CTX).verdict,
    ).toBe('rejected');
  });
});

describe('reasoning.effort', () => {
  const run = (reasoning_tokens: number, finish = 'stop') =>
    ok({
      content: 'no',
      finish,
      reasoningContent: 'x'.repeat(reasoning_tokens * 4),
      usage: {
        prompt_tokens: 10,
        completion_tokens: reasoning_tokens + 1,
        total_tokens: reasoning_tokens + 11,
        completion_tokens_details: { reasoning_tokens },
      },
    });
  const invalidStep = reasoningEffort.steps[2] as (
    s: ReturnType<typeof seen>,
  ) => Array<{ label: string; body?: Record<string, unknown>; noRetry?: boolean }>;
  const badValue = json(
    {
      error: {
        message: "Invalid value: 'relaycheck-invalid-effort'. Supported values are: 'low', 'medium', and 'high'.",
        type: 'invalid_request_error',
        param: 'reasoning_effort',
        code: 'invalid_value',
      },
    },
    400,
  );
  it('supported when high reasons clearly more, without the invalid-value request', () => {
    const s = seen({ low: run(20), high: run(120) });
    expect(reasoningEffort.judge(s, CTX).verdict).toBe('supported');
    expect(invalidStep(s)).toEqual([]);
  });
  it('flat: an invalid value decides; accepted is ignored (reasoning-effort-ignored), refused is inconclusive', () => {
    const flat = { low: run(60), high: run(62) };
    const next = invalidStep(seen(flat));
    expect(next.map((r) => r.label)).toEqual(['invalid reasoning_effort']);
    expect(next[0]!.body).toMatchObject({ reasoning_effort: 'relaycheck-invalid-effort', max_tokens: 16 });
    expect(next[0]!.noRetry).toBe(true);
    const accepted = reasoningEffort.judge(seen({ ...flat, 'invalid reasoning_effort': run(5) }), CTX);
    expect(accepted.verdict).toBe('ignored');
    expect(accepted.summary).toContain('was answered too');
    const reaches = reasoningEffort.judge(seen({ ...flat, 'invalid reasoning_effort': badValue }), CTX);
    expect(reaches.verdict).toBe('inconclusive');
    expect(reaches.summary).toContain('the parameter reaches the model');
    expect(reaches.summary).toContain('as long at both levels');
    // Not sent or failed: flat alone is never ignored.
    expect(reasoningEffort.judge(seen(flat), CTX).verdict).toBe('inconclusive');
  });
  it('the invalid-value request uses max_completion_tokens when high needed it', () => {
    const next = invalidStep(
      seen({
        low: refused('max_tokens'),
        'low (max_completion_tokens)': run(60),
        high: refused('max_tokens'),
        'high (max_completion_tokens)': run(61),
      }),
    );
    expect(next[0]!.body).toHaveProperty('max_completion_tokens', 16);
    expect(next[0]!.body).not.toHaveProperty('max_tokens');
  });
  it("inconclusive when high hit the probe's own cap and low did not, without the invalid-value request", () => {
    const s = seen({ low: run(250), high: run(290, 'length') });
    const j = reasoningEffort.judge(s, CTX);
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toContain("high hit the probe's own cap");
    expect(invalidStep(s)).toEqual([]);
  });
  it('inconclusive: both capped, inverted, or too little to tell', () => {
    expect(reasoningEffort.judge(seen({ low: run(298, 'length'), high: run(299, 'length') }), CTX).verdict).toBe(
      'inconclusive',
    );
    expect(reasoningEffort.judge(seen({ low: run(120), high: run(20) }), CTX).verdict).toBe('inconclusive');
    expect(reasoningEffort.judge(seen({ low: run(3), high: run(4) }), CTX).verdict).toBe('inconclusive');
  });
  it('rejected (reasoning-effort-rejected); a refusal naming max_tokens is retried with max_completion_tokens', () => {
    expect(
      reasoningEffort.judge(seen({ low: refused("Unsupported parameter: 'reasoning_effort'"), high: run(120) }), CTX)
        .verdict,
    ).toBe('rejected');
    const step = reasoningEffort.steps[1] as (
      s: ReturnType<typeof seen>,
    ) => Array<{ label: string; body?: Record<string, unknown> }>;
    const next = step(
      seen({
        low: refused("Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead."),
        high: run(120),
      }),
    );
    expect(next.map((r) => r.label)).toEqual(['low (max_completion_tokens)']);
    expect(next[0]!.body).toHaveProperty('max_completion_tokens');
    expect(
      reasoningEffort.judge(
        seen({ low: refused('max_tokens'), 'low (max_completion_tokens)': run(20), high: run(120) }),
        CTX,
      ).verdict,
    ).toBe('supported');
  });
});

describe('reasoning.content', () => {
  it('supported with reasoning_content; partial when renamed or in <think> tags', () => {
    expect(
      reasoningContent.judge(seen({ high: ok({ content: 'no', reasoningContent: 'Let me think.' }) }), CTX).verdict,
    ).toBe('supported');
    expect(
      reasoningContent.judge(seen({ high: ok({ content: 'no', reasoning: 'Let me think.' }) }), CTX).summary,
    ).toContain('`reasoning`');
    expect(
      reasoningContent.judge(seen({ high: ok({ content: '<think>Let me think.</think>no' }) }), CTX).summary,
    ).toContain('<think>');
    const dropped = ok({
      content: 'no',
      usage: {
        prompt_tokens: 5,
        completion_tokens: 40,
        total_tokens: 45,
        completion_tokens_details: { reasoning_tokens: 39 },
      },
    });
    // Counted, no text: what OpenAI's o-series does; hidden by the model or dropped by the relay.
    const hidden = reasoningContent.judge(seen({ high: dropped }), CTX);
    expect(hidden.verdict).toBe('inconclusive');
    expect(hidden.summary).toContain('counted (39 reasoning_tokens) but not returned as text');
    expect(hidden.summary).toContain('o-series');
  });
  it('ignored when there is neither reasoning text nor a reasoning count (reasoning-dropped)', () => {
    const noDetails = reasoningContent.judge(seen({ high: ok({ content: 'no' }) }), CTX);
    expect(noDetails.verdict).toBe('ignored');
    expect(noDetails.summary).toContain('no reasoning text and no reasoning_tokens');
    const zero = ok({
      content: 'no',
      usage: {
        prompt_tokens: 5,
        completion_tokens: 1,
        total_tokens: 6,
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(reasoningContent.judge(seen({ high: zero }), CTX).verdict).toBe('ignored');
  });
  it('sends its own request only when the high-effort one failed, so a refused reasoning_effort is not charged here', () => {
    const step = reasoningContent.steps[2] as (
      s: ReturnType<typeof seen>,
    ) => Array<{ label: string; body?: Record<string, unknown> }>;
    expect(step(seen({ high: ok({ reasoningContent: 'x' }) }))).toEqual([]);
    const own = step(seen({ high: refused("Unsupported parameter: 'reasoning_effort'") }));
    expect(own[0]!.body).not.toHaveProperty('reasoning_effort');
    const j = reasoningContent.judge(
      seen({
        high: refused('reasoning_effort'),
        'without reasoning_effort': ok({ reasoningContent: 'Let me think.' }),
      }),
      CTX,
    );
    expect(j.verdict).toBe('supported');
  });
});

describe('messages.developer_role', () => {
  it('supported when obeyed; ignored when only the system message is (developer-role-dropped); rejected; inconclusive', () => {
    expect(developerRole.judge(seen({ developer: ok({ content: 'BANANA' }) }), CTX).verdict).toBe('supported');
    expect(
      developerRole.judge(seen({ developer: ok({ content: 'Hi!' }), system: ok({ content: 'BANANA' }) }), CTX).verdict,
    ).toBe('ignored');
    expect(developerRole.judge(seen({ developer: refused("'developer' is not a supported role") }), CTX).verdict).toBe(
      'rejected',
    );
    expect(
      developerRole.judge(seen({ developer: ok({ content: 'Hi!' }), system: ok({ content: 'Hello' }) }), CTX).verdict,
    ).toBe('inconclusive');
  });
});

describe('vision.image_url', () => {
  it('sends a real PNG data URL', () => {
    const png = Buffer.from(IMAGE_DATA_URL.split(',')[1]!, 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });
  it('supported when the colour is named; ignored when the answer is the same without the image (image-dropped)', () => {
    expect(visionImageUrl.judge(seen({ 'with image': ok({ content: 'Red.' }) }), CTX).verdict).toBe('supported');
    expect(
      visionImageUrl.judge(
        seen({ 'with image': ok({ content: 'I see no image.' }), 'without image': ok({ content: 'I see no image.' }) }),
        CTX,
      ).verdict,
    ).toBe('ignored');
  });
  it('inconclusive when the model cannot tell the colour but the image made a difference; rejected (image-rejected)', () => {
    expect(
      visionImageUrl.judge(
        seen({ 'with image': ok({ content: 'A square.' }), 'without image': ok({ content: 'Which image?' }) }),
        CTX,
      ).verdict,
    ).toBe('inconclusive');
    expect(visionImageUrl.judge(seen({ 'with image': refused('Image inputs are not supported') }), CTX).verdict).toBe(
      'rejected',
    );
  });
});
