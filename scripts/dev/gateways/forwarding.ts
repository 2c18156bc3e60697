// The journal as ground truth: for each exchange the suite had with a gateway, the request
// the mock received from it (matched by its messages), and how its body differs from what
// the suite sent (fields dropped, added, changed), with the status the mock answered.
// Pure: run.ts hands it the report and the mock's journal.
import { isDeepStrictEqual } from 'node:util';
import { assignMinCost } from './assign.js';
import type { JournalEntry } from '../../../mock-server/index.js';
import type { ReportExchange, ReportResult, ReportTarget } from '../../../spec/generated/types.js';

export interface FieldChange {
  field: string;
  sent: string;
  forwarded: string;
}

export interface Forwarded {
  method: string;
  path: string;
  /** The status the mock answered the gateway. */
  status: number;
  stream: boolean;
  /** Whether the gateway sent the mock an Authorization or x-api-key header. */
  auth: boolean;
  dropped: string[];
  added: string[];
  changed: FieldChange[];
}

export interface ExchangeTrace {
  label: string;
  /** What the suite sent the gateway, e.g. "POST /v1/chat/completions stream". */
  sent: string;
  /** The status the gateway answered the suite (null: no response). */
  answered: number | null;
  /** What reached the mock; null when nothing in the journal matches (not forwarded). */
  forwarded: Forwarded | null;
}

export interface Deviation {
  feature: string;
  faithful: { verdict: string; summary: string };
  verdict: string;
  summary: string;
  trace: ExchangeTrace[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A short JSON rendering of a value for a table cell. */
export function brief(value: unknown, max = 80): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function lastText(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.messages)) return undefined;
  const last: unknown = body.messages[body.messages.length - 1];
  if (!isObject(last)) return undefined;
  if (typeof last.content === 'string') return last.content;
  if (Array.isArray(last.content))
    return last.content.map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return undefined;
}

/**
 * The fields of `forwarded` that differ from `sent`. `model` is compared after the
 * gateway's routing alias (e.g. "mock/mock-model" -> "mock-model"): routing is not a change.
 */
export function diffBodies(
  sent: Record<string, unknown>,
  forwarded: Record<string, unknown>,
  modelAlias: (id: string) => string = (id) => id,
): Pick<Forwarded, 'dropped' | 'added' | 'changed'> {
  const dropped: string[] = [];
  const added: string[] = [];
  const changed: FieldChange[] = [];
  for (const [field, value] of Object.entries(sent)) {
    if (!(field in forwarded)) dropped.push(field);
    else {
      const expected = field === 'model' && typeof value === 'string' ? modelAlias(value) : value;
      if (!isDeepStrictEqual(expected, forwarded[field]))
        changed.push({ field, sent: brief(value), forwarded: brief(forwarded[field]) });
    }
  }
  for (const field of Object.keys(forwarded))
    if (!(field in sent)) added.push(`${field}: ${brief(forwarded[field], 60)}`);
  return { dropped, added, changed };
}

const changeCount = (d: Pick<Forwarded, 'dropped' | 'added' | 'changed'>): number =>
  d.dropped.length + d.added.length + d.changed.length;

function describeSent(ex: ReportExchange): string {
  let path = ex.request.url;
  try {
    path = new URL(ex.request.url).pathname;
  } catch {
    // Keep the URL as recorded.
  }
  const stream = isObject(ex.request.body) && ex.request.body.stream === true ? ' stream' : '';
  return `${ex.request.method} ${path}${stream}`;
}

const UNMATCHED = 1e9;
const IMPOSSIBLE = 1e12;

/** Slack around an exchange's time window: the journal records when the mock answered. */
const WINDOW_SLACK_MS = 1000;

/** One exchange as sent: probes that share a request share one exchange (same start, URL and body). */
export const exchangeKey = (ex: ReportExchange): string =>
  `${ex.timing.startedAt ?? ''}|${ex.request.method} ${ex.request.url}|${JSON.stringify(ex.request.body)}`;

function window(ex: ReportExchange): [number, number] | undefined {
  if (!ex.timing.startedAt) return undefined;
  const start = Date.parse(ex.timing.startedAt);
  return [start - WINDOW_SLACK_MS, start + (ex.timing.totalMs ?? ex.timing.ms) + WINDOW_SLACK_MS];
}

function candidatesFor(ex: ReportExchange, journal: readonly JournalEntry[]): JournalEntry[] {
  const body = ex.request.body;
  const span = window(ex);
  const inTime = span
    ? journal.filter((e) => {
        const at = Date.parse(e.at);
        return at >= span[0] && at <= span[1];
      })
    : [...journal];
  if (ex.request.method === 'GET') return inTime.filter((e) => e.method === 'GET' && e.path.endsWith('/models'));
  if (!isObject(body) || !Array.isArray(body.messages)) return [];
  const posts = inTime.filter((e) => e.method === 'POST' && isObject(e.body));
  const same = posts.filter((e) => isDeepStrictEqual((e.body as Record<string, unknown>).messages, body.messages));
  if (same.length > 0) return same;
  // A gateway may rewrite the messages (content parts, roles): fall back to the last message's text.
  const text = lastText(body);
  return text === undefined ? [] : posts.filter((e) => lastText(e.body) === text);
}

