// The realistic model: the protocol stays exact, but the answers vary the way real models'
// do (casing, a chatty prefix, hidden reasoning, effort that changes little, an optional
// tool call declined, the model echoed as a dated snapshot, coarser or finer chunks). Pure:
// each variation is drawn from the mock's seed and the user's text (not the message shape:
// the inputs probe sends the same text as a string and as parts and expects one answer),
// so a run is reproducible and a seed is a world.
import { createRng, hashString } from '../core/rng.js';

export type ModelStyle = 'faithful' | 'realistic';

/** How the answer is written. `as-is` keeps the computed text. */
export const TEXT_STYLES = ['as-is', 'title-case', 'sentence', 'chatty'] as const;
export type TextStyle = (typeof TEXT_STYLES)[number];

/** Snapshot dates a provider may append to the model id, in OpenAI's and Anthropic's forms. */
const SNAPSHOTS = ['2024-07-18', '2024-08-06', '20250514'] as const;

export interface Realism {
  textStyle: TextStyle;
  /** Reasoning counted in usage but not returned as text (OpenAI's o-series). */
  hideReasoning: boolean;
  /** reasoning_effort changes nothing on this (easy) prompt. */
  flatEffort: boolean;
  /** Under tool_choice auto, answer in text instead of calling (this sample only). */
  declineOptionalTools: boolean;
  /** The date appended to the echoed model id, or null to echo it as sent. */
  snapshot: string | null;
  /** Content tokens per streamed delta; 0 = the whole answer in one delta. */
  chunkTokens: number;
  /**
   * Prompts that must have written a cached prefix before it is read: 1, or 2 when the cache
   * write lands late (OpenAI's caching is best effort). Drawn from the seed alone: a property
   * of the world, not of one prompt.
   */
  cacheWarmup: 1 | 2;
}

/**
 * The variations for one request. `stream` takes part only in declining tools, so a model
 * may call in one sample and not the other, as real ones do; everything else is the same
 * for the streamed and the non-streamed twin.
 */
export function drawRealism(seed: number, userText: string, stream: boolean): Realism {
  // One draw per variation, each from its own hash, so the variations are independent.
  const pick = (variation: string, choices: number): number =>
    createRng(hashString(`${seed}\u0000${variation}\u0000${userText}`)).int(0, choices - 1);
  const snapshotAt = pick('snapshot', SNAPSHOTS.length + 1);
  return {
    textStyle: TEXT_STYLES[pick('text', TEXT_STYLES.length)]!,
    hideReasoning: pick('reasoning', 2) === 1,
    flatEffort: pick('effort', 2) === 1,
    declineOptionalTools: pick(stream ? 'tools-streamed' : 'tools', 3) === 0,
    snapshot: snapshotAt < SNAPSHOTS.length ? SNAPSHOTS[snapshotAt]! : null,
    chunkTokens: [1, 1, 3, 0][pick('chunks', 4)]!,
    cacheWarmup: createRng(hashString(`${seed}\u0000cache`)).int(0, 1) === 0 ? 1 : 2,
  };
}

/** The model id as the realistic model echoes it: already dated ids stay as they are. */
export function echoedModel(model: string, realism: Realism): string {
  if (realism.snapshot === null || /\d{4}-?\d{2}-?\d{2}$/.test(model)) return model;
  return `${model}-${realism.snapshot}`;
}

/**
 * A prose answer rewritten in the drawn style. Only prose: JSON, code and anything a
 * request constrains (response_format, tools) is left to the caller to exclude.
 */
export function styleText(text: string, style: TextStyle): string {
  if (text.trim() === '') return text;
  switch (style) {
    case 'as-is':
      return text;
    case 'title-case':
      return text.replace(/(^|\s)([a-z])/g, (_, space: string, c: string) => space + c.toUpperCase());
    case 'sentence': {
      const capital = text.charAt(0).toUpperCase() + text.slice(1);
      return /[.!?]$/.test(capital) ? capital : `${capital}.`;
    }
    case 'chatty':
      return `Sure! ${text}`;
  }
}

/** Text a realistic model may restyle: not JSON, not fenced code. */
export function isRestylable(text: string): boolean {
  const t = text.trim();
  return t !== '' && !t.startsWith('{') && !t.startsWith('[') && !t.startsWith('```');
}
