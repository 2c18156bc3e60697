// The CI gate: requirements and baseline comparison (pure; see gate.ts and baseline.ts).
export { evaluateGate, describeFinding, formatGate, gateHeadline } from './gate.ts';
export type { GateFinding, GateFindingKind, GateOptions, GateResult } from './gate.ts';
export { BASELINE_VERSION, BaselineError, baselineFromReport, parseBaseline, serializeBaseline } from './baseline.ts';
export type { Baseline } from './baseline.ts';
