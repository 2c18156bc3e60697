// Across protocols, pure: synthetic results on a synthetic catalogue with three surfaces
// (messages included, before the catalogue has it), so each rule is seen on its own.
import { describe, expect, it } from 'vitest';
import type { ReportResult, ReportVerdict } from '../../../spec/generated/types.js';
import { compareSurfaces, crossDifferences, type CrossCatalogue } from '../../../suites/report/cross-protocol.js';

const CATALOGUE: CrossCatalogue = {
  aspects: [
    { id: 'answer', title: 'Plain answer' },
    { id: 'caching', title: 'Prompt caching' },
    { id: 'reasoning', title: 'Reasoning' },
    { id: 'errors', title: 'Errors' },
    { id: 'auth', title: 'Authentication' },
  ],
  features: [
    { id: 'chat.basic', needs: 'model', aspect: 'answer' },
    { id: 'usage.cache', needs: 'model', aspect: 'caching' },
    { id: 'reasoning.content', needs: 'reasoning-model', aspect: 'reasoning' },
    { id: 'errors.status', needs: 'model', aspect: 'errors' },
    { id: 'errors.in_band', needs: 'model', aspect: 'errors' },
    { id: 'auth', needs: 'model', aspect: 'auth' },
    { id: 'seed', needs: 'model' },
    { id: 'responses.basic', surface: 'responses', needs: 'model', aspect: 'answer' },
    { id: 'responses.reasoning', surface: 'responses', needs: 'reasoning-model', aspect: 'reasoning' },
    { id: 'responses.errors', surface: 'responses', needs: 'model', aspect: 'errors' },
    { id: 'messages.basic', surface: 'messages', needs: 'model', aspect: 'answer' },
    { id: 'messages.cache', surface: 'messages', needs: 'model', aspect: 'caching' },
    { id: 'messages.thinking', surface: 'messages', needs: 'reasoning-model', aspect: 'reasoning' },
  ],
};

function results(verdicts: Record<string, ReportVerdict>): ReportResult[] {
  return Object.entries(verdicts).map(([feature, verdict]) => ({
    feature,
    verdict,
    summary: `${feature}: ${verdict} because reasons`,
    evidence: [],
    reproduce: '',
  }));
}

function target(verdicts: Record<string, ReportVerdict>, reasoningModel?: string) {
  return { model: 'm', ...(reasoningModel ? { reasoningModel } : {}), results: results(verdicts) };
}

const ALL_SUPPORTED: Record<string, ReportVerdict> = Object.fromEntries(
  CATALOGUE.features.map((f) => [f.id, 'supported' as ReportVerdict]),
);

