// usage.cache: OpenAI's automatic prompt caching seen through the relay. One long stable
// prefix (about 1,140 prompt tokens with o200k_base: just above the 1,024 OpenAI caches from)
// is sent with the same prompt_cache_key and a different last line; the repeat must report
// usage.prompt_tokens_details.cached_tokens. Then the same prefix under a fresh key: OpenAI
// routes by key and prefix, so a fresh key starts cold, and a relay that drops the key shows
// as a cache read under a key that never wrote. The prefix starts with the run's id, so no
// earlier run, and no other target on the same upstream, can have warmed it.
//
// Requests (each about 1,140 prompt tokens, 5 completion tokens at most), one round each:
//   first (key A) → repeat (key A) → other key (key B)                      3, the usual path
//   a repeat read nothing but counts are there: again (key A) first        +1 (caching is best effort)
//   key B read the cache: a second fresh key (key C) before concluding      +1 (one hit can be luck)
import type { ReportVerdict } from '../../spec/generated/types.js';
import { readReply, unusable, usageInt, type JsonObject } from '../wire/read.js';
import { judgement, type Judgement, type Observed, type Probe, type RequestSpec, type Seen } from '../wire/types.js';

// ---------------------------------------------------------------- the requests
const FACTS = [
  'rivers carry water from the hills to the sea',
  'a library lends books for a few weeks',
  'bread rises because yeast makes gas',
  'the moon shows the same face to the earth',
  'bees visit flowers to gather nectar',
  'a compass needle points to magnetic north',
  'glass is made from sand heated until it melts',
  'owls hunt at night and rest by day',
];
/** 84 notes: 1,137 tokens with o200k_base (gpt-4o, 4.1, 5, o-series), the mock's count is 1,443. */
const NOTES = 84;

/** The stable prefix: the same in every request of one run, new in every run. */
export function cachePrefix(runId: string): string {
  const lines = Array.from({ length: NOTES }, (_, i) => `Note ${i + 1}: ${FACTS[i % FACTS.length]}.`);
  return `Session ${runId}. You are the assistant of a relay conformance check. The numbered notes below are the same in every request of this check; they are background only: do not quote them, and follow the user's instruction.\n${lines.join('\n')}`;
}

/** The requests by label: the key each uses and its last line (which differs, as real follow-ups do). */
export const CACHE_REQUESTS = {
  first: { label: 'cache, first', key: 'relaycheck-cache-a', word: 'one' },
  repeat: { label: 'cache, repeat', key: 'relaycheck-cache-a', word: 'two' },
  again: { label: 'cache, again', key: 'relaycheck-cache-a', word: 'three' },
  other: { label: 'cache, other key', key: 'relaycheck-cache-b', word: 'four' },
  third: { label: 'cache, third key', key: 'relaycheck-cache-c', word: 'five' },
} as const;
type Which = keyof typeof CACHE_REQUESTS;

export function cacheRequest(which: Which, runId: string): RequestSpec {
  const r = CACHE_REQUESTS[which];
  return {
    label: r.label,
    body: {
      messages: [
        { role: 'system', content: cachePrefix(runId) },
        { role: 'user', content: `Output exactly: ${r.word}` },
      ],
      prompt_cache_key: r.key,
      stream: false,
      temperature: 0,
      max_tokens: 5,
    },
  };
}

// ---------------------------------------------------------------- reading the answers

/**
 * Model ids known to cache prompts automatically (no request field needed), so a count that
 * stays 0 is the relay's doing: OpenAI's families (prompt-caching guide: every model from
 * gpt-4o on), and relaycheck's own mock, which caches as OpenAI does. A vendor prefix
 * ("openai/gpt-4o-mini") is ignored.
 */
const AUTO_CACHING: readonly (readonly [RegExp, string])[] = [
  [/^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-5|o1|o3|o4|codex-)/i, "OpenAI's"],
  [/^mock-/, "relaycheck's mock"],
];

function cachingFamily(model: string): string | undefined {
  const bare = model.slice(model.lastIndexOf('/') + 1);
  return AUTO_CACHING.find(([pattern]) => pattern.test(bare))?.[1];
}

