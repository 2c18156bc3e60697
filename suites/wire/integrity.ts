// Stream integrity, for every surface that streams (chat, Responses, Messages): the text a
// client reassembles from the deltas (concatenated, as the official SDKs do) against the
// non-streamed answer to the same deterministic request, and the two usages of that request.
// Pure and surface-agnostic: callers hand in strings and numbers, never exchanges.
//   chat       suites/probes/streaming.ts (stream.integrity): content deltas, tool-call fragments
//   Responses  suites/probes/responses.ts (responses.stream): output_text.delta deltas
//   Messages   call judgeIntegrity with the text_delta texts of the stream, the non-streamed
//              message's text, usage as { prompt: input_tokens, completion: output_tokens },
//              the input_json_delta fragments of each tool_use block as toolArgs, and
//              usageNames { prompt: 'input_tokens', completion: 'output_tokens' }.
//
// The rule. A real model at temperature 0 may still word a streamed answer differently, so a
// difference alone proves nothing. What no sampling produces is a stream whose deltas, once
// the text they re-send is removed, give exactly the non-streamed answer: a delta that repeats
// text already sent (a duplicated delta, or a partial one replayed after a split read, as
// "alph", "alpha", " beta"). That is `broken`. Any other difference is the model's: not judged.
import { quote } from './read.js';

/** The longest non-streamed answer aligned with its deltas (the probes ask for a few tokens). */
export const MAX_ALIGNED_CHARS = 65_536;

/** One delta that re-sends text the deltas before it already gave. */
export interface Replay {
  /** The delta's position among the non-empty deltas (0-based). */
  at: number;
  /** The delta as received. */
  delta: string;
  /** Its leading part that repeats the end of the text so far. */
  resent: string;
  /** The delta before it, for the evidence. */
  previous: string;
}

export interface TextIntegrity {
  /** What a client reassembles: the deltas concatenated. */
  streamed: string;
  /** The non-streamed answer. */
  reference: string;
  equal: boolean;
  /**
   * The deltas, each stripped of what it re-sends, give exactly the reference: duplication
   * proven (replays is then non-empty when `equal` is false).
   */
  replayed: boolean;
  replays: Replay[];
}

/**
 * Align the deltas with the reference. A delta that continues the reference where the text so
 * far ends is fine; one whose head repeats the last k characters already sent and whose rest
 * continues is a replay of k characters (the longest such k). Anything else: not a replay.
 */
export function compareStreamedText(deltas: readonly string[], reference: string): TextIntegrity {
  const parts = deltas.filter((d) => d !== '');
  const streamed = parts.join('');
  const out: TextIntegrity = { streamed, reference, equal: streamed === reference, replayed: false, replays: [] };
  if (out.equal) return out;
  // A hostile relay's answer is bounded by the read cap, not by max_tokens: past this, no alignment.
  if (reference.length > MAX_ALIGNED_CHARS || streamed.length > 2 * MAX_ALIGNED_CHARS) return out;
  let pos = 0;
  for (const [at, d] of parts.entries()) {
    if (reference.startsWith(d, pos)) {
      pos += d.length;
      continue;
    }
    // A replay of k characters is the delta found in the reference starting k before `pos`
    // (and reaching at least to it); the first such start gives the longest k.
    const start = reference.indexOf(d, Math.max(0, pos - d.length));
    if (start === -1 || start >= pos) return { ...out, replays: [] };
    const k = pos - start;
    out.replays.push({ at, delta: d, resent: d.slice(0, k), previous: parts[at - 1] ?? '' });
    pos += d.length - k;
  }
  if (pos !== reference.length) return { ...out, replays: [] };
  return { ...out, replayed: out.replays.length > 0 };
}

