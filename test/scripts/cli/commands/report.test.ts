// `relaycheck report` as CI runs it: a real process, files written, exit codes 0/1/2.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../../scripts/cli/commands/report.js';
import { featureIds } from '../../../../spec/features.js';
import { fixtureReport, report, target } from '../../../suites/report/fixtures.js';

const BIN = fileURLToPath(new URL('../../../../bin/relaycheck.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function relaycheck(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

const clean = report([target('relay-a', { seed: 'ignored' }), target('relay-b')]);

describe('relaycheck report (CLI, spawned)', () => {
  it('writes report.md, report.html and junit.xml into --out and exits 0 when the gate holds', async () => {
    const input = write('clean.json', clean);
    const out = join(dir, 'out-clean');
    const { code, stdout, stderr } = await relaycheck(['report', input, '--out', out, '--require', 'chat.basic']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const f of ['report.md', 'report.html', 'junit.xml']) {
      expect(existsSync(join(out, f)), f).toBe(true);
      expect(stdout).toContain(join(out, f));
    }
    expect(stdout).toContain('relaycheck gate passed');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(2 * featureIds().length);
  });

  it('exits 1 naming the failed requirement and its summary; still writes the files', async () => {
    const input = write('fixture.json', fixtureReport());
    const out = join(dir, 'out-fixture');
    const { code, stderr } = await relaycheck(['report', input, '--out', out, '--md']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'relay-a: stream.sse (SSE streaming) is required but partial: stream ends without data: [DONE]',
    );
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('**Gate ❌ failed**');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });
});

/** The same command in-process (faster than a process per case): exit code and captured output. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array) => ((stdout += String(chunk)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (chunk: string | Uint8Array) => ((stderr += String(chunk)), true),
  );
  try {
    const code = await reportCommand(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('relaycheck report (in-process)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('merges several reports, disambiguating repeated target names, and prints one format to stdout', async () => {
    const a = write('a.json', clean);
    const b = write('b.json', report([target('relay-a', { stop: 'broken' })]));
    const { code, stdout } = await inProcess([a, b, '--md']);
    expect(code).toBe(0);
    expect(stdout).toContain('| Feature | Importance | relay-a | relay-b | relay-a \\(2\\) |');
    expect(stdout).toContain('#### relay-a \\(2\\)');
  });

  it('gates on a baseline: --update-baseline writes it, a regression then exits 1, a bad one exits 2', async () => {
    const baseline = join(dir, 'baseline.yaml');
    const first = await inProcess([
      write('base.json', clean),
      '--junit',
      '--out',
      join(dir, 'o1'),
      '--baseline',
      baseline,
      '--update-baseline',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`baseline updated: ${baseline}`);
    expect(readFileSync(baseline, 'utf8')).toContain('seed: ignored');

    const worse = report([target('relay-a', { seed: 'broken' }), target('relay-b')]);
    const second = await inProcess([
      write('worse.json', worse),
      '--junit',
      '--out',
      join(dir, 'o2'),
      '--baseline',
      baseline,
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('relay-a: seed (seed) regressed ignored → broken');

    const bad = write('bad-baseline.yaml', 'version: 1\ntargets:\n  relay-a: [supported]\n');
    const third = await inProcess([write('again.json', clean), '--junit', '--out', join(dir, 'o3'), '--baseline', bad]);
    expect(third.code).toBe(2);
    expect(third.stderr).toContain('is not a relaycheck baseline');
  });

  it('exits 2 with a clear message for an invalid report file or a bad option', async () => {
    const invalid = await inProcess([write('invalid.json', { schemaVersion: 1, targets: 'x' })]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/is not a relaycheck report/);
    expect(invalid.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const missing = await inProcess([join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const unknown = await inProcess(['--bogus']);
    expect(unknown.code).toBe(2);
  });
});