/** Cached-token fields other providers use: evidence of caching in the wrong place. */
const OTHER_FIELDS: readonly (readonly string[])[] = [
  ['prompt_cache_hit_tokens'],
  ['cache_read_input_tokens'],
  ['input_tokens_details', 'cached_tokens'],
];

interface CacheReading {
  ok: boolean;
  /** prompt_tokens_details.cached_tokens, undefined when absent. */
  cached?: number;
  prompt?: number;
  /** A cached count under another name ("usage.prompt_cache_hit_tokens 1024"). */
  elsewhere?: string;
}

function readingOf(o: Observed | undefined): CacheReading {
  const reply = readReply(o, { stream: false });
  if (reply.kind !== 'ok') return { ok: false };
  const usage: JsonObject | undefined = reply.completion.usage;
  const out: CacheReading = { ok: true };
  const cached = usageInt(usage, 'prompt_tokens_details', 'cached_tokens');
  const prompt = usageInt(usage, 'prompt_tokens');
  if (cached !== undefined) out.cached = cached;
  if (prompt !== undefined) out.prompt = prompt;
  for (const path of OTHER_FIELDS) {
    const n = usageInt(usage, ...path);
    if (n !== undefined && n > 0) {
      out.elsewhere = `usage.${path.join('.')} ${n}`;
      break;
    }
  }
  return out;
}

const hit = (r: CacheReading | undefined): boolean => (r?.cached ?? 0) > 0;

function readings(seen: Seen): Partial<Record<Which, CacheReading>> {
  const out: Partial<Record<Which, CacheReading>> = {};
  for (const which of Object.keys(CACHE_REQUESTS) as Which[]) {
    const o = seen[CACHE_REQUESTS[which].label];
    if (o !== undefined) out[which] = readingOf(o);
  }
  return out;
}

/** The next request, from what came back so far (none: enough to judge). */
function nextRequest(seen: Seen, runId: string): RequestSpec[] {
  const r = readings(seen);
  if (Object.values(r).some((x) => !x.ok)) return [];
  if (!r.repeat) return [cacheRequest('repeat', runId)];
  const read = hit(r.repeat) || hit(r.again);
  if (!read) {
    // Counts that are there but 0: caching is best effort, one more chance. No count at all: nothing to wait for.
    const counted = [r.first, r.repeat].some((x) => x?.cached !== undefined || x?.elsewhere !== undefined);
    return !r.again && counted ? [cacheRequest('again', runId)] : [];
  }
  if (!r.other) return [cacheRequest('other', runId)];
  if (hit(r.other) && !r.third) return [cacheRequest('third', runId)];
  return [];
}

const step = (seen: Seen, ctx: { runId?: string }): RequestSpec[] => nextRequest(seen, ctx.runId ?? '');

// ---------------------------------------------------------------- the probe

export const usageCache: Probe = {
  feature: 'usage.cache',
  needs: 'model',
  steps: [(_, ctx) => [cacheRequest('first', ctx.runId ?? '')], step, step, step, step],
  judge(seen, ctx) {
    const r = readings(seen);
    const firstLabel = CACHE_REQUESTS.first.label;
    const first = readReply(seen[firstLabel], { stream: false });
    if (first.kind !== 'ok') {
      const u = unusable(first, 'the request with a long prefix and prompt_cache_key');
      return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: firstLabel });
    }
    // The key comparisons (other, third) failing leaves what the repeats showed: judgeKey says so.
    for (const which of ['repeat', 'again'] as const) {
      const label = CACHE_REQUESTS[which].label;
      const reply = readReply(seen[label], { stream: false });
      if (seen[label] !== undefined && reply.kind !== 'ok') {
        const u = unusable(reply, `the ${label.slice(7)} request`);
        return judgement(u.verdict === 'rejected' ? 'inconclusive' : u.verdict, u.summary, {
          warnings: u.warnings,
          decisive: label,
        });
      }
    }
    const details = {
      cachedTokens: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.cached ?? null])),
      promptTokens: r.first?.prompt ?? null,
    };
    const prompt = r.first?.prompt;
    const size = prompt !== undefined ? `${prompt}-token` : 'long';
    const warnings: string[] = [];
    if (hit(r.first))
      warnings.push(
        `the first request already reported ${r.first!.cached} cached tokens, for a prefix no earlier request carried`,
      );
    const readBy = hit(r.repeat) ? 'repeat' : hit(r.again) ? 'again' : undefined;
    if (readBy) return judgeKey(r, readBy, size, warnings, details);
    return judgeNoRead(r, ctx.model, size, details);
  },
};

