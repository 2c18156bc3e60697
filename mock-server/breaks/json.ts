// Small accessors for the loosely typed JSON the output-stage hooks rewrite.
import type { JsonObject } from './hooks.js';

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The choice objects of a response or chunk (none when `choices` is not an array). */
export function choicesOf(item: JsonObject | string): JsonObject[] {
  if (typeof item === 'string' || !Array.isArray(item.choices)) return [];
  return item.choices.filter(isObject);
}

/** The delta (chunk) or message (response) of a choice. */
export function bodyOf(choice: JsonObject): JsonObject | undefined {
  const body = choice.delta ?? choice.message;
  return isObject(body) ? body : undefined;
}

/** The streamed tool-call items of a chunk. */
export function toolDeltasOf(item: JsonObject | string): JsonObject[] {
  return choicesOf(item).flatMap((c) => {
    const calls = bodyOf(c)?.tool_calls;
    return Array.isArray(calls) ? calls.filter(isObject) : [];
  });
}

export const objectChunks = (chunks: (JsonObject | string)[]): JsonObject[] => chunks.filter(isObject);
