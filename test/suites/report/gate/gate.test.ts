// The CI gate: requirements, the baseline comparison (regression, improvement, not
// measured), the baseline file, and exit codes 0/1/2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportVerdict } from '../../../../spec/generated/types.js';
import { runGate } from '../../../../scripts/cli/commands/report.js';
import { featureIds } from '../../../../spec/features.js';
import {
  baselineFromReport,
  BaselineError,
  evaluateGate,
  formatGate,
  parseBaseline,
  serializeBaseline,
  type Baseline,
} from '../../../../suites/report/gate/index.js';
import { isMeasured, verdictRank, VERDICTS } from '../../../../suites/report/render/index.js';
import { report, target } from '../fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'relaycheck-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baseline(targets: Record<string, Record<string, ReportVerdict>>): Baseline {
  return { version: 1, targets };
}

const one = (verdicts: Record<string, ReportVerdict>, extra = {}) =>
  report([
    target('relay-a', verdicts, {
      summaries: { stop: 'output continues past "gamma"', seed: 'same seed, same answer' },
      ...extra,
    }),
  ]);

describe('verdict order', () => {
  it('ranks the verdicts that judged the relay, and leaves inconclusive, error, skipped unranked', () => {
    const ranked = VERDICTS.filter(isMeasured).sort((a, b) => verdictRank(b)! - verdictRank(a)!);
    expect(ranked).toEqual(['supported', 'partial', 'rejected', 'ignored', 'broken']);
    expect(VERDICTS.filter((v) => !isMeasured(v))).toEqual(['inconclusive', 'error', 'skipped']);
  });
});

describe('evaluateGate: requirements', () => {
  it('passes (0) when every required feature is supported', () => {
    const r = evaluateGate(one({}), { require: ['chat.basic', 'stop'] });
    expect(r.exitCode).toBe(0);
    expect(r.checked).toBe(true);
  });

  it('fails (1) naming each required feature that is not supported, with its summary', () => {
    const rep = one({ stop: 'ignored' }, { require: ['chat.basic', 'stop'] });
    const r = evaluateGate(rep, { require: ['seed'] });
    expect(r.exitCode).toBe(1);
    expect(r.failures).toEqual([
      expect.objectContaining({
        kind: 'requirement',
        target: 'relay-a',
        feature: 'stop',
        verdict: 'ignored',
        summary: 'output continues past "gamma"',
        requiredBy: 'target',
      }),
    ]);
    const text = formatGate(r);
    expect(text).toContain('FAILED');
    expect(text).toContain('relay-a: stop (stop sequences) is required but ignored: output continues past "gamma"');
  });

  it('counts anything but supported as a failure of a requirement, a missing result too', () => {
    for (const v of ['partial', 'inconclusive', 'error', 'skipped'] as const) {
      expect(evaluateGate(one({ stop: v }), { require: ['stop'] }).exitCode).toBe(1);
    }
    const rep = one({});
    rep.targets[0]!.results = rep.targets[0]!.results.filter((x) => x.feature !== 'stop');
    expect(evaluateGate(rep, { require: ['stop'] }).failures[0]).toMatchObject({
      verdict: 'missing',
      summary: 'no result in the report',
    });
  });

  it('cannot judge (2) an unknown required feature id', () => {
    const r = evaluateGate(one({}), { require: ['no.such.feature'] });
    expect(r.exitCode).toBe(2);
    expect(r.problems).toEqual(["--require: unknown feature id 'no.such.feature'"]);
    expect(evaluateGate(one({}, { require: ['nope'] })).exitCode).toBe(2);
  });

  it('checks nothing, and passes, without requirements or baseline', () => {
    const r = evaluateGate(one({ stop: 'broken' }));
    expect(r).toMatchObject({ exitCode: 0, checked: false });
  });
});