function judgeKey(
  r: Partial<Record<Which, CacheReading>>,
  readBy: 'repeat' | 'again',
  size: string,
  warnings: string[],
  details: Record<string, unknown>,
): Judgement {
  const cached = r[readBy]!.cached!;
  const sent = readBy === 'repeat' ? 'the second time' : 'the third time (the second read nothing)';
  const read = `the ${size} prefix sent ${sent} with the same prompt_cache_key read ${cached} cached tokens`;
  const other = CACHE_REQUESTS.other;
  const decisive = CACHE_REQUESTS[readBy].label;
  if (!r.other?.ok) {
    warnings.push(
      'the same prefix under another prompt_cache_key got no completion: whether the key is forwarded is not known',
    );
    return judgement('supported', read, { warnings, details, decisive });
  }
  if (!hit(r.other))
    return judgement('supported', `${read}; under another prompt_cache_key it started cold (the key is forwarded)`, {
      warnings,
      details,
      decisive,
    });
  if (!r.third?.ok || !hit(r.third)) {
    warnings.push(
      `one request under another key read ${r.other.cached} cached tokens (two keys may share a machine), ${r.third?.ok ? 'a second did not' : 'a second got no completion'}`,
    );
    const cold = r.third?.ok ? '; under a third prompt_cache_key it started cold (the key is forwarded)' : '';
    return judgement('supported', `${read}${cold}`, {
      warnings,
      details,
      decisive: CACHE_REQUESTS.third.label,
    });
  }
  return judgement(
    'ignored',
    `prompt_cache_key has no effect: ${read}, and so did two fresh keys that never wrote it (${r.other.cached} and ${r.third?.cached ?? '?'} cached tokens): the relay drops the key (OpenAI routes by key and prefix, so a new key starts cold), which costs cache hits when many requests share a prefix`,
    { warnings, details, decisive: r.third ? CACHE_REQUESTS.third.label : other.label },
  );
}

function judgeNoRead(
  r: Partial<Record<Which, CacheReading>>,
  model: string,
  size: string,
  details: Record<string, unknown>,
): Judgement {
  const all = Object.values(r);
  const times = all.length === 3 ? 'three times' : all.length === 2 ? 'twice' : `${all.length} times`;
  const decisive = (r.again ? CACHE_REQUESTS.again : CACHE_REQUESTS.repeat).label;
  const elsewhere = all.find((x) => x.elsewhere !== undefined)?.elsewhere;
  if (elsewhere)
    return judgement(
      'partial',
      `the repeated prefix was cached, but reported as ${elsewhere}, not usage.prompt_tokens_details.cached_tokens where OpenAI's SDKs and billing read it`,
      { details, decisive },
    );
  const prompt = r.first?.prompt;
  if (prompt !== undefined && prompt < 1024)
    return judgement(
      'inconclusive',
      `prompt_tokens ${prompt}: this model counts the prefix under the 1,024 tokens OpenAI caches from, so no cached tokens were expected`,
      { details, decisive },
    );
  if (all.every((x) => x.cached === undefined))
    return judgement(
      'inconclusive',
      `no cached tokens reported (usage has no prompt_tokens_details.cached_tokens for the ${size} prefix sent ${times}); this model/relay may not cache`,
      { details, decisive },
    );
  const family = cachingFamily(model);
  const verdict: ReportVerdict = family ? 'ignored' : 'inconclusive';
  const stayed = `cached_tokens stayed 0 for the ${size} prefix sent ${times} with one prompt_cache_key`;
  return judgement(
    verdict,
    family
      ? `${stayed}: ${family} ${model} caches prompts of 1,024 tokens or more, so the relay zeroes the count or loses the cache (each request sent to another upstream account?): cached input is billed at full price`
      : `${stayed}; this model/relay may not cache (caching is known for OpenAI's gpt-4o, gpt-4.1, gpt-5 and o-series ids)`,
    { details, decisive },
  );
}
