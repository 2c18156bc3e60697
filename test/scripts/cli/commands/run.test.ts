// `relaycheck run`: end to end through bin/relaycheck.js once (a child process, as users run
// it), the rest in-process through runCommand with stdout/stderr captured.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { featureIds, features } from '../../../../spec/features.js';
import { BREAK_HEADER, createMockProvider, type MockProvider } from '../../../../mock-server/index.js';
import type { RelaycheckReport } from '../../../../spec/generated/types.js';
import { validate } from '../../../../spec/validators.js';
import { runCommand } from '../../../../scripts/cli/commands/run.js';
import { KEY } from '../../../suites/helpers.js';

const run = promisify(execFile);
const BIN = new URL('../../../../bin/relaycheck.js', import.meta.url).pathname;

let mock: MockProvider;
let baseUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'relaycheck-cli-'));

beforeAll(async () => {
  mock = createMockProvider({ apiKeys: [KEY], journalSize: 0 });
  baseUrl = (await mock.start({ port: 0 })).baseUrl;
});
afterAll(async () => {
  await mock.stop();
});

/** runCommand in-process, with stdout/stderr captured and an environment of our choosing. */
async function inProcess(
  argv: string[],
  env: Record<string, string | undefined> = { RELAYCHECK_API_KEY: KEY },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: unknown) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: unknown) => ((stderr += String(chunk)), true));
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await runCommand(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

describe('relaycheck run (bin/relaycheck.js)', () => {
  it('prints progress and the table, writes a valid report.json, and never shows the key', async () => {
    const out = join(dir, 'full');
    const { stdout, stderr } = await run(
      process.execPath,
      [
        BIN,
        'run',
        '--base-url',
        baseUrl,
        '--model',
        'mock-model',
        '--reasoning-model',
        'mock-reasoner',
        '--vision-model',
        'mock-model',
        '--out',
        out,
        '--name',
        'mock',
      ],
      { env: { ...process.env, RELAYCHECK_API_KEY: KEY }, timeout: 20_000 },
    );
    expect(stdout).toMatch(/feature\s+mock/);
    expect(stdout).toMatch(/chat\.basic\s+supported/);
    expect(stdout).toMatch(/\d+ requests on the wire, \d+ tokens/);
    expect(stderr).toMatch(/\[mock\] chat\.basic\s+supported/);
    const text = readFileSync(join(out, 'report.json'), 'utf8');
    const report = JSON.parse(text) as RelaycheckReport;
    expect(validate('report', report).errors).toEqual([]);
    expect(report.targets[0]!.results).toHaveLength(featureIds().length);
    for (const s of [stdout, stderr, text]) expect(s).not.toContain(KEY);
  });
});

describe('relaycheck run (in-process)', () => {
  it('exit 2 without a key, with a key on the command line, with bad arguments', async () => {
    const noKey = await inProcess(['--base-url', baseUrl, '--model', 'mock-model'], { RELAYCHECK_API_KEY: undefined });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('RELAYCHECK_API_KEY is not set');
    const flag = await inProcess(['--base-url', baseUrl, '--model', 'm', '--api-key', KEY]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('never from the command line');
    expect((await inProcess(['--model', 'm'])).stderr).toContain('--base-url is required');
    expect((await inProcess(['--base-url', 'ftp://x', '--model', 'm'])).code).toBe(2);
    expect((await inProcess(['--base-url', baseUrl, '--model', 'm', '--only', 'nope'])).stderr).toContain(
      "unknown feature or group 'nope'",
    );
    expect((await inProcess(['--base-url', baseUrl, '--model', 'm', '--concurrency', '0'])).code).toBe(2);
  });

  it('exit 2 when the target cannot be reached; the report is still written', async () => {
    const out = join(dir, 'unreachable');
    const r = await inProcess([
      '--base-url',
      'http://127.0.0.1:1/v1',
      '--model',
      'm',
      '--only',
      'chat.basic',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('could not be reached');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).targets[0].results[0].verdict).toBe('error');
  });

  it('--config runs several targets into one report, side by side; --only takes groups; a custom key variable and headers', async () => {
    const config = join(dir, 'relaycheck.yaml');
    writeFileSync(
      config,
      [
        'targets:',
        '  - name: faithful',
        `    baseUrl: ${baseUrl}`,
        '    models: { model: mock-model }',
        '    require: [stop]',
        '  - name: stop-ignored',
        `    baseUrl: ${baseUrl}`,
        '    keyEnv: OTHER_KEY',
        '    models: { model: mock-model }',
        `    headers: { ${BREAK_HEADER}: stop-ignored, X-Secret: "\${OTHER_KEY}" }`,
        '',
      ].join('\n'),
    );
    const out = join(dir, 'config');
    const r = await inProcess(['--config', config, '--only', 'stop,basics', '--out', out], {
      RELAYCHECK_API_KEY: KEY,
      OTHER_KEY: KEY,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/feature\s+faithful\s+stop-ignored/);
    expect(r.stdout).toMatch(/stop\s+supported\s+IGNORED/);
    expect(r.stdout).toContain('[stop-ignored] stop ignored: output contains "gamma" after the stop sequence');
    const text = readFileSync(join(out, 'report.json'), 'utf8');
    const report = JSON.parse(text) as RelaycheckReport;
    expect(validate('report', report).errors).toEqual([]);
    expect(report.targets.map((t) => t.name)).toEqual(['faithful', 'stop-ignored']);
    expect(report.targets[0]!.require).toEqual(['stop']);
    expect(report.targets[1]!.results.map((x) => x.feature)).toEqual([
      'chat.basic',
      'auth',
      'chat.metadata',
      'usage.accounting',
      'usage.tokenizer',
      'usage.cache',
      'models.list',
      'stop',
    ]);
    expect(report.targets[1]!.results.find((x) => x.feature === 'stop')!.reproduce).toContain('$OTHER_KEY');
    for (const s of [r.stdout, r.stderr, text]) expect(s).not.toContain(KEY);
  });

  it('rejects an invalid config with the path of each problem', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'targets:\n  - name: x\n    baseUrl: nope\n    models: {}\n    extra: 1\n');
    const r = await inProcess(['--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/targets/0');
    expect(r.stderr).toContain("'extra'");
  });
});

describe('relaycheck run as a CI gate', () => {
  const base = (): string[] => ['--base-url', baseUrl, '--model', 'mock-model', '--only', 'stop'];

  it('exits 1 naming a required feature the relay does not honour, 0 when it does', async () => {
    const out = join(dir, 'gate-require');
    const ok = await inProcess([...base(), '--require', 'stop', '--out', out]);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await inProcess([
      ...base(),
      '--header',
      `${BREAK_HEADER}: stop-ignored`,
      '--require',
      'stop',
      '--out',
      out,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/stop/);
    expect(bad.stderr).toContain('gamma');
    // The report that explains the failure is still written, in every format.
    for (const f of ['report.json', 'report.md', 'report.html', 'junit.xml'])
      expect(readFileSync(join(out, f), 'utf8').length).toBeGreaterThan(0);
  });

  it('a relay that does not serve /responses: its Responses features skipped ("not served"), exit 0 unless one is required', async () => {
    const apiyi = createMockProvider({ profile: 'apiyi', apiKeys: [KEY], journalSize: 0 });
    const url = (await apiyi.start({ port: 0 })).baseUrl;
    try {
      const out = join(dir, 'not-served');
      const args = ['--base-url', url, '--model', 'gpt-4o-mini', '--only', 'responses', '--out', out];
      const run = await inProcess(args);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RelaycheckReport;
      const results = report.targets[0]!.results;
      expect(results.length).toBeGreaterThan(5);
      for (const r of results) {
        expect(r.verdict, r.feature).toBe('skipped');
        // No reasoning model given: responses.reasoning is skipped before any request.
        if (r.feature !== 'responses.reasoning')
          expect(r.summary, r.feature).toMatch(/^not served: .*\(POST \/responses\) answered HTTP 404/);
      }
      const required = await inProcess([...args, '--require', 'responses.basic']);
      expect(required.code).toBe(1);
      expect(required.stderr).toMatch(/responses\.basic/);
    } finally {
      await apiyi.stop();
    }
  });

  it("Anthropic's Messages: skipped when the model is not served there (one request), probed with --messages-model", async () => {
    const apiyi = createMockProvider({ profile: 'apiyi', apiKeys: [KEY], journalSize: 0 });
    const url = (await apiyi.start({ port: 0 })).baseUrl;
    try {
      const out = join(dir, 'messages');
      const args = ['--base-url', url, '--model', 'gpt-4o-mini', '--only', 'messages', '--out', out];
      const run = await inProcess(args);
      expect(run.code, run.stderr).toBe(0);
      const read = () => (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RelaycheckReport).targets[0]!;
      const skipped = read();
      expect(skipped.results).toHaveLength(features().filter((f) => f.group === 'messages').length);
      for (const r of skipped.results) {
        expect(r.verdict, r.feature).toBe('skipped');
        expect(r.summary, r.feature).toMatch(
          /^not served: messages basic \(POST \/messages\) answered HTTP 404: model: gpt-4o-mini, so the target does not offer Anthropic's Messages for this model/,
        );
      }
      // The preflight's requests (chat.basic shares one) and the one basic request on /messages,
      // shared by every probe.
      const preflightOnly = await inProcess([...args.slice(0, 4), '--only', 'chat.basic', '--out', join(dir, 'p')]);
      expect(preflightOnly.code).toBe(0);
      const p = (JSON.parse(readFileSync(join(dir, 'p', 'report.json'), 'utf8')) as RelaycheckReport).targets[0]!;
      expect(skipped.usage.requests).toBe(p.usage.requests + 1);
      const served = await inProcess([...args, '--messages-model', 'claude-3-5-sonnet-20241022']);
      expect(served.code, served.stderr).toBe(0);
      const probed = read();
      expect(probed.messagesModel).toBe('claude-3-5-sonnet-20241022');
      expect(probed.results.filter((r) => r.verdict !== 'supported').map((r) => r.feature)).toEqual([]);
    } finally {
      await apiyi.stop();
    }
  });

  it('with a baseline: a verdict that gets worse fails, --update-baseline accepts it', async () => {
    const baseline = join(dir, 'baseline.yaml');
    const out = join(dir, 'gate-baseline');
    const accepted = await inProcess([...base(), '--baseline', baseline, '--update-baseline', '--out', out]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(readFileSync(baseline, 'utf8')).toMatch(/stop: supported/);
    const regressed = await inProcess([
      ...base(),
      '--header',
      `${BREAK_HEADER}: stop-ignored`,
      '--baseline',
      baseline,
      '--out',
      out,
    ]);
    expect(regressed.code).toBe(1);
    expect(regressed.stderr).toMatch(/supported.*ignored|ignored.*supported/s);
    const missing = await inProcess([...base(), '--baseline', join(dir, 'no-such-baseline.yaml'), '--out', out]);
    expect(missing.code).toBe(2);
  });
});
