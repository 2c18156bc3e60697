// Across protocols in every report format: the terminal table, Markdown, HTML and JUnit name
// what one surface loses that another keeps, and a relay's text in it stays inert.
import { describe, expect, it } from 'vitest';
import type { ReportCrossAspect } from '../../../../spec/generated/types.js';
import { renderHtml } from '../../../../suites/report/render/html.js';
import { renderJunit } from '../../../../suites/report/render/junit.js';
import { renderMarkdown } from '../../../../suites/report/render/markdown.js';
import {
  crossProtocolHtmlItems,
  crossProtocolJunit,
  crossProtocolMarkdown,
  crossProtocolText,
} from '../../../../suites/report/render/cross-protocol.js';
import { renderTable } from '../../../../suites/report/report-file.js';
import { report, target } from '../fixtures.js';
import { featureById, SURFACES, surfaceOf } from '../../../../spec/features.js';

/** A feature of Chat Completions (not of another surface). */
const onChat = (id: string): boolean => surfaceOf(featureById(id)) === 'chat';

const LOSS =
  "Usage accounting on gpt-4o-mini: kept on the Responses API (responses.usage); kept on Anthropic's Messages (messages.usage, messages.count_tokens); lost on Chat Completions: usage.accounting broken";

describe('a usage loss on chat, kept on the Responses API', () => {
  const doc = report([target('relay-a', { 'usage.accounting': 'broken' })]);

  it('is one line of the terminal table, after the findings', () => {
    const table = renderTable(doc);
    expect(table).toContain(`Across protocols (the same model, surface by surface):\n  ${LOSS}\n`);
    expect(table.indexOf('Findings:')).toBeLessThan(table.indexOf('Across protocols'));
    // The aspects without a loss are not listed in the terminal (Markdown, HTML and JUnit list them).
    expect(table).not.toContain('Same verdict');
    expect(renderMarkdown(doc)).toMatch(/Same verdict on every surface measured: Plain answer, Streaming, Tool calls/);
  });

  it('is a Markdown item in the target details, ids as code', () => {
    const md = renderMarkdown(doc);
    expect(md).toContain('**Across protocols** (the same model, surface by surface):');
    expect(md).toContain(
      "- ⚠️ Usage accounting on `gpt-4o-mini`: kept on the Responses API \\(`responses.usage`\\); kept on Anthropic's Messages \\(`messages.usage`, `messages.count_tokens`\\); lost on Chat Completions: `usage.accounting` broken",
    );
  });

  it('is an HTML card whose feature ids open their evidence', () => {
    const html = renderHtml(doc);
    expect(html).toContain('<section class="cross" aria-label="Across protocols">');
    expect(html).toContain('<span class="pill v-broken">loss</span> Usage accounting on <code>gpt-4o-mini</code>');
    expect(html).toContain('<a href="#t=0&amp;f=usage.accounting"><code>usage.accounting</code></a> broken');
    expect(html).toContain("window.addEventListener('hashchange', openFromHash)");
  });

  it("is the target suite's system-out in JUnit, the test counts unchanged", () => {
    const xml = renderJunit(doc);
    expect(xml).toContain(`    <system-out>Across protocols:\n- ${LOSS}\n`);
    expect(xml).toMatch(/<\/system-out>\n {2}<\/testsuite>/);
    const cases = (xml.match(/<testcase /g) ?? []).length;
    expect(xml).toContain(`tests="${cases}"`);
  });
});

