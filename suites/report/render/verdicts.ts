// The verdict vocabulary as the renderers use it, all derived from the one table in
// suites/verdicts.ts (gate rank, severity, marks, meanings, JUnit and vitest outcomes).
import type { ReportVerdict } from '../../../spec/generated/types.js';
import { VERDICT_TABLE, VERDICTS } from '../../verdicts.js';

export { VERDICTS, isMeasured, isVerdict, verdictRank } from '../../verdicts.js';

export interface VerdictInfo {
  /** Markdown symbol (emoji: GitHub renders them everywhere). */
  emoji: string;
  /** Plain glyph for the HTML report (present in common fonts, no emoji font needed). */
  glyph: string;
  /** One line for the legend. */
  meaning: string;
}

export const VERDICT_INFO: Readonly<Record<ReportVerdict, VerdictInfo>> = Object.fromEntries(
  VERDICTS.map((v) => {
    const { emoji, glyph, meaning } = VERDICT_TABLE[v];
    return [v, { emoji, glyph, meaning }];
  }),
) as Record<ReportVerdict, VerdictInfo>;

/** Shown where a target has no result at all for a feature. */
export const MISSING = { emoji: '·', glyph: '·', meaning: 'no result in the report' } as const;
