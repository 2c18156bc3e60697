// Escaping and sanitising for text that came from a report. Summaries and evidence quote
// servers nobody controls, so every renderer treats every string as hostile.
import { isSensitiveHeader, REDACTED } from '../transport/redact.js';
import type { RelaycheckReport, ReportHeaders } from '../../spec/generated/types.js';

/** C0 controls but tab and newline, DEL, C1 controls, lone surrogates: never useful in a rendering. */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Characters XML 1.0 forbids even as references: controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const XML_ILLEGAL =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripControls(s: string): string {
  return s.replace(CONTROL, '');
}

/** One line: controls removed, runs of whitespace collapsed, at most `max` characters. */
export function oneLine(s: string, max = 400): string {
  const flat = stripControls(String(s)).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
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

/** escapeMarkdown for text already on one line (kept as is: no trimming, no cut). */
export function escapeInline(s: string): string {
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
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JS line
 * separators written as \u escapes, so no `</script>` or `<!--` can appear in it.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
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
