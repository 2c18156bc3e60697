// report.json → Markdown for a GitHub PR comment or $GITHUB_STEP_SUMMARY: the gate's
// verdict (when one was run), a summary per target, the matrix (features × targets, one
// symbol per verdict, with a legend) and, per target, every feature that is not supported
// with its summary and curl reproducer, what one API surface loses that another keeps, then
// the client operations predicted to fail there.
import type { RelaycheckReport, ReportTarget } from '../../../spec/generated/types.js';
import { describeFinding, gateHeadline, type GateFinding, type GateResult } from '../gate/gate.js';
import {
  buildView,
  groupByCause,
  retryCount,
  supportShare,
  verdictCounts,
  type FeatureRow,
  type ReportView,
} from './model.js';
import { formatCount, formatDate, formatDuration, REQUIRED_MARK, type RenderOptions } from './base.js';
import { costStatement } from './cost.js';
import { READINESS_NOTE, readinessMarkdown, targetReadiness } from './readiness.js';
import { crossProtocolMarkdown, targetCrossProtocol } from './cross-protocol.js';
import { escapeInline, escapeMarkdown, inlineCode, markdownFence, oneLine } from '../text.js';
import { MISSING, VERDICT_INFO, VERDICTS } from './verdicts.js';

export interface MarkdownOptions extends RenderOptions {
  /** Longer reproducers are cut (GitHub comments hold 65536 characters); default 2000. */
  maxReproduceChars?: number;
  /** The most characters report.md may have; default MARKDOWN_LIMIT. */
  maxChars?: number;
}

/** GitHub comments hold 65,536 characters; this leaves room for a comment's own header. */
export const MARKDOWN_LIMIT = 60_000;

/**
 * How much of the per-target details fits: everything, the summaries without reproducers,
 * or only a pointer to report.html and report.json (then the matrix alone, if even that is
 * too long).
 */
type Detail = 'full' | 'summaries' | 'pointer' | 'table';

/**
 * A summary as inline Markdown: `quoted` spans become code spans (GitHub shows them as
 * code, not as literal backticks); everything else is escaped. An unpaired backtick stays
 * escaped text.
 */
export function summaryMarkdown(s: string, max = 400): string {
  const line = oneLine(s, max);
  const parts = line.split('`');
  if (parts.length < 3) return escapeInline(line);
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeInline(part);
      if (i === parts.length - 1) return escapeInline(`\`${part}`); // an unpaired backtick
      return part.trim() === '' ? escapeInline(part) : inlineCode(part, 200);
    })
    .join('');
}

function code(id: string): string {
  return /^[\w.:/-]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id);
}

function gateSection(gate: GateResult): string[] {
  const icon = gate.exitCode === 0 ? '✅' : gate.exitCode === 1 ? '❌' : '⚠️';
  const word = gate.exitCode === 0 ? 'passed' : gate.exitCode === 1 ? 'failed' : 'could not run';
  const out = [`**Gate ${icon} ${word}** — ${escapeMarkdown(gateHeadline(gate))}`, ''];
  const list = (title: string, findings: GateFinding[]): void => {
    if (findings.length === 0) return;
    out.push(`${title}:`, '', ...findings.map((f) => `- ${escapeMarkdown(describeFinding(f), 600)}`), '');
  };
  for (const p of gate.problems) out.push(`- ${escapeMarkdown(p)}`);
  if (gate.problems.length > 0) out.push('');
  list('Failing', gate.failures);
  list('Improved', gate.improvements);
  list('Notes (not failing)', gate.notes);
  return out;
}

