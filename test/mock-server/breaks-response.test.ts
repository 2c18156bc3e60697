// A test per break of what a response says: structured output, reasoning, errors, metadata,
// the model list and the Responses API. Each changes what it says (its scenario) and nothing
// else (the control battery). The tables are in breaks/cases-output.ts, cases-errors.ts,
// cases-metadata.ts, cases-responses.ts and cases-messages.ts.
import { errorCases } from './breaks/cases-errors.js';
import { metadataCases, modelsCases } from './breaks/cases-metadata.js';
import { reasoningCases, structuredCases } from './breaks/cases-output.js';
import { runBreakCases } from './breaks/harness.js';
import { responsesCases } from './breaks/cases-responses.js';
import { messagesCases } from './breaks/cases-messages.js';

runBreakCases('structured-output breaks', structuredCases);
runBreakCases('reasoning breaks', reasoningCases);
runBreakCases('error breaks', errorCases);
runBreakCases('metadata breaks', metadataCases);
runBreakCases('model-list breaks', modelsCases);
runBreakCases('Responses API breaks', responsesCases);
runBreakCases('Anthropic Messages breaks', messagesCases);
