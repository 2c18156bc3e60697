// One root cause, one line, in every renderer: a target that could not be measured shows its
// cause once (not a row of 32 errors), and one cause shared by several features is one item.
import { describe, expect, it } from 'vitest';
import { featureIds } from '../../../../spec/features.js';
import type { ReportVerdict } from '../../../../spec/generated/types.js';
import { renderHtml } from '../../../../suites/report/render/html.js';
import { renderMarkdown } from '../../../../suites/report/render/markdown.js';
import { progressFor, renderTable } from '../../../../suites/report/report-file.js';
import { report, target } from '../fixtures.js';

const CAUSE = 'model "gpt-4o-mini" does not exist (HTTP 404 model_not_found): check --model';
const SHARED = 'HTTP 500 internal error on every streamed request, the same on all 3 attempts';

function unmeasured() {
  const all = Object.fromEntries(featureIds().map((id) => [id, 'error' as ReportVerdict]));
  const summaries = Object.fromEntries(featureIds().map((id) => [id, `not measured: ${CAUSE}`]));
  return target('dead', all, { summaries, health: { status: 'unmeasured', cause: 'model-not-found', line: CAUSE } });
}

function sharedCause() {
  const [a, b] = featureIds().slice(0, 2) as [string, string];
  return target('flaky', { [a]: 'broken', [b]: 'broken' }, { summaries: { [a]: SHARED, [b]: SHARED } });
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('a target that could not be measured', () => {
  const doc = { ...report([unmeasured()]), schemaVersion: 2 as const };

  it('is one "not measured" line in Markdown, in the summary and in its details, and no per-feature list', () => {
    const md = renderMarkdown(doc);
    expect(md).toContain('not measured:');
    expect(count(md, 'does not exist')).toBe(2);
    expect(md).not.toContain(`not measured: model`.repeat(2));
  });

  it('is one line on its HTML card', () => {
    const html = renderHtml(doc);
    expect(html).toMatch(
      /<p class="health health-unmeasured"><b>not measured:<\/b> model &quot;gpt-4o-mini&quot; does not exist/,
    );
  });

  it('is one line in the terminal', () => {
    expect(count(renderTable(doc), `not measured: ${CAUSE}`)).toBe(1);
  });

  it('has no table row per feature and no progress line per feature (issue 23: printed once)', () => {
    const table = renderTable(doc);
    expect(table).not.toMatch(/\bERROR\b/);
    expect(table).toContain('dead (gpt-4o-mini): not measured;');
    for (const r of doc.targets[0]!.results) expect(progressFor('dead', r)).toBeUndefined();
    // A measured result still has its line.
    expect(progressFor('ok', { ...doc.targets[0]!.results[0]!, verdict: 'supported', summary: 'fine' })).toMatch(
      /^\[ok\] \S+ +supported +fine$/,
    );
  });
});

describe('one cause explaining several features', () => {
  it('is one Markdown item naming both features', () => {
    const md = renderMarkdown(report([sharedCause()]));
    const [a, b] = featureIds();
    expect(count(md, SHARED)).toBe(1);
    expect(md).toContain(`\`${a}\`, \`${b}\` · broken`);
  });
});
