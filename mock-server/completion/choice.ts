// One planned choice: what the planner decides and hands to the breaks' choice stage. A leaf
// of its own so that the breaks edit a choice without importing the planner.
import type { ChoiceLogprobs, FinishReason, ToolCall } from '../../spec/generated/types.js';
import { buildLogprobs } from '../core/logprobs.js';
import { createRng, hashString } from '../core/rng.js';
import { tokenize } from '../core/tokens.js';

export interface PlannedChoice {
  index: number;
  reasoning: string | null;
  /** null when the choice is a tool call. */
  content: string | null;
  /** The content as tokens (streamed one per chunk; logprobs are per token). */
  contentTokens: string[];
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  logprobs: ChoiceLogprobs | null;
  /** The stop sequence the content was cut at, if any. */
  stoppedBy: string | null;
  /** Counted in usage even if a relay hides the reasoning text. */
  reasoningTokens: number;
  /** A refusal message (fixtures only: the computed answer never refuses). */
  refusal?: string;
}

/** Replace a choice's content, keeping its tokens and logprobs consistent with it. */
export function setContent(choice: PlannedChoice, text: string | null): void {
  choice.content = text;
  choice.contentTokens = text === null ? [] : tokenize(text);
  if (choice.logprobs) {
    const top = choice.logprobs.content?.[0]?.top_logprobs.length ?? 0;
    choice.logprobs = buildLogprobs(choice.contentTokens, top, createRng(hashString(text ?? '')));
  }
}
