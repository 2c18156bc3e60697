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

  it('renders both tables', () => {
    const md = renderResponses(result([at(50, 86, 100)], [at(50, 54, 100)])).join('\n');
    expect(md).toContain('## Throughput (/v1/responses)');
    expect(md).toContain('| 50 | 86 |');
    expect(md).toContain('| 50 | 54 |');
  });
});
