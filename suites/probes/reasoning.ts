// Reasoning: reasoning.effort (low vs high) and reasoning.content (read from the high-effort
// exchange, so the two cost two requests together; it sends its own request without
// reasoning_effort only when the effort requests were refused, so a relay refusing
// reasoning_effort is charged to reasoning.effort alone).
//
// Reasoning models refuse `temperature` (o-series) and some refuse `max_tokens` in favour of
// `max_completion_tokens`: requests carry no temperature, and a refusal that names the cap
// is retried once with max_completion_tokens (a different request, not a retried assertion).
import { errorMessage, isRefusal, readReply, unusable, usageInt, type Completion, type Reply } from './read.js';
import { REASONING_CAP, reasoningBody } from './requests.js';
import { judgement, type Judgement, type Probe, type RequestSpec, type Seen, type Step } from './types.js';

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

export const reasoningEffort: Probe = {
  feature: 'reasoning.effort',
  needs: 'reasoning-model',
  steps: [
    [request('low', 'low'), request('high', 'high')],
    capFallbacks([
      ['low', 'low'],
      ['high', 'high'],
    ]),
  ],
  judge(seen) {
    const low = best(seen, 'low');
    const high = best(seen, 'high');
    for (const side of [low, high]) {
      if (side.reply.kind !== 'ok') {
        const u = unusable(side.reply, `reasoning_effort ${side.label}`);
        return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: side.label });
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
    const opts = { details, decisive: high.label };
    if (ma === 0 && mb === 0)
      return judgement(
        'inconclusive',
        'no reasoning_tokens and no reasoning text at either effort, so there is nothing to compare',
        opts,
      );
    const capped = (c: Completion, m: number): boolean =>
      c.choices[0]?.finishReason === 'length' && m >= REASONING_CAP * 0.9;
    if (capped(a, ma) && capped(b, mb))
      return judgement(
        'inconclusive',
        `both efforts hit the cap of ${REASONING_CAP} tokens (${measure} ${ma} vs ${mb})`,
        opts,
      );
    if (mb >= ma * 1.25 && mb - ma >= 8) return judgement('supported', `${measure}: ${ma} at low, ${mb} at high`, opts);
    if (ma >= mb * 1.25 && ma - mb >= 8)
      return judgement('inconclusive', `${measure} went the wrong way: ${ma} at low, ${mb} at high`, opts);
    if (Math.max(ma, mb) < 16)
      return judgement('inconclusive', `too little reasoning to tell (${measure} ${ma} at low, ${mb} at high)`, opts);
    return judgement(
      'ignored',
      `reasoning_effort made no measurable difference: ${measure} ${ma} at low, ${mb} at high`,
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
        if (tokens !== undefined && tokens > 0)
          return judgement(
            'ignored',
            `no reasoning text although usage reports ${tokens} reasoning_tokens: the reasoning is hidden or dropped`,
            opts,
          );
        return judgement(
          'inconclusive',
          'no reasoning text and no reasoning_tokens: the model may not have reasoned (is it a reasoning model?)',
          opts,
        );
    }
  },
};
