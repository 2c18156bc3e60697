// The one place that reads files under spec/: everything else asks this module, so the
// mock, the suite and the report see the same data.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SPEC_DIR = dirname(fileURLToPath(import.meta.url));

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
