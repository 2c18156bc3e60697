// Escaping and sanitising for text that came from a report. Summaries and evidence quote
// servers nobody controls, so every renderer treats every string as hostile.
import { inert, inertJson, stripUnsafe } from '../transport/inert.js';
import { isSensitiveHeader, REDACTED } from '../transport/redact.js';
import type { RelaycheckReport, ReportHeaders } from '../../spec/generated/types.js';

/** Characters XML 1.0 forbids even as references: controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const XML_ILLEGAL =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Controls, escapes, bidi and invisible characters removed (suites/transport/inert.ts); lines kept. */
export function stripControls(s: string): string {
  return stripUnsafe(s);
}

/** One line, inert (suites/transport/inert.ts): no control or bidi character, at most `max` characters. */
export function oneLine(s: string, max = 400): string {
  return inert(s, max);
}

export function escapeHtml(s: string): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escapes for XML text, after dropping what XML 1.0 cannot hold (`]]>` cannot survive: `>` is escaped). */
export function escapeXml(s: string): string {
  return String(s).replace(XML_ILLEGAL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes for an XML attribute value (quotes too; newlines and tabs as character references). */
export function escapeXmlAttr(s: string): string {
  return String(s)
    .replace(XML_ILLEGAL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/**
 * Inline Markdown text (GitHub flavour): no HTML, links, images, emphasis or table breaks
 * can come out of it. One line.
 */
export function escapeMarkdown(s: string, max = 400): string {
  return escapeInline(oneLine(s, max));
}

/**
 * What GitHub turns into a ping or a link in plain text: bare URLs (any scheme) and `www.`
 * hosts, e-mail addresses, and @mentions of users and teams (`@octocat`, `@github/security`).
 * Backslash escapes and entities do not stop them (GitHub finds mentions in the rendered
 * text); a code span does, so each becomes one. `|` and backticks end a match (the span
 * must not split a table cell or close early), trailing punctuation is left out of a link.
 */
const PINGS_AND_LINKS =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)[^\s`|<>]*[^\s`|<>.,;:!?'")\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w`])@[a-z0-9][a-z0-9-]*(?:\/[\w.-]+)?/gi;

/**
 * escapeMarkdown for text already on one line (kept as is: no trimming, no cut): pings and
 * bare links become code spans, everything else is escaped.
 */
export function escapeInline(s: string): string {
  let out = '';
  let at = 0;
  for (const m of s.matchAll(PINGS_AND_LINKS)) {
    out += escapePlain(s.slice(at, m.index)) + `\`${m[0]}\``;
    at = m.index + m[0].length;
  }
  return out + escapePlain(s.slice(at));
}

function escapePlain(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/:\/\//g, ':&#47;&#47;'); // no autolinks from quoted URLs
}

/** An inline code span the content cannot close early (not for table cells: `|` splits them). */
export function inlineCode(s: string, max = 200): string {
  const text = oneLine(s, max);
  if (text === '') return '';
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced code block that the content cannot close early. */
export function markdownFence(content: string, lang = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${stripControls(content)}\n${fence}`;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&`, the JS line separators
 * and what inertJson escapes (bidi, C1...) written as \u escapes, so no `</script>` or `<!--` can
 * appear in it and its bytes are inert (the page shows such characters as \uXXXX).
 */
export function jsonForScript(value: unknown): string {
  return inertJson(JSON.stringify(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

// ---------------------------------------------------------------- defence in depth

/** `Bearer <token>` where the token is not a shell variable or already masked. */
const BEARER = /\b(Bearer\s+)(?!\$|\[REDACTED\])([A-Za-z0-9._~+/=-]{12,})/g;
/** OpenAI-style secret keys (sk-..., sk-proj-...). */
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;

/** Masks anything in a string that looks like a live key. */
export function scrubText(s: string): string {
  return s.replace(BEARER, `$1${REDACTED}`).replace(SK_KEY, REDACTED);
}

function scrubValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && isSensitiveHeader(key) && !value.includes(REDACTED)) {
      // A secret-bearing header the redactor somehow missed: keep the scheme only.
      const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value)?.[0] ?? '';
      return value === '' ? value : `${scheme}${REDACTED}`;
    }
    return scrubText(value);
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v);
    return out;
  }
  return value;
}

function scrubHeaders(headers: ReportHeaders | undefined): ReportHeaders {
  const out: ReportHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k] = typeof v === 'string' ? (scrubValue(v, k) as string) : v;
  return out;
}

/**
 * A copy of a report with anything that still looks like a key masked. Reports are
 * redacted when written; this guards the renderers against a report that was not.
 */
export function scrubReport(report: RelaycheckReport): RelaycheckReport {
  const copy = scrubValue(report) as RelaycheckReport;
  for (const target of copy.targets ?? []) {
    for (const result of target.results ?? []) {
      for (const ex of result.evidence ?? []) {
        if (ex.request) ex.request.headers = scrubHeaders(ex.request.headers);
        if (ex.response) ex.response.headers = scrubHeaders(ex.response.headers);
      }
    }
  }
  return copy;
}