describe('evaluateGate: baseline', () => {
  it('fails (1) on a verdict that got worse, naming it with its summary', () => {
    const r = evaluateGate(one({ stop: 'ignored' }), { baseline: baseline({ 'relay-a': { stop: 'supported' } }) });
    expect(r.exitCode).toBe(1);
    expect(r.failures).toEqual([
      expect.objectContaining({ kind: 'regression', feature: 'stop', previous: 'supported', verdict: 'ignored' }),
    ]);
    expect(formatGate(r)).toContain(
      'relay-a: stop (stop sequences) regressed supported → ignored: output continues past "gamma"',
    );
  });

  it('counts every step down the order as a regression (partial → rejected → ignored → broken)', () => {
    const steps: ReportVerdict[] = ['supported', 'partial', 'rejected', 'ignored', 'broken'];
    for (let i = 0; i + 1 < steps.length; i++) {
      const r = evaluateGate(one({ stop: steps[i + 1]! }), { baseline: baseline({ 'relay-a': { stop: steps[i]! } }) });
      expect(r.exitCode, `${steps[i]} → ${steps[i + 1]}`).toBe(1);
    }
  });

  it('reports an improvement and passes (0)', () => {
    const r = evaluateGate(one({}), { baseline: baseline({ 'relay-a': { seed: 'ignored' } }) });
    expect(r.exitCode).toBe(0);
    expect(r.improvements).toEqual([
      expect.objectContaining({ kind: 'improvement', feature: 'seed', previous: 'ignored', verdict: 'supported' }),
    ]);
    expect(formatGate(r)).toContain('relay-a: seed (seed) improved ignored → supported: same seed, same answer');
  });

  it('reports, without failing, a feature this run could not measure (error, inconclusive, skipped)', () => {
    for (const v of ['error', 'inconclusive', 'skipped'] as const) {
      const r = evaluateGate(one({ stop: v }), { baseline: baseline({ 'relay-a': { stop: 'supported' } }) });
      expect(r.exitCode).toBe(0);
      expect(r.notes.filter((n) => n.kind !== 'new')).toEqual([
        expect.objectContaining({ kind: 'unmeasured', feature: 'stop', previous: 'supported', verdict: v }),
      ]);
    }
  });

  it('does not compare with an unmeasured baseline verdict; notes new targets and features', () => {
    const r = evaluateGate(report([target('relay-a', { stop: 'broken' }), target('relay-new')]), {
      baseline: baseline({ 'relay-a': { stop: 'error' }, gone: {} }),
    });
    expect(r.exitCode).toBe(0);
    expect(r.notes.find((n) => n.kind === 'new' && n.target === 'relay-new')!.summary).toBe(
      'no baseline for this target yet',
    );
    // Every catalogue feature but stop (the baseline's one) is new, listed in catalogue order.
    const fresh = featureIds().filter((id) => id !== 'stop');
    expect(r.notes.find((n) => n.kind === 'new' && n.target === 'relay-a')!.summary).toContain(
      `no baseline yet for ${fresh.length} features: ${fresh.slice(0, 2).join(', ')}, `,
    );
    expect(r.notes.filter((n) => n.kind === 'gone').map((n) => n.target)).toEqual(['gone']);
  });

  it('accepts regressions when updating the baseline (acceptChanges), requirements still fail', () => {
    const b = baseline({ 'relay-a': { stop: 'supported' } });
    const r = evaluateGate(one({ stop: 'broken' }), { baseline: b, acceptChanges: true });
    expect(r.exitCode).toBe(0);
    expect(r.notes.filter((n) => n.kind !== 'new')).toEqual([
      expect.objectContaining({ kind: 'accepted', feature: 'stop' }),
    ]);
    expect(
      evaluateGate(one({ stop: 'broken' }), { baseline: b, acceptChanges: true, require: ['stop'] }).exitCode,
    ).toBe(1);
  });
});

describe('baseline file', () => {
  it('builds from a report, keeping the last measured verdict over error/inconclusive/skipped', () => {
    const previous = baseline({ 'relay-a': { stop: 'supported', seed: 'partial' } });
    const b = baselineFromReport(
      one({ stop: 'error', seed: 'broken', n: 'skipped' }),
      previous,
      new Date('2025-06-02T00:00:00Z'),
    );
    expect(b.updatedAt).toBe('2025-06-02T00:00:00.000Z');
    expect(b.targets['relay-a']).toMatchObject({
      stop: 'supported',
      seed: 'broken',
      n: 'skipped',
      'chat.basic': 'supported',
    });
  });

  it('round-trips through YAML and JSON', () => {
    const b = baselineFromReport(one({ stop: 'ignored' }));
    expect(parseBaseline(serializeBaseline(b, 'b.yaml'))).toEqual(b);
    expect(serializeBaseline(b, 'b.yaml')).toMatch(/^# relaycheck baseline/);
    expect(JSON.parse(serializeBaseline(b, 'b.json'))).toEqual(b);
  });

  it('rejects a malformed baseline with a message naming the problem', () => {
    expect(() => parseBaseline('targets: [1, 2', 'b.yaml')).toThrow(BaselineError);
    expect(() => parseBaseline('- a\n- b', 'b.yaml')).toThrow(/expected a mapping/);
    expect(() => parseBaseline('version: 1\ntargets:\n  relay-a:\n    stop: great\n', 'b.yaml')).toThrow(
      /targets\.relay-a\.stop: "great" is not a verdict/,
    );
    expect(() => parseBaseline('version: 2\ntargets: {}\n', 'b.yaml')).toThrow(/version must be 1/);
  });
});

describe('runGate (with the baseline file I/O)', () => {
  it('writes the baseline with updateBaseline (created when missing), then compares with it', () => {
    const file = join(dir, 'baseline.yaml');
    const first = runGate(one({ seed: 'ignored' }), { baseline: file, updateBaseline: true });
    expect(first.result.exitCode).toBe(0);
    expect(first.baselineWritten).toBe(file);
    expect(parseBaseline(readFileSync(file, 'utf8')).targets['relay-a']!.seed).toBe('ignored');

    const worse = runGate(one({ seed: 'broken' }), { baseline: file });
    expect(worse.result.exitCode).toBe(1);
    expect(worse.baselineWritten).toBeUndefined();
    const better = runGate(one({}), { baseline: file });
    expect(better.result.exitCode).toBe(0);
    expect(better.result.improvements).toHaveLength(1);
  });

  it('cannot run (2) with a malformed, unreadable or missing baseline', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\ntargets: nope\n');
    const r = runGate(one({}), { baseline: bad });
    expect(r.result.exitCode).toBe(2);
    expect(r.result.problems.join('\n')).toMatch(/bad\.yaml is not a relaycheck baseline/);
    expect(runGate(one({}), { baseline: join(dir, 'missing.yaml') }).result.exitCode).toBe(2);
    expect(runGate(one({}), { baseline: dir }).result.exitCode).toBe(2); // a directory
    expect(runGate(one({}), { updateBaseline: true }).result.exitCode).toBe(2);
  });
});
