// A test per request-handling break: it changes what it says (its scenario) and nothing
// else (the control battery). The table is in breaks/cases-request.ts.
import { requestCases } from './breaks/cases-request.js';
import { runBreakCases } from './breaks/harness.js';

runBreakCases('request-handling breaks', requestCases);
