// One decision point per verdict. A probe's judge proposes a feature's verdict; the steps of
// OVERRULES, in that order, may overrule it, and the first step that applies decides. The
// steps marked 'before' are settled before the probe sends anything (they need no answer:
// the preflight already knows), the 'after' ones read the judge's verdict and the exchanges
// it came from. Nothing else in the suite changes a verdict: the runner only carries out
// what `decide` returns.
import type { Feature, ReportVerdict } from '../../spec/generated/types.js';
import { SURFACES, surfaceOf } from '../../spec/features.js';
import { roleInfo } from '../roles.js';
import { isObject, oneLine } from '../wire/read.js';
import type { Judgement, ModelRole, Probe } from '../wire/types.js';
import { PROMPT_INSENSITIVE, ROLE_FLAG, type Cause, type PromptCheck } from './preflight.js';
import type { Sent } from './session.js';
import { RUN_DEADLINE } from '../transport/http.js';

/** One exchange a verdict rests on, by the label it is shown under. */
export interface Exchange {
  label: string;
  sent: Sent;
}

/** What the preflight found, as the steps read it. */
export interface PreflightFindings {
  /** The target cannot be measured at all, and the exchange that showed it. */
  fatal?: Cause & { sent: Sent };
  /** Configured extra models that cannot be used at all. */
  missing: ReadonlyArray<Cause & { role: ModelRole; sent: Sent }>;
  /** Whether two different prompts got two different answers (absent: not checked). */
  prompt?: PromptCheck;
  /** The preflight's exchanges in the order sent: GET /models, prompt A, prompt B, other models. */
  exchanges: readonly Exchange[];
}

/** What one feature's verdict is decided from. `judged` and `used` exist after the probe ran. */
export interface Facts {
  feature: string;
  /** The catalogue's entry (undefined for an id the catalogue does not know). */
  entry: Feature | undefined;
  probe: Probe | undefined;
  /** Whether the model the probe needs is configured. */
  configured: boolean;
  preflight: PreflightFindings;
  judged?: Judgement;
  used?: readonly Exchange[];
  /** The run's deadline (--deadline), when one is set, and whether it has passed. */
  deadline?: { ms: number; reached: boolean };
}

/** An overruling verdict: its evidence (default: every exchange made) and the exchange to replay. */
export interface Decision {
  verdict: ReportVerdict;
  summary: string;
  evidence?: readonly Exchange[];
  decisive?: string;
}

export type Phase = 'before' | 'after';

export interface OverruleStep {
  name: string;
  phase: Phase;
  /** The overruling verdict, or null when this step does not apply. */
  decide(facts: Facts): Decision | null;
}

function notMeasured(cause: Cause & { sent: Sent }): Decision {
  return {
    verdict: 'error',
    summary: `not measured: ${cause.line}`,
    evidence: [{ label: 'preflight', sent: cause.sent }],
    decisive: 'preflight',
  };
}

/** Transport facts no judge may overlook concern verdicts that claim a measurement. */
const claimsMeasurement = (judged: Judgement | undefined): judged is Judgement =>
  judged !== undefined && judged.verdict !== 'broken' && judged.verdict !== 'error' && judged.verdict !== 'skipped';

/** The path of a request's URL ('' when it is not one). */
function urlPath(url: string | undefined): string {
  try {
    return new URL(url ?? '').pathname;
  } catch {
    return '';
  }
}

/** Statuses that say a route does not exist (or not for POST). */
const NO_ROUTE = new Set([404, 405]);

/**
 * Why the answer to a probe's first, valid request says the endpoint is not there: an unknown
 * route (404/405, whatever the body says), or a refusal of the model.
 */
function notServed(sent: Sent): string | undefined {
  const { status, json, text } = sent.result;
  if (status === null || status < 400) return undefined;
  const error = isObject(json) && isObject(json['error']) ? json['error'] : undefined;
  const message = typeof error?.['message'] === 'string' ? error['message'] : text;
  const line = `HTTP ${status}: ${oneLine(message, 120) || '(empty body)'}`;
  if (NO_ROUTE.has(status)) return line;
  if (error?.['code'] === 'model_not_found') return `${line} (the model is unknown there)`;
  return undefined;
}

