// The Markdown report: matrix rows in catalogue order, one symbol per verdict, a legend,
// per-target details, and nothing a hostile server wrote can become markup.
import { describe, expect, it } from 'vitest';
import { featureIds, features } from '../../../../spec/features.js';
import { validate } from '../../../../spec/validators.js';
import { evaluateGate } from '../../../../suites/report/gate/index.js';
import { renderMarkdown, VERDICT_INFO, VERDICTS } from '../../../../suites/report/render/index.js';
import { summaryMarkdown } from '../../../../suites/report/render/markdown.js';
import { fixtureReport, HOSTILE, report, result, target, VERDICTS_A, VERDICTS_B } from '../fixtures.js';

/** The matrix rows: [feature id, importance, ...cells] in document order. */
function matrixRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => /^\| (?!\*\*)[^|]*`[^`]+` \|/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    )
    .map(([label, importance, ...cells]) => [/`([^`]+)`/.exec(label!)![1]!, importance!, ...cells]);
}

/** The text of one target's details section. */
function details(md: string, name: string): string {
  const start = md.indexOf(`#### ${name}\n`);
  expect(start, `details for ${name}`).toBeGreaterThan(-1);
  const next = md.indexOf('\n#### ', start + 1);
  return md.slice(start, next === -1 ? undefined : next);
}

