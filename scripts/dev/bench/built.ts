// The bench's mock children run the compiled package (dist/, what `npm i relaycheck` and
// `relaycheck mock` run), not the sources through tsx, whose transform renames closures as they
// are made and costs per request. A dist/ older than the sources would measure other code.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The newest mtime of the TypeScript sources under a directory (spec's YAML is read live, not compiled). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

let checked = false;

function checkBuilt(): void {
  if (checked) return;
  let built = 0;
  try {
    built = statSync(join(root, 'dist/mock-server/index.js')).mtimeMs;
  } catch {
    // not built
  }
  if (built < Math.max(newest(join(root, 'mock-server')), newest(join(root, 'spec')))) {
    process.stderr.write(
      'bench child: dist/ is missing or older than the sources in mock-server/ or spec/: run `npm run build` first.\n',
    );
    process.exit(1);
  }
  checked = true;
}

/** A compiled module, by its source path without the extension's change (`mock-server/index.js`). */
export async function importBuilt<T>(path: string): Promise<T> {
  checkBuilt();
  return (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;
}
