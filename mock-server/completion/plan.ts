// The heart of the mock: from a validated request, decide what every choice says and why it
// stops. Pure and deterministic: the same request always gives the same plan. Rendering the
// plan as a JSON response or as stream chunks is done elsewhere (render-*.ts).
import type { ChatCompletionRequest, FinishReason, ToolCall, Usage, UsageReply } from '../../spec/generated/types.js';
import { conversationText, interpretPrompt, lastUserText, type Interpretation } from '../core/instructions.js';
import { generateInstance } from '../core/json-instance.js';
import { buildLogprobs } from '../core/logprobs.js';
import { generateProse, generateReasoning } from '../core/prose.js';
import { createRng, hashString, idFromHash, seedFrom, stableId, type Rng } from '../core/rng.js';
import { imageColour } from '../core/image.js';
import { contentText, countTokens, promptTokensFor, textCounter, tokenize, truncateTokens } from '../core/tokens.js';
import { invalidRequest, type ApiError } from '../core/api-error.js';
import type { MockLimits, MockModel } from '../core/types.js';
import type { PlannedChoice } from './choice.js';
import { echoedModel, isRestylable, styleText, type Realism } from './realistic.js';
import { planToolCalls, selectTools, type ToolSelection } from './tools.js';

/**
 * What a fixture says, in place of the computed answer: it is then planned like one (n
 * choices, stop and max_tokens cuts, logprobs, usage), so breaks and dialects apply to it.
 */
export interface ScriptedAnswer {
  content?: string;
  toolCalls?: { name: string; arguments?: object | string; id?: string }[];
  reasoning?: string;
  refusal?: string;
  /** The usage to report instead of the counted one (a recorded relay's): neutral, each surface renders it. */
  usage?: UsageReply;
}

export interface CompletionPlan {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
  choices: PlannedChoice[];
  usage: Usage;
  /**
   * Set when the answer states its usage (a fixture's): `usage` is that, as given, and the
   * endpoints count no prompt cache of their own on top. `cacheWriteTokens`: the prompt tokens
   * written to the cache, which only Anthropic's usage shows.
   */
  usageStated?: { cacheWriteTokens: number };
}

export interface PlanInput {
  request: ChatCompletionRequest;
  model: MockModel;
  /** The raw request text: ids are derived from it. */
  rawBody: string;
  limits: MockLimits;
  clock: (hash: number) => number;
  /** Applied to each choice before usage is counted (relay dialects use it). */
  adjustChoice?: (choice: PlannedChoice) => void;
  /** A fixture's answer, used instead of the computed one. */
  scripted?: ScriptedAnswer;
  /** The realistic model's variations for this request (absent: the faithful model). */
  realism?: Realism;
}

export function planCompletion({
  request,
  model,
  rawBody,
  limits,
  clock,
  adjustChoice,
  scripted,
  realism,
}: PlanInput): CompletionPlan | ApiError {
  const requestHash = hashString(rawBody);
  // The text depends only on what would change a real model's answer; max_tokens and stop
  // only cut that same text, so "with" and "without" a limit can be compared.
  const contentKey = hashString(
    JSON.stringify([
      request.model,
      request.messages,
      request.tools,
      request.tool_choice,
      request.parallel_tool_calls,
      request.response_format,
      request.seed,
      request.reasoning_effort,
    ]),
  );
  const budget = tokenBudget(request, limits);
  // A scripted answer reads nothing from the prompt.
  const prompt = scripted ? SCRIPTED_PROMPT : readPrompt(request, realism?.declineOptionalTools === true);
  const choices: PlannedChoice[] = [];
  for (let index = 0; index < (request.n ?? 1); index++) {
    const rng = createRng(seedFrom(contentKey, index));
    const idSeed = `${requestHash}:${index}`;
    const choice = scripted
      ? planScriptedChoice(request, scripted, index, budget, rng, idSeed)
      : planChoice(request, model, index, budget, rng, idSeed, limits, prompt, realism);
    if (!('index' in choice)) return choice;
    // Hidden reasoning: still thought about (and counted), never shown.
    if (realism?.hideReasoning && !scripted) choice.reasoning = null;
    adjustChoice?.(choice);
    choices.push(choice);
  }
  // A fixture's usage is reported as given; otherwise the tokens are counted.
  const stated = scripted?.usage;
  const plan: CompletionPlan = {
    id: `chatcmpl-${idFromHash(requestHash, 29)}`,
    created: clock(requestHash),
    model: realism ? echoedModel(request.model, realism) : request.model,
    systemFingerprint: fingerprintOf(request.model),
    choices,
    usage: stated ? statedUsage(stated) : usageOf(request, choices),
  };
  if (stated) plan.usageStated = { cacheWriteTokens: stated.cacheWriteTokens ?? 0 };
  return plan;
}

