// Runs the probes against one target: every probe starts at once, requests go through the
// target's session (shared, at most `concurrency` in flight), rounds within a probe wait for
// the rounds before, a probe reading another's exchange simply asks for the same request.
// Builds the ReportTarget. Never throws: a failing probe is an `error` verdict.
import { MODEL_ROLES, reportModels, roleInfo } from '../roles.js';
import { features } from '../../spec/features.js';
import type { ReportExchange, ReportResult, ReportTarget } from '../../spec/generated/types.js';
import { PROBES } from '../probes/index.js';
import { MODELS_REQUEST } from '../probes/basics.js';
import { oneLine } from '../wire/read.js';
import {
  healthOf,
  judgeChatAnswer,
  judgeModelsList,
  judgePromptSensitivity,
  MODEL_UNUSABLE,
  preflightRequest,
  PROMPT_INSENSITIVE,
  ROLE_FLAG,
  type Cause,
  type PromptCheck,
} from './preflight.js';
import type { ModelRole, Observed, Probe, ProbeContext, RequestSpec, Seen } from '../wire/types.js';
import { TargetSession, type Sent, type SessionOptions } from './session.js';
import type { Target } from '../target.js';

export interface RunTargetOptions extends SessionOptions {
  /** Feature ids to run (default: every feature). */
  only?: readonly string[];
  /** Default: every probe (tests may pass their own). */
  probes?: readonly Probe[];
  /**
   * Default true. False skips the preflight's judgement (tests that exercise each probe's
   * own handling of a hostile relay); GET /models is still sent, as models.list's request.
   */
  preflight?: boolean;
  /** Called as each feature's result is ready (progress). */
  onResult?: (result: ReportResult) => void;
  now?: () => number;
}

export interface TargetRun {
  report: ReportTarget;
  /** Why the run could not measure this target (unreachable, key refused); empty when it could. */
  problems: string[];
}

const ROLE_NAME = (role: ModelRole): string => roleInfo(role).name;