describe('where the surfaces agree or nothing is compared', () => {
  it('says no surface loses anything when every surface agrees', () => {
    const doc = report([target('fine')]);
    expect(renderTable(doc)).toContain('\nAcross protocols: No surface loses what another keeps.\n');
    expect(renderMarkdown(doc)).toContain('- No surface loses what another keeps.');
    expect(renderHtml(doc)).not.toContain('class="pill v-broken">loss');
  });

  it('says why nothing is compared when a surface is not served, and stays out of the terminal', () => {
    const skipped = Object.fromEntries(
      target('x')
        .results.filter((r) => !onChat(r.feature))
        .map((r) => [r.feature, 'skipped' as const]),
    );
    const summaries = Object.fromEntries(
      Object.keys(skipped).map((id) => [id, `not served: 404 on POST ${SURFACES[surfaceOf(featureById(id))].path}`]),
    );
    const doc = report([target('chat-only', { ...skipped, 'usage.accounting': 'broken' }, { summaries })]);
    expect(renderTable(doc)).not.toContain('Across protocols');
    const md = renderMarkdown(doc);
    expect(md).toMatch(
      /- Not compared \\\(measured on one surface at most\\\): Plain answer, Streaming, .*Usage accounting.*; nothing measured on the Responses API \\\(`responses\.basic` skipped: not served: 404 on POST \/responses\\\), Anthropic's Messages \\\(`messages\.basic` skipped: not served: 404 on POST \/messages\\\)\./,
    );
    expect(md).not.toContain('No surface loses');
    expect(renderHtml(doc)).toContain('nothing measured on the Responses API (<a href="#t=0&amp;f=responses.basic">');
  });

  it('shows no section for a target the preflight could not measure, nor for a report without two surfaces', () => {
    const dead = target('dead', {}, { health: { status: 'unmeasured', cause: 'unreachable', line: 'unreachable' } });
    const chatOnly = {
      ...target('chat-only'),
      results: target('x').results.filter((r) => onChat(r.feature)),
    };
    for (const doc of [report([dead]), report([chatOnly])]) {
      expect(renderTable(doc)).not.toContain('Across protocols');
      expect(renderMarkdown(doc)).not.toContain('Across protocols');
      expect(renderHtml(doc)).not.toContain('<section class="cross"');
      expect(renderJunit(doc)).not.toContain('Across protocols');
    }
  });
});

describe("a relay's text in the section", () => {
  // A surface not measured (skipped) shows its summary, which the relay wrote.
  const HOSTILE =
    'not served: \u001b]0;pwned\u0007\n::add-mask::x </script><img src=x onerror=alert(1)> @octocat \u202Egnp';
  const comparison: ReportCrossAspect = {
    aspect: 'caching',
    title: 'Prompt caching',
    model: 'gpt\u001b[2K-4o',
    status: 'loss',
    surfaces: [
      {
        surface: 'chat',
        verdict: 'ignored',
        outcome: 'worse',
        features: [{ feature: 'usage.cache', verdict: 'ignored', summary: 'x' }],
      },
      {
        surface: 'responses',
        outcome: 'not-measured',
        features: [{ feature: 'responses.cache', verdict: 'skipped', summary: HOSTILE }],
      },
      {
        surface: 'messages',
        verdict: 'supported',
        outcome: 'best',
        features: [{ feature: 'messages.cache', verdict: 'supported', summary: 'ok' }],
      },
    ],
  };

  it('is inert in every format', () => {
    const [line] = crossProtocolText([comparison]);
    expect(line).toBe(
      "Prompt caching on gpt-4o: kept on Anthropic's Messages (messages.cache); lost on Chat Completions: usage.cache ignored; not measured on the Responses API (responses.cache skipped: not served: ::add-mask::x </script><img src=x onerror=alert(1)> @octocat gnp)",
    );
    // eslint-disable-next-line no-control-regex -- the point
    expect(line).not.toMatch(/[\u0000-\u001f\u202e]/);

    const md = crossProtocolMarkdown([comparison]).join('\n');
    expect(md).toContain('`@octocat`');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/^::/m);

    const html = crossProtocolHtmlItems([comparison], 2);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="#t=2&amp;f=messages.cache">');
    // eslint-disable-next-line no-control-regex -- the point
    expect(html).not.toMatch(/[\u0000-\u001f\u202e]/);

    const junit = crossProtocolJunit([comparison]);
    expect(junit).toContain('&lt;/script&gt;');
    // XML text: no markup, every `&` an entity (junit.test.ts checks the whole file is well-formed).
    expect(junit).not.toMatch(/<|&(?!amp;|lt;|gt;)/);
  });
});
