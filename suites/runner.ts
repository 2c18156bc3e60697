// Runs the probes against one target: every probe starts at once, requests go through the
// target's session (shared, at most `concurrency` in flight), rounds within a probe wait for
// the rounds before, a probe reading another's exchange simply asks for the same request.
// Builds the ReportTarget. Never throws: a failing probe is an `error` verdict.
import { features } from '../spec/features.js';
import type { ReportExchange, ReportResult, ReportTarget } from '../spec/generated/types.js';
import { PROBES } from './probes/index.js';
import { MODELS_REQUEST } from './probes/basics.js';
import { errorMessage, oneLine } from './probes/read.js';
import type { ModelRole, Observed, Probe, ProbeContext, RequestSpec, Seen } from './probes/types.js';
import { TargetSession, type Sent, type SessionOptions } from './session.js';
import type { Target } from './target.js';

export interface RunTargetOptions extends SessionOptions {
  /** Feature ids to run (default: every feature). */
  only?: readonly string[];
  /** Default: every probe (tests may pass their own). */
  probes?: readonly Probe[];
  /** Called as each feature's result is ready (progress). */
  onResult?: (result: ReportResult) => void;
  now?: () => number;
}

export interface TargetRun {
  report: ReportTarget;
  /** Why the run could not measure this target (unreachable, key refused); empty when it could. */
  problems: string[];
}

const ROLE_FLAG: Record<ModelRole, string> = {
  model: '--model',
  'reasoning-model': '--reasoning-model',
  'vision-model': '--vision-model',
};

const ROLE_NAME: Record<ModelRole, string> = {
  model: 'chat model',
  'reasoning-model': 'reasoning model',
  'vision-model': 'vision model',
};

function contextFor(session: TargetSession, probe: Probe): ProbeContext | undefined {
  const model = session.modelFor(probe.needs);
  if (model === undefined) return undefined;
  const models: ProbeContext['models'] = {};
  for (const role of ['model', 'reasoning-model', 'vision-model'] as const) {
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
    const overruled = transportOverrule(verdict, summary, used);
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

  // Preflight: a free GET /models (models.list's own request) tells an unreachable or silent
  // target apart before every probe fails (or waits out its timeout) on its own.
  // A 401 there means the configured key is refused: every probe would only measure that.
  const preflight = await session.send(MODELS_REQUEST, 'model');
  let stopWhy: string | undefined;
  const noAnswer = preflight.result.status === null ? preflight.result.error : undefined;
  if (noAnswer && (noAnswer.kind === 'network' || noAnswer.kind === 'timeout')) {
    stopWhy = `the target could not be reached (${noAnswer.message})`;
  } else if (preflight.result.status === 401) {
    stopWhy = `the configured key was refused (GET /models → HTTP 401: ${errorMessage(preflight.result)}); check ${target.keyEnv} and --auth`;
  }

  let results: ReportResult[];
  if (stopWhy !== undefined) {
    problems.push(`${target.name}: ${session.redactor.text(stopWhy)}`);
    results = wanted.map((feature) =>
      emit({
        feature,
        verdict: 'error',
        summary: session.redactor.text(`could not measure: ${stopWhy}`),
        evidence: [{ ...preflight.result.evidence, label: 'preflight' }],
        reproduce: session.curl(preflight),
      }),
    );
  } else {
    results = await Promise.all(
      wanted.map(async (feature) => {
        const probe = probes.find((p) => p.feature === feature);
        if (!probe) return emit(skipped(feature, 'no probe is defined for this feature yet'));
        const ctx = contextFor(session, probe);
        if (!ctx) return emit(skipped(feature, `no ${ROLE_NAME[probe.needs]} configured (${ROLE_FLAG[probe.needs]})`));
        return emit(await runProbe(probe, session, ctx));
      }),
    );
  }

  const report: ReportTarget = {
    name: target.name,
    baseUrl: session.redactor.text(target.baseUrl),
    model: target.models.model,
    ...(target.models.reasoning !== undefined ? { reasoningModel: target.models.reasoning } : {}),
    ...(target.models.vision !== undefined ? { visionModel: target.models.vision } : {}),
    ...(target.require !== undefined ? { require: [...target.require] } : {}),
    usage: { ...session.usage },
    durationMs: Math.max(0, now() - started),
    results,
  };
  return { report, problems };
}
