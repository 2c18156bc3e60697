// Runs the probes against one target: every probe starts at once, requests go through the
// target's session (shared, at most `concurrency` in flight), rounds within a probe wait for
// the rounds before, a probe reading another's exchange simply asks for the same request.
// Builds the ReportTarget. Never throws: a failing probe is an `error` verdict. The probes are
// handed in (suites/run.ts hands the catalogue's): the engine reads nothing from probes/.
import { randomBytes } from 'node:crypto';
import { MODEL_ROLES, reportModels } from '../roles.js';
import { featureAspects, features } from '../../spec/features.js';
import { compareSurfaces } from '../report/cross-protocol.js';
import type { ReportResult, ReportTarget } from '../../spec/generated/types.js';
import { oneLine } from '../wire/read.js';
import { MODELS_REQUEST } from '../wire/requests.js';
import { RUN_DEADLINE } from '../transport/http.js';
import {
  healthOf,
  judgeBasePath,
  judgeChatAnswer,
  judgeModelsList,
  judgePromptSensitivity,
  MODEL_UNUSABLE,
  preflightRequest,
  type Cause,
  type PromptCheck,
} from './preflight.js';
import type { Judgement, ModelRole, Observed, Probe, ProbeContext, RequestSpec, Seen } from '../wire/types.js';
import { TargetSession, type Sent, type SessionOptions } from './session.js';
import type { Target } from '../target.js';
import { decide, type Decision, type Exchange, type Facts, type PreflightFindings } from './verdict.js';

export interface RunTargetOptions extends SessionOptions {
  /** Feature ids to run (default: every feature). */
  only?: readonly string[];
  /** Default (suites/run.ts): every probe of the catalogue (tests may pass their own). */
  probes?: readonly Probe[];
  /**
   * Default true. False skips the preflight's judgement (tests that exercise each probe's
   * own handling of a hostile relay); GET /models is still sent, as models.list's request.
   */
  preflight?: boolean;
  /** Called as each feature's result is ready (progress). */
  onResult?: (result: ReportResult) => void;
  now?: () => number;
  /**
   * The run's deadline for this target, in ms from its start (--deadline). When it passes,
   * requests in flight are aborted, none is sent after, and every feature not finished is
   * `error` ("run deadline reached"). Default: none (the CLI sets one).
   */
  deadlineMs?: number;
}

export interface TargetRun {
  report: ReportTarget;
  /** Why the run could not measure this target (unreachable, key refused); empty when it could. */
  problems: string[];
}