function contextFor(session: TargetSession, probe: Probe): ProbeContext | undefined {
  const model = session.modelFor(probe.needs);
  if (model === undefined) return undefined;
  const models: ProbeContext['models'] = {};
  for (const { role } of MODEL_ROLES) {
    const id = session.modelFor(role);
    if (id !== undefined) models[role] = id;
  }
  return { model, models };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function runProbe(probe: Probe, session: TargetSession, ctx: ProbeContext): Promise<ReportResult> {
  const seen: Record<string, Observed> = {};
  const used: Array<{ label: string; sent: Sent }> = [];
  let verdict: ReportResult['verdict'];
  let summary: string;
  let warnings: string[] | undefined;
  let details: Record<string, unknown> | undefined;
  let decisive: string | undefined;
  try {
    for (const step of probe.steps) {
      const specs: readonly RequestSpec[] = typeof step === 'function' ? step(seen as Seen, ctx) : step;
      const sent = await Promise.all(specs.map((spec) => session.send(spec, probe.needs)));
      specs.forEach((spec, i) => {
        seen[spec.label] = sent[i]!.result;
        used.push({ label: spec.label, sent: sent[i]! });
      });
    }
    const j = probe.judge(seen as Seen, ctx);
    ({ verdict, summary, warnings, details, decisive } = j);
    const overruled = transportOverrule(verdict, summary, used) ?? repeatedFailure(verdict, used);
    if (overruled) ({ verdict, summary, decisive } = overruled);
  } catch (e) {
    verdict = 'error';
    summary = `internal error in the ${probe.feature} probe: ${errorText(e)}`;
  }
  const evidence: ReportExchange[] = used.map(({ label, sent }) => ({ ...sent.result.evidence, label }));
  const decisiveUse = used.find((u) => u.label === decisive) ?? used[used.length - 1];
  const result: ReportResult = {
    feature: probe.feature,
    verdict,
    summary: session.redactor.text(oneLine(summary, 500)),
    evidence,
    reproduce: decisiveUse ? session.curl(decisiveUse.sent) : '',
  };
  if (used.some((u) => u.sent.result.attempts > 1)) session.retried.add(probe.feature);
  if (warnings && warnings.length > 0) result.warnings = warnings.map((w) => session.redactor.text(w));
  if (details && Object.keys(details).length > 0)
    result.details = session.redactor.json(details) as Record<string, unknown>;
  return result;
}

/**
 * Transport facts no judge may overlook, whatever the answer seemed to say: a redirect is
 * never followed, so nothing was measured (`error`); an answer that is not valid UTF-8 is
 * `broken` (strict clients fail to decode it; relaycheck read it with U+FFFD in place).
 */
export function transportOverrule(
  verdict: ReportResult['verdict'],
  summary: string,
  used: ReadonlyArray<{ label: string; sent: Sent }>,
): { verdict: ReportResult['verdict']; summary: string; decisive: string } | null {
  if (verdict === 'broken' || verdict === 'error' || verdict === 'skipped') return null;
  const redirected = used.find((u) => u.sent.result.error?.kind === 'redirect');
  if (redirected) {
    return {
      verdict: 'error',
      summary: `could not measure: ${redirected.label} was redirected (${redirected.sent.result.error!.message}); relaycheck never follows redirects`,
      decisive: redirected.label,
    };
  }
  const garbled = used.find((u) => u.sent.result.error?.kind === 'invalid-utf8');
  if (garbled) {
    return {
      verdict: 'broken',
      summary: `${garbled.label}: ${garbled.sent.result.error!.message}, which clients that decode strictly reject; read anyway: ${summary}`,
      decisive: garbled.label,
    };
  }
  return null;
}

/**
 * A request that failed the same way on every attempt (same 5xx status and body, or the
 * same connection error) is a deterministic failure of the feature, not transport trouble:
 * `broken` with that evidence. The preflight succeeded, so the target as a whole works.
 */
export function repeatedFailure(
  verdict: ReportResult['verdict'],
  used: ReadonlyArray<{ label: string; sent: Sent }>,
): { verdict: ReportResult['verdict']; summary: string; decisive: string } | null {
  if (verdict !== 'error') return null;
  const failed = used.find((u) => u.sent.result.repeatedFailure === true);
  if (!failed) return null;
  const r = failed.sent.result;
  const how =
    r.status !== null
      ? `HTTP ${r.status}: ${oneLine(r.text, 160) || '(empty body)'}`
      : `${r.error?.kind ?? 'network'}: ${r.error?.message ?? 'no response'}`;
  return {
    verdict: 'broken',
    summary: `${failed.label} failed the same way on all ${r.attempts} attempts (${how}) while plain chat requests work`,
    decisive: failed.label,
  };
}

function skipped(feature: string, summary: string): ReportResult {
  return { feature, verdict: 'skipped', summary, evidence: [], reproduce: '' };
}

/** Run the catalogue (or `only`) against one target. */
export async function runTarget(target: Target, options: RunTargetOptions = {}): Promise<TargetRun> {
  const now = options.now ?? Date.now;
  const started = now();
  const session = new TargetSession(target, options);
  const catalogue = features().map((f) => f.id);
  const probes = options.probes ?? PROBES;
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

  // Preflight (suites/preflight.ts judges it): GET /models (models.list's own request) and
  // up to 3 tiny chat requests per model, before the catalogue: a target that cannot be
  // measured gets one root cause instead of a catalogue of confident wrong verdicts.
  const keyHint = `${target.keyEnv} and --auth`;
  const modelsSent = await session.send(MODELS_REQUEST, 'model');
  const pre: Array<{ label: string; sent: Sent }> = [{ label: 'preflight', sent: modelsSent }];
  let fatal: (Cause & { sent: Sent }) | undefined;
  const missing: Array<{ role: ModelRole; sent: Sent } & Cause> = [];
  let prompt: PromptCheck | undefined;
  const checking = options.preflight !== false;
  const modelsCause = checking ? judgeModelsList(modelsSent.result, keyHint) : undefined;
  if (modelsCause) fatal = { ...modelsCause, sent: modelsSent };
  if (checking && !fatal) {
    const a = await session.send(preflightRequest('A'), 'model');
    pre.push({ label: 'preflight A', sent: a });
    const aCause = judgeChatAnswer(a.result, target.models.model, 'model', keyHint);
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
  const health = healthOf(fatal, missing, prompt);
  const evidenceOf = (sent: Sent, label: string): ReportExchange => ({ ...sent.result.evidence, label });
  const notMeasured = (feature: string, cause: Cause, sent: Sent): ReportResult =>
    emit({
      feature,
      verdict: 'error',
      summary: session.redactor.text(`not measured: ${cause.line}`),
      evidence: [evidenceOf(sent, 'preflight')],
      reproduce: session.curl(sent),
    });
  if (fatal) problems.push(`${target.name}: ${session.redactor.text(fatal.line)}`);
  for (const m of missing) problems.push(`${target.name}: ${session.redactor.text(m.line)}`);
  const byFeature = new Map(features().map((f) => [f.id, f]));

  let results: ReportResult[];
  if (fatal) {
    const cause = fatal;
    results = wanted.map((feature) => notMeasured(feature, cause, cause.sent));
  } else {
    results = await Promise.all(
      wanted.map(async (feature) => {
        const probe = probes.find((p) => p.feature === feature);
        if (!probe) return emit(skipped(feature, 'no probe is defined for this feature yet'));
        const ctx = contextFor(session, probe);
        if (!ctx) return emit(skipped(feature, `no ${ROLE_NAME(probe.needs)} configured (${ROLE_FLAG[probe.needs]})`));
        const gone = missing.find((m) => m.role === probe.needs);
        if (gone) return notMeasured(feature, gone, gone.sent);
        if (prompt && !prompt.promptSensitive && byFeature.get(feature)?.contentDependent === true)
          return emit({
            feature,
            verdict: 'inconclusive',
            summary: `inconclusive: ${PROMPT_INSENSITIVE} (the preflight's two different prompts got the same answer or an echo)`,
            evidence: pre.slice(1, 3).map((p) => evidenceOf(p.sent, p.label)),
            reproduce: pre[1] ? session.curl(pre[1].sent) : '',
          });
        return emit(await runProbe(probe, session, ctx));
      }),
    );
  }

  const report: ReportTarget = {
    name: target.name,
    baseUrl: session.redactor.text(target.baseUrl),
    ...reportModels(target.models),
    ...(target.require !== undefined ? { require: [...target.require] } : {}),
    ...(checking ? { health } : {}),
    usage: { ...session.usage, retried: [...session.retried].sort() },
    durationMs: Math.max(0, now() - started),
    results,
  };
  return { report, problems };
}
