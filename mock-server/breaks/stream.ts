// Stream framing and streamed usage: how the chunks and their bytes go wrong.
import { invalidRequest } from '../core/api-error.js';
import { contentText } from '../core/tokens.js';
import type { BreakImpl, JsonObject } from './hooks.js';
import { bodyOf, choicesOf, isObject, objectChunks } from './json.js';

const finishReasonOf = (chunk: JsonObject | string): unknown => choicesOf(chunk)[0]?.finish_reason;
const isUsageChunk = (chunk: JsonObject | string): boolean =>
  isObject(chunk) &&
  isObject(chunk.usage) &&
  (chunk.choices === null || (Array.isArray(chunk.choices) && chunk.choices.length === 0));

/**
 * Put usage on the last chunk that carries a finish_reason (or, when no chunk does, as with
 * no-finish-chunk, on the last chunk with a choice): a copy, so that later hooks editing one
 * chunk's usage (usage-total-mismatch) do not edit the usage chunk's twice.
 */
function usageOnLastFinish(chunks: (JsonObject | string)[], usage: unknown): void {
  const last =
    chunks.findLast((c) => isObject(c) && finishReasonOf(c) != null) ?? chunks.findLast((c) => choicesOf(c).length > 0);
  if (isObject(last)) last.usage = structuredClone(usage);
}

/** Each content delta replaced by the whole text of its choice so far. */
function cumulate(chunks: (JsonObject | string)[]): void {
  const sofar = new Map<unknown, string>();
  for (const c of chunks) {
    for (const choice of choicesOf(c)) {
      const delta = bodyOf(choice);
      if (typeof delta?.content !== 'string' || delta.content === '') continue;
      const text = (sofar.get(choice.index) ?? '') + delta.content;
      sofar.set(choice.index, text);
      delta.content = text;
    }
  }
}

/** Every chunk carrying a finish_reason sent `times` times in a row (copies). */
function repeatFinish(chunks: (JsonObject | string)[], times: number): (JsonObject | string)[] {
  return chunks.flatMap((c) =>
    isObject(c) && finishReasonOf(c) != null ? Array.from({ length: times }, () => structuredClone(c)) : [c],
  );
}

/**
 * The second content delta of each choice re-sends the first before its own text: "alph",
 * "alpha", " beta" (what @nullplatform/llm-gateway 2.0.11 streams behind a paced upstream: the
 * partial event of a split read parsed, then parsed again whole).
 */
function replayPartialDelta(chunks: (JsonObject | string)[]): void {
  const first = new Map<unknown, string>();
  const done = new Set<unknown>();
  for (const c of chunks)
    for (const choice of choicesOf(c)) {
      const delta = bodyOf(choice);
      if (done.has(choice.index) || typeof delta?.content !== 'string' || delta.content === '') continue;
      const before = first.get(choice.index);
      if (before === undefined) {
        first.set(choice.index, delta.content);
        continue;
      }
      delta.content = before + delta.content;
      done.add(choice.index);
    }
}

