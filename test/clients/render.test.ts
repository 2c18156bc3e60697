// The client readiness section of the reports: per target, in Markdown, HTML and the
// terminal table, stated as a prediction from the verdicts.
import { describe, expect, it } from 'vitest';
import { features, surfaceOf } from '../../spec/features.js';
import { renderHtml, renderMarkdown } from '../../suites/report/render/index.js';
import { READINESS_NOTE, readinessMarkdown, targetReadiness } from '../../suites/report/render/readiness.js';
import { loadClientReadiness } from '../../suites/clients/data.js';
import { buildReport, renderTable } from '../../suites/report/report-file.js';
import { fixtureReport, report, target } from '../suites/report/fixtures.js';

/** The text of one target's details section. */
function details(md: string, name: string): string {
  const start = md.indexOf(`#### ${name}\n`);
  const next = md.indexOf('\n#### ', start + 1);
  return md.slice(start, next === -1 ? undefined : next);
}

const N = loadClientReadiness().operations.length;

describe('client readiness in the reports', () => {
  const fixture = fixtureReport(); // relay-a: tools.call broken, stream.sse partial; 中转-c: all supported

  it('predicts the tool loops fail where tools.call is broken, with the deviation as the reason', () => {
    const p = targetReadiness(fixture.targets[0]!);
    const runTools = p.operations.find((o) => o.id === 'openai.run-tools')!;
    expect(runTools.expectation).toBe('fails');
    expect(runTools.reasons.map((r) => r.break)).toEqual(['tool-args-object']);
    expect(runTools.reasons[0]!.description).toMatch(/arguments` as a JSON object/);
    // stream.sse partial has several possible causes; only one of them fails LangChain streaming.
    expect(p.operations.find((o) => o.id === 'langchain.stream')!.expectation).toBe('may-fail');
    expect(p.operations.find((o) => o.id === 'openai.create')!.expectation).toBe('works');
  });

  it('Markdown: a list under each target, said to be predicted, and the note once', () => {
    const md = renderMarkdown(fixture);
    expect(md.split(READINESS_NOTE)).toHaveLength(2);
    const a = details(md, 'relay-a');
    expect(a).toContain('**Client readiness** (predicted from the verdicts): ');
    expect(a).toMatch(
      /- ❌ `openai\.run-tools` \(openai Node SDK\) — expected to fail\n {2}- `tools\.call` broken, as with `tool-args-object`: /,
    );
    expect(a).toContain('- 🟡 `langchain.stream` (LangChain JS) — may fail');
    expect(details(md, '中转-c')).toContain(
      `**Client readiness** (predicted from the verdicts): all ${N} client operations expected to work.`,
    );
    expect(readinessMarkdown(targetReadiness(fixture.targets[2]!))).toEqual([
      `**Client readiness** (predicted from the verdicts): all ${N} client operations expected to work.`,
      '',
      '',
    ]);
  });

  it('HTML: a section with one card per target, escaped, after the matrix', () => {
    const html = renderHtml(fixture);
    const section = html.slice(html.indexOf('<section class="readiness"'));
    expect(html.indexOf('<section class="readiness"')).toBeGreaterThan(html.indexOf('id="matrix"'));
    expect(section).toContain('<h2>Client readiness</h2>');
    expect(section).toContain('Predicted from the verdicts, not measured with the clients');
    expect(section).toContain('<h3>relay-a</h3>');
    expect(section).toContain('<h3>中转-c</h3>');
    expect(section).toMatch(/<span class="pill v-broken">✗ expected to fail<\/span> <code>openai\.run-tools<\/code>/);
    expect(section).toContain(
      'as with <code>tool-args-object</code>: Send non-streamed `function.arguments` as a JSON object',
    );
    const hostile = renderHtml(report([target('</h3><script>x</script>', { 'tools.call': 'broken' })]));
    expect(hostile).toContain('<h3>&lt;/h3&gt;&lt;script&gt;x&lt;/script&gt;</h3>');
  });

  it('the terminal table: one line per target', () => {
    const text = renderTable(buildReport([target('one'), target('two', { 'stream.default': 'broken' })]));
    expect(text).toContain('Client readiness (predicted from the verdicts; docs/CLIENTS.md):');
    expect(text).toContain(`[one] all ${N} client operations expected to work`);
    expect(text).toContain(
      `[two] ${N - 5}/${N} client operations expected to work; expected to fail: openai Node SDK (create, parse), ` +
        'Vercel AI SDK (openai-compatible provider) (generate-text, tool-loop, generate-object)',
    );
  });

  it('a target without /responses: the Responses clients expected to fail, said why, in every rendering', () => {
    const responses = features()
      .filter((f) => surfaceOf(f) === 'responses')
      .map((f) => f.id);
    const why = 'not served: POST /responses answered HTTP 404, so the target does not offer the Responses API';
    const t = target('no-responses', Object.fromEntries(responses.map((id) => [id, 'skipped' as const])), {
      summaries: Object.fromEntries(responses.map((id) => [id, why])),
    });
    const text = renderTable(buildReport([t]));
    expect(text).toMatch(
      /expected to fail: openai Node SDK \(responses-create, responses-stream, responses-parse\), Vercel AI SDK default provider \(Responses\) \(all 5\)/,
    );
    const md = readinessMarkdown(targetReadiness(t)).join('\n');
    expect(md).toContain(
      `- ❌ \`ai-sdk-default.generate-text\` (Vercel AI SDK default provider \\(Responses\\)) — expected to fail\n  - the target does not serve its API: ${why}`,
    );
    expect(renderHtml(report([t]))).toContain(`<li>the target does not serve its API: ${why}</li>`);
  });
});
