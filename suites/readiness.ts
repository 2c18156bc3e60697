// Client readiness in the report: from the verdicts measured on a target and the readiness
// data (spec/clients.yaml: which client operations each single break makes fail against the
// mock), which client operations are expected to work there, and which will or may fail.
//
// A PREDICTION from verdicts, not a measurement with the clients. Each break of
// spec/breaks.yaml states the verdicts it flips; a target whose verdicts match ALL of a
// break's flips (same feature, same non-supported verdict) may have that break's deviation.
// Several breaks often give the same verdict (five give stream.sse "broken"), so:
//   fails     every break that gives one of the target's verdicts makes the operation fail
//   may-fail  some of the matching breaks make it fail, others not (the verdict alone cannot tell)
//   works     no matching break makes it fail, and every feature that could tell was measured
//   not-measured  no matching break makes it fail, but a feature whose verdict decides it
//             (a flip of a break that makes it fail) was not measured (error, skipped,
//             or inconclusive; a feature left out of the run, e.g. by --only, is not
//             counted): "works" would be a claim without a measurement
// A target with no measured verdict at all gets no claim (`measured: false`).
// Breaks that flip nothing (e.g. retry-after-dropped) are invisible to the suite and so to
// this prediction; docs/CLIENTS.md lists them.
// An operation speaks one API (its `surface`): where the target does not serve that API at all
// (every measured feature of the surface skipped as "not served", none measured otherwise),
// the operation fails there whatever the breaks say: the AI SDK's default provider and Codex
// need /responses, Claude Code /messages.
import { featureById, isFeatureId, surfaceOf } from '../spec/features.js';
import type { Break, ClientReadiness, ReportVerdict } from '../spec/generated/types.js';
import { CLIENT_TITLES, type ClientId } from './clients/types.js';

export type ClientExpectation = 'works' | 'fails' | 'may-fail' | 'not-measured';

export interface ReadinessReason {
  /** The break whose flips the target's verdicts match. */
  break: string;
  /** The break's description: the deviation that would explain the verdict. */
  description: string;
  /** Its flips, which the target's verdicts match. */
  flips: Array<{ feature: string; verdict: string }>;
  /** How the operation failed against the mock with that break on. */
  error: string;
  message: string;
}

export interface OperationPrediction {
  id: string;
  client: string;
  operation: string;
  expectation: ClientExpectation;
  /** Why it fails or may fail (empty when expected to work). */
  reasons: ReadinessReason[];
  /** It fails because the target does not serve its API: the suite's "not served" summary. */
  notServed?: string;
}

export interface ReadinessPrediction {
  operations: OperationPrediction[];
  /** Ids of the breaks whose flips the target's verdicts match, in catalogue order. */
  matchedBreaks: string[];
  /** False when no feature of the target was measured: then no claim is made at all. */
  measured: boolean;
}

const UNMEASURED = new Set(['error', 'skipped', 'inconclusive']);

/** The part of a report result the prediction reads. */
export interface VerdictLike {
  feature: string;
  verdict: ReportVerdict | string;
  /** The result's summary: "not served: ..." on a skipped feature of an API the target lacks. */
  summary?: string;
}

const NOT_SERVED = 'not served';

/**
 * The APIs (surfaces besides chat) the target does not serve, each with the summary saying so:
 * some feature of it skipped as not served, and none of it measured.
 */
export function unservedSurfaces(results: readonly VerdictLike[]): Map<string, string> {
  const bySurface = new Map<string, VerdictLike[]>();
  for (const r of results) {
    if (!isFeatureId(r.feature)) continue;
    const surface: string = surfaceOf(featureById(r.feature));
    if (surface === 'chat') continue;
    bySurface.set(surface, [...(bySurface.get(surface) ?? []), r]);
  }
  const out = new Map<string, string>();
  for (const [surface, rs] of bySurface) {
    const notServed = rs.find((r) => r.verdict === 'skipped' && r.summary?.startsWith(NOT_SERVED));
    if (notServed && rs.every((r) => UNMEASURED.has(String(r.verdict)))) out.set(surface, notServed.summary!);
  }
  return out;
}

function flipsOf(b: Break): Array<{ feature: string; verdict: string }> {
  return Object.entries(b.flips).map(([feature, verdict]) => ({ feature, verdict: String(verdict) }));
}

