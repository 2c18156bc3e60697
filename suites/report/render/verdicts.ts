// Verdict vocabulary shared by every renderer and the CI gate: display order, symbols,
// one-line meanings, and which verdicts say something about the relay at all.
import type { ReportVerdict } from '../../../spec/generated/types.js';

/** Every verdict, in display order (legend, filters, counts): best first, unmeasured last. */
export const VERDICTS: readonly ReportVerdict[] = [
  'supported',
  'partial',
  'rejected',
  'ignored',
  'broken',
  'inconclusive',
  'error',
  'skipped',
];

export interface VerdictInfo {
  /** Markdown symbol (emoji: GitHub renders them everywhere). */
  emoji: string;
  /** Plain glyph for the HTML report (present in common fonts, no emoji font needed). */
  glyph: string;
  /** One line for the legend. */
  meaning: string;
}

export const VERDICT_INFO: Readonly<Record<ReportVerdict, VerdictInfo>> = {
  supported: { emoji: '✅', glyph: '✓', meaning: 'works as OpenAI documents it' },
  partial: { emoji: '🟡', glyph: '◐', meaning: 'works, with a deviation clients may trip on' },
  rejected: { emoji: '⛔', glyph: '⊘', meaning: 'refused with an honest 4xx' },
  ignored: { emoji: '🔇', glyph: '∅', meaning: 'accepted but had no effect' },
  broken: { emoji: '❌', glyph: '✗', meaning: 'output that breaks clients' },
  inconclusive: { emoji: '❔', glyph: '?', meaning: 'the model did not cooperate; not judged' },
  error: { emoji: '💥', glyph: '!', meaning: 'could not measure (transport failure, timeout, 5xx)' },
  skipped: { emoji: '➖', glyph: '–', meaning: 'not run (not configured, or a prerequisite failed)' },
};

/** Shown where a target has no result at all for a feature. */
export const MISSING = { emoji: '·', glyph: '·', meaning: 'no result in the report' } as const;

/**
 * How good a verdict is for a client, for the CI gate's "got worse" rule. Only verdicts
 * that judged the relay are ranked: supported > partial > rejected > ignored > broken
 * (an honest refusal is something a client can detect and handle; a silently ignored
 * parameter is not; broken output breaks clients). inconclusive, error and skipped did
 * not measure the relay, so they have no rank (undefined).
 */
const RANK: Partial<Record<ReportVerdict, number>> = {
  supported: 4,
  partial: 3,
  rejected: 2,
  ignored: 1,
  broken: 0,
};

export function verdictRank(verdict: ReportVerdict): number | undefined {
  return RANK[verdict];
}

/** True for verdicts that judged the relay (everything but inconclusive, error, skipped). */
export function isMeasured(verdict: ReportVerdict): boolean {
  return RANK[verdict] !== undefined;
}

export function isVerdict(value: unknown): value is ReportVerdict {
  return typeof value === 'string' && (VERDICTS as readonly string[]).includes(value);
}
