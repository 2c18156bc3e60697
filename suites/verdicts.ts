// THE verdict table: every fact about a verdict that code elsewhere needs (gate rank,
// worst-of severity, display marks, meaning, JUnit and vitest outcomes). Every list of
// verdicts in probes, gate and renderers is derived from it, so they cannot disagree.
import type { ReportVerdict } from '../spec/generated/types.js';

export type JunitOutcome = 'pass' | 'failure' | 'skipped';
export type VitestOutcome = 'pass' | 'fail' | 'skip';

export interface VerdictEntry {
  verdict: ReportVerdict;
  /**
   * How good the verdict is for a client, for the gate's "got worse" rule; undefined for
   * verdicts that did not measure the relay (never compared with a baseline).
   */
  rank: number | undefined;
  /**
   * For combining several checks of one feature (worst()): lower is worse. Measured
   * defects come first (a defect seen is true whatever else could not be measured), in the
   * gate's order; then "could not measure" (it may hide a defect, so it beats any good
   * result); then the good results; skipped last (a check not run changes nothing).
   */
  severity: number;
  /** Markdown mark (emoji: GitHub renders them everywhere). */
  emoji: string;
  /** Plain glyph for the HTML report (present in common fonts, no emoji font needed). */
  glyph: string;
  /** One line for the legend. */
  meaning: string;
  /**
   * In JUnit. `skipped` only for what did not measure the relay: a measured refusal is a
   * failure (the feature is not available), not a test nobody ran.
   */
  junit: JunitOutcome;
  /** In `relaycheck/vitest` (describeConformance), the same rule. */
  vitest: VitestOutcome;
}

/** In display order (legend, filters, counts): best first, unmeasured last. */
const TABLE: readonly VerdictEntry[] = [
  {
    verdict: 'supported',
    rank: 4,
    severity: 6,
    emoji: '✅',
    glyph: '✓',
    meaning: 'works as OpenAI documents it',
    junit: 'pass',
    vitest: 'pass',
  },
  {
    verdict: 'partial',
    rank: 3,
    severity: 5,
    emoji: '🟡',
    glyph: '◐',
    meaning: 'works, with a deviation clients may trip on',
    junit: 'pass',
    vitest: 'pass',
  },
  {
    verdict: 'rejected',
    rank: 2,
    severity: 2,
    emoji: '⛔',
    glyph: '⊘',
    meaning: 'refused with an honest 4xx',
    junit: 'failure',
    vitest: 'fail',
  },
  {
    verdict: 'ignored',
    rank: 1,
    severity: 1,
    emoji: '🔇',
    glyph: '∅',
    meaning: 'accepted but had no effect',
    junit: 'failure',
    vitest: 'fail',
  },
  {
    verdict: 'broken',
    rank: 0,
    severity: 0,
    emoji: '❌',
    glyph: '✗',
    meaning: 'output that breaks clients',
    junit: 'failure',
    vitest: 'fail',
  },
  {
    verdict: 'inconclusive',
    rank: undefined,
    severity: 4,
    emoji: '❔',
    glyph: '?',
    meaning: 'the model did not cooperate; not judged',
    junit: 'skipped',
    vitest: 'skip',
  },
  {
    // A failure, not skipped: CI must notice that it measured nothing (the gate still
    // never fails on it alone).
    verdict: 'error',
    rank: undefined,
    severity: 3,
    emoji: '💥',
    glyph: '!',
    meaning: 'could not measure (transport failure, timeout, 5xx)',
    junit: 'failure',
    vitest: 'fail',
  },
  {
    verdict: 'skipped',
    rank: undefined,
    severity: 7,
    emoji: '➖',
    glyph: '–',
    meaning: 'not run (not configured, or a prerequisite failed)',
    junit: 'skipped',
    vitest: 'skip',
  },
];

export const VERDICT_TABLE: Readonly<Record<ReportVerdict, VerdictEntry>> = Object.fromEntries(
  TABLE.map((e) => [e.verdict, e]),
) as Record<ReportVerdict, VerdictEntry>;

/** Every verdict, in display order: best first, unmeasured last. */
export const VERDICTS: readonly ReportVerdict[] = TABLE.map((e) => e.verdict);

/** Every verdict from worst to best for the worst-of rule. */
export const BY_SEVERITY: readonly ReportVerdict[] = [...TABLE]
  .sort((a, b) => a.severity - b.severity)
  .map((e) => e.verdict);

export function verdictRank(verdict: ReportVerdict): number | undefined {
  return VERDICT_TABLE[verdict]?.rank;
}

/** True for verdicts that judged the relay (everything but inconclusive, error, skipped). */
export function isMeasured(verdict: ReportVerdict): boolean {
  return verdictRank(verdict) !== undefined;
}

export function isVerdict(value: unknown): value is ReportVerdict {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(VERDICT_TABLE, value);
}

/** The worse of several verdicts by severity; `skipped` for none. */
export function worstVerdict(verdicts: readonly ReportVerdict[]): ReportVerdict {
  let out: ReportVerdict = 'skipped';
  for (const v of verdicts) if (VERDICT_TABLE[v].severity < VERDICT_TABLE[out].severity) out = v;
  return out;
}