/**
 * Assigns journal entries to every exchange of a report, each entry to at most one exchange
 * (as sent: probes sharing a request share its entry). The candidates of an exchange are the
 * entries recorded during it with the same messages; pairs are taken closest body first over
 * the whole run, so a request the mock never journaled (refused before its body was read)
 * cannot take the entry of an identical request that was forwarded as sent. An exchange left
 * without an entry was not forwarded, or not journaled. Returns the traces by exchangeKey.
 */
export function traceReport(
  report: ReportTarget,
  journal: readonly JournalEntry[],
  modelAlias?: (id: string) => string,
): Map<string, ExchangeTrace> {
  const unique = new Map<string, ReportExchange>();
  for (const r of report.results)
    for (const ex of r.evidence) if (!unique.has(exchangeKey(ex))) unique.set(exchangeKey(ex), ex);
  const pairs: Array<{
    key: string;
    entry: JournalEntry;
    diff: ReturnType<typeof diffBodies>;
    score: number;
    gap: number;
  }> = [];
  for (const [key, ex] of unique) {
    const body = ex.request.body;
    const start = ex.timing.startedAt ? Date.parse(ex.timing.startedAt) : 0;
    for (const entry of candidatesFor(ex, journal)) {
      const diff =
        isObject(body) && isObject(entry.body)
          ? diffBodies(body, entry.body, modelAlias)
          : { dropped: [], added: [], changed: [] };
      // A gateway that answered an error for a request the mock served (or the reverse) more
      // likely sent another one: the journal does not hold refusals made before the body was read.
      const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;
      const mismatch = ex.response !== undefined && ok(ex.response.status) !== ok(entry.status) ? 3 : 0;
      pairs.push({
        key,
        entry,
        diff,
        score: changeCount(diff) + mismatch,
        gap: Math.abs(Date.parse(entry.at) - start),
      });
    }
  }
  // The best pairing overall: each exchange costs its body difference (then the time gap)
  // with its entry, or UNMATCHED without one; entries outside its candidates are impossible.
  const keys = [...unique.keys()];
  const row = new Map(keys.map((k, i) => [k, i]));
  const entries = [...new Set(pairs.map((p) => p.entry))];
  const col = new Map(entries.map((e, j) => [e.seq, j]));
  const cost = keys.map(() => [...entries.map(() => IMPOSSIBLE), ...keys.map(() => UNMATCHED)]);
  const best = new Map<string, (typeof pairs)[number]>();
  for (const p of pairs) {
    const c = p.score * 100_000 + Math.min(p.gap, 99_999);
    const r = row.get(p.key)!;
    const j = col.get(p.entry.seq)!;
    if (c < cost[r]![j]!) {
      cost[r]![j] = c;
      best.set(`${p.key}\n${p.entry.seq}`, p);
    }
  }
  const assignment = assignMinCost(cost);
  const assigned = new Map<string, (typeof pairs)[number]>();
  keys.forEach((key, r) => {
    const j = assignment[r]!;
    if (j < entries.length && cost[r]![j]! < UNMATCHED) assigned.set(key, best.get(`${key}\n${entries[j]!.seq}`)!);
  });
  const traces = new Map<string, ExchangeTrace>();
  for (const [key, ex] of unique) {
    const p = assigned.get(key);
    const h = p?.entry.headers ?? {};
    traces.set(key, {
      label: ex.label ?? '',
      sent: describeSent(ex),
      answered: ex.response?.status ?? null,
      forwarded: p
        ? {
            method: p.entry.method,
            path: p.entry.path,
            status: p.entry.status,
            stream: p.entry.stream,
            auth: 'authorization' in h || 'x-api-key' in h,
            ...p.diff,
          }
        : null,
    });
  }
  return traces;
}

/** Every feature whose verdict differs from the faithful mock's, traced through the journal. */
export function deviations(
  faithful: ReportTarget,
  gateway: ReportTarget,
  journal: readonly JournalEntry[],
  modelAlias?: (id: string) => string,
): Deviation[] {
  const reference = new Map<string, ReportResult>(faithful.results.map((r) => [r.feature, r]));
  const traces = traceReport(gateway, journal, modelAlias);
  const out: Deviation[] = [];
  for (const r of gateway.results) {
    const f = reference.get(r.feature);
    if (!f || f.verdict === r.verdict) continue;
    out.push({
      feature: r.feature,
      faithful: { verdict: f.verdict, summary: f.summary },
      verdict: r.verdict,
      summary: r.summary,
      trace: r.evidence.map((ex) => ({ ...traces.get(exchangeKey(ex))!, label: ex.label ?? '' })),
    });
  }
  return out;
}
