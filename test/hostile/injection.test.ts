// Issue 23, security 1 and 2: a relay's text reaches the terminal, the CI log and every
// report file only after it is made inert: no CI workflow command at the start of a line,
// no terminal escape, no BEL, no bidi control. Each injection goes through a hostile
// loopback server and the real CLI (in-process, its stdout and stderr captured).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../scripts/cli/commands/run.js';
import { startInjector } from './servers.js';

const KEY = 'sk-relaycheck-INJECTION-0001';
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-injection-'));
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
  const saved = process.env['RELAYCHECK_API_KEY'];
  process.env['RELAYCHECK_API_KEY'] = KEY;
  try {
    return { code: await runCommand(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (saved === undefined) delete process.env['RELAYCHECK_API_KEY'];
    else process.env['RELAYCHECK_API_KEY'] = saved;
  }
}

/** What must never reach a terminal or a rendered report: controls but tab/newline, DEL, C1, bidi. */
// eslint-disable-next-line no-control-regex -- finding controls is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

function problemsIn(name: string, text: string): string[] {
  const found: string[] = [];
  const bad = UNSAFE.exec(text);
  if (bad) found.push(`${name}: U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${bad.index}`);
  for (const line of text.split('\n')) {
    if (/^\s*::/.test(line)) found.push(`${name}: a workflow command line: ${JSON.stringify(line.slice(0, 60))}`);
    if (/##[A-Za-z]*\[/.test(line))
      found.push(`${name}: an Azure/TeamCity command: ${JSON.stringify(line.slice(0, 60))}`);
  }
  return found;
}

/** Every output of one run, checked; the terminal output saved for the closing note. */
async function runAgainst(mode: 'error' | 'answer'): Promise<{ problems: string[]; stdout: string; stderr: string }> {
  const server = await startInjector(mode);
  closers.push(server.close);
  const out = join(dir, mode);
  const only = mode === 'error' ? [] : ['--only', 'chat.basic,chat.metadata,stream.sse,models.list,errors.envelope'];
  const r = await cli(['--base-url', server.baseUrl, '--model', 'mock-model', '--out', out, ...only]);
  const problems = [...problemsIn('stdout', r.stdout), ...problemsIn('stderr', r.stderr)];
  for (const file of ['report.md', 'report.html', 'junit.xml'])
    problems.push(...problemsIn(file, readFileSync(join(out, file), 'utf8')));
  const json = readFileSync(join(out, 'report.json'), 'utf8');
  // report.json may keep the relay's text as data, but only as JSON escapes: its bytes are inert.
  problems.push(...problemsIn('report.json', json));
  expect(() => JSON.parse(json) as unknown).not.toThrow();
  if (process.env['RELAYCHECK_INJECTION_LOG'])
    writeFileSync(
      process.env['RELAYCHECK_INJECTION_LOG'].replace('MODE', mode),
      `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`,
    );
  return { problems, ...r };
}

describe('a relay cannot inject into the terminal, the CI log or a report (issue 23)', () => {
  it('in the error code and message the preflight quotes', async () => {
    const { problems, stderr, stdout } = await runAgainst('error');
    expect(problems).toEqual([]);
    // Still told, just inert: the cause is named once on stderr.
    expect(stderr).toMatch(/not measured: .*HTTP 400/);
    expect(stdout + stderr).not.toContain('\u001b');
  }, 30_000);

  it('in the answers the probes quote (content, model id)', async () => {
    const { problems, stderr } = await runAgainst('answer');
    expect(problems).toEqual([]);
    expect(stderr).toContain('chat.basic');
  }, 30_000);
});
