// Deterministic filler prose: what the mock says when no instruction rule applies. It only has
// to look like an ordinary English answer and be reproducible from the rng, so it is built
// from a fixed vocabulary and a small sentence shape (NP verb NP [PP] [adverb] [and VP]).

import type { Rng } from './rng.js';
import { countTokens } from './tokens.js';

const NOUNS = [
  'system',
  'team',
  'report',
  'model',
  'river',
  'garden',
  'city',
  'market',
  'library',
  'road',
  'engine',
  'window',
  'letter',
  'question',
  'answer',
  'method',
  'result',
  'village',
  'student',
  'teacher',
  'computer',
  'network',
  'project',
  'plan',
  'idea',
  'story',
  'house',
  'bridge',
  'machine',
  'process',
  'language',
  'problem',
  'signal',
  'request',
  'server',
  'client',
  'file',
  'record',
  'season',
  'morning',
  'evening',
  'forest',
  'harbor',
  'museum',
  'kitchen',
  'table',
  'door',
  'paper',
  'music',
  'picture',
  'journey',
  'light',
  'field',
  'path',
  'office',
  'station',
] as const;
const ADJECTIVES = [
  'small',
  'large',
  'quiet',
  'bright',
  'simple',
  'careful',
  'modern',
  'old',
  'new',
  'clear',
  'useful',
  'steady',
  'gentle',
  'local',
  'early',
  'late',
  'common',
  'strong',
  'open',
  'final',
  'green',
  'warm',
  'short',
  'long',
  'busy',
  'calm',
  'daily',
  'main',
  'public',
  'recent',
  'fresh',
  'quick',
  'fair',
  'bold',
  'soft',
  'tall',
] as const;
const VERBS = [
  'supports',
  'describes',
  'follows',
  'improves',
  'connects',
  'shows',
  'builds',
  'explains',
  'reaches',
  'changes',
  'measures',
  'protects',
  'shapes',
  'tests',
  'finds',
  'keeps',
  'moves',
  'opens',
  'holds',
  'guides',
  'records',
  'reviews',
  'checks',
  'prepares',
  'shares',
  'carries',
  'offers',
  'creates',
  'welcomes',
  'visits',
  'reads',
] as const;
const PREPOSITIONS = [
  'near',
  'with',
  'for',
  'across',
  'behind',
  'under',
  'around',
  'through',
  'after',
  'before',
] as const;
const ADVERBS = [
  'quickly',
  'slowly',
  'carefully',
  'often',
  'today',
  'again',
  'quietly',
  'clearly',
  'easily',
  'rarely',
] as const;
const DETERMINERS = ['the', 'a', 'every', 'this', 'our', 'each', 'one'] as const;

/** The vocabulary (~150 words), also used by other generators for short string values. */
export const WORDS: readonly string[] = [
  ...NOUNS,
  ...ADJECTIVES,
  ...VERBS,
  ...PREPOSITIONS,
  ...ADVERBS,
  ...DETERMINERS,
];
export const NOUN_WORDS: readonly string[] = NOUNS;

const MIN_WORDS = 6;
const MAX_WORDS = 14;

function nounPhrase(rng: Rng): string[] {
  const det = rng.pick(DETERMINERS);
  const words = rng.next() < 0.5 ? [rng.pick(ADJECTIVES), rng.pick(NOUNS)] : [rng.pick(NOUNS)];
  const first = words[0] ?? '';
  // "a" before a vowel sound reads wrong; "an" is right for this vocabulary's vowels.
  const article = det === 'a' && /^[aeiou]/.test(first) ? 'an' : det;
  return [article, ...words];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One sentence of 6–14 words, capitalised, ending with '.'. */
export function generateSentence(rng: Rng): string {
  const target = rng.int(MIN_WORDS, MAX_WORDS);
  const words = [...nounPhrase(rng), rng.pick(VERBS), ...nounPhrase(rng)]; // 5–7 words
  let usedAdverb = false;
  let usedClause = false;
  // Extend with optional pieces that still fit under MAX_WORDS until the target is reached.
  // A prepositional phrase (3–4 words) always fits while words <= 10, so MIN_WORDS is reached.
  while (words.length < target) {
    const room = MAX_WORDS - words.length;
    const roll = rng.next();
    if (!usedClause && room >= 5 && roll < 0.25) {
      words.push('and', rng.pick(VERBS), ...nounPhrase(rng));
      usedClause = true;
    } else if (!usedAdverb && (roll < 0.45 || room < 3)) {
      words.push(rng.pick(ADVERBS));
      usedAdverb = true;
    } else if (room >= 4) {
      words.push(rng.pick(PREPOSITIONS), ...nounPhrase(rng));
    } else {
      break;
    }
  }
  return capitalise(words.join(' ')) + '.';
}

/**
 * Whole sentences until the text has at least `targetTokens` tokens (at least one sentence),
 * so it overshoots by less than one sentence; callers cut to max_tokens with truncateTokens.
 */
export function generateProse(rng: Rng, targetTokens: number): string {
  let text = generateSentence(rng);
  let tokens = countTokens(text);
  while (tokens < targetTokens) {
    const sentence = ' ' + generateSentence(rng);
    text += sentence;
    tokens += countTokens(sentence);
  }
  return text;
}

export type ReasoningEffort = 'low' | 'medium' | 'high';

/** Approximate reasoning length per effort; no effort given means OpenAI's default, medium. */
export const REASONING_TOKENS: Readonly<Record<ReasoningEffort, number>> = {
  low: 20,
  medium: 60,
  high: 120,
};

const REASONING_OPENERS = [
  'Let me think about this.',
  'First, I should check what is being asked.',
  'I need to consider the request carefully.',
  'Let me work through this step by step.',
] as const;
// Used in order (cycling), so the paragraph reads as a sequence of steps.
const REASONING_LINKS = ['First,', 'Next,', 'Then', 'Also,', 'So'] as const;

/** A "thinking" paragraph whose length grows with effort (see REASONING_TOKENS). */
export function generateReasoning(rng: Rng, effort: ReasoningEffort | undefined): string {
  const target = REASONING_TOKENS[effort ?? 'medium'];
  let text = rng.pick(REASONING_OPENERS);
  let tokens = countTokens(text);
  for (let step = 0; tokens < target; step++) {
    const s = generateSentence(rng);
    const link = REASONING_LINKS[step % REASONING_LINKS.length] ?? 'So';
    const sentence = ' ' + link + ' ' + s.charAt(0).toLowerCase() + s.slice(1);
    text += sentence;
    tokens += countTokens(sentence);
  }
  return text;
}
