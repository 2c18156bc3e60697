// The "across protocols" part of every report format: per target, what one API surface loses
// that another keeps for the same model (suites/report/cross-protocol.ts compares them). One
// wording, as segments, encoded by each format: our own words, ids (code), and a relay's
// summaries, which are hostile text and go through inert() or the format's escaping.
import { featureAspects, features, SURFACES } from '../../../spec/features.js';
import type { ReportCrossAspect, ReportCrossSurface, ReportTarget } from '../../../spec/generated/types.js';
import { inert } from '../../transport/inert.js';
import { compareSurfaces, crossDifferences } from '../cross-protocol.js';
import { escapeHtml as h, escapeInline, escapeMarkdown, escapeXml, inlineCode } from '../text.js';

export const CROSS_TITLE = 'Across protocols';
export const CROSS_NOTE =
  'The same model compared surface by surface: what one surface loses (a worse verdict) that another keeps. A surface that measured nothing there (skipped, not served, inconclusive, error) is no loss.';

/**
 * The comparisons of one target, from its results and this version's catalogue; none for a
 * target the preflight could not measure (its one root cause is shown instead).
 */
export function targetCrossProtocol(target: ReportTarget): ReportCrossAspect[] {
  if (target.health?.status === 'unmeasured') return [];
  return compareSurfaces(target, { aspects: featureAspects(), features: features() });
}

interface Segment {
  /** plain: our words; code: an id (a model's); feature: a feature id; relay: a relay's text. */
  kind: 'plain' | 'code' | 'feature' | 'relay';
  text: string;
}

const plain = (text: string): Segment => ({ kind: 'plain', text });
const code = (text: string): Segment => ({ kind: 'code', text });
const relay = (text: string): Segment => ({ kind: 'relay', text });
const featureId = (text: string): Segment => ({ kind: 'feature', text });

/** "Chat Completions", "the Responses API"; a surface this version does not know by its id. */
function surfaceTitle(surface: string): string {
  return (SURFACES as Readonly<Record<string, { title: string } | undefined>>)[surface]?.title ?? surface;
}

function join(parts: Segment[][], sep: string): Segment[] {
  return parts.flatMap((p, i) => (i === 0 ? p : [plain(sep), ...p]));
}

/**
 * A feature and its verdict; its summary only when skipped: every other verdict but supported
 * has its summary in the findings the section follows, and one cause is shown once.
 */
function feature(f: ReportCrossSurface['features'][number]): Segment[] {
  if (f.verdict === 'supported') return [featureId(f.feature)];
  return f.verdict === 'skipped'
    ? [featureId(f.feature), plain(' skipped: '), relay(f.summary)]
    : [featureId(f.feature), plain(` ${f.verdict}`)];
}

/** "`usage.cache` ignored" for each feature of a surface that is not supported. */
function failing(s: ReportCrossSurface): Segment[] {
  return join(
    s.features.filter((f) => f.verdict !== 'supported').map((f) => feature(f)),
    ', ',
  );
}

function ids(s: ReportCrossSurface): Segment[] {
  return join(
    s.features.map((f) => feature(f)),
    ', ',
  );
}

/**
 * One comparison that names a difference, as one line: "Prompt caching on `m`: kept on
 * Anthropic Messages (`messages.cache`); lost on Chat Completions: `usage.cache` ignored;
 * not measured on the Responses API (`responses.x` skipped: not served)".
 */
export function crossPhrase(c: ReportCrossAspect): Segment[] {
  const out: Segment[] = [plain(c.title), plain(' on '), code(c.model), plain(': ')];
  const best = c.surfaces.filter((s) => s.outcome === 'best');
  const worse = c.surfaces.filter((s) => s.outcome === 'worse');
  const unmeasured = c.surfaces.filter((s) => s.outcome === 'not-measured');
  const loss = c.status === 'loss';
  const parts: Segment[][] = [];
  if (!loss) parts.push([plain('supported on no surface')]);
  for (const s of best)
    parts.push([plain(`${loss ? 'kept' : 'best'} on ${surfaceTitle(s.surface)} (`), ...ids(s), plain(')')]);
  for (const s of worse)
    parts.push([plain(`${loss ? 'lost' : 'worse'} on ${surfaceTitle(s.surface)}: `), ...failing(s)]);
  for (const s of unmeasured)
    parts.push([plain(`not measured on ${surfaceTitle(s.surface)} (`), ...feature(s.features[0]!), plain(')')]);
  return [...out, ...join(parts, '; ')];
}

export const NO_LOSS = 'No surface loses what another keeps.';

/**
 * The comparisons without a difference: "no loss" when none has one and some agree, the aspects
 * that agree, and those not compared, with the surfaces that measured none of their aspects
 * (a surface not served, typically) and why.
 */
function quietPhrases(comparisons: readonly ReportCrossAspect[]): Segment[][] {
  const titles = (status: ReportCrossAspect['status']): string[] => [
    ...new Set(comparisons.filter((c) => c.status === status).map((c) => c.title)),
  ];
  const out: Segment[][] = [];
  const agree = titles('agree');
  const unmeasured = titles('unmeasured');
  if (agree.length > 0 && crossDifferences(comparisons).length === 0) out.push([plain(NO_LOSS)]);
  if (agree.length > 0) out.push([plain(`Same verdict on every surface measured: ${agree.join(', ')}.`)]);
  if (unmeasured.length === 0) return out;
  const seen = comparisons.flatMap((c) => c.surfaces);
  const silent = [...new Set(seen.map((s) => s.surface))]
    .filter((id) => seen.every((s) => s.surface !== id || s.outcome === 'not-measured'))
    .map((id) => seen.find((s) => s.surface === id)!);
  const why = join(
    silent.map((s) => [plain(`${surfaceTitle(s.surface)} (`), ...feature(s.features[0]!), plain(')')]),
    ', ',
  );
  out.push([
    plain(`Not compared (measured on one surface at most): ${unmeasured.join(', ')}`),
    ...(silent.length > 0 ? [plain('; nothing measured on '), ...why] : []),
    plain('.'),
  ]);
  return out;
}