/** Pure: the expected outcome of every client operation of `readiness` on a target with `results`. */
export function predictClientReadiness(
  results: readonly VerdictLike[],
  readiness: ClientReadiness,
  catalogue: readonly Break[],
): ReadinessPrediction {
  const verdicts = new Map<string, string>();
  for (const r of results) if (!verdicts.has(r.feature)) verdicts.set(r.feature, String(r.verdict));
  const rows = new Map(readiness.breaks.map((row) => [row.id, row.fails]));

  const matched = catalogue.filter((b) => {
    const flips = flipsOf(b);
    return flips.length > 0 && rows.has(b.id) && flips.every((f) => verdicts.get(f.feature) === f.verdict);
  });
  // For each matched "feature = verdict": every matched break that explains it.
  const explaining = new Map<string, Break[]>();
  for (const b of matched) {
    for (const f of flipsOf(b)) {
      const key = `${f.feature}=${f.verdict}`;
      explaining.set(key, [...(explaining.get(key) ?? []), b]);
    }
  }
  const fails = (b: Break, op: string) => rows.get(b.id)?.[op];
  const unserved = unservedSurfaces(results);

  const operations = readiness.operations.map((op): OperationPrediction => {
    const reasons = matched.flatMap((b): ReadinessReason[] => {
      const failure = fails(b, op.id);
      return failure
        ? [
            {
              break: b.id,
              description: b.description,
              flips: flipsOf(b),
              error: failure.error,
              message: failure.message,
            },
          ]
        : [];
    });
    const notServed = unserved.get(op.surface ?? 'chat');
    if (notServed !== undefined)
      return { id: op.id, client: op.client, operation: op.operation, expectation: 'fails', reasons, notServed };
    let expectation: ClientExpectation = 'works';
    const deciding = catalogue.filter((b) => fails(b, op.id)).flatMap((b) => flipsOf(b).map((f) => f.feature));
    if (deciding.some((f) => UNMEASURED.has(verdicts.get(f) ?? ''))) expectation = 'not-measured';
    if (reasons.length > 0) {
      const certain = [...explaining.values()].some((group) => group.every((b) => fails(b, op.id)));
      expectation = certain ? 'fails' : 'may-fail';
    }
    return { id: op.id, client: op.client, operation: op.operation, expectation, reasons };
  });
  const measured = verdicts.size === 0 || [...verdicts.values()].some((v) => !UNMEASURED.has(v));
  return { operations, matchedBreaks: matched.map((b) => b.id), measured };
}

/** "stream.sse broken, tools.stream broken": the verdicts a reason rests on. */
export function reasonVerdicts(reason: ReadinessReason): string {
  return reason.flips.map((f) => `${f.feature} ${f.verdict}`).join(', ');
}

/**
 * "Codex CLI (all 2), openai Node SDK (responses-create)": the operations by client, in the
 * data's order; a client all of whose operations are listed is said so, to keep the line short.
 */
function byClient(ops: readonly OperationPrediction[], all: readonly OperationPrediction[]): string {
  const clients = [...new Set(ops.map((o) => o.client))];
  return clients
    .map((client) => {
      const mine = ops.filter((o) => o.client === client);
      const title = CLIENT_TITLES[client as ClientId] ?? client;
      const total = all.filter((o) => o.client === client).length;
      if (mine.length === total && total > 1) return `${title} (all ${total})`;
      return `${title} (${mine.map((o) => o.id.slice(o.id.indexOf('.') + 1)).join(', ')})`;
    })
    .join(', ');
}

/** One line for a terminal: which clients' operations are expected to fail or may fail. */
export function readinessLine(prediction: ReadinessPrediction): string {
  if (!prediction.measured) return 'no client readiness claim: no feature was measured';
  const all = prediction.operations;
  const failing = all.filter((o) => o.expectation === 'fails');
  const maybe = all.filter((o) => o.expectation === 'may-fail');
  const unknown = all.filter((o) => o.expectation === 'not-measured');
  const total = all.length;
  if (failing.length === 0 && maybe.length === 0 && unknown.length === 0)
    return `all ${total} client operations expected to work`;
  const parts: string[] = [];
  if (failing.length > 0) parts.push(`expected to fail: ${byClient(failing, all)}`);
  if (maybe.length > 0) parts.push(`may fail: ${byClient(maybe, all)}`);
  if (unknown.length > 0) parts.push(`not measured: ${byClient(unknown, all)}`);
  const works = total - failing.length - maybe.length - unknown.length;
  return `${works}/${total} client operations expected to work; ${parts.join('; ')}`;
}
