// The one place that reads files under spec/: everything else asks this module, so the
// mock, the suite and the report see the same data.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The package's root folder: the nearest folder above this module that holds package.json.
 * The same code runs from the sources (spec/load.ts) and from the build (dist/spec/load.js),
 * and spec/'s data files live once, at the root, for both.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

export const SPEC_DIR = join(PACKAGE_ROOT, 'spec');

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`relaycheck: no package.json above ${from}`);
  }
}

/** The package's version, from its package.json ('0.0.0' if that cannot be read). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Parse a YAML (or JSON) file under spec/, by path relative to spec/. */
export function readSpecYaml(relativePath: string): unknown {
  return parse(readFileSync(join(SPEC_DIR, relativePath), 'utf8'));
}

/** File names (not paths) in a spec/ subfolder that end with `suffix`, sorted. */
export function listSpecFiles(relativeDir: string, suffix: string): string[] {
  return readdirSync(join(SPEC_DIR, relativeDir))
    .filter((name) => name.endsWith(suffix))
    .sort();
}
