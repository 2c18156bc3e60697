// A test per stream-framing and tool-call break: it changes what it says (its scenario) and
// nothing else (the control battery). The tables are in breaks/cases-stream.ts and
// breaks/cases-tools.ts.
import { streamCases } from './breaks/cases-stream.js';
import { toolCases } from './breaks/cases-tools.js';
import { runBreakCases } from './breaks/harness.js';

runBreakCases('stream breaks', streamCases);
runBreakCases('tool-call breaks', toolCases);
