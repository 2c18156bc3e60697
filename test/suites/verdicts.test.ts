import { describe, expect, it } from 'vitest';
import { worst } from '../../suites/wire/types.js';
import { junitOutcome } from '../../suites/report/render/junit.js';
import { VERDICT_INFO } from '../../suites/report/render/verdicts.js';
import { BY_SEVERITY, VERDICT_TABLE, VERDICTS, isMeasured, verdictRank } from '../../suites/verdicts.js';
import { vitestOutcome } from '../../suites/vitest.js';

describe('the verdict table', () => {
  it('severity agrees with the gate rank for every pair both order', () => {
    const ranked = VERDICTS.filter(isMeasured);
    expect(ranked).toEqual(['supported', 'partial', 'rejected', 'ignored', 'broken']);
    for (const a of ranked)
      for (const b of ranked)
        if (verdictRank(a)! < verdictRank(b)!)
          expect(VERDICT_TABLE[a].severity, `${a} vs ${b}`).toBeLessThan(VERDICT_TABLE[b].severity);
  });

  it('worst() follows the table: measured defects, then not measured, then good results', () => {
    expect(BY_SEVERITY).toEqual([
      'broken',
      'ignored',
      'rejected',
      'error',
      'inconclusive',
      'partial',
      'supported',
      'skipped',
    ]);
    expect(worst('rejected', 'ignored')).toBe('ignored');
    expect(worst('partial', 'inconclusive')).toBe('inconclusive');
    expect(worst('error', 'broken')).toBe('broken');
    expect(worst('supported', 'error')).toBe('error');
    expect(worst('supported', 'skipped')).toBe('supported');
    expect(worst()).toBe('skipped');
  });

  it('JUnit and vitest skip only what measured nothing; a refusal fails', () => {
    expect(junitOutcome('rejected', false)).toBe('failure');
    expect(vitestOutcome('rejected', false)).toBe('fail');
    for (const v of VERDICTS) {
      const skipped = junitOutcome(v, false) === 'skipped';
      if (skipped) expect(isMeasured(v), v).toBe(false);
      expect(vitestOutcome(v, false) === 'skip', v).toBe(skipped);
      expect(junitOutcome(v, true)).toBe(v === 'supported' ? 'pass' : 'failure');
      expect(vitestOutcome(v, true)).toBe(v === 'supported' ? 'pass' : 'fail');
    }
    expect(junitOutcome('missing', false)).toBe('skipped');
  });

  it('the renderers take their marks from it', () => {
    for (const v of VERDICTS) expect(VERDICT_INFO[v].emoji).toBe(VERDICT_TABLE[v].emoji);
    expect(new Set(VERDICTS.map((v) => VERDICT_INFO[v].glyph)).size).toBe(VERDICTS.length);
  });
});
