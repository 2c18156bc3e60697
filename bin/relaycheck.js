#!/usr/bin/env node
// The published entry point: the compiled CLI in dist/ (built by `npm run build`, which
// `npm ci` runs through the prepare script).
import { main } from '../dist/scripts/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