/** system_fingerprint per model name: derived from the name alone, so worked out once. */
const fingerprints = new Map<string, string>();
function fingerprintOf(model: string): string {
  let fp = fingerprints.get(model);
  if (fp === undefined) {
    fp = `fp_${stableId('', model, 10).toLowerCase()}`;
    // Only the mock's configured models reach here; the cap is a guard, not a policy.
    if (fingerprints.size < 1000) fingerprints.set(model, fp);
  }
  return fp;
}

/**
 * Tokens each choice may generate. maxGeneratedTokens is the model's own output limit: a
 * request may ask for less, never for more; and one response carries at most
 * maxResponseTokens over all its choices and top_logprobs alternatives (an
 * "Output exactly: <3 MB>" with n: 16, top_logprobs: 20 and max_tokens: 1e9 would otherwise
 * build millions of chunks).
 */
export function tokenBudget(request: ChatCompletionRequest, limits: MockLimits): number {
  const asked = request.max_tokens ?? request.max_completion_tokens ?? limits.maxGeneratedTokens;
  const perToken = 1 + (request.logprobs ? (request.top_logprobs ?? 0) : 0);
  const share = Math.floor(limits.maxResponseTokens / ((request.n ?? 1) * perToken));
  return Math.max(1, Math.min(asked, limits.maxGeneratedTokens, share));
}

/**
 * What the prompt asks, read once per request: it is the same for every choice, and on a
 * 4 MB prompt each reading costs tens of milliseconds, n times over.
 */
interface PromptReading {
  userText: string;
  last: ChatCompletionRequest['messages'][number] | undefined;
  /** The tools to call (null: answer in text). */
  tools: ToolSelection | null;
  /** The instruction a compliant model follows: the user's, else the latest system/developer one. */
  said: Interpretation;
  /** "What colour is this image?" answered, if that is the question. */
  colour: string | null;
}

function readPrompt(request: ChatCompletionRequest, declineOptionalTools: boolean): PromptReading {
  const userText = lastUserText(request.messages);
  const last = request.messages[request.messages.length - 1];
  let tools = selectTools(request, userText, last?.role === 'tool');
  // A realistic model may answer in text where calling was its own choice, never when forced.
  const optional = request.tool_choice === undefined || request.tool_choice === 'auto';
  if (declineOptionalTools && optional) tools = null;
  // Only a text answer reads the instruction (a json_schema answer ignores it).
  const textAnswer =
    !tools && !(request.response_format?.type === 'json_schema' && request.response_format.json_schema);
  let said: Interpretation = { kind: 'prose' };
  if (textAnswer) {
    said = interpretPrompt(userText, () => conversationText(request.messages));
    if (said.kind === 'prose') said = interpretPrompt(lastInstructionText(request.messages));
  }
  return { userText, last, tools, said, colour: textAnswer ? askedColour(last, userText) : null };
}

const SCRIPTED_PROMPT: PromptReading = {
  userText: '',
  last: undefined,
  tools: null,
  said: { kind: 'prose' },
  colour: null,
};

/** The tool calls a fixture names, with ids derived from the request like computed ones. */
function scriptedCalls(calls: NonNullable<ScriptedAnswer['toolCalls']>, idSeed: string): ToolCall[] {
  return calls.map((c, i) => ({
    id: c.id ?? `call_${stableId('', `${idSeed}:${i}`, 24)}`,
    type: 'function',
    function: {
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
    },
  }));
}

