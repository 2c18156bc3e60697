// The package as a user gets it: `npm pack`, the tarball unpacked into a temporary app's
// node_modules (as npm install would), and there, with no TypeScript loader: a plain node
// script, `npx relaycheck`, the app's own strict tsc on the .d.ts, and a vitest file using
// relaycheck/vitest. The tarball's dependencies (and the app's openai, typescript, vitest) are
// linked from this project's node_modules: tests may not reach the registry.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONSUMER = join(ROOT, 'test/package/consumer');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const APP_TOOLS = ['openai', 'typescript', 'vitest', '@types/node'];

let app = '';
let files: string[] = [];

function run(
  cmd: string,
  args: string[],
  timeout = 110_000,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: app, encoding: 'utf8', timeout, env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'relaycheck-app-'));
  // `npm pack` packs the built dist/ (npm test builds it first; --ignore-scripts skips the
  // prepack build a publish runs).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed[0]!.files.map((f) => f.path);
  const modules = join(app, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  execFileSync('tar', ['-xzf', join(app, packed[0]!.filename), '-C', app]);
  cpSync(join(app, 'package'), join(modules, 'relaycheck'), { recursive: true });
  rmSync(join(app, 'package'), { recursive: true });
  for (const name of [...Object.keys(pkg.dependencies), ...APP_TOOLS]) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  symlinkSync('../relaycheck/bin/relaycheck.js', join(modules, '.bin', 'relaycheck'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }),
  );
  for (const f of ['plain.mjs', 'consumer.ts', 'tsconfig.json', 'conformance.test.mjs']) {
    cpSync(join(CONSUMER, f), join(app, f));
  }
}, 120_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

// Each step spawns node, npx, tsc or vitest: generous timeouts for a loaded 2-core machine.
describe('the packed package', { timeout: 120_000 }, () => {
  it('ships the product only: no tests, bench, tooling, sources or images', () => {
    expect(files).toContain('dist/suites/index.js');
    expect(files).toContain('dist/mock-server/index.d.ts');
    expect(files).toContain('spec/features.yaml');
    expect(files).toContain('LICENSE');
    const unwanted = files.filter(
      (f) => /^(test|scripts|docs\/.+\/)/.test(f) || /\.(png|ts)$/.test(f.replace(/\.d\.ts$/, '')),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs without scripts or @types/* for the consumer', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/relaycheck/package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    // npm 11 warns about every install-time script a dependency declares ("allowScripts").
    const installScripts = Object.keys(manifest.scripts ?? {}).filter((s) =>
      ['preinstall', 'install', 'postinstall', 'prepare'].includes(s),
    );
    expect(installScripts).toEqual([]);
    expect(Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@types/'))).toEqual([]);
  });

  it('ships every examples/ and docs/ file the README sends an installed user to', () => {
    expect(files).toEqual(expect.arrayContaining(['examples/relaycheck.yaml', 'examples/fixtures-weather.yaml']));
    const readme = readFileSync(join(app, 'node_modules/relaycheck/README.md'), 'utf8');
    const named = [...readme.matchAll(/`((?:examples|docs)\/[\w./-]+\.(?:ya?ml|md))`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((f) => !files.includes(f))).toEqual([]);
    // The README's commands for an installed user, from the app's folder.
    const installed = [...readme.matchAll(/node_modules\/relaycheck\/([\w./-]+\.ya?ml)/g)].map((m) => m[1]!);
    expect(installed).toEqual(expect.arrayContaining(['examples/relaycheck.yaml', 'examples/fixtures-weather.yaml']));
    const load = run('node', [
      '--input-type=module',
      '-e',
      "const { loadFixtureFile } = await import('relaycheck/mock'); console.log(loadFixtureFile('node_modules/relaycheck/examples/fixtures-weather.yaml').length)",
    ]);
    expect(load.stderr).toBe('');
    expect(Number(load.stdout)).toBeGreaterThan(0);
  });

  it('runs in plain node: the mock answers the openai SDK and the suite judges it', () => {
    const r = run('node', ['plain.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { content: string; verdicts: Record<string, string>; markdown: boolean };
    expect(out.content).toBe('pong');
    expect(out.verdicts).toEqual({ 'chat.basic': 'supported', auth: 'supported' });
    expect(out.markdown).toBe(true);
  });

  it('npx relaycheck --version and run against the mock', async () => {
    expect(run('npx', ['--no-install', 'relaycheck', '--version']).stdout.trim()).toBe(pkg.version);
    const { createMockProvider } = await import('../../mock-server/index.js');
    const mock = createMockProvider({ apiKeys: ['sk-npx'] });
    const { baseUrl } = await mock.start();
    try {
      // Asynchronously: the mock answers from this process's event loop.
      const r = await promisify(execFile)(
        'npx',
        ['--no-install', 'relaycheck', 'run', '--base-url', baseUrl, '--model', 'mock-model', '--only', 'chat.basic'],
        { cwd: app, encoding: 'utf8', timeout: 110_000, env: { ...process.env, RELAYCHECK_API_KEY: 'sk-npx' } },
      );
      expect(r.stdout + r.stderr).toContain('chat.basic');
    } finally {
      await mock.stop();
    }
  });

  it("type-checks under the app's own strict tsc (NodeNext)", () => {
    const r = run('node', [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('registers one vitest test per feature with relaycheck/vitest', () => {
    const r = run('node', [join(app, 'node_modules/vitest/vitest.mjs'), 'run', '--root', app, 'conformance.test.mjs']);
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/3 passed/);
  });
});
