// The storm: 500 concurrent streaming clients, a third hanging up mid-stream (the mock paces
// its streams so they are in flight when they do), twice after a warm-up storm. In its own
// process started with --expose-gc (scripts/dev/reliability/soak.ts), so the heap is measured
// after real garbage collections.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/dev/reliability/soak.js';

describe('load: 500 concurrent streams, a third disconnecting mid-stream', () => {
  it('every surviving stream completes, nothing unhandled, heap and handles back to the baseline', async () => {
    const figures = await runSoak(
      { clients: 500, storms: 2, warmup: 1, tokensPerSecond: 40, disconnectEvery: 3 },
      60_000,
    );
    expect(figures.unhandled).toEqual([]);
    for (const storm of figures.storms) {
      expect(storm.problems).toEqual([]);
      expect(storm.broken).toBe(0);
      expect(storm.disconnected).toBe(167);
      expect(storm.complete).toBe(333);
    }
    // Retained heap after GC: within 3 MiB of the baseline, storm after storm (no growth).
    for (const heap of [...figures.heapAfterStormMiB, figures.finalHeapMiB])
      expect(heap - figures.baselineHeapMiB).toBeLessThan(3);
    // The same open handles as before the storms: the listening server and the process's pipes, no socket or timer
    // left.
    expect(figures.finalHandles).toEqual(figures.baselineHandles);
    expect(
      Object.keys(figures.finalHandles).filter((k) => !['TCPServerWrap', 'PipeWrap', 'TTYWrap'].includes(k)),
    ).toEqual([]);
  }, 60_000);
});
