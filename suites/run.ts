// The engine with the catalogue's probes: runTarget as `relaycheck` exports it. The engine
// (suites/engine/) is handed its probes and never imports probes/; this is where they meet.
import { runTarget as runWith, type RunTargetOptions, type TargetRun } from './engine/runner.js';
import { PROBES } from './probes/index.js';
import type { Target } from './target.js';

export type { RunTargetOptions, TargetRun } from './engine/runner.js';

/** Run the catalogue (or `only`) against one target; `probes` defaults to every probe. */
export function runTarget(target: Target, options: RunTargetOptions = {}): Promise<TargetRun> {
  return runWith(target, { ...options, probes: options.probes ?? PROBES });
}
