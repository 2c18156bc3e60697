// Fake but well-formed `logprobs` for a choice, in OpenAI's shape. Values are invented (the
// mock has no model) but keep the invariants clients rely on: every logprob <= 0, the chosen
// token is the first and most likely of its top_logprobs, alternatives are distinct and sorted
// descending, and `bytes` is the token's UTF-8 encoding.

import type { ChoiceLogprobs, TokenLogprob, TopLogprob } from '../../spec/generated/types.js';
import type { Rng } from './rng.js';
import { WORDS } from './prose.js';

/** OpenAI accepts top_logprobs in 0..20. */
export const MAX_TOP_LOGPROBS = 20;

const encoder = new TextEncoder();

export function utf8Bytes(token: string): number[] {
  return Array.from(encoder.encode(token));
}

// Six decimals, like OpenAI's payloads; never -0.
function round(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

/** Plausible runner-up tokens for `token`, all distinct from it and each other. */
function alternatives(token: string, count: number, rng: Rng): string[] {
  const out: string[] = [];
  const lead = token.startsWith(' ') ? ' ' : '';
  const bare = token.trim();
  const variants = [
    bare.toLowerCase() !== bare ? lead + bare.toLowerCase() : lead + bare.charAt(0).toUpperCase() + bare.slice(1),
    lead === ' ' ? bare : ' ' + bare,
  ];
  const add = (t: string) => {
    if (t !== token && t !== '' && !out.includes(t)) out.push(t);
  };
  for (const v of variants) if (out.length < count) add(v);
  // Vocabulary words, then numbered fillers as a guaranteed-distinct fallback.
  for (let tries = 0; out.length < count && tries < count * 4; tries++) add(lead + rng.pick(WORDS));
  for (let i = 0; out.length < count; i++) add(`${lead}<${i}>`);
  return out;
}

/** OpenAI-shaped logprobs for these output tokens with `topN` alternatives each (0..20). */
export function buildLogprobs(tokens: readonly string[], topN: number, rng: Rng): ChoiceLogprobs {
  const n = Math.max(0, Math.min(MAX_TOP_LOGPROBS, Math.floor(topN)));
  const content = tokens.map((token): TokenLogprob => {
    // Mostly confident choices (close to 0), occasionally a hesitant one.
    const chosen = round(-(rng.next() ** 3) * 2.5);
    const top: TopLogprob[] = n > 0 ? [{ token, logprob: chosen, bytes: utf8Bytes(token) }] : [];
    let lp = chosen;
    for (const alt of alternatives(token, n - 1, rng)) {
      // Strictly below the previous one, so the order is unambiguous.
      lp = round(lp - 0.5 - rng.next() * 3);
      top.push({ token: alt, logprob: lp, bytes: utf8Bytes(alt) });
    }
    return { token, logprob: chosen, bytes: utf8Bytes(token), top_logprobs: top };
  });
  return { content, refusal: null };
}
