// `relaycheck spec` lists the ids its --help promises, straight from the catalogues.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { breakIds } from '../../../../spec/breaks.js';
import { featureGroups, featureIds } from '../../../../spec/features.js';
import { relayIds } from '../../../../spec/relays.js';
import { specCommand } from '../../../../scripts/cli/commands/spec.js';

async function spec(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  const code = await specCommand(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

const firstColumn = (text: string): string[] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/)[0]!);

afterEach(() => vi.restoreAllMocks());

describe('relaycheck spec', () => {
  it('lists every feature id by default', async () => {
    const r = await spec();
    expect(r.code).toBe(0);
    expect(firstColumn(r.out)).toEqual(featureIds());
  });

  it.each([
    ['groups', () => featureGroups().map((g) => g.id)],
    ['relays', relayIds],
    ['breaks', breakIds],
  ])('lists %s', async (what, ids) => {
    const r = await spec(what);
    expect(r.code).toBe(0);
    expect(firstColumn(r.out)).toEqual(ids());
  });

  it('--json gives id and title rows', async () => {
    const rows = JSON.parse((await spec('features', '--json')).out) as Array<{ id: string; title: string }>;
    expect(rows.map((r) => r.id)).toEqual(featureIds());
    expect(rows.every((r) => r.title.length > 0)).toBe(true);
  });

  it('an unknown list or flag exits 2 with the usage', async () => {
    for (const argv of [['bogus'], ['--bogus'], ['features', 'extra']]) {
      const r = await spec(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('Usage: relaycheck spec');
      expect(r.out).toBe('');
    }
  });
});
