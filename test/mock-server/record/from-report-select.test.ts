// The pure choice of breaks that reproduce a report's verdicts.
import { describe, expect, it } from 'vitest';
import { breaks } from '../../../spec/breaks.js';
import type { ReportTarget, ReportVerdict } from '../../../spec/generated/types.js';
import { describeSelection, pickTarget, selectBreaks } from '../../../mock-server/from-report/select.js';

const catalogue = [
  { id: 'a', flips: { f1: 'ignored' as const } },
  { id: 'b', flips: { f1: 'ignored' as const, f2: 'broken' as const } },
  { id: 'c', flips: { f3: 'partial' as const }, conflicts: ['d'] },
  { id: 'd', flips: { f3: 'partial' as const, f4: 'rejected' as const } },
  { id: 'e', flips: { f4: 'rejected' as const, f5: 'broken' as const } },
  { id: 'params-only', flips: {} },
];
const v = (o: Record<string, ReportVerdict>): Record<string, ReportVerdict> => o;

describe('selectBreaks', () => {
  it('chooses no break for an all-supported report', () => {
    const s = selectBreaks(v({ f1: 'supported', f2: 'supported' }), catalogue);
    expect(s.breaks).toEqual([]);
    expect(s.notReproducible).toEqual([]);
    expect(s.supported).toEqual(['f1', 'f2']);
  });
  it('prefers one break covering two verdicts over two breaks', () => {
    const s = selectBreaks(v({ f1: 'ignored', f2: 'broken', f3: 'supported' }), catalogue);
    expect(s.breaks).toEqual(['b']);
    expect(s.reproduced).toEqual([
      { feature: 'f1', verdict: 'ignored', by: 'b' },
      { feature: 'f2', verdict: 'broken', by: 'b' },
    ]);
  });
  it('never picks a break that would flip a feature to a verdict the report does not have', () => {
    // b would also flip f2 to broken, measured supported: only a fits.
    const s = selectBreaks(v({ f1: 'ignored', f2: 'supported' }), catalogue);
    expect(s.breaks).toEqual(['a']);
  });
  it('respects conflicts, listing what is left as not reproducible', () => {
    // d covers f3+f4; c (conflicting with d) is then never added.
    const s = selectBreaks(v({ f3: 'partial', f4: 'rejected', f5: 'supported' }), catalogue);
    expect(s.breaks).toEqual(['d']);
    const s2 = selectBreaks(v({ f3: 'partial', f4: 'rejected', f5: 'broken' }), catalogue);
    // e covers f4+f5, d covers f3+f4: greedy takes d first (tie, catalogue order), then e for f5.
    expect(s2.breaks).toEqual(['d', 'e']);
    expect(s2.notReproducible).toEqual([]);
  });
  it('lists verdicts no break expresses as not reproducible, with their verdicts', () => {
    const s = selectBreaks(v({ f1: 'rejected', f2: 'inconclusive', f6: 'error', f3: 'partial' }), catalogue);
    expect(s.breaks).toEqual(['c']);
    expect(s.notReproducible).toEqual([
      { feature: 'f1', verdict: 'rejected' },
      { feature: 'f2', verdict: 'inconclusive' },
      { feature: 'f6', verdict: 'error' },
    ]);
    expect(describeSelection('relay', s).join('\n')).toContain(
      'not reproducible: f1 rejected, f2 inconclusive, f6 error',
    );
  });
  it('on the real catalogue: one break on its own is found again from its flips', () => {
    for (const b of breaks()) {
      const flips = Object.entries(b.flips);
      if (flips.length === 0) continue;
      const s = selectBreaks(Object.fromEntries(flips) as Record<string, ReportVerdict>, breaks());
      expect(s.notReproducible, b.id).toEqual([]);
      // Fewest breaks: never more than one for a single break's flips.
      expect(s.breaks, b.id).toHaveLength(1);
    }
  });
});

describe('pickTarget', () => {
  const t = (name: string) => ({ name }) as ReportTarget;
  it('takes the only target, or the one named', () => {
    expect(pickTarget([t('x')], undefined).name).toBe('x');
    expect(pickTarget([t('x'), t('y')], 'y').name).toBe('y');
  });
  it('refuses to guess among several, naming them', () => {
    expect(() => pickTarget([t('x'), t('y')], undefined)).toThrow(/choose one with --target \(x, y\)/);
    expect(() => pickTarget([t('x')], 'z')).toThrow(/no target 'z' \(targets: x\)/);
  });
});
