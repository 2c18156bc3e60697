// `relaycheck/vitest`: the catalogue as vitest tests, one per feature, so conformance runs
// inside a team's own test run. The suite runs once (on the first test that needs it); each
// feature's test then passes, fails or is skipped by the verdict table, and fails with the
// verdict's summary as its message.
import { describe, test } from 'vitest';
import { features, selectFeatures } from '../spec/features.js';
import type { ReportResult, ReportVerdict } from '../spec/generated/types.js';
import { runSuite, type SuiteRun, type SuiteTarget } from './index.js';
import type { RunTargetOptions } from './run.js';
import { inert } from './transport/inert.js';
import { VERDICT_TABLE, type VitestOutcome } from './verdicts.js';

export interface ConformanceOptions extends SuiteTarget {
  /** Feature ids or group ids to register (default: the whole catalogue); unknown ones throw. */
  only?: readonly string[];
  /** Feature ids that must be `supported`; any other verdict fails their test. Unknown ids throw. */
  require?: readonly string[];
  /** The describe block's title (default `relaycheck: NAME`). */
  title?: string;
  /** Per-test timeout in ms (default 120 s: the first test waits for the whole run). */
  timeoutMs?: number;
  /** Passed to the runner (concurrency, limits). */
  run?: Omit<RunTargetOptions, 'only' | 'onResult'>;
}

/** Why a feature's test failed: the verdict, then its summary (what a CI test tab shows). */
export function failureMessage(result: ReportResult): string {
  // Shown in a terminal and a CI log: the relay's text made inert, as by every printer.
  return `${result.feature}: ${result.verdict}: ${inert(result.summary)}`;
}

/** A feature's test outcome: the table's vitest column; a required feature fails unless supported. */
export function vitestOutcome(verdict: ReportVerdict, required: boolean): VitestOutcome {
  if (verdict === 'supported') return 'pass';
  return required ? 'fail' : VERDICT_TABLE[verdict].vitest;
}

/** Registers one vitest test per feature inside a describe block. Call it at a test file's top level. */
export function describeConformance(options: ConformanceOptions): void {
  // Thrown here, at collection: a typo must not silently shrink the suite.
  const only = options.only ? new Set(selectFeatures(options.only, 'describeConformance: only')) : undefined;
  const required = new Set(
    options.require && options.require.length > 0
      ? selectFeatures(options.require, 'describeConformance: require', false)
      : [],
  );
  const selected = features().filter((f) => !only || only.has(f.id));
  let run: Promise<SuiteRun> | undefined;
  const results = (): Promise<SuiteRun> =>
    (run ??= runSuite(options, { ...options.run, only: selected.map((f) => f.id) }));
  const title = options.title ?? `relaycheck: ${options.name ?? options.baseUrl}`;
  describe(title, () => {
    for (const feature of selected) {
      test(`${feature.id}: ${feature.title}`, { timeout: options.timeoutMs ?? 120_000 }, async (ctx) => {
        const result = (await results()).target.results.find((r) => r.feature === feature.id);
        if (!result) throw new Error(`${feature.id}: no result in the run`);
        const outcome = vitestOutcome(result.verdict, required.has(feature.id));
        if (outcome === 'skip') ctx.skip(`${result.verdict}: ${inert(result.summary)}`);
        if (outcome === 'fail') throw new Error(failureMessage(result));
        if (result.verdict !== 'supported') await ctx.annotate(`${result.verdict}: ${result.summary}`, 'warning');
      });
    }
  });
}
