// A plan as OpenAI's two wire shapes: one chat.completion object, or the list of
// chat.completion.chunk objects a stream carries. Pure: the SSE framing and the socket are
// someone else's job.
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  ChatCompletionResponse,
  ChoiceLogprobs,
  Usage,
} from '../../spec/generated/types.js';
import type { CompletionPlan, PlannedChoice } from './plan.js';

export function renderResponse(plan: CompletionPlan): ChatCompletionResponse {
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: plan.choices.map((c) => ({
      index: c.index,
      message: {
        role: 'assistant',
        content: c.content,
        refusal: c.refusal ?? null,
        ...(c.reasoning !== null ? { reasoning_content: c.reasoning } : {}),
        ...(c.toolCalls.length > 0 ? { tool_calls: c.toolCalls } : {}),
      },
      logprobs: c.logprobs,
      finish_reason: c.finishReason,
    })),
    usage: plan.usage,
    system_fingerprint: plan.systemFingerprint,
  };
}

export interface ChunkOptions {
  /** stream_options.include_usage: `usage: null` on every chunk, then one usage chunk. */
  includeUsage: boolean;
  /** Content tokens per delta (default 1, as OpenAI); some providers send several. */
  chunkTokens?: number;
}

/** Pieces of a tool call's arguments: a few per call, as providers stream them. */
export function splitArguments(args: string): string[] {
  if (args.length <= 8) return [args];
  const size = Math.ceil(args.length / 4);
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}

type ChoiceDelta = Omit<ChatCompletionChunkChoice, 'index'>;

/** One choice's deltas in order: role, reasoning, content or tool calls, finish. */
function choiceDeltas(c: PlannedChoice, chunkTokens: number): ChoiceDelta[] {
  const out: ChoiceDelta[] = [];
  const delta = (d: ChatCompletionChunkDelta, logprobs: ChoiceLogprobs | null = null): void => {
    out.push({ delta: d, logprobs, finish_reason: null });
  };
  // OpenAI opens a text answer with content "" and a tool-call answer with content null, so
  // the streamed message assembles to the same content as the non-streamed one.
  const opening: ChatCompletionChunkDelta =
    c.reasoning !== null
      ? { role: 'assistant', content: null, reasoning_content: '' }
      : { role: 'assistant', content: c.content === null ? null : '', refusal: null };
  delta(opening);
  if (c.reasoning !== null) {
    for (const piece of chunkText(c.reasoning)) delta({ reasoning_content: piece });
  }
  if (c.refusal !== undefined) delta({ refusal: c.refusal });
  const tokens = c.contentTokens;
  for (let i = 0; i < tokens.length; i += chunkTokens) {
    const end = Math.min(i + chunkTokens, tokens.length);
    const content = end === i + 1 ? tokens[i]! : tokens.slice(i, end).join('');
    // One logprobs entry per token, as OpenAI does when it groups tokens.
    const lp = c.logprobs?.content ? { content: c.logprobs.content.slice(i, end), refusal: null } : null;
    delta({ content }, lp);
  }
  c.toolCalls.forEach((call, index) => {
    delta({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
    });
    for (const piece of splitArguments(call.function.arguments))
      delta({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  out.push({ delta: {}, logprobs: null, finish_reason: c.finishReason });
  return out;
}

/** Reasoning streams a few words per chunk: it is long and nobody reads it token by token. */
function chunkText(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

export function renderChunks(plan: CompletionPlan, options: ChunkOptions): ChatCompletionChunk[] {
  const chunkTokens = Math.max(1, Math.floor(options.chunkTokens ?? 1));
  const perChoice = plan.choices.map((c) => choiceDeltas(c, chunkTokens));
  const chunks: ChatCompletionChunk[] = [];
  // Interleave choices by index, round-robin, the way OpenAI streams n > 1.
  const longest = Math.max(...perChoice.map((d) => d.length));
  for (let step = 0; step < longest; step++) {
    for (let index = 0; index < perChoice.length; index++) {
      const d = perChoice[index]![step];
      if (d)
        chunks.push(
          chunk(
            plan,
            [{ index, delta: d.delta, logprobs: d.logprobs, finish_reason: d.finish_reason }],
            options.includeUsage ? null : undefined,
          ),
        );
    }
  }
  if (options.includeUsage) chunks.push(chunk(plan, [], plan.usage));
  return chunks;
}

/**
 * One chunk, its keys in OpenAI's order; `usage` undefined leaves the key out. Written out
 * rather than spread from a shared base: a stream has one per token.
 */
function chunk(
  plan: CompletionPlan,
  choices: ChatCompletionChunkChoice[],
  usage: Usage | null | undefined,
): ChatCompletionChunk {
  const out: ChatCompletionChunk = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    system_fingerprint: plan.systemFingerprint,
    choices,
  };
  if (usage !== undefined) out.usage = usage;
  return out;
}
