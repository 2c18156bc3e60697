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
import type { PlannedChoice } from './choice.js';
import type { CompletionPlan } from './plan.js';

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

/**
 * One choice's deltas in order: role, reasoning, content or tool calls, finish. A string is a
 * plain content delta (`{ content }`, no logprobs): most of a stream is those, and the body
 * renderer writes them from a template instead of building an object for each.
 */
function choiceDeltas(c: PlannedChoice, chunkTokens: number): (ChoiceDelta | string)[] {
  const out: (ChoiceDelta | string)[] = [];
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
  const logprobs = c.logprobs?.content;
  for (let i = 0; i < tokens.length; i += chunkTokens) {
    const end = Math.min(i + chunkTokens, tokens.length);
    const content = end === i + 1 ? tokens[i]! : tokens.slice(i, end).join('');
    // One logprobs entry per token, as OpenAI does when it groups tokens.
    if (logprobs) delta({ content }, { content: logprobs.slice(i, end), refusal: null });
    else out.push(content);
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

/**
 * Every delta of the stream in the order it is sent: choices interleaved by index,
 * round-robin, the way OpenAI streams n > 1.
 */
function forEachDelta(
  plan: CompletionPlan,
  options: ChunkOptions,
  visit: (index: number, d: ChoiceDelta | string) => void,
): void {
  const chunkTokens = Math.max(1, Math.floor(options.chunkTokens ?? 1));
  const perChoice = plan.choices.map((c) => choiceDeltas(c, chunkTokens));
  const longest = Math.max(...perChoice.map((d) => d.length));
  for (let step = 0; step < longest; step++) {
    for (let index = 0; index < perChoice.length; index++) {
      const d = perChoice[index]![step];
      if (d !== undefined) visit(index, d);
    }
  }
}

function choiceOf(index: number, d: ChoiceDelta | string): ChatCompletionChunkChoice {
  return typeof d === 'string'
    ? { index, delta: { content: d }, logprobs: null, finish_reason: null }
    : { index, delta: d.delta, logprobs: d.logprobs, finish_reason: d.finish_reason };
}

export function renderChunks(plan: CompletionPlan, options: ChunkOptions): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  const usage = options.includeUsage ? null : undefined;
  forEachDelta(plan, options, (index, d) => chunks.push(chunk(plan, [choiceOf(index, d)], usage)));
  if (options.includeUsage) chunks.push(chunk(plan, [], plan.usage));
  return chunks;
}

/**
 * The stream renderChunks describes, as the body of an SSE response in OpenAI's framing:
 * byte for byte `formatEvents(renderChunks(plan, options)).join('')`, written straight from
 * the plan. Each chunk opens with the same head, and most are a plain content delta, so the
 * whole body is a few templates; no object per token, nothing to serialise twice. For streams
 * no break reshapes (the handler decides).
 */
export function renderStreamBody(plan: CompletionPlan, options: ChunkOptions): string {
  const head =
    `data: {"id":${JSON.stringify(plan.id)},"object":"chat.completion.chunk","created":${JSON.stringify(plan.created)},` +
    `"model":${JSON.stringify(plan.model)},"system_fingerprint":${JSON.stringify(plan.systemFingerprint)},"choices":[`;
  const tail = options.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  let body = '';
  forEachDelta(plan, options, (index, d) => {
    body +=
      typeof d === 'string'
        ? `${head}{"index":${index},"delta":{"content":${JSON.stringify(d)}},"logprobs":null,"finish_reason":null}${tail}`
        : `${head}${JSON.stringify(choiceOf(index, d))}${tail}`;
  });
  if (options.includeUsage) body += `${head}],"usage":${JSON.stringify(plan.usage)}}\n\n`;
  return `${body}data: [DONE]\n\n`;
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
