// Where `relaycheck report` and `relaycheck run` write: merging several reports never
// overwrites an input's folder and always writes the merged report.json; a symlink planted in
// the out folder is replaced, never written through.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MERGED_DIR, reportCommand } from '../../../../scripts/cli/commands/report.js';
import type { RelaycheckReport } from '../../../../spec/generated/types.js';
import { writeReportFiles } from '../../../../suites/report/render/index.js';
import { writeReport } from '../../../../suites/report/report-file.js';
import { prepareOutDir } from '../../../../suites/report/write.js';
import { report, target } from '../../../suites/report/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'relaycheck-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    return { code: await reportCommand(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

function saved(folder: string, r: RelaycheckReport): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'report.json');
  writeFileSync(path, JSON.stringify(r));
  return path;
}

describe('relaycheck report a.json b.json without --out', () => {
  const cwd = process.cwd();
  let work = '';
  beforeEach(() => {
    work = mkdtempSync(join(root, 'cwd-'));
    process.chdir(work);
  });
  afterEach(() => process.chdir(cwd));

  it("writes the merged report.json and its renderings into a new folder, leaving a's folder alone", async () => {
    const a = saved(join(work, 'a'), report([target('relay-a')]));
    const b = saved(join(work, 'b'), report([target('relay-b')]));
    const before = readFileSync(a, 'utf8');
    const { code, stderr } = await inProcess([a, b]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(before);
    expect(existsSync(join(work, 'a', 'report.md'))).toBe(false);
    const merged = JSON.parse(readFileSync(join(work, MERGED_DIR, 'report.json'), 'utf8')) as RelaycheckReport;
    expect(merged.targets.map((t) => t.name)).toEqual(['relay-a', 'relay-b']);
    for (const f of ['report.md', 'report.html', 'junit.xml']) expect(existsSync(join(work, MERGED_DIR, f))).toBe(true);
  });

  it('refuses an --out whose report.json is one of the inputs (exit 2, nothing written)', async () => {
    const a = saved(join(work, 'a'), report([target('relay-a')]));
    const b = saved(join(work, 'b'), report([target('relay-b')]));
    const { code, stderr } = await inProcess([a, b, '--out', join(work, 'a')]);
    expect(code).toBe(2);
    expect(stderr).toContain('is one of the reports being merged');
    expect(existsSync(join(work, 'a', 'report.md'))).toBe(false);
  });

  it('one report: renders next to it and leaves its report.json as it was', async () => {
    const a = saved(join(work, 'a'), report([target('relay-a')]));
    const before = readFileSync(a, 'utf8');
    expect((await inProcess([a])).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(before);
    expect(existsSync(join(work, 'a', 'report.md'))).toBe(true);
  });
});

describe('report files never follow a symlink in the out folder', () => {
  it('replaces a symlink at report.json / report.html instead of overwriting its target', () => {
    const out = mkdtempSync(join(root, 'out-'));
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(out, 'report.json'));
    symlinkSync(victim, join(out, 'report.html'));
    const r = report([target('relay-a')]);
    writeReport(out, r);
    writeReportFiles(r, out);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(out, 'report.json')).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(out, 'report.html')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(r);
  });

  it('a dangling symlink does not create its target either', () => {
    const out = mkdtempSync(join(root, 'out-'));
    const target2 = join(root, 'created-by-link.md');
    symlinkSync(target2, join(out, 'report.md'));
    writeReportFiles(report([target('relay-a')]), out, ['md']);
    expect(existsSync(target2)).toBe(false);
  });

  it('prepareOutDir refuses a file where the folder should be', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(() => prepareOutDir(file)).toThrow(/exists and is not a folder/);
    prepareOutDir(join(root, 'new', 'nested'));
    expect(existsSync(join(root, 'new', 'nested'))).toBe(true);
  });
});
