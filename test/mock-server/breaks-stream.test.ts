// A test per stream-framing and tool-call break: it changes what it says (its scenario) and
// nothing else (the control battery). The tables are in breaks/cases-stream.ts and
// breaks/cases-tools.ts.
import { streamCases } from './breaks/cases-stream.ts';
import { toolCases } from './breaks/cases-tools.ts';
import { runBreakCases } from './breaks/harness.ts';

runBreakCases('stream breaks', streamCases);
runBreakCases('tool-call breaks', toolCases);
