// What every renderer shares: the options they take and how they spell counts, durations,
// dates and the required mark. A renderer imports this base, never a sibling renderer, so a
// new format is its renderer and its row in index.ts's FORMAT_TABLE.
import type { GateResult } from '../gate/gate.js';

export interface RenderOptions {
  /** Features every target must support (the gate's --require); marked ★, and failures in JUnit. */
  require?: readonly string[];
  /** The gate's result, shown at the top (Markdown) when it checked anything. */
  gate?: GateResult;
}

export const REQUIRED_MARK = '★';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** "2025-06-01 03:12 UTC" (the report's own string when it does not parse). */
export function formatDate(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
