// `--from-report` end to end: the report of each documented dialect (the suite run against the
// mock speaking it) turned back into breaks on the faithful mock, and the suite run again
// against that mock gives back every verdict a break can express.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mockOptionsFromFlags } from '../../../scripts/cli/commands/mock.js';
import { createMockProvider, type MockModel } from '../../../mock-server/index.js';
import { breaksFromReport } from '../../../mock-server/from-report/load.js';
import { loadRelays } from '../../../spec/relays.js';
import { runAgainstMock } from '../../../suites/against-mock.js';
import { buildReport } from '../../../suites/report/report-file.js';
import { runTarget } from '../../../suites/run.js';
import { KEY, target } from '../../suites/helpers.js';

describe('--from-report reproduces each documented dialect', () => {
  it.concurrent.each(loadRelays().map((r) => [r.id, r] as const))('%s', async (_, relay) => {
    const measured = (await runAgainstMock(relay, { concurrency: 8 })).report;
    const chosen = breaksFromReport(buildReport([measured]));
    // The replica serves the models measured, under their ids: usage.tokenizer judges an
    // OpenAI id and skips others, so the same model must be probed again.
    const models = {
      model: measured.model,
      reasoning: measured.reasoningModel ?? 'mock-reasoner',
      vision: measured.visionModel ?? 'mock-model',
      ...(measured.messagesModel ? { messages: measured.messagesModel } : {}),
    };
    const served = new Map<string, MockModel>();
    for (const [id, flags] of [
      [models.model, {}],
      [models.reasoning, { reasoning: true }],
      [models.vision, { vision: true }],
      ...(models.messages ? [[models.messages, {}] as const] : []),
    ] as const)
      served.set(id, { ...served.get(id), id, ...flags });
    const mock = createMockProvider({
      breaks: chosen.breaks,
      apiKeys: [KEY],
      journalSize: 0,
      models: [...served.values()],
    });
    const { baseUrl } = await mock.start({ port: 0 });
    try {
      const again = (await runTarget(target(baseUrl, { name: relay.id, models }), { concurrency: 8 })).report;
      const got = Object.fromEntries(again.results.map((r) => [r.feature, `${r.verdict}`]));
      const expressible = [...chosen.selection.reproduced.map((r) => r.feature), ...chosen.selection.supported];
      const want = Object.fromEntries(
        measured.results.filter((r) => expressible.includes(r.feature)).map((r) => [r.feature, r.verdict]),
      );
      const differ = Object.entries(want)
        .filter(([f, v]) => got[f] !== v)
        .map(([f, v]) => `${f}: measured ${v}, from-report mock ${got[f]}`);
      expect(differ).toEqual([]);
      // Every measured verdict is accounted for: reproduced, supported, or listed as not reproducible.
      const listed = chosen.selection.notReproducible.map((r) => r.feature);
      // The documented dialects deviate only in ways breaks express: all that is left is what
      // the dialect's models could not measure (skipped).
      expect(chosen.selection.notReproducible.filter((r) => r.verdict !== 'skipped')).toEqual([]);
      expect([...expressible, ...listed].sort()).toEqual(measured.results.map((r) => r.feature).sort());
    } finally {
      await mock.stop();
    }
  });

  it('lists a measured verdict no break expresses as not reproducible', async () => {
    const measured = (
      await runAgainstMock(
        loadRelays().find((r) => r.id === 'openai')!,
        { concurrency: 8 },
      )
    ).report;
    // No break makes chat.basic rejected: a relay measured so cannot be mocked on that point.
    const edited = {
      ...measured,
      results: measured.results.map((r) => (r.feature === 'chat.basic' ? { ...r, verdict: 'rejected' as const } : r)),
    };
    const chosen = breaksFromReport(buildReport([edited]));
    expect(chosen.selection.notReproducible).toEqual([{ feature: 'chat.basic', verdict: 'rejected' }]);
    expect(chosen.lines.at(-1)).toBe('not reproducible: chat.basic rejected');
  });
});

describe('relaycheck mock --from-report (flags)', () => {
  it("switches on the report's breaks, prints them, and asks for --target among several", async () => {
    const aireiter = (
      await runAgainstMock(
        loadRelays().find((r) => r.id === 'aireiter')!,
        { concurrency: 8 },
      )
    ).report;
    const dir = mkdtempSync(join(tmpdir(), 'relaycheck-from-report-'));
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify(buildReport([aireiter])));
    const options = mockOptionsFromFlags({ 'from-report': one, break: ['stop-ignored', 'tool-args-object'] });
    const ids = options.breaks!.map((b) => b.id);
    expect(ids).toContain('stream-default-true');
    expect(ids.filter((id) => id === 'stop-ignored')).toHaveLength(1);
    expect(ids).toContain('tool-args-object');
    expect(options.startLines![0]).toMatch(/^reproducing 'aireiter': breaks /);
    expect(options.startLines!.join('\n')).toContain('not reproducible: vision.image_url skipped');

    const two = join(dir, 'two.json');
    writeFileSync(two, JSON.stringify(buildReport([aireiter, { ...aireiter, name: 'other' }])));
    expect(() => mockOptionsFromFlags({ 'from-report': two })).toThrow(/choose one with --target \(aireiter, other\)/);
    expect(mockOptionsFromFlags({ 'from-report': two, target: 'other' }).startLines![0]).toContain("'other'");
    expect(() => mockOptionsFromFlags({ target: 'x' })).toThrow(/--from-report/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"targets": []}');
    expect(() => mockOptionsFromFlags({ 'from-report': bad })).toThrow(/is not a relaycheck report/);
    expect(() => mockOptionsFromFlags({ 'from-report': join(dir, 'missing.json') })).toThrow(/cannot read .*ENOENT/);
  });
});
