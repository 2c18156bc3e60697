// The ONE token-count approximation the mock uses everywhere (usage, max_tokens, logprobs).
//
// Token rule (a stand-in for GPT's BPE, not a reimplementation of it):
//   * A word is a run of letters, digits and combining marks (any script except CJK). Words
//     are cut into chunks of at most 4 code points: "tokenizer" → "toke" "nize" "r".
//   * A single space (U+0020) directly before a word belongs to that word's first chunk, as
//     in GPT's BPE where " word" is one token: "a word" → "a" " word".
//   * Each CJK character (Han, Hiragana, Katakana, Hangul) is one token.
//   * Any other whitespace run is one token (minus a final space that went to the next word):
//     "a \n\n  b" → "a" " \n\n " " b".
//   * Anything else (punctuation, symbols, emoji, a lone surrogate) is one token per code
//     point; a surrogate pair is never split.
// The split is lossless: tokenize(t).join('') === t for every string t.
//
// Prompt accounting (countMessageTokens): 3 tokens of reply priming, plus per message 4
// tokens of overhead + the tokens of its text (string content, or the `text`/`refusal` of each
// content part) + the tokens of `name` + the tokens of each tool call's name and arguments,
// and a flat IMAGE_PART_TOKENS (85, OpenAI's low-detail image price) per image part.
//
// For model ids of an OpenAI family (spec/tokenizer.ts) the prompt is counted with that
// family's real tokenizer and OpenAI's documented accounting instead (promptTokensFor), so
// the mock is the faithful reference for usage.tokenizer; the approximation stays for the rest.
import { chatPromptTokens, countFamilyTokens, tokenizerFamily } from '../../spec/tokenizer.js';

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`;
// A word character is a letter/digit/mark that is not CJK (CJK chars are tokens of their own).
const WORD_CHAR = String.raw`(?:(?![${CJK}])[\p{L}\p{N}\p{M}])`;

// Alternatives are tried in order; the last one ([^]) takes any single code point, so every
// position matches and the split covers the whole string. This regex is the definition of the
// rule; the ASCII scanner below is only a faster way to get the same answers.
export const TOKEN_SOURCE = [
  String.raw` ?${WORD_CHAR}{1,4}`,
  `[${CJK}]`,
  // A whitespace run that ends with the space belonging to the next word: leave that space.
  String.raw`\s+(?= ${WORD_CHAR})`,
  String.raw`\s+`,
  '[^]',
].join('|');

// One regex for the module. A /g regex carries lastIndex between uses, so every use sets it
// first; none of them can be interleaved with another (no callbacks, no awaits inside a loop),
// so sharing it is safe. Building one per call cost more than the match.
const TOKEN_RE = new RegExp(TOKEN_SOURCE, 'gu');

// Class of each ASCII char, taken from the rule's own pieces: WORD is [A-Za-z0-9], SPACE is
// \t \n \v \f \r and space; no ASCII char is CJK, so everything else is a one-char token.
const OTHER = 0;
const WORD = 1;
const SPACE = 2;
const ASCII_CLASS = new Uint8Array(128);
{
  const word = new RegExp(`^${WORD_CHAR}$`, 'u');
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    ASCII_CLASS[c] = word.test(ch) ? WORD : /^\s$/.test(ch) ? SPACE : OTHER;
  }
}

/**
 * End of the word chunk whose first word char is at `i` (a word char), or -1 when a non-ASCII
 * char could continue it ("café", "e\u0301") and only the regex can tell.
 */
function asciiWordEnd(text: string, i: number): number {
  const stop = Math.min(i + 4, text.length);
  let j = i + 1;
  for (; j < stop; j++) {
    const c = text.charCodeAt(j);
    if (c >= 0x80) return -1;
    if (ASCII_CLASS[c] !== WORD) return j;
  }
  return j;
}

/**
 * End of the token starting at `i` when ASCII chars alone decide it, else -1. Every path that
 * meets a char >= 0x80 where it could matter (a letter or mark continuing a word, a Unicode
 * space continuing a run or lookahead) gives up rather than guess.
 */
function asciiTokenEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0x80) return -1;
  const cls = ASCII_CLASS[c];
  if (cls === WORD) return asciiWordEnd(text, i);
  if (cls === OTHER) return i + 1;
  const n = text.length;
  if (c === 0x20 && i + 1 < n) {
    // " word": the space opens the word's first chunk.
    const d = text.charCodeAt(i + 1);
    if (d >= 0x80) return -1;
    if (ASCII_CLASS[d] === WORD) return asciiWordEnd(text, i + 1);
  }
  let j = i + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d >= 0x80) return -1; // U+00A0, U+2028, ... may continue the run
    if (ASCII_CLASS[d] !== SPACE) break;
    j++;
  }
  // A run of 2+ ending in " " before a word char leaves that space to the word.
  if (j - i >= 2 && j < n && text.charCodeAt(j - 1) === 0x20 && ASCII_CLASS[text.charCodeAt(j)] === WORD) {
    return j - 1;
  }
  return j;
}

/** End of the token starting at `i` (i < text.length, on a token boundary). */
function tokenEnd(text: string, i: number): number {
  const end = asciiTokenEnd(text, i);
  if (end >= 0) return end;
  // Every position matches (the last alternative takes any code point), so the match found
  // from i starts at i: one exec is exactly the regex's next token.
  const re = TOKEN_RE;
  re.lastIndex = i;
  re.exec(text);
  return re.lastIndex;
}

/** Split text into tokens (see the rule above). Lossless: the tokens join back to `text`. */
export function tokenize(text: string): string[] {
  // Sized up front (a token is at least one char) and trimmed after: growing it by push made
  // tokenize ~25% slower. Capped so a huge text doesn't allocate a huge sparse array.
  const tokens = new Array<string>(Math.min(text.length, 4096));
  let n = 0;
  for (let i = 0; i < text.length;) {
    const end = tokenEnd(text, i);
    tokens[n++] = text.slice(i, end);
    i = end;
  }
  tokens.length = n;
  return tokens;
}

/** Number of tokens in `text`, without building the token array. */
export function countTokens(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; n++) i = tokenEnd(text, i);
  return n;
}

/** The longest token prefix of `text` with at most `max` tokens (max < 0 counts as 0). */
export function truncateTokens(text: string, max: number): { text: string; truncated: boolean } {
  const limit = Math.max(0, Math.floor(max));
  let n = 0;
  let i = 0;
  while (i < text.length) {
    if (n === limit) return { text: text.slice(0, i), truncated: true };
    i = tokenEnd(text, i);
    n++;
  }
  return { text, truncated: false };
}

/** Flat prompt cost of one image content part (OpenAI's price for a low-detail image). */
export const IMAGE_PART_TOKENS = 85;
/** Fixed overhead per message (role and framing tokens). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens that prime the assistant's reply, counted once per prompt. */
export const REPLY_PRIMING_TOKENS = 3;

/** The structural part of a chat message the mock reads; everything is optional but role. */
export interface MessageLike {
  role: string;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The visible text of a message's `content`: a string as is; for an array of parts, the
 * `text` (or `refusal`) of each part joined with "\n"; null/undefined/other → "".
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part['text'] === 'string') texts.push(part['text']);
    else if (typeof part['refusal'] === 'string') texts.push(part['refusal']);
  }
  return texts.join('\n');
}

function contentTokens(content: unknown): number {
  if (typeof content === 'string') return countTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part['text'] === 'string') n += countTokens(part['text']);
    else if (typeof part['refusal'] === 'string') n += countTokens(part['refusal']);
    else if (part['type'] === 'image_url') n += IMAGE_PART_TOKENS;
  }
  return n;
}

function toolCallTokens(toolCalls: unknown): number {
  if (!Array.isArray(toolCalls)) return 0;
  let n = 0;
  for (const call of toolCalls) {
    if (!isRecord(call) || !isRecord(call['function'])) continue;
    const fn = call['function'];
    if (typeof fn['name'] === 'string') n += countTokens(fn['name']);
    if (typeof fn['arguments'] === 'string') n += countTokens(fn['arguments']);
  }
  return n;
}

/** Approximate prompt tokens of a chat history (rule in the header comment). */
export function countMessageTokens(messages: readonly MessageLike[]): number {
  let n = REPLY_PRIMING_TOKENS;
  for (const m of messages) {
    n += MESSAGE_OVERHEAD_TOKENS + contentTokens(m.content) + toolCallTokens(m.tool_calls);
    if (typeof m.name === 'string') n += countTokens(m.name);
  }
  return n;
}

/** How `model`'s prompt text is counted: its OpenAI tokenizer when known, else the approximation. */
export function textCounter(model: string): (text: string) => number {
  const family = tokenizerFamily(model);
  return family ? (text) => countFamilyTokens(family, text) : countTokens;
}

/**
 * Prompt tokens of a chat history for `model`: OpenAI's documented accounting with the real
 * tokenizer for its families (plus what that accounting leaves out: images at the flat price,
 * tool calls by their name and arguments), the approximation otherwise.
 */
export function promptTokensFor(model: string, messages: readonly MessageLike[]): number {
  const family = tokenizerFamily(model);
  if (!family) return countMessageTokens(messages);
  const count = (text: string): number => countFamilyTokens(family, text);
  let n = chatPromptTokens(family, messages);
  for (const m of messages) {
    if (Array.isArray(m.content))
      n += m.content.filter((p) => isRecord(p) && p['type'] === 'image_url').length * IMAGE_PART_TOKENS;
    if (!Array.isArray(m.tool_calls)) continue;
    for (const call of m.tool_calls) {
      if (!isRecord(call) || !isRecord(call['function'])) continue;
      const fn = call['function'];
      if (typeof fn['name'] === 'string') n += count(fn['name']);
      if (typeof fn['arguments'] === 'string') n += count(fn['arguments']);
    }
  }
  return n;
}
