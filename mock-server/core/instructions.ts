// A small instruction grammar: probes are phrased for real LLMs ("Output exactly: ...",
// "Count from 1 to 20"), and the mock must answer them the way a compliant model would, so a
// probe that passes against the mock means the same thing as one that passes against a relay.
// Rules are matched case-insensitively anywhere in the last user message; the first rule (in
// GRAMMAR order) that matches wins; no match means free prose.

import { generateInstance } from './json-instance.js';
import { createRng, hashString } from './rng.js';
import type { MessageLike } from './tokens.js';
import { contentText } from './tokens.js';

export type Interpretation =
  | { kind: 'exact'; text: string }
  | { kind: 'recall'; text: string }
  | { kind: 'count'; from: number; to: number; text: string }
  | { kind: 'json-keys'; keys: string[]; text: string }
  | { kind: 'prose' };

export interface GrammarRule {
  kind: Interpretation['kind'];
  pattern: string;
  example: string;
  /** The exact reply for the example, or a description for prose. */
  output: string;
}

/** The rules in matching order, with examples (the docs and the tests both use this table). */
export const GRAMMAR: readonly GrammarRule[] = [
  {
    kind: 'exact',
    pattern:
      '(Output|Reply with|Respond with|Say|Print|Write|Return) exactly: X — X is the rest of the line (or the next non-empty line), trimmed, minus one pair of surrounding quotes or backticks',
    example: 'Output exactly: alpha beta gamma delta',
    output: 'alpha beta gamma delta',
  },
  {
    kind: 'exact',
    pattern: '(same rule, quoted value)',
    example: 'Please reply with exactly: "OK"',
    output: 'OK',
  },
  {
    kind: 'recall',
    pattern:
      'asks "what … code word" — the code word stated last in the conversation ("the code word is X", any earlier message, the assistant\'s included), as a model remembers it; none stated: prose',
    example: 'The code word is PELICAN. What is the code word?',
    output: 'PELICAN',
  },
  {
    kind: 'count',
    pattern:
      'Count from A to B — integers A..B (descending if A > B) joined by ", "; "one per line" / "separated by newlines" joins with "\\n", "separated by spaces" with " "; at most 1000 numbers',
    example: 'Count from 1 to 20, separated by commas.',
    output: '1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20',
  },
  {
    kind: 'json-keys',
    pattern:
      'mentions JSON and "keys|fields|properties K1, K2 and K3" — a compact JSON object with exactly those keys (quoted keys win over bare words); numeric-sounding keys get integers, others strings',
    example: 'Return a JSON object with the keys "name" and "age".',
    output: '{"name":"Alice Larsen","age":36}',
  },
  {
    kind: 'prose',
    pattern: 'anything else — deterministic English prose (prose.ts)',
    example: 'Tell me about rivers.',
    output: '(prose)',
  },
];

const MAX_COUNT = 1000;

const EXACT_RE =
  /\b(?:output|reply with|respond with|say|print|write|return)\s+exactly\s*:[ \t]*([^\n]*)(?:\n\s*([^\n]*))?/i;
const RECALL_RE = /\bwhat\b[^.?!\n]{0,80}\bcode ?word\b/i;
const CODE_WORD_RE = /\bcode ?word\s+(?:is|was)\s*:?\s*["'`*“]?([A-Za-z][A-Za-z0-9-]{0,39})/gi;
/** How much of a conversation the recall rule reads (its end: the latest statement wins). */
const RECALL_WINDOW = 100_000;
const COUNT_RE = /\bcount\s+from\s+(-?\d{1,15})\s+to\s+(-?\d{1,15})\b/i;
// JSON named as a format, not a file name's extension (Claude Code's skill list mentions
// keybindings.json beside "rebind keys"): no dot or word character right before it.
const JSON_RE = /(?<![.\w])json\b/i;
/** Sentences: a stop followed by a space, or a line break (a dot inside a file name is no stop). */
const SENTENCE_RE = /[.!?](?:\s|$)|\n/;
const KEYS_RE = /\b(?:keys?|fields?|properties)\b\s*:?\s*([^.\n]*)/i;
const QUOTE_PAIRS: readonly (readonly [string, string])[] = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['“', '”'],
  ['‘', '’'],
];
// Words that end or pad a bare key list rather than name keys.
const KEY_LIST_STOP = new Set(['only', 'that', 'which', 'where', 'with', 'whose', 'containing', 'for', 'in']);
const NUMERIC_KEY = /(^|_)(age|count|year|quantity|number|num|total|score|rank|size|population)s?$/i;
const KEY_LIST_SKIP = new Set(['and', 'or', 'the', 'named', 'called']);

