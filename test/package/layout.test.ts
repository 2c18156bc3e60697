// What ships (tsconfig.build.json's include, package.json's files) never reaches tooling or
// tests: every relative import of a shipped file stays inside the shipped folders, and every
// bare import is a dependency (or Node's own, or an optional peer).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
};
// tsconfig.build.json holds comments, so read its include list without a JSON parser.
const buildConfig = readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8');
const SHIPPED_ROOTS = [...buildConfig.matchAll(/"([a-z-]+(?:\/[a-z-]+)?)\/\*\*\/\*\.ts"/g)].map((m) => m[1]!);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const shipped = SHIPPED_ROOTS.flatMap((r) => walk(join(ROOT, r))).filter((f) => f.endsWith('.ts'));
const isShipped = (path: string): boolean =>
  SHIPPED_ROOTS.some((r) => relative(join(ROOT, r), path).split('/')[0] !== '..');
const IMPORT = /(?:^|\s)(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('the shipped code', () => {
  it('is found (the build config names its folders)', () => {
    expect(SHIPPED_ROOTS).toEqual(expect.arrayContaining(['spec', 'mock-server', 'suites', 'scripts/cli']));
    expect(shipped.length).toBeGreaterThan(50);
  });

  it('imports nothing outside the shipped folders (no tooling, no tests)', () => {
    const bad: string[] = [];
    for (const file of shipped) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!;
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!isShipped(target)) bad.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('imports only dependencies, optional peers and node: built-ins', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})]);
    const bad: string[] = [];
    for (const file of shipped) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.has(name)) bad.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has every exports entry compiled from a shipped source', () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (entry === './package.json') continue;
      const js = typeof target === 'string' ? target : target.default;
      const source = js.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
      expect(isShipped(join(ROOT, source)), `${entry} → ${source}`).toBe(true);
      expect(shipped, `${entry} → ${source}`).toContain(join(ROOT, source));
    }
  });
});
