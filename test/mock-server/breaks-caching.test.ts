// A test per prompt-caching break: what it changes (its scenario), and nothing else (the
// control battery). The table is in breaks/cases-caching.ts.
import { cachingCases } from './breaks/cases-caching.js';
import { runBreakCases } from './breaks/harness.js';

runBreakCases('prompt-caching breaks', cachingCases);
