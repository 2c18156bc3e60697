// The mock's shared vocabulary: what a served model is and which limits bound a request.
// A leaf: the planner, the checks and the assembly all read it, and it imports nothing.

export interface MockModel {
  id: string;
  /** Emits `reasoning_content` and accepts `reasoning_effort`. */
  reasoning?: boolean;
  /** Accepts image_url content parts. */
  vision?: boolean;
  ownedBy?: string;
  /** Parameters and roles this model refuses with 400 (o1-style models). */
  rejects?: { params?: string[]; roles?: string[] };
}

export interface MockLimits {
  /** Request bodies larger than this get 413. */
  maxBodyBytes: number;
  /** Arrays/objects nested deeper than this in a request body: 400 `json_too_deep`. */
  maxJsonDepth: number;
  /** More messages: 400 on `messages`. */
  maxMessages: number;
  /** A larger `n`: 400 on `n`. */
  maxN: number;
  /** More tools: 400 on `tools` (OpenAI's limit is 128). */
  maxTools: number;
  /**
   * Generated tokens per choice (reasoning included): the budget when the request sets no
   * max_tokens, and the cap when it asks for more (finish_reason `length`, like a model's
   * own output limit).
   */
  maxGeneratedTokens: number;
  /**
   * Generated tokens in one response, every choice and every top_logprobs alternative
   * counted: with n choices and k top_logprobs each choice gets at most
   * maxResponseTokens / (n × (1 + k)) (finish_reason `length` past it), so no request can
   * ask for millions of chunks.
   */
  maxResponseTokens: number;
  /** JSON values (objects, arrays, strings, numbers...) in one response_format or tool schema: 400 past it. */
  maxSchemaValues: number;
  /** Nesting (arrays/objects) of one response_format or tool schema: 400 past it. */
  maxSchemaDepth: number;
  /** Schema nodes visited to build one generated JSON instance (response_format / tool arguments) before giving up. */
  maxSchemaNodes: number;
  /** A client that has not sent its whole request by then is answered 408 and cut off. */
  requestTimeoutMs: number;
}
