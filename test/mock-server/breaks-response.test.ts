// A test per break of what a response says: structured output, reasoning, errors, metadata
// and the model list. Each changes what it says (its scenario) and nothing else (the control
// battery). The tables are in breaks/cases-output.ts, cases-errors.ts and cases-metadata.ts.
import { errorCases } from './breaks/cases-errors.js';
import { metadataCases, modelsCases } from './breaks/cases-metadata.js';
import { reasoningCases, structuredCases } from './breaks/cases-output.js';
import { runBreakCases } from './breaks/harness.js';

runBreakCases('structured-output breaks', structuredCases);
runBreakCases('reasoning breaks', reasoningCases);
runBreakCases('error breaks', errorCases);
runBreakCases('metadata breaks', metadataCases);
runBreakCases('model-list breaks', modelsCases);
