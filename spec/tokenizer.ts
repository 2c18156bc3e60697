// OpenAI's public tokenizers and its documented chat prompt accounting: which model ids count
// with which BPE (the ONE table below), and how many prompt tokens a plain chat request costs.
// Shared by the suite (usage.tokenizer judges a relay's prompt_tokens against it) and the mock
// (which counts with it for these ids, so it stays the faithful reference).
//
// The accounting is the one OpenAI's cookbook documents and checks against the API ("How to
// count tokens with tiktoken", section 6): every message costs 3 tokens of framing plus the
// tokens of each of its values (role, content, name), a name 1 more, and 3 tokens prime the
// reply. Tools and response_format add overhead OpenAI does not document, so only plain
// messages can be judged.
//
// The BPE is gpt-tokenizer's (pure JS, no native or wasm part). Its rank tables are large
// (o200k_base 2.4 MB of source, ~0.3-0.5 s to load), so each is loaded on first use, once,
// with a synchronous require: the mock counts inside synchronous code.
import { createRequire } from 'node:module';

export type TokenizerFamily = 'o200k_base' | 'cl100k_base';

/**
 * Model id → tokenizer, first match wins; ids are matched after an optional `openai/` prefix
 * (relays often route by it). Dated snapshots (`gpt-4o-2024-08-06`) match their family.
 */
export const TOKENIZER_FAMILIES: ReadonlyArray<{ family: TokenizerFamily; ids: RegExp; models: string }> = [
  { family: 'o200k_base', ids: /^gpt-4o(-|$)/, models: 'gpt-4o, gpt-4o-mini and their snapshots' },
  { family: 'o200k_base', ids: /^gpt-4\.1(-|$)/, models: 'gpt-4.1, gpt-4.1-mini, gpt-4.1-nano' },
  { family: 'o200k_base', ids: /^gpt-5(\.\d+)?(-|$)/, models: 'gpt-5, gpt-5.x and their -mini, -nano' },
  { family: 'o200k_base', ids: /^o[134](-|$)/, models: 'the o-series: o1, o3, o4-mini' },
  { family: 'cl100k_base', ids: /^gpt-4-turbo(-|$)/, models: 'gpt-4-turbo' },
  { family: 'cl100k_base', ids: /^gpt-4(-\d{4}(-preview)?|-32k.*)?$/, models: 'gpt-4 and its snapshots' },
  { family: 'cl100k_base', ids: /^gpt-3\.5-turbo(-|$)/, models: 'gpt-3.5-turbo' },
];

/** Features judged only for a model of a known family (skipped for any other model). */
export const TOKENIZER_FEATURES: readonly string[] = ['usage.tokenizer'];

/** Which models a family serves, for messages ("the gpt-4 / gpt-3.5 family"). */
export const FAMILY_MODELS: Readonly<Record<TokenizerFamily, string>> = {
  o200k_base: 'gpt-4o, gpt-4.1, gpt-5, o-series',
  cl100k_base: 'gpt-4, gpt-4-turbo, gpt-3.5-turbo',
};

/** The tokenizer OpenAI uses for `model`, or undefined for any other model (its counts are not judged). */
export function tokenizerFamily(model: string): TokenizerFamily | undefined {
  const id = model.toLowerCase().replace(/^openai\//, '');
  return TOKENIZER_FAMILIES.find((row) => row.ids.test(id))?.family;
}

/** Every family, for comparisons ("the count matches cl100k_base"). */
export const FAMILIES: readonly TokenizerFamily[] = ['o200k_base', 'cl100k_base'];

interface Encoder {
  countTokens(text: string, options?: { allowedSpecial?: Set<string>; disallowedSpecial?: Set<string> }): number;
}

const require = createRequire(import.meta.url);
const encoders = new Map<TokenizerFamily, Encoder>();

function encoder(family: TokenizerFamily): Encoder {
  let e = encoders.get(family);
  if (!e) {
    // The CJS build, so loading stays synchronous and happens only when a family is first used.
    e = require(`gpt-tokenizer/cjs/encoding/${family}`) as Encoder;
    encoders.set(family, e);
  }
  return e;
}

// Text that spells a special token (`<|endoftext|>`) is ordinary text in a chat message, as the
// API treats it; gpt-tokenizer would throw on it by default.
const AS_TEXT = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/** Tokens of `text` under `family`'s BPE. */
export function countFamilyTokens(family: TokenizerFamily, text: string): number {
  return text === '' ? 0 : encoder(family).countTokens(text, AS_TEXT);
}

/** Framing tokens of every message (`<|start|>{role}<|message|>…<|end|>` less the role). */
export const TOKENS_PER_MESSAGE = 3;
/** A `name` costs its tokens plus this. */
export const TOKENS_PER_NAME = 1;
/** `<|start|>assistant<|message|>`, priming the reply, once per request. */
export const REPLY_PRIMING = 3;

/** A chat message as the accounting reads it: role, content (string or parts), name. */
export interface ChatMessageLike {
  role: string;
  content?: unknown;
  name?: unknown;
}

/** The text of a content: a string, or the `text` of each text part (other parts are not text). */
function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content
    .map((p: unknown) => (typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['text'] : undefined))
    .filter((t): t is string => typeof t === 'string');
}

/** Prompt tokens of plain chat messages under OpenAI's documented accounting (header comment). */
export function chatPromptTokens(family: TokenizerFamily, messages: readonly ChatMessageLike[]): number {
  let n = REPLY_PRIMING;
  for (const m of messages) {
    n += TOKENS_PER_MESSAGE + countFamilyTokens(family, m.role);
    for (const text of contentTexts(m.content)) n += countFamilyTokens(family, text);
    if (typeof m.name === 'string') n += countFamilyTokens(family, m.name) + TOKENS_PER_NAME;
  }
  return n;
}
