// `relaycheck`: run the conformance suite from code. One call per target; the result is the
// same report model `relaycheck run` writes as report.json, ready for the renderers of
// `relaycheck/report` and the gate.
import type { RelaycheckReport, ReportResult, ReportTarget } from '../spec/generated/types.js';
import { buildReport } from './report/report-file.js';
import { runTarget, type RunTargetOptions, type TargetRun } from './run.js';
import { defaultTargetName, type AuthScheme, type Target } from './target.js';
import { DEFAULT_KEY_ENV_VAR } from './transport/curl.js';

export type {
  RelaycheckReport,
  ReportExchange,
  ReportResult,
  ReportTarget,
  ReportVerdict,
  Feature,
  FeatureCatalogue,
} from '../spec/generated/types.js';
export type { AuthScheme, RunConfig, Target, TargetConfig, TargetModels } from './target.js';
export { ConfigError, loadConfigFile, parseConfig, resolveTarget } from './target.js';
export { runTarget, type RunTargetOptions, type TargetRun } from './run.js';
export { buildReport, writeReport, REPORT_FILE } from './report/report-file.js';
export { features, featureIds } from '../spec/features.js';
export { DEFAULT_KEY_ENV_VAR } from './transport/curl.js';

/** One target, described in code: the key is passed directly (it is masked in every output). */
export interface SuiteTarget {
  baseUrl: string;
  apiKey: string;
  /** The chat model every general probe uses. */
  model: string;
  /** For the reasoning.* probes; they are skipped without it. */
  reasoningModel?: string;
  /** For vision.image_url; skipped without it. */
  visionModel?: string;
  /** For the messages.* probes (Anthropic's Messages); default `model`. */
  messagesModel?: string;
  /** Shown in the report (default: the URL's host). */
  name?: string;
  /** `bearer` (Authorization: Bearer, the default) or `api-key` (an api-key header). */
  auth?: AuthScheme;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Header values that are secrets too (masked like the key). */
  secrets?: string[];
}

export interface SuiteRun {
  /** The report, as `relaycheck run` writes it to report.json. */
  report: RelaycheckReport;
  target: ReportTarget;
  /** Why the target could not be measured (unreachable, key refused); empty when it could. */
  problems: string[];
}

/** Resolve a SuiteTarget into the suite's Target (no environment is read). */
export function suiteTarget(t: SuiteTarget): Target {
  const name = t.name ?? defaultTargetName(t.baseUrl);
  return {
    name,
    baseUrl: t.baseUrl,
    keyEnv: DEFAULT_KEY_ENV_VAR,
    apiKey: t.apiKey,
    secrets: [t.apiKey, ...(t.secrets ?? [])].filter((s) => s.length > 0),
    auth: t.auth ?? 'bearer',
    headers: t.headers ?? {},
    models: {
      model: t.model,
      ...(t.reasoningModel ? { reasoning: t.reasoningModel } : {}),
      ...(t.visionModel ? { vision: t.visionModel } : {}),
      ...(t.messagesModel ? { messages: t.messagesModel } : {}),
    },
  };
}

/**
 * Run the catalogue (or `options.only`) against one target. Never throws for what the target
 * does: a failing probe is a verdict.
 */
export async function runSuite(target: SuiteTarget, options: RunTargetOptions = {}): Promise<SuiteRun> {
  const run: TargetRun = await runTarget(suiteTarget(target), options);
  return { report: buildReport([run.report]), target: run.report, problems: run.problems };
}

/** The result of one feature in a run, if it was run. */
export function resultFor(run: SuiteRun, feature: string): ReportResult | undefined {
  return run.target.results.find((r) => r.feature === feature);
}
