// Reasoning: reasoning.effort (low vs high) and reasoning.content (read from the high-effort
// exchange, so the two cost two requests together; it sends its own request without
// reasoning_effort only when the effort requests were refused, so a relay refusing
// reasoning_effort is charged to reasoning.effort alone).
//
// Reasoning models refuse `temperature` (o-series) and some refuse `max_tokens` in favour of
// `max_completion_tokens`: requests carry no temperature, and a refusal that names the cap
// is retried once with max_completion_tokens (a different request, not a retried assertion).
import { errorMessage, isRefusal, readReply, unusable, usageInt, type Completion, type Reply } from '../wire/read.js';
import { INVALID_EFFORT, REASONING_CAP, invalidEffortBody, reasoningBody } from '../wire/requests.js';
import { judgement, type Judgement, type Probe, type RequestSpec, type Seen, type Step } from '../wire/types.js';

const ALT = ' (max_completion_tokens)';

/** A refusal that asks for max_completion_tokens instead of max_tokens. */
function refusedForCap(seen: Seen, label: string): boolean {
  const o = seen[label];
  return (
    o !== undefined && o.status !== null && isRefusal(o) && /max_completion_tokens|max_tokens/i.test(errorMessage(o))
  );
}

function request(
  label: string,
  effort: 'low' | 'high' | undefined,
  cap: 'max_tokens' | 'max_completion_tokens' = 'max_tokens',
): RequestSpec {
  return { label, body: reasoningBody(effort, cap), model: 'reasoning-model' };
}

/** A round re-sending, with max_completion_tokens, each request the relay refused for max_tokens. */
function capFallbacks(entries: ReadonlyArray<readonly [string, 'low' | 'high' | undefined]>): Step {
  return (seen) =>
    entries
      .filter(([label]) => refusedForCap(seen, label))
      .map(([label, effort]) => request(label + ALT, effort, 'max_completion_tokens'));
}

/** The exchange that counts: the fallback when it was made. */
function best(seen: Seen, label: string): { label: string; reply: Reply } {
  const chosen = seen[label + ALT] !== undefined ? label + ALT : label;
  return { label: chosen, reply: readReply(seen[chosen], { stream: false }) };
}

const THINK = /<think>([\s\S]*?)(<\/think>|$)/i;

/** Where the reasoning text is, and how long it is. */
export function reasoningOf(c: Completion): {
  where: 'reasoning_content' | 'reasoning' | 'think-tags' | 'none';
  text: string;
} {
  const choice = c.choices[0];
  if (choice?.reasoningContent) return { where: 'reasoning_content', text: choice.reasoningContent };
  if (choice?.reasoning) return { where: 'reasoning', text: choice.reasoning };
  const m = THINK.exec(choice?.content ?? '');
  if (m && m[1]!.trim() !== '') return { where: 'think-tags', text: m[1]! };
  return { where: 'none', text: '' };
}

function reasoningTokens(c: Completion): number | undefined {
  return usageInt(c.usage, 'completion_tokens_details', 'reasoning_tokens');
}

/** Rough token count of reasoning text (4 characters a token), when usage gives none. */
const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/** How low and high compared: decided, or flat (the invalid-value check decides). */
type EffortComparison =
  | { kind: 'decided'; judgement: Judgement }
  | { kind: 'flat'; text: string; details: Record<string, unknown>; cap: 'max_tokens' | 'max_completion_tokens' };

/**
 * Pure: low vs high. Flat (about as much reasoning at both) is not a fault by itself: a model
 * may think about an easy prompt as long at either level. A high that hit the probe's own cap
 * says nothing about how much it wanted to think.
 */
export function compareEfforts(seen: Seen): EffortComparison {
  const low = best(seen, 'low');
  const high = best(seen, 'high');
  for (const side of [low, high]) {
    if (side.reply.kind !== 'ok') {
      const u = unusable(side.reply, `reasoning_effort ${side.label}`);
      return {
        kind: 'decided',
        judgement: judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: side.label }),
      };
    }
  }
  const a = (low.reply as Extract<Reply, { kind: 'ok' }>).completion;
  const b = (high.reply as Extract<Reply, { kind: 'ok' }>).completion;
  const ta = reasoningTokens(a);
  const tb = reasoningTokens(b);
  let measure: string;
  let ma: number;
  let mb: number;
  if (ta !== undefined && tb !== undefined && (ta > 0 || tb > 0)) {
    measure = 'reasoning_tokens';
    ma = ta;
    mb = tb;
  } else {
    measure = 'reasoning length (≈tokens)';
    ma = approxTokens(reasoningOf(a).text);
    mb = approxTokens(reasoningOf(b).text);
  }
  const details = { measure, low: ma, high: mb, cap: REASONING_CAP };
  const decided = (verdict: 'supported' | 'inconclusive', summary: string): EffortComparison => ({
    kind: 'decided',
    judgement: judgement(verdict, summary, { details, decisive: high.label }),
  });
  if (ma === 0 && mb === 0)
    return decided(
      'inconclusive',
      'no reasoning_tokens and no reasoning text at either effort, so there is nothing to compare',
    );
  const cappedLow = a.choices[0]?.finishReason === 'length';
  const cappedHigh = b.choices[0]?.finishReason === 'length';
  if (mb >= ma * 1.25 && mb - ma >= 8) return decided('supported', `${measure}: ${ma} at low, ${mb} at high`);
  if (cappedLow && cappedHigh)
    return decided('inconclusive', `both efforts hit the cap of ${REASONING_CAP} tokens (${measure} ${ma} vs ${mb})`);
  if (cappedHigh)
    return decided(
      'inconclusive',
      `high hit the probe's own cap of ${REASONING_CAP} tokens (finish_reason length) while low did not (${measure} ${ma} at low, ${mb} at high): how much more high would have thought is unknown`,
    );
  if (ma >= mb * 1.25 && ma - mb >= 8)
    return decided('inconclusive', `${measure} went the wrong way: ${ma} at low, ${mb} at high`);
  if (Math.max(ma, mb) < 16)
    return decided('inconclusive', `too little reasoning to tell (${measure} ${ma} at low, ${mb} at high)`);
  return {
    kind: 'flat',
    text: `${measure} ${ma} at low, ${mb} at high`,
    details,
    cap: high.label.endsWith(ALT) ? 'max_completion_tokens' : 'max_tokens',
  };
}

