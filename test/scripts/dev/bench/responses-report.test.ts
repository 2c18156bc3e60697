// The /v1/responses bench verdicts: judged at c=50 with chat's ratios, errors fail a side, and
// an aimock comparison that could not run is a failed verdict, not a silent omission.
import { describe, expect, it } from 'vitest';
import type { ResponsesResult } from '../../../../scripts/dev/bench/responses.js';
import { renderResponses, responsesVerdicts } from '../../../../scripts/dev/bench/responses-report.js';
import type { ConcurrencyResult, SideSummary } from '../../../../scripts/dev/bench/throughput.js';

const side = (rps: number, errors = 0): SideSummary => ({
  runs: [],
  rps,
  p50: 1,
  p99: 2,
  cpuUs: 10,
  sysUs: 1,
  errors,
  non2xx: 0,
});
const at = (connections: number, mock: number, bare: number, errors = 0): ConcurrencyResult => ({
  connections,
  mock: side(mock, errors),
  bare: side(bare),
  ratio: mock / bare,
  pairedRatio: mock / bare,
  cpuRatio: 1,
});

function result(
  json: ConcurrencyResult[],
  stream: ConcurrencyResult[],
  aimock?: ResponsesResult['aimock'],
): ResponsesResult {
  return {
    json: { throughput: json, bodyBytes: 1000, requestBytes: 200, target: 0.85 },
    stream: { throughput: stream, events: 107, bodyBytes: 27000, requestBytes: 180, target: 0.55 },
    rounds: 3,
    seconds: 3,
    ...(aimock ? { aimock } : {}),
  };
}

describe('responsesVerdicts', () => {
  it('judges c=50 only, against 0.85 and 0.55', () => {
    const v = responsesVerdicts(result([at(1, 10, 100), at(50, 86, 100)], [at(50, 54, 100)]));
    expect(v.map((x) => [x.figure, x.pass])).toEqual([
      ['0.860', true],
      ['0.540', false],
    ]);
  });

  it('fails a side that had errors, whatever its ratio', () => {
    expect(responsesVerdicts(result([at(50, 100, 100, 3)], []))[0]!.pass).toBe(false);
  });

  it('judges aimock per request, and fails when it could not run', () => {
    const rows = [
      { connections: 50, kind: 'json' as const, mock: side(300), aimock: side(100), mockEvents: 1, aimockEvents: 1 },
      { connections: 50, kind: 'stream' as const, mock: side(90), aimock: side(100), mockEvents: 18, aimockEvents: 18 },
    ];
    const v = responsesVerdicts(result([], [], { describe: 'aimock', matchedChunkTokens: 10, rows }));
    expect(v.map((x) => [x.figure, x.pass])).toEqual([
      ['3.000', true],
      ['0.900', false],
    ]);
    const broken = responsesVerdicts(result([], [], { error: 'no response.completed' }));
    expect(broken).toEqual([{ target: '/v1/responses vs aimock', figure: 'no response.completed', pass: false }]);
  });

  it('states where the plumbing floor leaves each target: below it, or the margin it leaves the answer', () => {
    const withFloor = (t: ConcurrencyResult, floor: number): ConcurrencyResult => ({
      ...t,
      floor: side(floor),
      floorRatio: floor / t.bare.rps,
    });
    const md = renderResponses(result([withFloor(at(50, 50, 100), 83)], [withFloor(at(50, 30, 100), 100)])).join('\n');
    expect(md).toContain('| 50 | 50 | 1 / 2 | 100 | 1 / 2 | **0.500** | 0.500 | 0.830 |');
    expect(md).toContain(
      "Non-streamed, c=50: the plumbing floor scores 0.830 of bare (10 µs CPU per request against bare's 10), below the target of 0.85: no mock that reads and journals its request can meet it on this machine",
    );
    expect(md).toContain('Streamed, c=50: the plumbing floor scores 1.000 of bare');
    expect(md).toContain('0.450 above the target of 0.55');
    // Without a floor measured, no sentence claims anything about it.
    expect(renderResponses(result([at(50, 86, 100)], [])).join('\n')).not.toContain('plumbing floor scores');
  });

  it('renders both tables', () => {
    const md = renderResponses(result([at(50, 86, 100)], [at(50, 54, 100)])).join('\n');
    expect(md).toContain('## Throughput (/v1/responses)');
    expect(md).toContain('| 50 | 86 |');
    expect(md).toContain('| 50 | 54 |');
  });
});
