// Streaming figures: the burst (many concurrent long streams at zero pacing: chunks/s and
// time to first byte) and pacing accuracy (inter-event gaps at a configured tokens/s).
import { Agent } from 'node:http';
import { countBody } from './request.js';
import { quantile, streamOnce, type StreamResult } from './sse-client.js';
import { median } from './stats.js';

export interface BurstRound {
  chunksPerSecond: number;
  totalChunks: number;
  seconds: number;
  ttfbP50: number;
  ttfbP95: number;
  ttfbMax: number;
  /** Request start → response headers. */
  headersP50: number;
  headersP95: number;
  failed: number;
}

export interface BurstResult {
  streams: number;
  /** N in "Count from 1 to N". */
  countTo: number;
  /** Chunks per stream, as counted on the client (data events other than [DONE]). */
  chunksPerStream: number;
  rounds: BurstRound[];
  chunksPerSecond: number;
  ttfbP50: number;
  ttfbP95: number;
  headersP50: number;
  headersP95: number;
}

/** Finds N so that "Count from 1 to N" streams about `target` chunks (two tries, then as is). */
export async function calibrateCount(
  baseUrl: string,
  target: number,
  log: (l: string) => void,
): Promise<{ n: number; chunks: number; tried: Array<{ n: number; chunks: number }> }> {
  let n = 340;
  let chunks = 0;
  const tried: Array<{ n: number; chunks: number }> = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await streamOnce(baseUrl, countBody(n));
    chunks = r.chunks;
    tried.push({ n, chunks });
    log(`  "Count from 1 to ${n}": ${chunks} chunks (status ${r.status}, [DONE] ${r.done ? 'yes' : 'no'})`);
    if (r.status !== 200 || chunks === 0) throw new Error(`the mock answered the count request with ${r.status}`);
    if (Math.abs(chunks - target) / target <= 0.03 || attempt === 2) break;
    n = Math.max(1, Math.round((n * target) / chunks));
  }
  return { n, chunks, tried };
}

export async function measureBurst(
  baseUrl: string,
  opts: { streams: number; countTo: number; rounds: number; log: (l: string) => void },
): Promise<BurstResult> {
  const body = countBody(opts.countTo);
  const rounds: BurstRound[] = [];
  let perStream = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    // A fresh agent per round: every stream opens its own connection, as 100 clients would.
    const agent = new Agent({ keepAlive: false, maxSockets: opts.streams });
    const t0 = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: opts.streams }, () => streamOnce(baseUrl, body, { agent, timeoutMs: 60_000 })),
    );
    const seconds = (performance.now() - t0) / 1000;
    agent.destroy();
    const ok = settled.filter(
      (s): s is PromiseFulfilledResult<StreamResult> =>
        s.status === 'fulfilled' && s.value.status === 200 && s.value.done,
    );
    const total = ok.reduce((n, s) => n + s.value.chunks, 0);
    perStream = ok[0]?.value.chunks ?? perStream;
    const ttfb = ok.map((s) => s.value.ttfbMs);
    const heads = ok.map((s) => s.value.headersMs);
    const r: BurstRound = {
      chunksPerSecond: total / seconds,
      totalChunks: total,
      seconds,
      ttfbP50: quantile(ttfb, 0.5),
      ttfbP95: quantile(ttfb, 0.95),
      ttfbMax: Math.max(...ttfb),
      headersP50: quantile(heads, 0.5),
      headersP95: quantile(heads, 0.95),
      failed: opts.streams - ok.length,
    };
    rounds.push(r);
    opts.log(
      `  burst round ${round}/${opts.rounds}: ${Math.round(r.chunksPerSecond).toLocaleString('en-US')} chunks/s (${total} chunks in ${seconds.toFixed(2)} s), first chunk p50 ${r.ttfbP50.toFixed(1)} ms p95 ${r.ttfbP95.toFixed(1)} ms, headers p50 ${r.headersP50.toFixed(1)} ms p95 ${r.headersP95.toFixed(1)} ms, failed ${r.failed}`,
    );
  }
  return {
    streams: opts.streams,
    countTo: opts.countTo,
    chunksPerStream: perStream,
    rounds,
    chunksPerSecond: median(rounds.map((r) => r.chunksPerSecond)),
    ttfbP50: median(rounds.map((r) => r.ttfbP50)),
    ttfbP95: median(rounds.map((r) => r.ttfbP95)),
    headersP50: median(rounds.map((r) => r.headersP50)),
    headersP95: median(rounds.map((r) => r.headersP95)),
  };
}

export interface PacingResult {
  tokensPerSecond: number;
  expectedGapMs: number;
  streams: number;
  gaps: number;
  gapP50: number;
  gapP95: number;
  meanGap: number;
  /** Quantiles of |gap - expected| / expected. */
  errP50: number;
  errP95: number;
  errMax: number;
  /** Per stream: last event - first event vs (events - 1) × expected gap. */
  durationError: number;
}

/** `streams` paced streams, `concurrency` at a time; every gap between consecutive events of a stream. */
export async function measurePacing(
  baseUrl: string,
  body: string,
  opts: { tokensPerSecond: number; streams: number; concurrency: number; log: (l: string) => void },
): Promise<PacingResult> {
  const expected = 1000 / opts.tokensPerSecond;
  const gaps: number[] = [];
  const durationErrors: number[] = [];
  let done = 0;
  while (done < opts.streams) {
    const batch = Math.min(opts.concurrency, opts.streams - done);
    const results = await Promise.all(
      Array.from({ length: batch }, () => streamOnce(baseUrl, body, { keepArrivals: true, timeoutMs: 30_000 })),
    );
    for (const r of results) {
      if (r.status !== 200) throw new Error(`paced stream answered ${r.status}`);
      for (let i = 1; i < r.arrivals.length; i++) gaps.push(r.arrivals[i]! - r.arrivals[i - 1]!);
      const n = r.arrivals.length;
      if (n > 1) durationErrors.push((r.arrivals[n - 1]! - r.arrivals[0]!) / ((n - 1) * expected) - 1);
    }
    done += batch;
  }
  const errs = gaps.map((g) => Math.abs(g - expected) / expected);
  const out: PacingResult = {
    tokensPerSecond: opts.tokensPerSecond,
    expectedGapMs: expected,
    streams: opts.streams,
    gaps: gaps.length,
    gapP50: quantile(gaps, 0.5),
    gapP95: quantile(gaps, 0.95),
    meanGap: gaps.reduce((a, b) => a + b, 0) / gaps.length,
    errP50: quantile(errs, 0.5),
    errP95: quantile(errs, 0.95),
    errMax: Math.max(...errs),
    durationError: median(durationErrors),
  };
  opts.log(
    `  pacing: ${out.gaps} gaps, mean ${out.meanGap.toFixed(2)} ms; |gap-${expected}ms|/${expected}ms p50 ${(out.errP50 * 100).toFixed(1)}% p95 ${(out.errP95 * 100).toFixed(1)}% max ${(out.errMax * 100).toFixed(1)}%`,
  );
  return out;
}
