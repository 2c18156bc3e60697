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
