// Issue 23, security 7: report.md is posted as a PR comment. A relay's text must not ping
// anyone (@user, @org/team), make a link clickable (bare URLs, www. hosts, e-mail addresses)
// or reorder a line (bidi controls).
import { describe, expect, it } from 'vitest';
import { featureIds } from '../../../../spec/features.js';
import { renderMarkdown } from '../../../../suites/report/render/markdown.js';
import { escapeInline, escapeMarkdown } from '../../../../suites/report/text.js';
import { report, target } from '../fixtures.js';

const HOSTILE =
  'ask @octocat or @github/security, see www.evil.example/x and https://evil.example/y?a=1, write to me@evil.example, txt.\u202Eexe';

/** The text GitHub would scan for mentions and autolinks: everything outside code spans and fences. */
function outsideCode(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

describe('report.md neutralises pings, bare links and bidi controls', () => {
  it('in one escaped string', () => {
    const out = escapeMarkdown(HOSTILE);
    const plain = outsideCode(out);
    expect(plain).not.toMatch(/@\w/);
    expect(plain).not.toMatch(/www\./i);
    expect(plain).not.toMatch(/https?:/i);
    expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    // Still readable: each one is shown, as code.
    for (const shown of [
      '`@octocat`',
      '`@github/security`',
      '`www.evil.example/x`',
      '`https://evil.example/y?a=1`',
      '`me@evil.example`',
    ])
      expect(out).toContain(shown);
  });

  it('in a whole report (summaries, target name, health line)', () => {
    const [a, b] = featureIds() as [string, string];
    const t = target(
      'relay',
      { [a]: 'broken', [b]: 'rejected' },
      {
        summaries: { [a]: HOSTILE, [b]: `\`quoted\` then ${HOSTILE}` },
        health: { status: 'limited', cause: 'prompt-insensitive', line: HOSTILE },
      },
    );
    const md = renderMarkdown(report([t]));
    const plain = outsideCode(md);
    expect(plain).not.toMatch(/(^|[^\w])@[a-z]/im);
    expect(plain).not.toMatch(/www\.evil/i);
    expect(plain).not.toMatch(/https?:\/\/evil/i);
    expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
  });

  it('keeps a table cell whole and leaves plain text alone', () => {
    expect(escapeInline('see www.a.example|b')).toBe('see `www.a.example`\\|b');
    expect(escapeInline('a@b and foo@ bar')).toBe('a@b and foo@ bar');
  });
});
