// The client readiness matrix: real SDKs (openai, the Vercel AI SDK, LangChain) and real
// agents (Codex CLI, Claude Code) run small, app-shaped operations against a base URL. Each
// operation resolves when it works the way an app developer expects, and throws (an SDK
// error, or an ExpectationError saying what was wrong) when it does not.

/** The clients measured, in display order: the SDKs (in node_modules), then the agents (binaries). */
export const CLIENTS = ['openai', 'ai-sdk', 'ai-sdk-default', 'langchain', 'codex', 'claude-code'] as const;
export type ClientId = (typeof CLIENTS)[number];

/** The agents: heavy binaries installed on demand (scripts/dev/agents/), measured only when present. */
export const AGENT_CLIENTS: readonly ClientId[] = ['codex', 'claude-code'];

/**
 * The npm packages measured for each SDK client (their installed versions go into
 * spec/clients.yaml). An agent's package is its pinned version (scripts/dev/agents/).
 */
export const CLIENT_PACKAGES: Record<ClientId, string[]> = {
  openai: ['openai'],
  'ai-sdk': ['ai', '@ai-sdk/openai-compatible'],
  'ai-sdk-default': ['ai', '@ai-sdk/openai'],
  langchain: ['@langchain/openai', '@langchain/core'],
  codex: [],
  'claude-code': [],
};

export const CLIENT_TITLES: Record<ClientId, string> = {
  openai: 'openai Node SDK',
  'ai-sdk': 'Vercel AI SDK (openai-compatible provider)',
  'ai-sdk-default': 'Vercel AI SDK default provider (Responses)',
  langchain: 'LangChain JS',
  codex: 'Codex CLI',
  'claude-code': 'Claude Code',
};

/** The API an operation speaks (a feature surface of spec/features.yaml, or Anthropic's Messages). */
export const CLIENT_SURFACES = ['chat', 'responses', 'messages'] as const;
export type ClientSurface = (typeof CLIENT_SURFACES)[number];

/**
 * One client operation: throws when it does not work as an app developer expects.
 * `extraHeaders` go on every request (the SDKs' default headers), e.g. `x-mock-break`.
 */
export type ClientOperationRun = (
  baseUrl: string,
  apiKey: string,
  model: string,
  extraHeaders: Record<string, string>,
) => Promise<void>;

export interface ClientOperation {
  /** Stable id, `<client>.<operation>`, e.g. `ai-sdk.stream-text`. */
  id: string;
  client: ClientId;
  /** What the operation does, one line, e.g. "streamText: the text equals the answer, usage reported". */
  operation: string;
  run: ClientOperationRun;
  /** The API it speaks (default chat): a target that does not serve it fails the operation. */
  surface?: ClientSurface;
  /** Spends most of its time waiting (a Retry-After delay): run outside the concurrency limit. */
  waits?: boolean;
}

/** The operation completed, but not as an app expects (wrong text, missing tool call, ...). */
export class ExpectationError extends Error {
  override name = 'ExpectationError';
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ExpectationError(message);
}

/** A short, stable rendering of a value for an ExpectationError message. */
export function show(value: unknown, max = 60): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Prompts in the mock's grammar (and phrased for a real model too). */
export const PROMPTS = {
  /** "Output exactly: …": the whole answer is the text after the colon. */
  exact: 'Output exactly: relay check ok',
  exactAnswer: 'relay check ok',
  /** Names get_weather: the mock's model calls a tool only when asked for one. */
  weather: "What's the weather in Paris? Use the get_weather tool.",
  /** Structured output: any instance of the schema. */
  extract: 'Extract the city and its temperature.',
} as const;

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather for a city',
} as const;

/** What the weather tool returns; the final answer after the tool turn is text. */
export function weatherResult(city: string): { city: string; temperature_c: number; conditions: string } {
  return { city, temperature_c: 21, conditions: 'sunny' };
}

/** A tiny cap for answers whose length does not matter (tool and JSON turns stay uncapped). */
export const MAX_TOKENS = 16;

/**
 * Per-request timeout handed to each SDK, so a relay that never ends a stream cannot hang
 * the matrix. Generous: the matrix runs a hundred requests at once on a small machine, and a
 * request that times out there would be measured as a failure of the relay.
 */
export const REQUEST_TIMEOUT_MS = 20_000;
