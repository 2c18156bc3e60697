// The "client readiness" part of the Markdown and HTML reports: per target, which client
// operations (openai, Vercel AI SDK, LangChain, Codex CLI, Claude Code) are expected to fail
// there and why. A
// prediction from the target's verdicts (suites/readiness.ts) and the readiness data
// measured against the mock (spec/clients.yaml, docs/CLIENTS.md), said so wherever shown.
import { breaks } from '../../../spec/breaks.js';
import type { ReportTarget } from '../../../spec/generated/types.js';
import { loadClientReadiness } from '../../clients/data.js';
import { CLIENT_TITLES, type ClientId } from '../../clients/types.js';
import {
  predictClientReadiness,
  reasonVerdicts,
  type OperationPrediction,
  type ReadinessPrediction,
  type ReadinessReason,
} from '../../readiness.js';
import { escapeHtml as h, escapeMarkdown } from '../text.js';

export const READINESS_NOTE =
  'Predicted from the verdicts, not measured with the clients: where a verdict is what a known deviation gives against the mock, the client operations that deviation made fail there (docs/CLIENTS.md) are expected to fail here.';

/** The prediction for one report target, from the committed readiness data. */
export function targetReadiness(target: ReportTarget): ReadinessPrediction {
  return predictClientReadiness(target.results, loadClientReadiness(), breaks());
}

function clientTitle(client: string): string {
  return CLIENT_TITLES[client as ClientId] ?? client;
}

/** Failing first, then may-fail; the order of the data within each. */
export function predictedProblems(prediction: ReadinessPrediction): OperationPrediction[] {
  return [
    ...prediction.operations.filter((o) => o.expectation === 'fails'),
    ...prediction.operations.filter((o) => o.expectation === 'may-fail'),
  ];
}

export function readinessHeadline(prediction: ReadinessPrediction): string {
  if (!prediction.measured) return 'no claim: no feature was measured';
  const total = prediction.operations.length;
  const count = (e: OperationPrediction['expectation']): number =>
    prediction.operations.filter((o) => o.expectation === e).length;
  const works = count('works');
  const fails = count('fails');
  const maybe = count('may-fail');
  const unknown = count('not-measured');
  if (works === total) return `all ${total} client operations expected to work`;
  const parts = [`${works} of ${total} client operations expected to work`];
  if (fails > 0) parts.push(`${fails} expected to fail`);
  if (maybe > 0) parts.push(`${maybe} may fail`);
  if (unknown > 0) parts.push(`${unknown} not measured`);
  return parts.join(', ');
}

const MD_MARK = { fails: '❌', 'may-fail': '🟡' } as const;
const WORDS = { fails: 'expected to fail', 'may-fail': 'may fail' } as const;

function verdictsMd(r: ReadinessReason): string {
  return r.flips.map((f) => `\`${f.feature}\` ${f.verdict}`).join(', ');
}

function mdReason(r: ReadinessReason): string {
  // The description is the break catalogue's own text (trusted; it has intended code spans).
  return `  - ${verdictsMd(r)}, as with \`${r.break}\`: ${r.description} (against the mock: ${escapeMarkdown(r.error)})`;
}

/** The Markdown lines for one target (inside its details section: a list, no heading, no table). */
export function readinessMarkdown(prediction: ReadinessPrediction): string[] {
  const out = [`**Client readiness** (predicted from the verdicts): ${readinessHeadline(prediction)}.`, ''];
  for (const op of predictedProblems(prediction)) {
    if (op.expectation !== 'fails' && op.expectation !== 'may-fail') continue;
    out.push(
      `- ${MD_MARK[op.expectation]} \`${op.id}\` (${escapeMarkdown(clientTitle(op.client))}) — ${WORDS[op.expectation]}`,
    );
    if (op.notServed !== undefined) out.push(`  - the target does not serve its API: ${escapeMarkdown(op.notServed)}`);
    for (const r of op.reasons) out.push(mdReason(r));
  }
  out.push('');
  return out;
}

export const READINESS_CSS = `
.readiness{margin-top:18px}
.readiness h2{font-size:1.15rem;margin:0 0 4px}
.readiness h3{margin:0;font-size:1rem;overflow-wrap:anywhere}
.readiness ul{margin:6px 0 0;padding-left:0;list-style:none}
.readiness li{margin:0 0 6px;font-size:.88rem}
.readiness li ul{margin:2px 0 0 18px;list-style:disc;color:var(--muted)}
.readiness li li{margin:0;font-size:.84rem}
`;

function htmlOperation(op: OperationPrediction): string {
  const cls = op.expectation === 'fails' ? 'v-broken' : 'v-partial';
  const glyph = op.expectation === 'fails' ? '✗' : '◐';
  const unserved = op.notServed === undefined ? '' : `<li>the target does not serve its API: ${h(op.notServed)}</li>`;
  const reasons =
    unserved +
    op.reasons
      .map(
        (r) =>
          `<li>${h(reasonVerdicts(r))}, as with <code>${h(r.break)}</code>: ${h(r.description)} (against the mock: ${h(r.error)})</li>`,
      )
      .join('');
  return `<li><span class="pill ${cls}">${glyph} ${WORDS[op.expectation as 'fails' | 'may-fail']}</span> <code>${h(op.id)}</code> <span class="note">${h(clientTitle(op.client))}</span><ul>${reasons}</ul></li>`;
}

/** The HTML section: one card per target. */
export function readinessHtml(targets: readonly ReportTarget[]): string {
  if (targets.length === 0) return '';
  const cards = targets.map((t) => {
    const prediction = targetReadiness(t);
    const items = predictedProblems(prediction).map(htmlOperation).join('');
    return `<article class="card"><h3>${h(t.name)}</h3><p class="stats">${h(readinessHeadline(prediction))}</p>${items ? `<ul>${items}</ul>` : ''}</article>`;
  });
  return `<section class="readiness" aria-label="Client readiness">
<h2>Client readiness</h2>
<p class="note">${h(READINESS_NOTE)}</p>
<div class="cards">${cards.join('\n')}</div>
</section>`;
}