const INVALID = 'invalid reasoning_effort';

export const reasoningEffort: Probe = {
  feature: 'reasoning.effort',
  needs: 'reasoning-model',
  steps: [
    [request('low', 'low'), request('high', 'high')],
    capFallbacks([
      ['low', 'low'],
      ['high', 'high'],
    ]),
    // Only when flat: does the parameter reach the model at all? (one more tiny request)
    (seen) => {
      const c = compareEfforts(seen);
      return c.kind === 'flat'
        ? [{ label: INVALID, body: invalidEffortBody(c.cap), model: 'reasoning-model', noRetry: true }]
        : [];
    },
  ],
  judge(seen) {
    const c = compareEfforts(seen);
    if (c.kind === 'decided') return c.judgement;
    const reply = readReply(seen[INVALID], { stream: false });
    const details = { ...c.details, invalidEffortStatus: seen[INVALID]?.status ?? null };
    const opts = { details, decisive: INVALID };
    if (reply.kind === 'ok')
      return judgement(
        'ignored',
        `reasoning_effort made no measurable difference (${c.text}), and the invalid value ${JSON.stringify(INVALID_EFFORT)} was answered too (OpenAI refuses it with 400): the relay does not pass the parameter on, or rewrites values it does not know`,
        opts,
      );
    if (reply.kind === 'refused' && !reply.via2xx && reply.status >= 400 && reply.status < 500)
      return judgement(
        'inconclusive',
        `the parameter reaches the model (the invalid value ${JSON.stringify(INVALID_EFFORT)} was refused with HTTP ${reply.status}); the model thought about as long at both levels (${c.text})`,
        opts,
      );
    const why =
      reply.kind === 'refused'
        ? `HTTP ${reply.status}: ${reply.message}`
        : reply.kind === 'failed' || reply.kind === 'invalid'
          ? reply.reason
          : 'no answer';
    return judgement(
      'inconclusive',
      `the model thought about as long at both levels (${c.text}), and whether the parameter reaches it could not be told (the invalid-value request got ${why})`,
      opts,
    );
  },
};

const HIGH = 'high';
const OWN = 'without reasoning_effort';

export const reasoningContent: Probe = {
  feature: 'reasoning.content',
  needs: 'reasoning-model',
  steps: [
    [request(HIGH, 'high')],
    capFallbacks([[HIGH, 'high']]),
    (seen) => (best(seen, HIGH).reply.kind === 'ok' ? [] : [request(OWN, undefined)]),
    capFallbacks([[OWN, undefined]]),
  ],
  judge(seen): Judgement {
    const used = seen[OWN] !== undefined ? best(seen, OWN) : best(seen, HIGH);
    const warnings =
      seen[OWN] !== undefined ? ['the high-effort request failed, so a request without reasoning_effort was used'] : [];
    if (used.reply.kind !== 'ok') {
      const u = unusable(used.reply, 'the reasoning request');
      return judgement(u.verdict, u.summary, { warnings: [...warnings, ...u.warnings], decisive: used.label });
    }
    const c = used.reply.completion;
    const r = reasoningOf(c);
    const content = c.choices[0]?.content ?? '';
    const tokens = reasoningTokens(c);
    const details = { where: r.where, reasoningChars: r.text.length, reasoning_tokens: tokens ?? null };
    const opts = { warnings, details, decisive: used.label };
    if (content.trim() === '' && c.choices[0]?.finishReason === 'length')
      warnings.push(`the cap of ${REASONING_CAP} tokens was reached before the answer`);
    switch (r.where) {
      case 'reasoning_content':
        if (/<think>/i.test(content))
          return judgement('partial', 'reasoning_content is filled, but content holds <think> tags too', opts);
        return judgement(
          'supported',
          `message.reasoning_content holds the reasoning (${r.text.length} chars), content only the answer`,
          opts,
        );
      case 'reasoning':
        return judgement(
          'partial',
          'the reasoning comes in `reasoning`, not `reasoning_content` (clients reading reasoning_content see none)',
          opts,
        );
      case 'think-tags':
        return judgement(
          'partial',
          'the reasoning comes inside <think>…</think> in content, mixed into the answer',
          opts,
        );
      case 'none':
        // Counted but not returned is what OpenAI's o-series does: the model hides it, or the
        // relay drops it, and the two look the same from outside. Not counted either means no
        // reasoning reached the client at all (a relay rebuilding usage, or a non-reasoning
        // model served under the reasoning model's name): the capability has no effect.
        if (tokens !== undefined && tokens > 0)
          return judgement(
            'inconclusive',
            `the reasoning was counted (${tokens} reasoning_tokens) but not returned as text: the model may hide it (as OpenAI's o-series does) or the relay may drop it, which look the same from outside`,
            opts,
          );
        return judgement(
          'ignored',
          `no reasoning text and no reasoning_tokens from the reasoning model: no reasoning reached the client (a relay that drops it and rebuilds usage, or a non-reasoning model served)`,
          opts,
        );
    }
  },
};
