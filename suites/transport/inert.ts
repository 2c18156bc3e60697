// Text a relay sent, made inert before it reaches a terminal, a CI log or a report. A relay
// is a server nobody here controls: its error codes and bodies may carry newlines that start
// CI workflow commands (`::add-mask::`, `##vso[`), terminal escapes (erase-line, OSC 0
// window title, OSC 52 clipboard, OSC 8 links, BEL) or bidi controls that make a line read
// other than it is. Every printer and renderer goes through `inert` (or its line-keeping
// forms below), so there is one definition of "safe to show". Pure and total.

/**
 * Whole escape sequences (CSI, terminated OSC/DCS/APC/PM/SOS strings), so no `[2K` debris is
 * left. An unterminated string loses only its ESC (below): its text stays visible. Bounded
 * (512), so a body full of unterminated OSC starts cannot make this quadratic.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /\u001B\[[0-?]{0,64}[ -/]{0,16}[@-~]|\u009B[0-?]{0,64}[ -/]{0,16}[@-~]|(?:\u001B[\]PX^_]|[\u0090\u0098\u009D-\u009F])[^\u0007\u001B\u009C]{0,512}(?:\u0007|\u001B\\|\u009C)/g;

/** Line breaks and other whitespace controls: become a space (one line). */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Never shown: C0 and C1 controls, DEL, bidi controls (embeddings, overrides, isolates,
 * marks, the Arabic letter mark), zero-width and other invisible format characters, lone
 * surrogates.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * CI runners' command syntax: GitHub Actions obeys `::cmd::` at the start of a line (after
 * blanks); Azure Pipelines (`##vso[`, `##[`) and TeamCity (`##teamcity[`) anywhere in one.
 */
const LINE_COMMAND = /^(\s*):(?=:)/;
const INLINE_COMMAND = /##(?=[A-Za-z]*\[)/g;

/** The default bound for one value (a summary, an error code, a header). */
export const INERT_MAX = 400;

/** Controls, bidi and invisible characters removed; newlines and tabs kept (or made spaces). */
function clean(s: string, keepBreaks: boolean): string {
  const text = String(s).replace(ESCAPE_SEQUENCE, '');
  const flat = keepBreaks
    ? text.replace(/\r\n?/g, '\n').replace(/[\v\f\u0085\u2028\u2029]/g, '\n')
    : text.replace(BREAKS, ' ');
  return flat.replace(UNSAFE, '').replace(INLINE_COMMAND, '# #');
}

function bound(s: string, max: number): string {
  if (s.length <= max) return s;
  // Do not split a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(s[max - 2] ?? '') ? max - 2 : max - 1;
  return `${s.slice(0, Math.max(0, end))}…`;
}

/** A line cannot be read as a CI workflow command: a leading `::` becomes `: :`. */
function noLineCommand(line: string): string {
  return line.replace(LINE_COMMAND, '$1: ');
}

/**
 * The one sanitizer: one line, no control, escape, bidi or invisible character, blanks
 * collapsed, at most `max` characters, never a CI command.
 */
export function inert(value: unknown, max = INERT_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  // Only the head can be shown: a 256 KiB body is not cleaned in full to print 400 characters.
  const limit = max * 4 + 1024;
  const head = text.length > limit ? text.slice(0, limit) : text;
  const flat = clean(head, false).replace(/\s+/g, ' ').trim();
  const shown = bound(flat, max);
  if (head === text || shown.endsWith('…')) return noLineCommand(shown);
  const room = shown.length >= max ? shown.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '') : shown;
  return noLineCommand(`${room}…`);
}

/**
 * A whole block for a terminal or log (a table, a gate summary): every line made inert the
 * same way, but its layout (indentation, column padding, line breaks) kept.
 */
export function inertBlock(text: string, maxLine = 2000): string {
  return clean(text, true)
    .split('\n')
    .map((line) => noLineCommand(bound(line.replace(/\t/g, '  '), maxLine)))
    .join('\n');
}

/** For multi-line report content (a code fence): the characters removed, the lines kept as they are. */
export function stripUnsafe(text: string): string {
  return clean(text, true);
}

/**
 * Characters JSON.stringify leaves raw that a terminal would obey or that reorder a line: DEL,
 * C1 controls, bidi and invisible format characters, the JS line separators.
 */
const JSON_RAW_UNSAFE = /[\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF\uFFF9-\uFFFB]/g;

/**
 * JSON text with those characters written as \u escapes: the same JSON value (they only occur
 * inside strings), whose bytes are inert when printed. For report.json and the HTML's data block.
 */
export function inertJson(json: string): string {
  return json.replace(JSON_RAW_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