/** Streamed usage replaced by a local estimate: one token per four characters (new-api PR#7419). */
function estimatedUsage(chunks: (JsonObject | string)[], messages: readonly { content?: unknown }[]): void {
  const promptChars = messages.reduce((n, m) => n + contentText(m.content).length, 0);
  let completionChars = 0;
  for (const c of chunks)
    for (const choice of choicesOf(c)) {
      const content = bodyOf(choice)?.content;
      if (typeof content === 'string') completionChars += content.length;
    }
  const prompt = Math.ceil(promptChars / 4);
  const completion = Math.ceil(completionChars / 4);
  for (const c of objectChunks(chunks))
    if (isObject(c.usage))
      c.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export const streamBreaks: Record<string, BreakImpl> = {
  'no-done': {
    stream(shape) {
      shape.framing.done = false;
    },
  },
  'no-finish-chunk': {
    chunks(chunks) {
      return chunks.filter((c) => {
        const choice = choicesOf(c)[0];
        if (!choice || choice.finish_reason == null) return true;
        choice.finish_reason = null;
        return Object.keys(bodyOf(choice) ?? {}).length > 0;
      });
    },
  },
  'finish-repeated': {
    chunks(chunks) {
      for (const [i, c] of chunks.entries()) {
        const choice = choicesOf(c)[0];
        if (!choice || choice.finish_reason == null) continue;
        // The latest earlier chunk of the same choice that carried something.
        for (let j = i - 1; j >= 0; j--) {
          const earlier = choicesOf(chunks[j]!)[0];
          if (earlier && earlier.index === choice.index && Object.keys(bodyOf(earlier) ?? {}).length > 0) {
            earlier.finish_reason = choice.finish_reason;
            break;
          }
        }
      }
      return chunks;
    },
  },
  'finish-reason-empty': {
    chunks(chunks) {
      for (const c of chunks)
        for (const choice of choicesOf(c)) if (choice.finish_reason === null) choice.finish_reason = '';
      return chunks;
    },
  },
  'chunk-id-changes': {
    chunks(chunks) {
      objectChunks(chunks).forEach((c, i) => (c.id = `${String(c.id)}-${i}`));
      return chunks;
    },
  },
  'role-missing': {
    chunks(chunks) {
      for (const c of chunks) for (const choice of choicesOf(c)) delete bodyOf(choice)?.role;
      return chunks;
    },
  },
  'deltas-cumulative': {
    chunks(chunks) {
      cumulate(chunks);
      return chunks;
    },
  },
  'stream-cumulative-repeated-finish': {
    chunks(chunks) {
      cumulate(chunks);
      // The finish chunk three times, each re-sending the whole text (as @nullplatform/llm-gateway 2.0.11 does).
      const finals = new Map<unknown, string>();
      for (const c of chunks)
        for (const choice of choicesOf(c)) {
          const content = bodyOf(choice)?.content;
          if (typeof content === 'string' && content !== '') finals.set(choice.index, content);
        }
      for (const c of chunks)
        for (const choice of choicesOf(c))
          if (choice.finish_reason != null && finals.has(choice.index))
            choice.delta = { ...(bodyOf(choice) ?? {}), content: finals.get(choice.index) };
      return repeatFinish(chunks, 3);
    },
  },
  'stream-repeated-finish': {
    chunks: (chunks) => repeatFinish(chunks, 3),
  },
  'stream-cut-no-finish': {
    chunks(chunks) {
      // An upstream cut passed on as an ordinary end: every delta up to the finish, then nothing.
      const at = chunks.findIndex((c) => isObject(c) && finishReasonOf(c) != null);
      return at === -1 ? chunks : chunks.slice(0, at);
    },
    stream(shape) {
      shape.framing.done = false;
    },
  },
  'sse-comment-as-data': {
    chunks: (chunks) => [chunks[0]!, ': keep-alive', ...chunks.slice(1)],
  },
  'sse-wrong-content-type': {
    stream(shape) {
      shape.contentType = 'text/plain; charset=utf-8';
    },
  },
  'sse-no-content-type': {
    stream(shape) {
      shape.contentType = '';
    },
  },
  'sse-comments': {
    stream(shape) {
      shape.framing.comment = 'keep-alive';
    },
  },
  'sse-no-space': {
    stream(shape) {
      shape.framing.spaceAfterColon = false;
    },
  },
  'sse-crlf': {
    stream(shape) {
      shape.framing.lineEnding = '\r\n';
    },
  },
  'sse-event-lines': {
    stream(shape) {
      shape.framing.eventName = 'message';
    },
  },
  'sse-split-writes': {
    stream(shape) {
      shape.splitWrites = true;
    },
  },
  'sse-multiline-data': {
    stream(shape) {
      shape.framing.multilineData = true;
    },
  },
  'usage-missing': {
    chunks(chunks) {
      const kept = chunks.filter((c) => !isUsageChunk(c));
      for (const c of objectChunks(kept)) delete c.usage;
      return kept;
    },
  },
  'usage-every-chunk': {
    chunks(chunks, ctx) {
      if (!ctx.includeUsage) return chunks;
      // A running count, as relays that add usage to every chunk do.
      let completion = 0;
      for (const c of objectChunks(chunks)) {
        if (isUsageChunk(c)) continue;
        if (
          choicesOf(c).some((choice) => typeof bodyOf(choice)?.content === 'string' && bodyOf(choice)?.content !== '')
        )
          completion++;
        const prompt = ctx.usage.prompt_tokens;
        c.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      }
      return chunks;
    },
  },
  'usage-on-finish-chunk': {
    chunks(chunks, ctx) {
      if (!ctx.includeUsage) {
        // `unasked`: the relay reports usage whether or not it was asked for.
        if ((ctx.params as { unasked?: boolean } | undefined)?.unasked) usageOnLastFinish(chunks, ctx.usage);
        return chunks;
      }
      const kept = chunks.filter((c) => !isUsageChunk(c));
      usageOnLastFinish(kept, ctx.usage);
      return kept;
    },
  },
  'usage-duplicated': {
    chunks(chunks, ctx) {
      if (ctx.includeUsage) usageOnLastFinish(chunks, ctx.usage);
      return chunks;
    },
  },
  'usage-choices-null': {
    chunks(chunks) {
      for (const c of objectChunks(chunks)) if (isUsageChunk(c)) c.choices = null;
      return chunks;
    },
  },
  'usage-unasked': {
    chunks(chunks, ctx) {
      if (ctx.includeUsage) return chunks;
      const first = objectChunks(chunks)[0] ?? {};
      return [
        ...chunks,
        {
          id: first.id,
          object: first.object,
          created: first.created,
          model: first.model,
          system_fingerprint: first.system_fingerprint,
          choices: [],
          usage: ctx.usage,
        },
      ];
    },
  },
  'stream-partial-delta-replay': {
    chunks(chunks) {
      replayPartialDelta(chunks);
      return chunks;
    },
  },
  'stream-usage-estimated': {
    chunks(chunks, ctx) {
      estimatedUsage(chunks, ctx.request.messages);
      return chunks;
    },
  },
  'stream-options-rejected': {
    request: (req) =>
      req.stream_options != null
        ? invalidRequest(
            "Unsupported parameter: 'stream_options' is not supported by this relay.",
            'stream_options',
            'unsupported_parameter',
          )
        : undefined,
  },
};
