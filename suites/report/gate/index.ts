// The CI gate: requirements and baseline comparison (pure; see gate.ts and baseline.ts).
export { evaluateGate, describeFinding, formatGate, gateHeadline } from './gate.js';
export type { GateFinding, GateFindingKind, GateOptions, GateResult } from './gate.js';
export { BASELINE_VERSION, BaselineError, baselineFromReport, parseBaseline, serializeBaseline } from './baseline.js';
export type { Baseline } from './baseline.js';
