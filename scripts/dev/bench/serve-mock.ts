// Bench child: the real mock (createMockProvider, default options unless given) on 127.0.0.1, port 0.
// Nothing is added to the mock itself: memory probes travel over this child's IPC channel.
// It runs the compiled package (dist/, what `npm i relaycheck` and `relaycheck mock` run), not the
// sources through tsx, whose transform renames closures as they are made and costs per request.
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Mock from '../../../mock-server/index.js';
import { send, serveControl } from './child-control.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entry = join(root, 'dist/mock-server/index.js');

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

// A stale dist/ would measure code that is not the one being looked at.
let built = 0;
try {
  built = statSync(entry).mtimeMs;
} catch {
  // not built
}
if (built < Math.max(newest(join(root, 'mock-server')), newest(join(root, 'spec')))) {
  process.stderr.write(
    'serve-mock: dist/ is missing or older than the sources in mock-server/ or spec/: run `npm run build` first.\n',
  );
  process.exit(1);
}
const { createMockProvider } = (await import(pathToFileURL(entry).href)) as typeof Mock;

// Optional MockOptions as JSON in the first argument (pacing, keys, journal size).
const mock = createMockProvider(process.argv[2] ? (JSON.parse(process.argv[2]) as Mock.MockOptions) : {});
const { port } = await mock.start({ host: '127.0.0.1', port: 0 });
serveControl(() => mock.stop());
send({ type: 'ready', port });
