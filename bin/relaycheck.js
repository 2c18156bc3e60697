#!/usr/bin/env node
// The published entry point: the compiled CLI in dist/. The tarball ships dist/ (built by
// prepack); a clone builds it with `npm run build` (npm start and npm test do it first).
let main;
try {
  ({ main } = await import('../dist/scripts/cli/main.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/scripts/cli/main.js')) throw e;
  process.stderr.write('relaycheck: dist/ is not built; run `npm run build` in the relaycheck checkout first\n');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
