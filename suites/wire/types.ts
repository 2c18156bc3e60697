// What a probe is: data describing the requests it needs, and a pure judge that turns what
// came back into a verdict. The runner (suites/engine/runner.ts) performs the requests; nothing in
// suites/probes/ does I/O, so every judge can be unit-tested with hand-made exchanges.
import type { FeatureNeeds, ReportVerdict } from '../../spec/generated/types.js';
import type { ExchangeResult } from '../transport/http.js';
import { worstVerdict } from '../verdicts.js';

/** Which configured model a request is sent to (the values of a feature's `needs`). */
export type ModelRole = FeatureNeeds;

/** One request a probe needs, as data. The runner fills in `model`, the URL and the key. */
export interface RequestSpec {
  /** What the request is for ("with stop", "baseline"); also its key in the judge's input. */
  label: string;
  /** Default POST. */
  method?: 'GET' | 'POST' | 'DELETE';
  /** Relative to the base URL, e.g. "/chat/completions". Default "/chat/completions". */
  path?: string;
  /**
   * The JSON body without `model` (the runner sets it from `model`). Requests with the same
   * method, path, auth, model and body are sent once per target and shared between probes.
   */
  body?: Record<string, unknown>;
  /** A body sent verbatim instead of `body` (malformed JSON); `model` is not filled in. */
  bodyRaw?: string;
  /**
   * Which configured model goes into `body.model`; default the probe's `needs`. A literal id for the unknown-model
   * probes.
   */
  model?: ModelRole | { id: string };
  /** How the key is sent: the target's way (default), not at all, or a wrong key in the target's scheme. */
  auth?: 'key' | 'none' | 'wrong';
  /**
   * Which header carries the key: the target's scheme (default), or on Anthropic's surface
   * `x-api-key`, `bearer`, or `anthropic`: x-api-key when the target sends its key in a
   * header (--auth api-key), else Bearer.
   */
  keyHeader?: 'bearer' | 'x-api-key' | 'anthropic';
  /** Headers the surface requires (anthropic-version), sent and written into the reproducer. */
  headers?: Readonly<Record<string, string>>;
  /**
   * The request expects a refusal, or its status is what is judged: it is sent once, never
   * retried on 429/5xx (a 503 for an unknown model is the finding, not a hiccup).
   */
  noRetry?: boolean;
  /** Distinguishes deliberately repeated identical requests (seed), which are not shared. */
  repeat?: number;
}

/**
 * What a judge sees of one exchange: the transport's result, redacted. Hand-made in unit
 * tests (test/suites/helpers.ts builds them from raw bodies).
 */
export type Observed = Pick<
  ExchangeResult,
  'status' | 'headers' | 'contentType' | 'json' | 'text' | 'sse' | 'error' | 'truncated' | 'attempts'
>;

/** The exchanges a probe made (and borrowed), by request label. */
export type Seen = Readonly<Record<string, Observed | undefined>>;

/** A probe's requests for one round: data, or computed from the rounds before. */
export type Step = readonly RequestSpec[] | ((seen: Seen, ctx: ProbeContext) => readonly RequestSpec[]);

export interface ProbeContext {
  /** The model id this probe's requests go to (by its `needs`). */
  model: string;
  /** Every configured model id, by role. */
  models: Partial<Record<ModelRole, string>>;
  /**
   * Random per run of a target: a prompt carrying it is new to every cache on the way (a
   * relay's, the provider's), so a cache hit can only come from this run's own requests.
   */
  runId?: string;
}

export interface Judgement {
  verdict: ReportVerdict;
  /** One line a person understands, e.g. `stop ignored: output contains "gamma" after the stop sequence`. */
  summary: string;
  warnings?: string[];
  /** Feature-specific measurements for the report. */
  details?: Record<string, unknown>;
  /** The label of the request a curl reproducer should replay; default the last one made. */
  decisive?: string;
}

export interface Probe {
  /** A feature id of spec/features.yaml. */
  feature: string;
  /** Which model the probe needs (a feature's `needs`); without it configured the probe is skipped. */
  needs: ModelRole;
  /** The requests, in rounds: each round may depend on the exchanges of the rounds before. */
  steps: readonly Step[];
  /** Pure: from the exchanges (by label) to a verdict. Never throws on any input (the runner guards anyway). */
  judge(seen: Seen, ctx: ProbeContext): Judgement;
}

export function judgement(
  verdict: ReportVerdict,
  summary: string,
  extra: Omit<Judgement, 'verdict' | 'summary'> = {},
): Judgement {
  const out: Judgement = { verdict, summary };
  if (extra.warnings && extra.warnings.length > 0) out.warnings = [...new Set(extra.warnings)];
  if (extra.details && Object.keys(extra.details).length > 0) out.details = extra.details;
  if (extra.decisive !== undefined) out.decisive = extra.decisive;
  return out;
}

/** A finding: what is wrong and how bad it is. */
export interface Finding {
  verdict: ReportVerdict;
  text: string;
}

/**
 * Several findings as one judgement: the worst verdict, the findings of that verdict as the
 * summary and the others as warnings; `ok` when there is none.
 */
export function verdictOf(findings: readonly Finding[], ok: string, decisive: string): Judgement {
  if (findings.length === 0) return judgement('supported', ok, { decisive });
  const v = worst(...findings.map((f) => f.verdict));
  const main = findings.filter((f) => f.verdict === v);
  return judgement(v, main.map((f) => f.text).join('; '), {
    warnings: findings.filter((f) => f.verdict !== v).map((f) => f.text),
    decisive,
  });
}

/**
 * One judgement over several requests judged alike (the refusals of an errors probe): each
 * request's findings, worded by `what` its label, joined by verdictOf; the first request with
 * a finding is decisive, and `ok` is told the statuses seen.
 */
export function verdictOverRequests(
  seen: Seen,
  requests: readonly RequestSpec[],
  findingsOf: (o: Observed | undefined, what: string) => Finding[],
  what: (label: string) => string,
  ok: (statuses: string) => string,
): Judgement {
  const each = requests.map((r) => ({ label: r.label, findings: findingsOf(seen[r.label], what(r.label)) }));
  const decisive = each.find((e) => e.findings.length > 0)?.label ?? requests[0]!.label;
  const statuses = requests.map((r) => seen[r.label]?.status ?? '—').join(', ');
  return verdictOf(
    each.flatMap((e) => e.findings),
    ok(statuses),
    decisive,
  );
}

/**
 * The worse of several verdicts, by the severity column of suites/verdicts.ts: broken,
 * ignored, rejected (the gate's order), then error, inconclusive, partial, supported, skipped.
 */
export function worst(...verdicts: ReportVerdict[]): ReportVerdict {
  return worstVerdict(verdicts);
}