// ---------------------------------------------------------------- plain text (terminal, JUnit)

function textOf(segments: readonly Segment[]): string {
  return segments.map((s) => (s.kind === 'plain' ? s.text : inert(s.text, s.kind === 'relay' ? 200 : 100))).join('');
}

/** One inert line per difference (the terminal table prints only these). */
export function crossDifferenceLines(comparisons: readonly ReportCrossAspect[]): string[] {
  return crossDifferences(comparisons).map((c) => inert(textOf(crossPhrase(c)), 1200));
}

/** Lines for JUnit (each already inert): the differences, then the aspects without one. */
export function crossProtocolText(comparisons: readonly ReportCrossAspect[]): string[] {
  return [...crossDifferenceLines(comparisons), ...quietPhrases(comparisons).map((p) => inert(textOf(p), 1200))];
}

/** JUnit: the lines as text for a <system-out> of the target's suite; '' when nothing is compared. */
export function crossProtocolJunit(comparisons: readonly ReportCrossAspect[]): string {
  if (comparisons.length === 0) return '';
  return escapeXml(
    `${CROSS_TITLE}:\n${crossProtocolText(comparisons)
      .map((l) => `- ${l}`)
      .join('\n')}`,
  );
}

// ---------------------------------------------------------------- Markdown

function markdownOf(segments: readonly Segment[]): string {
  return segments
    .map((s) =>
      s.kind === 'plain'
        ? escapeInline(s.text)
        : s.kind === 'relay'
          ? escapeMarkdown(s.text, 200)
          : inlineCode(s.text, 100),
    )
    .join('');
}

/** The Markdown lines for one target (inside its details: a paragraph and a list); none when nothing is compared. */
export function crossProtocolMarkdown(comparisons: readonly ReportCrossAspect[]): string[] {
  if (comparisons.length === 0) return [];
  const differences = crossDifferences(comparisons);
  const out = [`**${CROSS_TITLE}** (the same model, surface by surface):`, ''];
  for (const c of differences) out.push(`- ${c.status === 'loss' ? '⚠️' : '↔️'} ${markdownOf(crossPhrase(c))}`);
  for (const p of quietPhrases(comparisons)) out.push(`- ${markdownOf(p)}`);
  out.push('');
  return out;
}

// ---------------------------------------------------------------- HTML

/** A feature id links to its cell, which opens its evidence (`#t=<target>&f=<feature>`). */
function htmlOf(segments: readonly Segment[], targetIndex: number): string {
  return segments
    .map((s) =>
      s.kind === 'plain'
        ? h(s.text)
        : s.kind === 'relay'
          ? h(inert(s.text, 200))
          : s.kind === 'feature'
            ? `<a href="#t=${targetIndex}&amp;f=${h(encodeURIComponent(s.text))}"><code>${h(inert(s.text, 100))}</code></a>`
            : `<code>${h(inert(s.text, 100))}</code>`,
    )
    .join('');
}

export const CROSS_CSS = `
.cross{margin-top:18px}
.cross h2{font-size:1.15rem;margin:0 0 4px}
.cross h3{margin:0;font-size:1rem;overflow-wrap:anywhere}
.cross ul{margin:6px 0 0;padding-left:18px}
.cross li{margin:0 0 6px;font-size:.88rem;overflow-wrap:anywhere}
.cross li.quiet{color:var(--muted);list-style:none;margin-left:-18px}
`;

/** The list items of one target's card (its index links ids to its cells); '' when nothing is compared. */
export function crossProtocolHtmlItems(comparisons: readonly ReportCrossAspect[], i: number): string {
  if (comparisons.length === 0) return '';
  const differences = crossDifferences(comparisons);
  const items = differences.map(
    (c) =>
      `<li><span class="pill ${c.status === 'loss' ? 'v-broken' : 'v-partial'}">${c.status === 'loss' ? 'loss' : 'differs'}</span> ${htmlOf(crossPhrase(c), i)}</li>`,
  );
  items.push(...quietPhrases(comparisons).map((p) => `<li class="quiet">${htmlOf(p, i)}</li>`));
  return items.join('');
}

/** The HTML section: one card per target that has comparisons; '' when none has. */
export function crossProtocolHtml(targets: readonly ReportTarget[]): string {
  const cards = targets.flatMap((t, i) => {
    const items = crossProtocolHtmlItems(targetCrossProtocol(t), i);
    return items ? [`<article class="card"><h3>${h(t.name)}</h3><ul>${items}</ul></article>`] : [];
  });
  if (cards.length === 0) return '';
  return `<section class="cross" aria-label="${CROSS_TITLE}">
<h2>${CROSS_TITLE}</h2>
<p class="note">${h(CROSS_NOTE)}</p>
<div class="cards">${cards.join('\n')}</div>
</section>`;
}