/** Every step that may overrule a judge, in the order they are tried; the first that applies decides. */
export const OVERRULES: readonly OverruleStep[] = [
  {
    // The preflight found the target cannot be measured (unreachable, key refused, not the API):
    // one root cause for every feature instead of a catalogue of confident wrong verdicts.
    name: 'target not measurable',
    phase: 'before',
    decide: ({ preflight }) => (preflight.fatal ? notMeasured(preflight.fatal) : null),
  },
  {
    name: 'no probe',
    phase: 'before',
    decide: ({ probe }) => (probe ? null : { verdict: 'skipped', summary: 'no probe is defined for this feature yet' }),
  },
  {
    name: 'model not configured',
    phase: 'before',
    decide: ({ probe, configured }) =>
      probe && !configured
        ? { verdict: 'skipped', summary: `no ${roleInfo(probe.needs).name} configured (${ROLE_FLAG[probe.needs]})` }
        : null,
  },
  {
    name: 'model unusable',
    phase: 'before',
    decide: ({ probe, preflight }) => {
      const gone = probe && preflight.missing.find((m) => m.role === probe.needs);
      return gone ? notMeasured(gone) : null;
    },
  },
  {
    // A model that answers the same whatever it is asked cannot show a content-dependent feature.
    name: 'prompt-insensitive model',
    phase: 'before',
    decide: ({ entry, preflight }) => {
      const { prompt, exchanges } = preflight;
      if (!prompt || prompt.promptSensitive || entry?.contentDependent !== true) return null;
      return {
        verdict: 'inconclusive',
        summary: `inconclusive: ${PROMPT_INSENSITIVE} (the preflight's two different prompts got the same answer or an echo)`,
        evidence: exchanges.slice(1, 3),
        ...(exchanges[1] ? { decisive: exchanges[1].label } : {}),
      };
    },
  },
  {
    // The run's deadline aborted one of this feature's exchanges: what the judge saw was cut.
    name: 'run deadline',
    phase: 'after',
    decide: ({ deadline, used }) =>
      deadline?.reached && used?.some((u) => u.sent.result.evidence.error === `timeout: ${RUN_DEADLINE}`)
        ? {
            verdict: 'error',
            summary: `not measured: ${RUN_DEADLINE} (--deadline ${deadline.ms} ms) before this feature finished`,
          }
        : null,
  },
  {
    // A surface besides chat (the Responses API) that the target does not serve: the probe's
    // first request there was refused as an unknown route or an unknown model. An optional
    // API a relay does not offer is not a deviation: skipped, so the exit code is unchanged
    // unless the feature is required.
    name: 'surface not served',
    phase: 'after',
    decide: ({ entry, used = [] }) => {
      const surface = entry ? surfaceOf(entry) : 'chat';
      if (surface === 'chat') return null;
      const { path, title } = SURFACES[surface];
      const first = used.find((u) => urlPath(u.sent.request.url).endsWith(path));
      const why = first && notServed(first.sent);
      if (!why) return null;
      return {
        verdict: 'skipped',
        summary: `not served: ${first.label} (POST ${path}) answered ${why}, so the target does not offer ${title} for this model`,
        evidence: [first],
        decisive: first.label,
      };
    },
  },
  {
    // A redirect is never followed, so nothing was measured, whatever the answer seemed to say.
    name: 'redirected',
    phase: 'after',
    decide: ({ judged, used = [] }) => {
      if (!claimsMeasurement(judged)) return null;
      const redirected = used.find((u) => u.sent.result.error?.kind === 'redirect');
      if (!redirected) return null;
      return {
        verdict: 'error',
        summary: `could not measure: ${redirected.label} was redirected (${redirected.sent.result.error!.message}); relaycheck never follows redirects`,
        decisive: redirected.label,
      };
    },
  },
  {
    // Strict clients fail to decode an answer that is not UTF-8; relaycheck read it with U+FFFD.
    name: 'invalid UTF-8',
    phase: 'after',
    decide: ({ judged, used = [] }) => {
      if (!claimsMeasurement(judged)) return null;
      const garbled = used.find((u) => u.sent.result.error?.kind === 'invalid-utf8');
      if (!garbled) return null;
      return {
        verdict: 'broken',
        summary: `${garbled.label}: ${garbled.sent.result.error!.message}, which clients that decode strictly reject; read anyway: ${judged.summary}`,
        decisive: garbled.label,
      };
    },
  },
  {
    // The same failure on every attempt (same 5xx and body, or the same connection error) is
    // the feature failing deterministically, not transport trouble: the preflight succeeded.
    name: 'repeated failure',
    phase: 'after',
    decide: ({ judged, used = [] }) => {
      if (judged?.verdict !== 'error') return null;
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
    },
  },
];

/** The first step of `phase` that overrules, or null: the judge's verdict stands (or the probe runs). */
export function decide(phase: Phase, facts: Facts, steps: readonly OverruleStep[] = OVERRULES): Decision | null {
  for (const step of steps) {
    if (step.phase !== phase) continue;
    const decision = step.decide(facts);
    if (decision) return decision;
  }
  return null;
}
