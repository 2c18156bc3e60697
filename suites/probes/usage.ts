// The judging logic of usage.accounting: token counts that add up, that change with the
// prompt, and that stay within the request's own cap. Pure; basics.ts owns the probes.
// (usage.tokenizer's judge is at the end: it compares with OpenAI's real tokenizer, not ours.)
//
// Real models count with their own tokenizers, so nothing here compares a count with an
// estimate of ours: only what no tokenizer can produce is flagged (identical counts for
// prompts of very different length, more completion tokens than max_tokens allowed for an
// answer that fits in it by any tokenizer).
import type { ReportVerdict } from '../../spec/generated/types.js';
import {
  FAMILIES,
  FAMILY_MODELS,
  chatPromptTokens,
  type ChatMessageLike,
  type TokenizerFamily,
} from '../../spec/tokenizer.js';
import { usageInt, type Completion, type JsonObject } from '../wire/read.js';

export interface UsageSample {
  /** What the exchange was ("the basic request"). */
  what: string;
  /** The request's body, as sent (messages, tools, max_tokens). */
  body: Readonly<Record<string, unknown>>;
  completion: Completion;
}

export interface Counts {
  prompt: number;
  completion: number;
  total: number;
}

export interface UsageFinding {
  verdict: ReportVerdict;
  text: string;
}

/** The three integer counts, or the names of those missing. */
export function countsOf(usage: JsonObject | undefined): Counts | { missing: string[] } {
  const p = usageInt(usage, 'prompt_tokens');
  const k = usageInt(usage, 'completion_tokens');
  const t = usageInt(usage, 'total_tokens');
  if (p === undefined || k === undefined || t === undefined) {
    const names = ['prompt_tokens', 'completion_tokens', 'total_tokens'];
    return { missing: names.filter((_, i) => [p, k, t][i] === undefined) };
  }
  return { prompt: p, completion: k, total: t };
}

/** What the model is given to read: the messages and the tool definitions (tools count as prompt). */
export function promptChars(body: Readonly<Record<string, unknown>>): number {
  return JSON.stringify({ messages: body['messages'], tools: body['tools'] }).length;
}

/** Every character the answer holds: content, reasoning, tool names and arguments. */
export function outputChars(c: Completion): number {
  let n = 0;
  for (const choice of c.choices) {
    n += (choice.content ?? '').length + (choice.reasoningContent ?? '').length + (choice.reasoning ?? '').length;
    for (const call of choice.toolCalls)
      n +=
        String(call.name ?? '').length +
        (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? '')).length;
  }
  return n;
}

/** The completion cap the request set (the smaller, when it set both). */
export function capOf(body: Readonly<Record<string, unknown>>): number | undefined {
  const caps = [body['max_tokens'], body['max_completion_tokens']].filter((c): c is number => typeof c === 'number');
  return caps.length > 0 ? Math.min(...caps) : undefined;
}

/**
 * A tokenizer gives at least one token per ~2 characters of ordinary text: more than that
 * for an answer this short is not a different tokenizer, it is not a count of this answer.
 */
const CHARS_PER_TOKEN_AT_LEAST = 2;

/**
 * Completion tokens above the cap although the answer fits in the cap by any tokenizer.
 * Reported reasoning_tokens are left out: some providers (DeepSeek) cap only the answer and
 * count hidden reasoning on top.
 */
export function overCapFinding(sample: UsageSample, counts: Counts): UsageFinding | undefined {
  const cap = capOf(sample.body);
  const reasoning = usageInt(sample.completion.usage, 'completion_tokens_details', 'reasoning_tokens') ?? 0;
  if (cap === undefined || counts.completion - reasoning <= cap) return undefined;
  const chars = outputChars(sample.completion);
  // A longer answer means the cap was not applied: max_tokens's finding, and the count may be true.
  if (Math.ceil(chars / CHARS_PER_TOKEN_AT_LEAST) > cap) return undefined;
  const besides = reasoning > 0 ? ` (${counts.completion - reasoning} besides ${reasoning} reasoning_tokens)` : '';
  return {
    verdict: 'partial',
    text: `${sample.what}: completion_tokens ${counts.completion}${besides} exceeds the request's max_tokens ${cap}, for an answer of ${chars} characters (impossible: clients are billed for tokens that cannot exist)`,
  };
}

/** Prompts this much longer than one another cannot tokenize to the same count. */
const CLEARLY_LONGER = 2;

/** Identical counts for two requests whose prompts differ clearly in length. */
export function constantFinding(a: UsageSample, ca: Counts, b: UsageSample, cb: Counts): UsageFinding | undefined {
  if (ca.prompt !== cb.prompt || ca.completion !== cb.completion) return undefined;
  const [la, lb] = [promptChars(a.body), promptChars(b.body)];
  if (Math.max(la, lb) < CLEARLY_LONGER * Math.min(la, lb)) return undefined;
  return {
    verdict: 'broken',
    text: `the same usage (prompt ${ca.prompt}, completion ${ca.completion}, total ${ca.total}) for ${a.what} and ${b.what}, whose prompts are ${la} and ${lb} characters long: the counts measure nothing`,
  };
}