/** A fixture's answer as one choice: the same cuts as a computed answer. */
function planScriptedChoice(
  request: ChatCompletionRequest,
  scripted: ScriptedAnswer,
  index: number,
  budget: number,
  rng: Rng,
  idSeed: string,
): PlannedChoice {
  const reasoningCut = scripted.reasoning === undefined ? null : truncateTokens(scripted.reasoning, budget);
  const reasoningTokens = reasoningCut ? countTokens(reasoningCut.text) : 0;
  const remaining = budget - reasoningTokens;
  const base = { index, reasoning: reasoningCut?.text ?? null, stoppedBy: null, reasoningTokens };
  const refusal = scripted.refusal === undefined ? {} : { refusal: scripted.refusal };
  if (scripted.toolCalls) {
    const { kept, finishReason } = cutToolCalls(scriptedCalls(scripted.toolCalls, idSeed), remaining);
    return {
      ...base,
      ...refusal,
      content: null,
      contentTokens: [],
      toolCalls: kept,
      finishReason,
      logprobs: request.logprobs ? buildLogprobs([], 0, rng) : null,
    };
  }
  // A refusal alone has no content, as OpenAI sends it.
  if (scripted.content === undefined && scripted.refusal !== undefined) {
    return {
      ...base,
      ...refusal,
      content: null,
      contentTokens: [],
      toolCalls: [],
      finishReason: 'stop',
      logprobs: null,
    };
  }
  const { text: stopped, stoppedBy } = applyStop(scripted.content ?? '', request.stop);
  const cut = truncateTokens(stopped, Math.max(remaining, 0));
  const contentTokens = tokenize(cut.text);
  return {
    ...base,
    ...refusal,
    content: cut.text,
    contentTokens,
    toolCalls: [],
    finishReason: cut.truncated || reasoningCut?.truncated ? 'length' : 'stop',
    logprobs: request.logprobs ? buildLogprobs(contentTokens, request.top_logprobs ?? 0, rng) : null,
    stoppedBy: cut.truncated ? null : stoppedBy,
  };
}

function planChoice(
  request: ChatCompletionRequest,
  model: MockModel,
  index: number,
  budget: number,
  rng: Rng,
  idSeed: string,
  limits: MockLimits,
  prompt: PromptReading,
  realism: Realism | undefined,
): PlannedChoice | ApiError {
  const { userText, last } = prompt;
  // Flat effort: an easy prompt is thought about as long at every level.
  const effort = realism?.flatEffort ? undefined : effortOf(request);
  const reasoning = model.reasoning ? generateReasoning(rng, effort) : null;
  const reasoningCut = reasoning === null ? null : truncateTokens(reasoning, budget);
  const remaining = budget - (reasoningCut ? countTokens(reasoningCut.text) : 0);

  const calls = planToolCalls({
    request,
    userText,
    afterToolResult: last?.role === 'tool',
    rng,
    idSeed,
    maxSchemaNodes: limits.maxSchemaNodes,
    selection: prompt.tools,
  });
  if (calls) {
    const { kept, finishReason } = cutToolCalls(calls, remaining);
    return {
      index,
      reasoning: reasoningCut?.text ?? null,
      content: null,
      contentTokens: [],
      toolCalls: kept,
      finishReason,
      logprobs: request.logprobs ? buildLogprobs([], 0, rng) : null,
      stoppedBy: null,
      reasoningTokens: reasoningCut ? countTokens(reasoningCut.text) : 0,
    };
  }

  const computed = answerText(request, prompt, last?.role === 'tool' ? last : undefined, rng, limits);
  if (typeof computed !== 'string') return computed;
  // Restyled before stop and max_tokens apply, as a real model writes it.
  const plainText = request.response_format === undefined || request.response_format.type === 'text';
  const answer = realism && plainText && isRestylable(computed) ? styleText(computed, realism.textStyle) : computed;
  const { text: stopped, stoppedBy } = applyStop(answer, request.stop);
  const cut = truncateTokens(stopped, Math.max(remaining, 0));
  const truncatedReasoning = reasoningCut?.truncated ?? false;
  const contentTokens = tokenize(cut.text);
  return {
    index,
    reasoning: reasoningCut?.text ?? null,
    content: cut.text,
    contentTokens,
    toolCalls: [],
    finishReason: cut.truncated || truncatedReasoning ? 'length' : 'stop',
    logprobs: request.logprobs ? buildLogprobs(contentTokens, request.top_logprobs ?? 0, rng) : null,
    stoppedBy: cut.truncated ? null : stoppedBy,
    reasoningTokens: reasoningCut ? countTokens(reasoningCut.text) : 0,
  };
}

// OpenAI's seven levels onto the generator's three; `none` thinks least, like `minimal`.
const EFFORT_LEVEL = {
  none: 'low',
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
} as const;

function effortOf(request: ChatCompletionRequest): 'low' | 'medium' | 'high' | undefined {
  const effort = request.reasoning_effort;
  return effort == null ? undefined : EFFORT_LEVEL[effort];
}