describe('compareSurfaces', () => {
  it('names caching lost on chat and kept on messages, with the features and their summaries', () => {
    const cmp = compareSurfaces(target({ ...ALL_SUPPORTED, 'usage.cache': 'ignored' }, 'r'), CATALOGUE);
    const caching = cmp.find((c) => c.aspect === 'caching')!;
    expect(caching).toEqual({
      aspect: 'caching',
      title: 'Prompt caching',
      model: 'm',
      status: 'loss',
      surfaces: [
        {
          surface: 'chat',
          verdict: 'ignored',
          outcome: 'worse',
          features: [{ feature: 'usage.cache', verdict: 'ignored', summary: 'usage.cache: ignored because reasons' }],
        },
        {
          surface: 'messages',
          verdict: 'supported',
          outcome: 'best',
          features: [
            { feature: 'messages.cache', verdict: 'supported', summary: 'messages.cache: supported because reasons' },
          ],
        },
      ],
    });
    expect(crossDifferences(cmp).map((c) => c.aspect)).toEqual(['caching']);
  });

  it('names reasoning lost in one direction only: broken on messages, kept on chat and responses', () => {
    const cmp = compareSurfaces(target({ ...ALL_SUPPORTED, 'messages.thinking': 'broken' }, 'r'), CATALOGUE);
    const reasoning = cmp.find((c) => c.aspect === 'reasoning')!;
    expect(reasoning.status).toBe('loss');
    expect(reasoning.model).toBe('r');
    expect(reasoning.surfaces.map((s) => [s.surface, s.outcome, s.verdict])).toEqual([
      ['chat', 'best', 'supported'],
      ['responses', 'best', 'supported'],
      ['messages', 'worse', 'broken'],
    ]);
  });

  it('gives no loss where every surface agrees, even when all of them fail', () => {
    const cmp = compareSurfaces(
      target({ ...ALL_SUPPORTED, 'usage.cache': 'ignored', 'messages.cache': 'ignored' }, 'r'),
      CATALOGUE,
    );
    expect(cmp.map((c) => [c.aspect, c.status])).toEqual([
      ['answer', 'agree'],
      ['caching', 'agree'],
      ['reasoning', 'agree'],
      ['errors', 'agree'],
    ]);
    expect(crossDifferences(cmp)).toEqual([]);
    // auth is on one surface only, and `seed` has no aspect: nothing to compare.
    expect(cmp.some((c) => c.aspect === 'auth')).toBe(false);
  });

  it('counts a skipped, inconclusive or errored surface as not measured there, never as a loss', () => {
    for (const verdict of ['skipped', 'inconclusive', 'error'] as const) {
      const cmp = compareSurfaces(
        target({ ...ALL_SUPPORTED, 'responses.basic': verdict, 'messages.basic': 'broken' }, 'r'),
        CATALOGUE,
      );
      const answer = cmp.find((c) => c.aspect === 'answer')!;
      expect(answer.status, verdict).toBe('loss');
      expect(
        answer.surfaces.map((s) => [s.surface, s.outcome]),
        verdict,
      ).toEqual([
        ['chat', 'best'],
        ['responses', 'not-measured'],
        ['messages', 'worse'],
      ]);
      expect(answer.surfaces[1]!.verdict, verdict).toBeUndefined();
      expect(answer.surfaces[1]!.features[0]!.verdict).toBe(verdict);
      // Kept on one surface, not measured on the other: nothing is compared.
      const alone = compareSurfaces(target({ ...ALL_SUPPORTED, 'messages.cache': verdict }, 'r'), CATALOGUE);
      expect(alone.find((c) => c.aspect === 'caching')!.status, verdict).toBe('unmeasured');
      expect(crossDifferences(alone), verdict).toEqual([]);
    }
  });

  it("takes a surface's worst measured feature, ignoring its unmeasured ones", () => {
    const cmp = compareSurfaces(
      target({ ...ALL_SUPPORTED, 'errors.status': 'inconclusive', 'errors.in_band': 'partial' }, 'r'),
      CATALOGUE,
    );
    const errors = cmp.find((c) => c.aspect === 'errors')!;
    expect(errors.status).toBe('loss');
    expect(errors.surfaces[0]).toMatchObject({ surface: 'chat', verdict: 'partial', outcome: 'worse' });
    expect(errors.surfaces[0]!.features.map((f) => f.feature)).toEqual(['errors.status', 'errors.in_band']);
  });

  it('says `differ` when the surfaces disagree but none supports the aspect', () => {
    const cmp = compareSurfaces(
      target({ ...ALL_SUPPORTED, 'usage.cache': 'broken', 'messages.cache': 'partial' }, 'r'),
      CATALOGUE,
    );
    const caching = cmp.find((c) => c.aspect === 'caching')!;
    expect(caching.status).toBe('differ');
    expect(caching.surfaces.map((s) => s.outcome)).toEqual(['worse', 'best']);
    expect(crossDifferences(cmp)).toEqual([caching]);
  });

  it('compares only one model: features on a model the target does not configure, or not run, are left out', () => {
    // No reasoning model: reasoning is not compared at all.
    const noReasoner = compareSurfaces(target({ ...ALL_SUPPORTED, 'messages.thinking': 'broken' }), CATALOGUE);
    expect(noReasoner.some((c) => c.aspect === 'reasoning')).toBe(false);
    // A run with --only chat.basic,messages.cache: answer and caching have one surface each.
    expect(compareSurfaces(target({ 'chat.basic': 'supported', 'messages.cache': 'broken' }, 'r'), CATALOGUE)).toEqual(
      [],
    );
  });

  it('keeps the first result of a feature reported twice', () => {
    const t = target({ ...ALL_SUPPORTED }, 'r');
    t.results.push(...results({ 'messages.basic': 'broken' }));
    expect(compareSurfaces(t, CATALOGUE).find((c) => c.aspect === 'answer')!.status).toBe('agree');
  });
});