/** All findings over the samples (the first one is the main exchange), worst first. */
export function usageFindings(samples: readonly { sample: UsageSample; counts: Counts }[]): UsageFinding[] {
  const out: UsageFinding[] = [];
  for (const { sample, counts } of samples) {
    if (counts.total !== counts.prompt + counts.completion)
      out.push({
        verdict: 'partial',
        text: `${samples.length > 1 ? `${sample.what}: ` : ''}total_tokens ${counts.total} ≠ prompt_tokens ${counts.prompt} + completion_tokens ${counts.completion}`,
      });
    const over = overCapFinding(sample, counts);
    if (over) out.push(over);
  }
  for (let i = 0; i < samples.length; i++)
    for (let j = i + 1; j < samples.length; j++) {
      const f = constantFinding(samples[i]!.sample, samples[i]!.counts, samples[j]!.sample, samples[j]!.counts);
      if (f) out.push(f);
    }
  const rank = (v: ReportVerdict): number => (v === 'broken' ? 0 : v === 'partial' ? 1 : 2);
  return out.sort((x, y) => rank(x.verdict) - rank(y.verdict));
}

// ---------------------------------------------------------------- usage.tokenizer
// prompt_tokens against OpenAI's public tokenizer for the model's family, under its documented
// chat accounting (spec/tokenizer.ts). Only plain messages are judged: tools and
// response_format add overhead OpenAI does not document.

/** One plain-message request and what it was billed. */
export interface TokenizerSample {
  what: string;
  messages: readonly ChatMessageLike[];
  billed: number;
}

/**
 * A constant difference this small, on every request, is the message framing of a newer
 * model (one token fewer for gpt-5 has been reported), not a count of other text: passed,
 * with a warning.
 */
export const FRAMING_SLACK = 2;
/** Below this ratio an excess is not called systematic (rounding on short prompts). */
const EXCESS_RATIO_AT_LEAST = 1.05;
/** How far (tokens) a sample may sit from ratio × count and still be "the same ratio" (rounding). */
const RATIO_ROUNDING = 1.5;

export interface TokenizerVerdict {
  verdict: 'supported' | 'partial';
  summary: string;
  warnings: string[];
  details: Record<string, unknown>;
}

const both = (ns: readonly number[]): string => (ns.length === 2 ? `${ns[0]} and ${ns[1]}` : ns.join(', '));

/** The same difference d on every sample, or undefined. */
function constantDiff(billed: readonly number[], counted: readonly number[]): number | undefined {
  const d = billed[0]! - counted[0]!;
  return billed.every((b, i) => b - counted[i]! === d) ? d : undefined;
}

/** prompt_tokens of plain requests against `family`'s count: equal, or the deviation named. */
export function judgeTokenizer(
  model: string,
  family: TokenizerFamily,
  samples: readonly TokenizerSample[],
): TokenizerVerdict {
  const billed = samples.map((s) => s.billed);
  // The other families' tables are loaded only on a mismatch (each takes a while to load).
  const countAs = (f: TokenizerFamily): number[] => samples.map((s) => chatPromptTokens(f, s.messages));
  const counted = countAs(family);
  const details: Record<string, unknown> = {
    family,
    requests: samples.map((s, i) => ({ what: s.what, prompt_tokens: s.billed, tokenizer: counted[i] })),
  };
  const what = samples.map((s) => s.what).join(' and ');
  const ours = `${family}'s count under OpenAI's chat accounting`;
  const d = constantDiff(billed, counted);
  if (d === 0)
    return {
      verdict: 'supported',
      summary: `prompt_tokens ${both(billed)} (${what}) equal ${ours}, as ${model} counts`,
      warnings: [],
      details,
    };
  if (d !== undefined && Math.abs(d) <= FRAMING_SLACK)
    return {
      verdict: 'supported',
      summary: `prompt_tokens ${both(billed)} (${what}) equal ${ours} but for a constant ${d > 0 ? '+' : ''}${d} token(s) of message framing`,
      warnings: [
        `prompt_tokens differ from the documented accounting by ${d} token(s) on every request: the model's message framing, not the text`,
      ],
      details,
    };
  const partial = (summary: string): TokenizerVerdict => ({ verdict: 'partial', summary, warnings: [], details });
  const numbers = `prompt_tokens ${both(billed)} for ${what}, where ${family} counts ${both(counted)}`;
  // Matching another family on every request (where the families differ) is another tokenizer.
  for (const other of FAMILIES.filter((f) => f !== family)) {
    const theirs = countAs(other);
    const od = constantDiff(billed, theirs);
    if (od !== undefined && Math.abs(od) <= FRAMING_SLACK && theirs.some((n, i) => n !== counted[i]))
      return partial(
        `another model served under the name: ${numbers}; the counts match ${other} (${FAMILY_MODELS[other]}), not the ${family} that ${model} uses`,
      );
  }
  if (samples.length > 1 && billed.every((b, i) => b > counted[i]!)) {
    const longest = counted.indexOf(Math.max(...counted));
    const ratio = billed[longest]! / counted[longest]!;
    if (d !== undefined)
      return partial(`billed above the tokenizer's count: ${numbers}, a constant ${d} tokens more on every request`);
    if (ratio >= EXCESS_RATIO_AT_LEAST && billed.every((b, i) => Math.abs(b - ratio * counted[i]!) <= RATIO_ROUNDING))
      return partial(
        `billed above the tokenizer's count: ${numbers}, ×${ratio.toFixed(2)} on every request (${Math.round((ratio - 1) * 100)}% more)`,
      );
  }
  return partial(`${numbers} (OpenAI's own accounting gives the tokenizer's count)`);
}