describe('renderMarkdown', () => {
  const fixture = fixtureReport();
  const md = renderMarkdown(fixture);

  it('uses a schema-valid fixture', () => {
    expect(validate('report', fixture).errors).toEqual([]);
  });

  it('has one matrix row per catalogue feature, in catalogue order, with its importance', () => {
    const rows = matrixRows(md);
    expect(rows.map((r) => r[0])).toEqual(featureIds());
    for (const [i, f] of features().entries()) expect(rows[i]![1]).toBe(f.importance);
  });

  it('groups the rows under the catalogue’s group titles, in order', () => {
    const titles = [...md.matchAll(/^\| \*\*([^*]+)\*\* \| \|/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Basics',
      'Streaming',
      'Errors',
      'Tools',
      'Generation controls',
      'Structured output',
      'Reasoning',
      'Inputs',
      'Responses API',
      'Anthropic Messages',
    ]);
  });

  it('shows each target as a column with the symbol of its verdict (★ when required)', () => {
    const header = md.split('\n').find((l) => l.startsWith('| Feature |'))!;
    expect(header).toContain('relay-a | relay-b | 中转-c');
    const byId = new Map(matrixRows(md).map((r) => [r[0]!, r.slice(2)]));
    for (const id of featureIds()) {
      const [a, b, c] = byId.get(id)!;
      const required = ['chat.basic', 'stream.sse'].includes(id) ? '★' : '';
      expect(a).toBe(VERDICT_INFO[VERDICTS_A[id] ?? 'supported'].emoji + required);
      expect(b).toBe(VERDICT_INFO[VERDICTS_B[id] ?? 'supported'].emoji);
      expect(c).toBe(VERDICT_INFO.supported.emoji);
    }
  });

  it('has a legend naming every verdict with its symbol', () => {
    const legend = md.split('\n').find((l) => l.startsWith('**Legend:**'))!;
    for (const v of VERDICTS) expect(legend).toContain(`${VERDICT_INFO[v].emoji} ${v}`);
    expect(legend).toContain('★ required');
  });

  it('lists, per target, each non-supported feature with its summary and reproducer', () => {
    const a = details(md, 'relay-a');
    for (const [id, verdict] of Object.entries(VERDICTS_A)) expect(a).toContain(`\`${id}\` · ${verdict}`);
    expect(a).toContain('stream ends without data: \\[DONE\\]');
    expect(a).not.toContain('`chat.basic`'); // supported: not listed
    expect(a.match(/<details><summary>Reproduce<\/summary>/g)).toHaveLength(Object.keys(VERDICTS_A).length - 1); // not for skipped
    expect(a).toContain('```sh\n  curl -sS');
    expect(a).toContain('$RELAYCHECK_API_KEY');
    expect(details(md, '中转-c')).toContain('Every feature is supported.');
  });

  it('summarises each target: supported over the features that apply, requests, tokens', () => {
    const n = featureIds().length;
    // relay-a: 7 features not supported, one of them skipped (does not apply).
    const a = Math.round((100 * (n - 7)) / (n - 1));
    expect(md).toContain(`| **relay-a** | gpt-4o-mini | ${n - 7}/${n - 1} (${a}%) |`);
    expect(md).toContain(`| **中转-c** | gpt-4o-mini | ${n}/${n} (100%) | — | 57 | 12,345 + 2,345 |`);
  });

  it('says how many requests were sent again (429, 5xx), and nothing when none were', () => {
    const usage = { requests: 60, logicalRequests: 57, promptTokens: 1, completionTokens: 1 };
    const out = renderMarkdown(report([target('flaky', {}, { usage }), target('calm')]));
    expect(out).toMatch(/\| \*\*flaky\*\* \|[^\n]*\| 60 \(3 retried\) \|/);
    expect(out).toMatch(/\| \*\*calm\*\* \|[^\n]*\| 57 \|/);
  });

  it('a target that fails nothing but skips what does not apply is at 100%', () => {
    const skipping = renderMarkdown(report([target('s', { 'vision.image_url': 'skipped', seed: 'skipped' })]));
    const n = featureIds().length;
    expect(skipping).toContain(`| **s** | gpt-4o-mini | ${n - 2}/${n - 2} (100%) |`);
  });

  it('renders `quoted` parts of a summary as code spans, never as literal backticks', () => {
    const quoted = renderMarkdown(
      report([
        target('q', { stop: 'ignored' }, { summaries: { stop: 'output contains `gamma` after `stop`; odd ` tick' } }),
      ]),
    );
    expect(quoted).toContain('output contains `gamma` after `stop`; odd \\` tick');
    expect(summaryMarkdown('a `x|y` b')).toBe('a `x|y` b');
    expect(summaryMarkdown('no ticks *here*')).toBe('no ticks \\*here\\*');
    expect(summaryMarkdown('``')).toBe('');
  });

  it('stays under 60,000 characters for any number of targets, and says what it left out', () => {
    const many = (k: number, maxChars?: number): string =>
      renderMarkdown(
        report(Array.from({ length: k }, (_, i) => target(`relay-${i}`, i % 2 === 0 ? VERDICTS_A : VERDICTS_B))),
        maxChars === undefined ? {} : { maxChars },
      );
    const three = many(3);
    expect(three).not.toContain('Shortened');
    expect(three).toContain('<summary>Reproduce</summary>');
    // Past the limit, step by step: reproducers go, then the per-target lists, then the matrix.
    const noRepro = many(3, three.length - 1);
    expect(noRepro).toContain('**Shortened:**');
    expect(noRepro).toContain('the curl reproducers are left out');
    expect(noRepro).not.toContain('<summary>Reproduce</summary>');
    expect(noRepro).toContain('#### relay-2');
    const pointer = many(3, noRepro.length - 10);
    expect(pointer).toContain('the per-target details are left out. They are in report.html and report.json.');
    expect(pointer).not.toContain('#### relay-0');
    expect(pointer).toContain('| Error status codes');
    const table = many(3, pointer.length - 10);
    expect(table).not.toContain('| Error status codes');
    expect(table).toContain('| **relay-2** |');
    const cut = many(3, 600);
    expect(cut.length).toBeLessThanOrEqual(600);
    expect(cut).toMatch(/report\.md is cut at 600 characters/);
    // The real limit, with enough targets to pass it in full.
    const big = many(25);
    expect(big.length).toBeLessThanOrEqual(60_000);
    expect(big).toContain('**Shortened:**');
    expect(big).toContain('| **relay-24** |');
  });

  it('lets no hostile string become HTML, a link, or break the table', () => {
    expect(md).not.toContain(HOSTILE);
    expect(md).not.toMatch(/<(img|script)/i);
    expect(md).not.toContain('](https://evil');
    expect(md).toContain('&lt;/script&gt;&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('\\| pipe \\*star\\*'); // pipes escaped inside a line
    expect(md).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/); // eslint-disable-line no-control-regex
    // Every matrix row still has exactly one cell per column.
    for (const row of matrixRows(md)) expect(row).toHaveLength(5);
  });

  it('renders [REDACTED] evidence as is and masks anything still looking like a key', () => {
    const r = report([
      target(
        't',
        { auth: 'broken' },
        { summaries: { auth: 'the relay echoed Authorization: Bearer sk-live0123456789abcdefXYZ and [REDACTED]' } },
      ),
    ]);
    const out = renderMarkdown(r);
    expect(out).not.toContain('sk-live0123456789abcdefXYZ');
    expect(out).toContain('\\[REDACTED\\]');
    expect(out).toContain('Bearer $RELAYCHECK_API_KEY');
  });

  it('puts a feature the catalogue does not know under Other', () => {
    const t = target('t');
    t.results.push(result('future.feature', 'partial', 'from a newer relaycheck'));
    const out = renderMarkdown(report([t]));
    expect(out).toContain('| **Other \\(not in this version’s catalogue\\)** | |');
    expect(matrixRows(out).at(-1)).toEqual(['future.feature', 'unknown', VERDICT_INFO.partial.emoji]);
  });

  it('shows the gate’s verdict at the top when a gate ran', () => {
    const gate = evaluateGate(fixture, { require: ['tools.call'] });
    const out = renderMarkdown(fixture, { gate, require: ['tools.call'] });
    expect(out.indexOf('**Gate ❌ failed**')).toBeGreaterThan(-1);
    expect(out.indexOf('**Gate ❌ failed**')).toBeLessThan(out.indexOf('| Feature |'));
    expect(out).toContain('2 requirements not met');
    expect(out).toContain('tools.call \\(Tool calls\\) is required but broken');
  });

  it('shortens very long reproducers and says where the full one is', () => {
    const t = target('t', { stop: 'ignored' });
    t.results.find((r) => r.feature === 'stop')!.reproduce = `curl ${'x'.repeat(5000)}`;
    const out = renderMarkdown(report([t]), { maxReproduceChars: 300 });
    expect(out).toContain('_Shortened: the full command is in report.json and report.html._');
    expect(out).not.toContain('x'.repeat(400));
  });
});
