// The gateway report's data: the two passes really pace the upstream differently (the paced
// one delivers a stream's events in reads of their own, as a real model's upstream does, which
// is what makes @nullplatform/llm-gateway corrupt its streams), and what the closing note
// watches exists.
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../../mock-server/index.js';
import { featureIds } from '../../../../spec/features.js';
import { GATEWAYS, PACINGS, WATCHED } from '../../../../scripts/dev/gateways/table.js';
import { BASIC_STREAMED } from '../../../../suites/wire/requests.js';

/** The reads a client makes of the basic request's stream, and how long it took. */
async function readsOf(pacing: (typeof PACINGS)[number]['pacing']): Promise<{ reads: number; ms: number }> {
  const mock = createMockProvider({ journalSize: 0, pacing });
  const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
  try {
    const started = performance.now();
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ ...BASIC_STREAMED, model: 'mock-model' }),
    });
    const reader = res.body!.getReader();
    let reads = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) reads++;
    return { reads, ms: performance.now() - started };
  } finally {
    await mock.stop();
  }
}

describe('the gateway report passes', () => {
  it('are unpaced, then paced like a real model', () => {
    expect(PACINGS.map((p) => p.id)).toEqual(['unpaced', 'paced']);
    expect(PACINGS[0]!.pacing).toEqual({});
    expect(PACINGS[1]!.pacing.firstTokenMs).toBeGreaterThan(0);
    expect(PACINGS[1]!.pacing.tokensPerSecond).toBeGreaterThan(0);
  });

  it('paced, the stream comes in many reads after the first-token delay; unpaced, at once', async () => {
    const paced = await readsOf(PACINGS[1]!.pacing);
    const unpaced = await readsOf(PACINGS[0]!.pacing);
    // Seven content deltas, the finish chunk and [DONE], each written on its own schedule: the
    // stream lasts at least the first-token delay plus the eight gaps between them. A loaded
    // machine may read two writes 2 ms apart at once, so the reads are only bounded below by a few.
    const { firstTokenMs, tokensPerSecond } = PACINGS[1]!.pacing;
    expect(paced.ms).toBeGreaterThanOrEqual(firstTokenMs! + 8 * (1000 / tokensPerSecond!) * 0.9);
    expect(paced.reads).toBeGreaterThanOrEqual(3);
    expect(unpaced.reads).toBeLessThan(paced.reads);
  });

  it('watch gateways and features that exist; nullplatform is measured at the version issue 27 names', () => {
    const ids = new Set(featureIds());
    for (const w of WATCHED) {
      expect(GATEWAYS.map((g) => g.name)).toContain(w.gateway);
      expect(ids.has(w.feature), w.feature).toBe(true);
    }
    expect(GATEWAYS.find((g) => g.name === 'nullplatform')).toMatchObject({
      package: '@nullplatform/llm-gateway',
      version: '2.0.11',
    });
  });
});
