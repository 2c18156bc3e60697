// The HTML report: one self-contained file, nothing fetched, every string from the report
// escaped, the report data embedded as JSON that parses back to the report.
import { describe, expect, it } from 'vitest';
import { featureIds } from '../../../../spec/features.js';
import { renderHtml } from '../../../../suites/report/render/index.js';
import { mergeReports } from '../../../../suites/report/render/model.js';
import { evaluateGate } from '../../../../suites/report/gate/index.js';
import { CDATA_END, fixtureReport, HOSTILE, report, target } from '../fixtures.js';

function embeddedJson(html: string): { report: unknown; featureCount: number } {
  const m = /<script type="application\/json" id="relaycheck-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m, 'the data block').not.toBeNull();
  return JSON.parse(m![1]!) as { report: unknown; featureCount: number };
}

describe('renderHtml', () => {
  const fixture = fixtureReport();
  const html = renderHtml(fixture, { gate: evaluateGate(fixture) });

  it('is one complete document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<html\b/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html.match(/<script\b/g)).toHaveLength(2); // the data and the code, both inline
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('loads nothing from anywhere: no external src/href, stylesheet, import or url()', () => {
    expect(html).not.toMatch(/\b(src|href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b|<iframe\b|<img\b|<object\b|<embed\b|@import|url\(/i);
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  });

  it('embeds the report as JSON that parses back to exactly the report', () => {
    const data = embeddedJson(html);
    expect(data.report).toEqual(JSON.parse(JSON.stringify(fixture)));
    expect(data.featureCount).toBe(featureIds().length);
  });

  it('escapes hostile strings everywhere (no raw markup, no script end, no CDATA end)', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img|onerror=alert\(1\)>/);
    const json = /id="relaycheck-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(json).not.toMatch(/[<>]/);
    expect(json).toContain('\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'); // in a cell's title
    expect(html).not.toContain(CDATA_END);
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/); // eslint-disable-line no-control-regex
  });

  it('builds the evidence view with DOM text only, never innerHTML', () => {
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(html).toContain('textContent');
  });

  it('shows every target and every feature, one cell per target × feature', () => {
    for (const name of ['relay-a', 'relay-b', '中转-c']) expect(html).toContain(`<h2>${name}</h2>`);
    for (const id of featureIds()) {
      expect(html.match(new RegExp(`data-f="${id.replace(/\./g, '\\.')}"`, 'g'))).toHaveLength(3);
    }
    expect(html.match(/<button type="button" class="cell v-/g)).toHaveLength(3 * featureIds().length);
  });

  it('colour-codes cells by verdict and offers verdict and importance filters', () => {
    expect(html).toContain('class="cell v-broken" data-t="0" data-f="tools.call" data-v="broken"');
    for (const v of ['supported', 'partial', 'rejected', 'ignored', 'broken', 'inconclusive', 'error', 'skipped']) {
      expect(html).toContain(`data-verdict="${v}"`);
      expect(html).toMatch(new RegExp(`\\.v-${v}\\{background:`));
    }
    for (const i of ['core', 'common', 'optional'])
      expect(html).toContain(`data-importance="${i}" aria-pressed="true"`);
  });

  it('summarises each target: supported count, requests and tokens', () => {
    const n = featureIds().length;
    // relay-a skips one feature: the share is over the features that apply.
    expect(html).toContain(
      `<b>${n - 7}</b><span>/ ${n - 1} that apply supported · ${Math.round((100 * (n - 7)) / (n - 1))}%`,
    );
    expect(html).toContain(`<b>${n}</b><span>/ ${n} supported · 100%`);
    expect(html).toContain('<b>57</b> requests · <b>12,345</b> + <b>2,345</b> tokens');
  });

  it('shows the gate’s verdict', () => {
    expect(html).toContain('<b>Gate failed</b>');
    expect(html).toContain('stream.sse (SSE streaming) is required but partial');
  });

  it('masks anything that still looks like a key, in the markup and in the data', () => {
    const leaky = report([target('t', {}, { summaries: { auth: 'saw sk-live0123456789abcdefXYZ' } })]);
    leaky.targets[0]!.results[0]!.evidence[0]!.request.headers['x-api-key'] = 'live-secret-value';
    const out = renderHtml(leaky);
    expect(out).not.toContain('sk-live0123456789abcdefXYZ');
    expect(out).not.toContain('live-secret-value');
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('Bearer $RELAYCHECK_API_KEY');
  });

  it('has nothing that widens the page past a 390 px phone: the matrix scrolls in its own box', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    // Top-level rules only (media blocks removed): no fixed width or min-width of 390 px or more.
    const topLevel = css.replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '');
    const wide = [...topLevel.matchAll(/(?:^|[;{])\s*((?:min-)?width):\s*(\d+)px/g)].filter((m) => Number(m[2]) >= 390);
    expect(wide.map((m) => m[0])).toEqual([]);
    const phone = /@media \(max-width:600px\)\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}/.exec(css)?.[1] ?? '';
    expect(phone).toContain('.matrix-wrap{overflow-x:auto}');
    expect(phone).toContain('.cards{grid-template-columns:minmax(0,1fr)}'); // cards' 320 px minimum
    expect(phone).toContain('.toolbar input{min-width:0');
    expect(html).toMatch(/<div class="matrix-wrap">\s*<table class="matrix"/);
  });

  it('keeps each target’s own run time in a merged report', () => {
    const a = report([target('one', {}, { durationMs: 5_000 })]);
    const b = report([target('two', {}, { durationMs: 125_000 })]);
    const merged = renderHtml(mergeReports([a, b]));
    expect(merged).toMatch(/one<\/h2>[\s\S]*?<b>5 s<\/b><\/p>[\s\S]*?two<\/h2>[\s\S]*?<b>2m 5s<\/b><\/p>/);
  });
  it("shows summaries' `code` as code: the page script still parses, cell titles carry no backticks", () => {
    const code = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(code).toContain("split('\\x60')");
    expect(() => new Function(code)).not.toThrow(); // syntax only: the function is never called
    const withCode = report([
      target('one', { 'chat.basic': 'partial' }, { summaries: { 'chat.basic': 'sends `[DONE]` twice' } }),
    ]);
    const page = renderHtml(withCode);
    expect(page).toContain('title="one · partial: sends [DONE] twice"');
  });
  it('says how many requests were sent again (429, 5xx)', () => {
    const usage = { requests: 60, logicalRequests: 57, promptTokens: 1, completionTokens: 1 };
    expect(renderHtml(report([target('flaky', {}, { usage })]))).toContain('<b>60</b> requests (3 retried) ·');
    expect(renderHtml(report([target('calm')]))).toMatch(/<b>57<\/b> requests ·/);
  });
});
