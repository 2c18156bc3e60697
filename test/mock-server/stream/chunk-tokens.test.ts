// chunkTokens: several content tokens per delta, the same message assembled.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { assemble, body, mock, stream } from '../helpers.js';

const request = body('Count from 1 to 20', {
  stream: true,
  stream_options: { include_usage: true },
  logprobs: true,
});

describe('chunkTokens: tokens per streamed delta', () => {
  it('groups k tokens per content delta; content, logprobs and usage are those of one token per delta', async () => {
    const one = assemble((await stream(mock().app, request)).chunks);
    const a = one.choices[0]!;
    expect(a.contentChunks).toBeGreaterThan(20);
    for (const k of [2, 3, 7]) {
      const got = assemble((await stream(mock({ chunkTokens: k }).app, request)).chunks);
      const b = got.choices[0]!;
      expect(b.content).toBe(a.content);
      expect(b.contentChunks, `k=${k}`).toBe(Math.ceil(a.contentChunks / k));
      // One logprobs entry per token, however many tokens a delta carries.
      expect(b.logprobs).toEqual(a.logprobs);
      expect(got.usage).toEqual(one.usage);
      expect(b.finishReason).toBe(a.finishReason);
    }
  });

  it('defaults to 1 and refuses anything but a positive integer', () => {
    expect(resolveOptions().chunkTokens).toBe(1);
    for (const bad of [0, -1, 1.5, Number.NaN, 1001])
      expect(() => resolveOptions({ chunkTokens: bad }), String(bad)).toThrow(/chunkTokens must be an integer/);
  });
});
