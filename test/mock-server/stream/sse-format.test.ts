import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactJson, formatEvents, OPENAI_FRAMING } from '../../../mock-server/stream/sse-format.js';

const head = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1735689600,
  model: 'mock-model',
  system_fingerprint: 'fp_x',
};

describe("CompactJson: a stream's repeated head serialised once, the same bytes as JSON.stringify", () => {
  it('matches JSON.stringify on chunks that share, change, reorder or drop the head', () => {
    const chunk = fc.record(
      {
        id: fc.constantFrom('chatcmpl-1', 'chatcmpl-2'),
        object: fc.constantFrom('chat.completion.chunk', 'chat.completion'),
        created: fc.constantFrom(1735689600, 0, -1, 1.5),
        model: fc.constantFrom('mock-model', 'gpt-x', ''),
        system_fingerprint: fc.constantFrom('fp_x', 'fp_"quoted"\n'),
        choices: fc.array(fc.jsonValue(), { maxLength: 3 }),
        usage: fc.option(fc.jsonValue(), { nil: undefined }),
      },
      { requiredKeys: ['id', 'choices'] },
    );
    // Reordered keys, extra keys, arrays and scalars go through the fallback.
    const payload = fc.oneof(
      chunk,
      chunk.map((c) => ({ ...c, extra: 'x' })),
      chunk.map((c) => Object.fromEntries(Object.entries(c).reverse())),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 8 }), (payloads) => {
        const compact = new CompactJson();
        for (const p of payloads) expect(compact.stringify(p)).toBe(JSON.stringify(p));
      }),
      { numRuns: 1000 },
    );
  });

  it("matches JSON.stringify on content chunks' choices, the fast path and every near miss of it", () => {
    const delta = fc.oneof(
      fc.record({ content: fc.string({ unit: 'grapheme', maxLength: 12 }) }),
      fc.record({ content: fc.constantFrom(null, 1, '\n', '"', '\u2028', '\ud800') }),
      fc.record({ content: fc.string({ maxLength: 3 }), role: fc.constant('assistant') }),
      fc.record({ role: fc.constant('assistant'), content: fc.string({ maxLength: 3 }) }),
      fc.constant({}),
    );
    const choice = fc.oneof(
      fc.record({
        index: fc.constantFrom(0, 1, 15, -0, 1.5, -1, Number.MAX_SAFE_INTEGER + 2, Number.NaN),
        delta,
        logprobs: fc.constantFrom(null, undefined, { content: [] }),
        finish_reason: fc.constantFrom(null, 'stop', undefined),
      }),
      // The same keys in another order, or one more.
      fc.record({ delta, index: fc.nat(3), logprobs: fc.constant(null), finish_reason: fc.constant(null) }),
      fc.record({
        index: fc.nat(3),
        delta,
        logprobs: fc.constant(null),
        finish_reason: fc.constant(null),
        extra: fc.constant(1),
      }),
    );
    const choices = fc.oneof(fc.tuple(choice), fc.array(choice, { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(choices, { minLength: 1, maxLength: 6 }), (list) => {
        const compact = new CompactJson();
        for (const c of list) {
          const chunk = { ...head, choices: c, usage: null };
          expect(compact.stringify(chunk)).toBe(JSON.stringify(chunk));
          // Without include_usage, and wrapped as an SSE event (formatEvents' path).
          const bare = { ...head, choices: c };
          expect(compact.wrap(bare, 'data: ', '\n\n')).toBe(`data: ${JSON.stringify(bare)}\n\n`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out undefined fields after the head, as JSON.stringify does', () => {
    const compact = new CompactJson();
    const chunks = [
      { ...head, choices: [], usage: null },
      { ...head, choices: [{ index: 0 }], usage: undefined },
      { ...head, id: 'other', choices: [] },
    ];
    for (const c of chunks) expect(compact.stringify(c)).toBe(JSON.stringify(c));
  });

  it('formats each chunk as one OpenAI event, then [DONE]', () => {
    const events = formatEvents([{ ...head, choices: [] }, 'raw'], OPENAI_FRAMING);
    expect(events).toEqual([
      `data: ${JSON.stringify({ ...head, choices: [] })}\n\n`,
      'data: raw\n\n',
      'data: [DONE]\n\n',
    ]);
  });
});