function targetSummaryTable(targets: ReportTarget[], total: number): string[] {
  const rows = targets.map((t) => {
    const c = verdictCounts(t);
    const problems = VERDICTS.filter((v) => v !== 'supported' && c[v] > 0)
      .map((v) => `${VERDICT_INFO[v].emoji} ${c[v]}`)
      .join(' ');
    const tokens = `${formatCount(t.usage.promptTokens)} + ${formatCount(t.usage.completionTokens)}`;
    const share = supportShare(t, total);
    const retries = retryCount(t);
    // The run's deadline (--deadline), so a reader sees how close the run came to it.
    const deadline = t.deadlineMs !== undefined ? ` (deadline ${formatDuration(t.deadlineMs)})` : '';
    const requests = `${formatCount(t.usage.requests)}${retries > 0 ? ` (${retries} retried)` : ''}`;
    const supported =
      share.percent === undefined
        ? `${c.supported}/${share.applicable}`
        : `${c.supported}/${share.applicable} (${share.percent}%)`;
    const cost = escapeMarkdown(costStatement(t), 160);
    return `| **${escapeMarkdown(t.name, 80)}** | ${escapeMarkdown(t.model, 80)} | ${supported} | ${problems || '—'} | ${requests} | ${tokens} | ${cost} | ${formatDuration(t.durationMs)}${deadline} |`;
  });
  return [
    '| Target | Model | Supported (of those that apply) | Other verdicts | Requests | Tokens (prompt + completion) | Cost | Time |',
    '|:--|:--|--:|:--|--:|--:|:--|--:|',
    ...rows,
  ];
}

function legend(withRequired: boolean): string {
  const items = VERDICTS.map((v) => `${VERDICT_INFO[v].emoji} ${v}`);
  items.push(`${MISSING.emoji} no result`);
  if (withRequired) items.push(`${REQUIRED_MARK} required by the gate`);
  return `**Legend:** ${items.join(' · ')}`;
}

function featureLabel(f: FeatureRow): string {
  return f.known ? `${escapeMarkdown(f.title, 80)} ${code(f.id)}` : code(f.id);
}

/**
 * report.md, kept under `maxChars` (default 60,000) for any number of targets: past that,
 * the details collapse step by step (reproducers, then the per-target lists, then the
 * matrix) to a pointer into report.html and report.json, and the file says so.
 */