/** The offending deltas, quoted (inert) for a summary: `"alph" then "alpha" (re-sends "alph")`. */
export function describeReplays(replays: readonly Replay[], max = 3): string {
  const shown = replays
    .slice(0, max)
    .map((r) => `${quote(r.previous, 30)} then ${quote(r.delta, 30)} (re-sends ${quote(r.resent, 30)})`);
  const more = replays.length > max ? ` and ${replays.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** One usage of a request, as numbers (undefined: not reported). */
export interface UsageCounts {
  prompt: number | undefined;
  completion: number | undefined;
}

/**
 * The streamed usage to compare when a stream carries several (a relay repeating usage on
 * every chunk, zeros after the real one): one that agrees with the non-streamed usage if
 * any does, since where and how often usage comes is stream.include_usage's to judge; else
 * the last, as a client keeping the latest usage reads it.
 */
export function pickStreamedUsage(
  candidates: readonly UsageCounts[],
  nonStreamed: UsageCounts,
): { usage: UsageCounts; others: number } {
  const last = candidates[candidates.length - 1] ?? { prompt: undefined, completion: undefined };
  const agreeing = candidates.find((c) => c.prompt === nonStreamed.prompt && c.completion === nonStreamed.completion);
  const usage = agreeing ?? last;
  const others = candidates.filter((c) => c.prompt !== usage.prompt || c.completion !== usage.completion).length;
  return { usage, others };
}

/** How a surface names its two counts, for summaries. */
export interface UsageNames {
  prompt: string;
  completion: string;
}
export const CHAT_USAGE_NAMES: UsageNames = { prompt: 'prompt_tokens', completion: 'completion_tokens' };

/** What a local estimate of about one token per four characters would give. */
export function charsPerFourEstimate(promptChars: number, completionChars: number): UsageCounts {
  return { prompt: Math.ceil(promptChars / 4), completion: Math.ceil(completionChars / 4) };
}

const near = (value: number, target: number): boolean => Math.abs(value - target) <= Math.max(2, target * 0.15);

export interface UsageAgreement {
  /** Every problem found; empty when the two usages agree (or one is missing). */
  problems: string[];
  /** Why nothing could be compared, when one side reported no usage. */
  missing?: string;
}

/**
 * Streamed and non-streamed usage of the same request: prompt tokens must be equal, and
 * completion tokens too when the two texts are equal. A streamed usage that disagrees and sits
 * near the characters/4 estimate (new-api PR#7419 replaced streamed usage by one) is named so.
 */
export function compareUsage(
  streamed: UsageCounts,
  nonStreamed: UsageCounts,
  options: { textsEqual: boolean; estimate?: UsageCounts; names?: UsageNames },
): UsageAgreement {
  const names = options.names ?? CHAT_USAGE_NAMES;
  if (streamed.prompt === undefined)
    return { problems: [], missing: 'the stream reported no usage (judged by stream.include_usage)' };
  if (nonStreamed.prompt === undefined)
    return { problems: [], missing: 'the non-streamed answer reported no usage (judged by usage.accounting)' };
  const diffs: string[] = [];
  if (streamed.prompt !== nonStreamed.prompt)
    diffs.push(`${names.prompt} ${streamed.prompt} streamed, ${nonStreamed.prompt} not streamed`);
  if (
    options.textsEqual &&
    streamed.completion !== undefined &&
    nonStreamed.completion !== undefined &&
    streamed.completion !== nonStreamed.completion
  )
    diffs.push(`${names.completion} ${streamed.completion} streamed, ${nonStreamed.completion} not streamed`);
  if (diffs.length === 0) return { problems: [] };
  const est = options.estimate;
  const estimated =
    est?.prompt !== undefined &&
    near(streamed.prompt, est.prompt) &&
    !near(nonStreamed.prompt, est.prompt) &&
    (streamed.completion === undefined || est.completion === undefined || near(streamed.completion, est.completion));
  const head = estimated
    ? `streamed usage looks estimated (about characters/4: ${est.prompt} prompt, ${est.completion ?? '?'} completion)`
    : 'streamed and non-streamed usage of the same request disagree';
  return { problems: [`${head}: ${diffs.join(', ')}`] };
}

/** One tool call's arguments, streamed (its fragments) and not. */
export interface ToolArgsPair {
  name: string;
  fragments: readonly string[];
  reference: string;
}

/** A tool call whose streamed arguments replay fragments the non-streamed call does not have. */
export interface ToolArgsReplay {
  name: string;
  integrity: TextIntegrity;
}

/**
 * Tool-call arguments, streamed against not streamed. Equal as JSON is fine; a replay (as for
 * text) is the finding. Arguments that are not JSON are tools.stream's to judge, and any other
 * difference is the model's choice of arguments: neither is reported here.
 */
export function compareToolArgs(pairs: readonly ToolArgsPair[]): ToolArgsReplay[] {
  const out: ToolArgsReplay[] = [];
  for (const p of pairs) {
    const integrity = compareStreamedText(p.fragments, p.reference);
    if (integrity.equal || sameJson(integrity.streamed, p.reference) || !isJson(integrity.streamed)) continue;
    if (integrity.replayed) out.push({ name: p.name, integrity });
  }
  return out;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

export interface IntegrityVerdict {
  verdict: 'supported' | 'partial' | 'broken' | 'inconclusive';
  summary: string;
  warnings: string[];
  /** The evidence: both texts side by side and the offending deltas (relay text as data). */
  details: Record<string, unknown>;
}

/**
 * The whole judgement of one surface's streamed/non-streamed pair: text, tool arguments and
 * usage. `what` names the surface's text in summaries ("the streamed text").
 */
export function judgeIntegrity(input: {
  deltas: readonly string[];
  reference: string;
  toolArgs?: readonly ToolArgsPair[];
  streamedUsage: UsageCounts;
  nonStreamedUsage: UsageCounts;
  /** The request's prompt length in characters, for naming an estimate. */
  promptChars?: number;
  /** The surface's names of the two counts (default Chat's). */
  usageNames?: UsageNames;
}): IntegrityVerdict {
  const text = compareStreamedText(input.deltas, input.reference);
  const tools = compareToolArgs(input.toolArgs ?? []);
  const warnings: string[] = [];
  const details: Record<string, unknown> = {
    streamed: text.streamed,
    nonStreamed: text.reference,
    deltas: text.equal ? input.deltas.filter((d) => d !== '').length : input.deltas.filter((d) => d !== ''),
  };
  const broken: string[] = [];
  if (text.replayed) {
    details['offendingDeltas'] = text.replays;
    broken.push(
      `the streamed text ${quote(text.streamed, 80)} re-sends ${text.replays.length} delta(s) the non-streamed answer ${quote(text.reference, 80)} has once: ${describeReplays(text.replays)}`,
    );
  }
  for (const t of tools) {
    details[`toolArguments:${t.name}`] = {
      streamed: t.integrity.streamed,
      nonStreamed: t.integrity.reference,
      offendingDeltas: t.integrity.replays,
    };
    broken.push(
      `the streamed arguments of ${t.name} ${quote(t.integrity.streamed, 60)} re-send fragments of ${quote(t.integrity.reference, 60)}: ${describeReplays(t.integrity.replays)}`,
    );
  }
  const usage = compareUsage(input.streamedUsage, input.nonStreamedUsage, {
    textsEqual: text.equal,
    ...(input.usageNames ? { names: input.usageNames } : {}),
    ...(input.promptChars !== undefined
      ? { estimate: charsPerFourEstimate(input.promptChars, text.reference.length) }
      : {}),
  });
  if (usage.missing) warnings.push(`usage not compared: ${usage.missing}`);
  details['usage'] = { streamed: input.streamedUsage, nonStreamed: input.nonStreamedUsage };
  if (broken.length > 0)
    return { verdict: 'broken', summary: [...broken, ...usage.problems].join('; '), warnings, details };
  if (!text.equal) {
    // A different wording is the model's (sampling), not the relay's: usage then compares only prompts.
    const summary = `the streamed text ${quote(text.streamed, 60)} differs from the non-streamed answer ${quote(text.reference, 60)} in a way a model's sampling could explain (no delta re-sends text): integrity not judged`;
    if (usage.problems.length > 0)
      return { verdict: 'partial', summary: usage.problems.join('; '), warnings: [...warnings, summary], details };
    return { verdict: 'inconclusive', summary, warnings, details };
  }
  if (usage.problems.length > 0) return { verdict: 'partial', summary: usage.problems.join('; '), warnings, details };
  const n = typeof details['deltas'] === 'number' ? details['deltas'] : 0;
  const toolNote = (input.toolArgs ?? []).length > 0 ? ', tool arguments too' : '';
  return {
    verdict: 'supported',
    summary: `the ${n} streamed delta(s) reassemble to the non-streamed answer${toolNote}${usage.missing ? '' : '; streamed and non-streamed usage agree'}`,
    warnings,
    details,
  };
}
