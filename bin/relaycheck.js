#!/usr/bin/env node
// The published entry point: TypeScript runs directly through tsx, so a fresh clone needs
// no build step between `npm ci` and `npx relaycheck`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scripts/cli.ts');
process.exitCode = await main(process.argv.slice(2));