export function renderMarkdown(input: RelaycheckReport, options: MarkdownOptions = {}): string {
  const view = buildView(input, options.require);
  const limit = options.maxChars ?? MARKDOWN_LIMIT;
  let out = '';
  for (const detail of ['full', 'summaries', 'pointer', 'table'] as const) {
    out = renderAt(view, options, detail);
    if (out.length <= limit) return out;
  }
  // Even the summary table is too long (hundreds of targets): cut it at a line.
  const note = `\n_report.md is cut at ${formatCount(limit)} characters: every target is in report.html and report.json._\n`;
  const cut = out.slice(0, Math.max(0, limit - note.length));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}\n${note}`;
}

function collapsedNote(detail: Detail, limit: number): string {
  const what =
    detail === 'summaries'
      ? 'the curl reproducers are left out'
      : detail === 'pointer'
        ? 'the per-target details are left out'
        : 'the matrix and the per-target details are left out';
  return `> **Shortened:** the full report.md would pass the ${formatCount(limit)}-character limit (GitHub comments hold 65,536), so ${what}. They are in report.html and report.json.`;
}

function renderAt(view: ReportView, options: MarkdownOptions, detail: Detail): string {
  const { report, targets } = view;
  const limit = options.maxChars ?? MARKDOWN_LIMIT;
  const maxRepro = options.maxReproduceChars ?? 2000;
  const anyRequired = targets.some((_, i) => view.required(i).size > 0);
  const out: string[] = [];

  out.push('## relaycheck compatibility report', '');
  out.push(
    `${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)} · generated ${escapeMarkdown(formatDate(report.generatedAt))} · ` +
      `${targets.length} target${targets.length === 1 ? '' : 's'} × ${view.features.length} features`,
    '',
  );
  if (options.gate?.checked) out.push(...gateSection(options.gate));
  if (targets.length === 0) {
    out.push('_The report has no target._', '');
    return finish(out);
  }
  out.push(...targetSummaryTable(targets, view.features.length), '');
  // A target that could not be measured gets one root-cause line, not a row of errors.
  const unmeasured = targets.filter((t) => t.health?.status === 'unmeasured');
  for (const t of unmeasured)
    out.push(`> **${escapeMarkdown(t.name, 120)}: not measured:** ${summaryMarkdown(t.health!.line)}`, '');
  if (detail !== 'full') out.push(collapsedNote(detail, limit), '');
  if (detail === 'table') return finish(out);

  // The matrix.
  const header = `| Feature | Importance | ${targets.map((t) => escapeMarkdown(t.name, 40)).join(' | ')} |`;
  const align = `|:--|:--|${targets.map(() => ':-:').join('|')}|`;
  out.push(header, align);
  for (const group of view.groups) {
    out.push(`| **${escapeMarkdown(group.title)}** | |${targets.map(() => ' ').join('|')}|`);
    for (const f of group.features) {
      const cells = targets.map((_, i) => {
        const r = view.result(i, f.id);
        const symbol = r ? VERDICT_INFO[r.verdict].emoji : MISSING.emoji;
        return view.required(i).has(f.id) ? `${symbol}${REQUIRED_MARK}` : symbol;
      });
      out.push(`| ${featureLabel(f)} | ${f.known ? f.importance : 'unknown'} | ${cells.join(' | ')} |`);
    }
  }
  out.push('', legend(anyRequired), '');

  if (detail === 'pointer') return finish(out);

  // Per target: what is not supported, why, and how to see it again.
  out.push('### Details', '', `_Client readiness: ${READINESS_NOTE}_`, '');
  targets.forEach((t, i) => {
    out.push(`#### ${escapeMarkdown(t.name, 120)}`, '');
    const models = [`model ${inlineCode(t.model)}`];
    if (t.reasoningModel) models.push(`reasoning ${inlineCode(t.reasoningModel)}`);
    if (t.visionModel) models.push(`vision ${inlineCode(t.visionModel)}`);
    if (t.messagesModel) models.push(`messages ${inlineCode(t.messagesModel)}`);
    out.push(`${inlineCode(t.baseUrl)} · ${models.join(' · ')}`, '');
    if (t.health?.status === 'unmeasured') {
      out.push(`**Not measured:** ${summaryMarkdown(t.health.line)}`, '');
      return;
    }
    if (t.health?.status === 'limited') out.push(`_Health: ${summaryMarkdown(t.health.line)}_`, '');
    const items: string[] = [];
    // One cause (the same verdict and summary) explaining several features: one item.
    const grouped = new Set<string>();
    for (const g of groupByCause(t.results.filter((r) => r.verdict !== 'supported' && r.verdict !== 'skipped'))) {
      if (g.features.length < 2) continue;
      for (const id of g.features) grouped.add(id);
      items.push(
        `- ${VERDICT_INFO[g.verdict].emoji} ${g.features.map((id) => code(id)).join(', ')} · ${g.verdict} — ${summaryMarkdown(g.summary)}`,
      );
    }
    for (const f of view.features) {
      const r = view.result(i, f.id);
      if (r?.verdict === 'supported' || grouped.has(f.id)) continue;
      const required = view.required(i).has(f.id) ? ` ${REQUIRED_MARK} required` : '';
      if (!r) {
        items.push(
          `- ${MISSING.emoji} **${escapeMarkdown(f.title, 80)}** ${code(f.id)}${required} — no result in the report`,
        );
        continue;
      }
      items.push(
        `- ${VERDICT_INFO[r.verdict].emoji} **${escapeMarkdown(f.title, 80)}** ${code(f.id)} · ${r.verdict}${required} — ${summaryMarkdown(r.summary)}`,
      );
      const repro = r.reproduce.trim();
      if (detail === 'full' && repro !== '' && r.verdict !== 'skipped') {
        const cut = repro.length > maxRepro;
        const shown = cut ? `${repro.slice(0, maxRepro)}…` : repro;
        items.push('  <details><summary>Reproduce</summary>', '');
        items.push(
          ...markdownFence(shown, 'sh')
            .split('\n')
            .map((l) => `  ${l}`),
        );
        if (cut) items.push('', '  _Shortened: the full command is in report.json and report.html._');
        items.push('', '  </details>', '');
      }
    }
    if (items.length === 0) out.push('Every feature is supported.', '');
    else out.push(...items, '');
    out.push(...crossProtocolMarkdown(targetCrossProtocol(t)));
    out.push(...readinessMarkdown(targetReadiness(t)));
  });
  return finish(out);
}

function finish(out: string[]): string {
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
