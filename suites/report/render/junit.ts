// report.json → JUnit XML for CI test reporters: one <testsuite> per target, one
// <testcase> per target × feature (every feature of the matrix, in display order).
//
// The outcome of each verdict is the `junit` column of suites/verdicts.ts:
//   supported, partial                  pass (partial: the summary in <system-out>)
//   rejected, ignored, broken, error    <failure> (a measured refusal is a failure)
//   inconclusive, skipped, no result    <skipped> (nothing was measured)
// A feature the gate requires of the target (--require, or the target's `require`) fails
// unless it is supported.
import type { RelaycheckReport, ReportResult, ReportVerdict } from '../../../spec/generated/types.js';
import type { RenderOptions } from './base.js';
import { costStatement } from './cost.js';
import { buildView } from './model.js';
import { crossProtocolJunit, targetCrossProtocol } from './cross-protocol.js';
import { VERDICT_TABLE, type JunitOutcome } from '../../verdicts.js';
import { escapeXml, escapeXmlAttr, oneLine } from '../text.js';

export type JunitOptions = Pick<RenderOptions, 'require'>;

export type { JunitOutcome };

/** How a verdict shows in JUnit; `required` turns anything but supported into a failure. */
export function junitOutcome(verdict: ReportVerdict | 'missing', required: boolean): JunitOutcome {
  if (verdict === 'supported') return 'pass';
  if (required) return 'failure';
  return verdict === 'missing' ? 'skipped' : VERDICT_TABLE[verdict].junit;
}

function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

function resultMs(r: ReportResult): number {
  return r.evidence.reduce((n, ex) => n + (ex.timing?.totalMs ?? ex.timing?.ms ?? 0), 0);
}

function longText(r: ReportResult): string {
  const parts = [r.summary];
  if (r.warnings?.length) parts.push(`Warnings:\n${r.warnings.map((w) => `- ${w}`).join('\n')}`);
  if (r.reproduce.trim() !== '') parts.push(`Reproduce:\n${r.reproduce}`);
  return parts.join('\n\n');
}

export function renderJunit(input: RelaycheckReport, options: JunitOptions = {}): string {
  const view = buildView(input, options.require);
  const { report, targets } = view;
  const groupTitle = new Map(view.groups.map((g) => [g.id, g.title]));
  const suites: string[] = [];
  let allTests = 0;
  let allFailures = 0;
  let allSkipped = 0;
  let allMs = 0;

  targets.forEach((t, i) => {
    const required = view.required(i);
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const f of view.features) {
      const r = view.result(i, f.id);
      const isRequired = required.has(f.id);
      const outcome = junitOutcome(r ? r.verdict : 'missing', isRequired);
      const name = `${f.id} — ${f.title}`;
      const classname = `${t.name}.${groupTitle.get(f.group) ?? f.group}`;
      const open = `    <testcase classname="${escapeXmlAttr(classname)}" name="${escapeXmlAttr(name)}" time="${seconds(r ? resultMs(r) : 0)}"`;
      const why = r
        ? `${r.verdict}${isRequired ? ' (required)' : ''}: ${oneLine(r.summary, 500)}`
        : `no result in the report${isRequired ? ' (required)' : ''}`;
      const body: string[] = [];
      if (outcome === 'failure') {
        failures++;
        body.push(
          `      <failure message="${escapeXmlAttr(why)}" type="${r ? r.verdict : 'missing'}">${escapeXml(r ? longText(r) : why)}</failure>`,
        );
      } else if (outcome === 'skipped') {
        skipped++;
        body.push(`      <skipped message="${escapeXmlAttr(why)}"/>`);
      }
      if (r && r.verdict !== 'supported' && outcome !== 'failure')
        body.push(`      <system-out>${escapeXml(longText(r))}</system-out>`);
      cases.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
    }
    const properties = [
      ['baseUrl', t.baseUrl],
      ['model', t.model],
      ['reasoningModel', t.reasoningModel],
      ['visionModel', t.visionModel],
      ['messagesModel', t.messagesModel],
      ['requests', String(t.usage.requests)],
      ['promptTokens', String(t.usage.promptTokens)],
      ['completionTokens', String(t.usage.completionTokens)],
      ['cost', costStatement(t)],
      ['require', [...required].join(',') || undefined],
    ]
      .filter((p): p is [string, string] => p[1] !== undefined)
      .map(([k, v]) => `      <property name="${k}" value="${escapeXmlAttr(v)}"/>`);
    const tests = view.features.length;
    allTests += tests;
    allFailures += failures;
    allSkipped += skipped;
    allMs += t.durationMs;
    // Across protocols (what one surface loses that another keeps) is no test case: the suite's output.
    const cross = crossProtocolJunit(targetCrossProtocol(t));
    suites.push(
      `  <testsuite name="${escapeXmlAttr(t.name)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(t.durationMs)}" timestamp="${escapeXmlAttr(report.generatedAt.replace(/Z$/, ''))}">\n` +
        `    <properties>\n${properties.join('\n')}\n    </properties>\n${cases.join('\n')}\n${cross ? `    <system-out>${cross}</system-out>\n` : ''}  </testsuite>`,
    );
  });

  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="relaycheck" tests="${allTests}" failures="${allFailures}" errors="0" skipped="${allSkipped}" time="${seconds(allMs)}">\n` +
    (suites.length > 0 ? `${suites.join('\n')}\n` : '') +
    '</testsuites>\n'
  );
}