// json_schema without a schema (OpenAI's schema makes it optional): some JSON object.
const ANY_OBJECT = { type: 'object' } as const;

/** What a compliant model would answer, before any stop sequence or token limit applies. */
function answerText(
  request: ChatCompletionRequest,
  prompt: PromptReading,
  toolResult: { content?: unknown } | undefined,
  rng: Rng,
  limits: MockLimits,
): string | ApiError {
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema) {
    const generated = generateInstance(format.json_schema.schema ?? ANY_OBJECT, rng, {
      maxNodes: limits.maxSchemaNodes,
    });
    if (!generated.ok) {
      return invalidRequest(
        `Invalid schema for response_format '${format.json_schema.name}': ${generated.reason}.`,
        'response_format',
        'invalid_json_schema',
      );
    }
    return JSON.stringify(generated.value);
  }
  // A real model follows an instruction in the user's turn, else the latest system or
  // developer instruction ("Whatever the user writes, reply with exactly: X").
  const { said, colour } = prompt;
  if (colour && said.kind === 'prose' && !format) return colour;
  if (format?.type === 'json_object') {
    if (said.kind !== 'prose' && isJsonObject(said.text)) return said.text;
    return JSON.stringify({ answer: said.kind === 'prose' ? generateProse(rng, 12) : said.text });
  }
  if (said.kind !== 'prose') return said.text;
  if (toolResult)
    return `Based on the tool result: ${String(typeof toolResult.content === 'string' ? toolResult.content : JSON.stringify(toolResult.content)).slice(0, 200)}`;
  return generateProse(rng, rng.int(20, 60));
}

function lastInstructionText(messages: ChatCompletionRequest['messages']): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'system' || m.role === 'developer') return contentText(m.content);
  }
  return '';
}

/** "What colour is this image?" with an inline PNG: the colour's name, as a one-word answer. */
function askedColour(last: ChatCompletionRequest['messages'][number] | undefined, userText: string): string | null {
  if (last?.role !== 'user' || !Array.isArray(last.content) || !/\bcolou?r\b/i.test(userText)) return null;
  for (const part of last.content) {
    if (part.type !== 'image_url') continue;
    const name = imageColour(part.image_url.url);
    if (name) return `${name.charAt(0).toUpperCase()}${name.slice(1)}.`;
  }
  return null;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Cut before the earliest stop sequence; the sequence itself is not included. */
export function applyStop(
  text: string,
  stop: string | string[] | null | undefined,
): { text: string; stoppedBy: string | null } {
  const sequences = (typeof stop === 'string' ? [stop] : (stop ?? [])).filter((s) => s.length > 0);
  let at = -1;
  let stoppedBy: string | null = null;
  for (const s of sequences) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      stoppedBy = s;
    }
  }
  return at < 0 ? { text, stoppedBy: null } : { text: text.slice(0, at), stoppedBy };
}

function usageOf(request: ChatCompletionRequest, choices: readonly PlannedChoice[]): Usage {
  const count = textCounter(request.model);
  const extras =
    (request.tools ? count(JSON.stringify(request.tools)) : 0) +
    (request.response_format?.json_schema
      ? count(JSON.stringify(request.response_format.json_schema.schema ?? {}))
      : 0);
  const prompt = promptTokensFor(request.model, request.messages) + extras;
  let reasoning = 0;
  let completion = 0;
  for (const c of choices) {
    reasoning += c.reasoningTokens;
    completion +=
      c.reasoningTokens +
      c.contentTokens.length +
      c.toolCalls.reduce((n, t) => n + countTokens(t.function.arguments), 0);
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A stated usage in chat's shape, which the other surfaces' usage is rendered from. */
function statedUsage(u: UsageReply): Usage {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/**
 * Tool calls cut to the completion budget, as a computed or a scripted answer needs: each
 * call's arguments take what is left; the first one cut ends the list with finish `length`.
 */
function cutToolCalls(calls: readonly ToolCall[], budget: number): { kept: ToolCall[]; finishReason: FinishReason } {
  let remaining = budget;
  const kept: ToolCall[] = [];
  for (const call of calls) {
    const cut = truncateTokens(call.function.arguments, Math.max(remaining, 0));
    remaining -= countTokens(cut.text);
    kept.push({ ...call, function: { ...call.function, arguments: cut.text } });
    if (cut.truncated) return { kept, finishReason: 'length' };
  }
  return { kept, finishReason: 'tool_calls' };
}