function contextFor(session: TargetSession, probe: Probe, runId: string): ProbeContext | undefined {
  const model = session.modelFor(probe.needs);
  if (model === undefined) return undefined;
  const models: ProbeContext['models'] = {};
  for (const { role } of MODEL_ROLES) {
    const id = session.modelFor(role);
    if (id !== undefined) models[role] = id;
  }
  return { model, models, runId };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The judge's verdict on a probe's exchanges, or an internal error when the probe threw. */
async function runProbe(
  probe: Probe,
  session: TargetSession,
  ctx: ProbeContext,
): Promise<{ judged: Judgement; used: Exchange[]; threw: boolean }> {
  const seen: Record<string, Observed> = {};
  const used: Exchange[] = [];
  try {
    for (const step of probe.steps) {
      const specs: readonly RequestSpec[] = typeof step === 'function' ? step(seen as Seen, ctx) : step;
      const sent = await Promise.all(specs.map((spec) => session.send(spec, probe.needs)));
      specs.forEach((spec, i) => {
        seen[spec.label] = sent[i]!.result;
        used.push({ label: spec.label, sent: sent[i]! });
      });
    }
    return { judged: probe.judge(seen as Seen, ctx), used, threw: false };
  } catch (e) {
    // A probe that throws measured nothing; no overrule applies to an internal error.
    const summary = `internal error in the ${probe.feature} probe: ${errorText(e)}`;
    return { judged: { verdict: 'error', summary }, used, threw: true };
  }
}

/** The report's result for a verdict: its evidence redacted, a reproducer for the decisive exchange. */
function resultOf(
  feature: string,
  session: TargetSession,
  verdict: Decision | Judgement,
  evidence: readonly Exchange[],
): ReportResult {
  const decisive = evidence.find((u) => u.label === verdict.decisive) ?? evidence[evidence.length - 1];
  const result: ReportResult = {
    feature,
    verdict: verdict.verdict,
    summary: session.redactor.text(oneLine(verdict.summary, 500)),
    evidence: evidence.map(({ label, sent }) => ({ ...sent.result.evidence, label })),
    reproduce: decisive ? session.curl(decisive.sent) : '',
  };
  const { warnings, details } = verdict as Partial<Judgement>;
  if (warnings && warnings.length > 0) result.warnings = warnings.map((w) => session.redactor.text(w));
  if (details && Object.keys(details).length > 0)
    result.details = session.redactor.json(details) as Record<string, unknown>;
  return result;
}

/** Run the catalogue (or `only`) against one target. */
export async function runTarget(
  target: Target,
  options: RunTargetOptions & { probes: readonly Probe[] },
): Promise<TargetRun> {
  const now = options.now ?? Date.now;
  const started = now();
  // The deadline aborts every exchange; the 'run deadline' step turns what it cut into errors.
  const deadline = new AbortController();
  const timer =
    options.deadlineMs !== undefined ? setTimeout(() => deadline.abort(), Math.max(0, options.deadlineMs)) : undefined;
  try {
    return await measure(target, options, now, started, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function measure(
  target: Target,
  options: RunTargetOptions & { probes: readonly Probe[] },
  now: () => number,
  started: number,
  signal: AbortSignal,
): Promise<TargetRun> {
  const session = new TargetSession(target, { ...options, signal });
  // New to the target's caches on every run (usage.cache's prefix carries it).
  const runId = randomBytes(6).toString('hex');
  const catalogue = features().map((f) => f.id);
  const probes = options.probes;
  const wanted = options.only ? catalogue.filter((id) => options.only!.includes(id)) : catalogue;
  const problems: string[] = [];
  const emit = (r: ReportResult): ReportResult => {
    try {
      options.onResult?.(r);
    } catch {
      // Progress output must never stop the run.
    }
    return r;
  };

  // Preflight (suites/engine/preflight.ts judges it): GET /models (models.list's own request) and
  // up to 3 tiny chat requests per model, before the catalogue: a target that cannot be
  // measured gets one root cause instead of a catalogue of confident wrong verdicts.
  const keyHint = `${target.keyEnv} and --auth`;
  const modelsSent = await session.send(MODELS_REQUEST, 'model');
  const pre: Exchange[] = [{ label: 'preflight', sent: modelsSent }];
  let fatal: (Cause & { sent: Sent }) | undefined;
  const missing: Array<{ role: ModelRole; sent: Sent } & Cause> = [];
  let prompt: PromptCheck | undefined;
  const checking = options.preflight !== false;
  const modelsCause = checking ? judgeModelsList(modelsSent.result, keyHint) : undefined;
  if (modelsCause) fatal = { ...modelsCause, sent: modelsSent };
  if (checking && !fatal) {
    const a = await session.send(preflightRequest('A'), 'model');
    pre.push({ label: 'preflight A', sent: a });
    const aCause =
      judgeBasePath(modelsSent.result, a.result, target.baseUrl) ??
      judgeChatAnswer(a.result, target.models.model, 'model', keyHint);
    if (aCause) fatal = { ...aCause, sent: a };
    else {
      const b = await session.send(preflightRequest('B'), 'model');
      pre.push({ label: 'preflight B', sent: b });
      if (!judgeChatAnswer(b.result, target.models.model, 'model', keyHint))
        prompt = judgePromptSensitivity(a.result, b.result);
      for (const role of ['reasoning-model', 'vision-model'] as const) {
        const id = session.modelFor(role);
        if (id === undefined) continue;
        const sent = await session.send(preflightRequest(role), role);
        pre.push({ label: `preflight ${role}`, sent });
        const cause = judgeChatAnswer(sent.result, id, role, keyHint);
        if (cause && MODEL_UNUSABLE.has(cause.cause)) missing.push({ ...cause, role, sent });
      }
    }
  }
  if (pre.some((p) => p.sent.result.attempts > 1)) session.retried.add('preflight');
  if (signal.aborted)
    fatal = { cause: 'deadline', line: `${RUN_DEADLINE} during the preflight`, sent: pre.at(-1)!.sent };
  const health = healthOf(fatal, missing, prompt);
  if (fatal) problems.push(`${target.name}: ${session.redactor.text(fatal.line)}`);
  for (const m of missing) problems.push(`${target.name}: ${session.redactor.text(m.line)}`);
  const byFeature = new Map(features().map((f) => [f.id, f]));
  const preflight: PreflightFindings = {
    missing,
    exchanges: pre,
    ...(fatal ? { fatal } : {}),
    ...(prompt ? { prompt } : {}),
  };

  // Every verdict goes through suites/engine/verdict.ts: the steps that need no answer first,
  // then the probe and its judge, then the steps that may overrule the judge.
  const results = await Promise.all(
    wanted.map(async (feature) => {
      const probe = probes.find((p) => p.feature === feature);
      const ctx = probe && contextFor(session, probe, runId);
      const facts: Facts = { feature, entry: byFeature.get(feature), probe, configured: ctx !== undefined, preflight };
      if (options.deadlineMs !== undefined) facts.deadline = { ms: options.deadlineMs, reached: false };
      const before = decide('before', facts);
      if (before) return emit(resultOf(feature, session, before, before.evidence ?? []));
      // The steps 'no probe' and 'model not configured' saw to it that both exist.
      const { judged, used, threw } = await runProbe(probe!, session, ctx!);
      if (used.some((u) => u.sent.result.attempts > 1)) session.retried.add(feature);
      if (facts.deadline) facts.deadline.reached = signal.aborted;
      const after = threw ? null : decide('after', { ...facts, judged, used });
      const final = { ...judged, ...after };
      return emit(resultOf(feature, session, { ...final, summary: oneLine(final.summary, 500) }, used));
    }),
  );

  const cut = results.filter((r) => r.verdict === 'error' && r.summary.includes(RUN_DEADLINE)).length;
  if (cut > 0 && !fatal)
    problems.push(`${target.name}: ${RUN_DEADLINE} after ${options.deadlineMs} ms; ${cut} feature(s) not measured`);

  // Across protocols (report.json's structured form; the renderers derive the same from results).
  const models = reportModels(target.models);
  const cross = fatal
    ? []
    : compareSurfaces({ ...models, results }, { aspects: featureAspects(), features: features() });
  const report: ReportTarget = {
    name: target.name,
    baseUrl: session.redactor.text(target.baseUrl),
    ...models,
    ...(target.require !== undefined ? { require: [...target.require] } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(checking ? { health } : {}),
    usage: { ...session.usage, retried: [...session.retried].sort() },
    durationMs: Math.max(0, now() - started),
    results,
    ...(cross.length > 0 ? { crossProtocol: cross } : {}),
  };
  // Every field a relay could echo into (summaries, warnings, evidence, retry records) goes
  // through the redactor once more before it is written: a new field cannot miss it.
  return { report: session.redactor.json(report) as ReportTarget, problems };
}