function stripQuotes(s: string): string {
  for (const [open, close] of QUOTE_PAIRS) {
    if (s.length >= open.length + close.length && s.startsWith(open) && s.endsWith(close)) {
      return s.slice(open.length, s.length - close.length);
    }
  }
  return s;
}

function exactRule(text: string): Interpretation | null {
  const m = EXACT_RE.exec(text);
  if (!m) return null;
  const sameLine = (m[1] ?? '').trim();
  const value = sameLine !== '' ? sameLine : (m[2] ?? '').trim();
  return { kind: 'exact', text: stripQuotes(value) };
}

function recallRule(text: string, conversation: (() => string) | undefined): Interpretation | null {
  if (!RECALL_RE.test(text)) return null;
  const said = (conversation?.() ?? text).slice(-RECALL_WINDOW);
  let word: string | undefined;
  for (const m of said.matchAll(CODE_WORD_RE)) word = m[1];
  return word === undefined ? null : { kind: 'recall', text: word };
}

function countRule(text: string): Interpretation | null {
  const m = COUNT_RE.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  let to = Number(m[2]);
  const dir = to >= from ? 1 : -1;
  // Bound the work: a runaway "count to a million" gets its first 1000 numbers.
  if (Math.abs(to - from) >= MAX_COUNT) to = from + dir * (MAX_COUNT - 1);
  const sep =
    /one per line|each on (?:a |its own )?(?:new |separate )?line|separated by (?:new ?lines|line breaks)/i.test(text)
      ? '\n'
      : /separated by spaces/i.test(text)
        ? ' '
        : ', ';
  const nums: number[] = [];
  for (let n = from; dir > 0 ? n <= to : n >= to; n += dir) nums.push(n);
  return { kind: 'count', from, to, text: nums.join(sep) };
}

function parseKeyList(list: string): string[] {
  const quoted = [...list.matchAll(/"([^"]+)"|'([^']+)'|`([^`]+)`|“([^”]+)”/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '',
  );
  if (quoted.length > 0) return [...new Set(quoted.filter((k) => k !== ''))];
  const keys: string[] = [];
  for (const word of list.split(/[\s,;]+/)) {
    const w = word.replace(/[^\w-]/g, '');
    if (w === '') continue;
    if (KEY_LIST_STOP.has(w.toLowerCase())) break;
    if (KEY_LIST_SKIP.has(w.toLowerCase())) continue;
    if (!keys.includes(w)) keys.push(w);
  }
  return keys;
}

function jsonKeysRule(text: string): Interpretation | null {
  if (!JSON_RE.test(text)) return null;
  // JSON and its keys in one sentence: an instruction, not two words of a long system text.
  // Sentences are read only when a JSON word is there, so a 4 MB prose prompt costs one scan.
  let m: RegExpExecArray | null = null;
  for (const sentence of text.split(SENTENCE_RE)) {
    if (!JSON_RE.test(sentence)) continue;
    m = KEYS_RE.exec(sentence);
    if (m) break;
  }
  if (!m) return null;
  // At most 50 keys: a 4 KiB list holds them (a whole 4 MB line need not be parsed).
  const keys = parseKeyList((m[1] ?? '').slice(0, 4096)).slice(0, 50);
  if (keys.length === 0) return null;
  const properties: Record<string, unknown> = {};
  for (const k of keys) {
    properties[k] = NUMERIC_KEY.test(k) ? { type: 'integer', minimum: 0 } : { type: 'string' };
  }
  // Seeded by the prompt alone, so the same question always gets the same object.
  const r = generateInstance(
    { type: 'object', properties, required: keys, additionalProperties: false },
    createRng(hashString(text)),
    { cheapDepth: 0 },
  );
  if (!r.ok) return null;
  return { kind: 'json-keys', keys, text: JSON.stringify(r.value) };
}

/**
 * How a compliant model would answer `text` (see GRAMMAR). `conversation` gives the whole
 * conversation's text, for a question about what was said before (read only then).
 */
export function interpretPrompt(text: string, conversation?: () => string): Interpretation {
  return (
    exactRule(text) ?? recallRule(text, conversation) ?? countRule(text) ?? jsonKeysRule(text) ?? { kind: 'prose' }
  );
}

/** Every message's text, in order, one per line. */
export function conversationText(messages: readonly MessageLike[]): string {
  return messages.map((m) => contentText(m.content)).join('\n');
}

/** The text of the last user message ("" when there is none). */
export function lastUserText(messages: readonly MessageLike[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}
