// What a break may change, stage by stage. A break is a handful of these hooks; the app runs
// each stage through the active breaks in catalogue order. Hooks are pure functions of what
// they are handed (they may mutate it: every stage hands them a fresh object).
import type { BreakParams, ChatCompletionRequest, ErrorObject, Usage } from '../../spec/generated/types.js';
import type { PlannedChoice } from '../completion/choice.js';
import type { ApiError } from '../core/api-error.js';
import type { SseFraming } from '../stream/sse-format.js';

export type JsonObject = Record<string, unknown>;

export interface StageContext {
  /** The break's parameters (defaults filled in), for parametrised breaks. */
  params: BreakParams | undefined;
  /** The request as the "upstream" saw it (after the request stage). */
  request: ChatCompletionRequest;
  stream: boolean;
  includeUsage: boolean;
  usage: Usage;
}

/** The choice stage runs before usage exists. */
export type ChoiceContext = Omit<StageContext, 'usage'>;

/** How a stream goes on the wire, beyond the SSE framing of each event. */
export interface StreamShape {
  framing: SseFraming;
  /** Cut the bytes into tiny writes at arbitrary offsets. */
  splitWrites: boolean;
  contentType: string;
}

/** A refusal before it is serialised; error hooks edit it. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  error: Omit<ErrorObject, 'code'> & { code: string | number | null };
  /** standard `{error}`; `object` top-level fields; `array` `[{error}]`; `text` the message; `empty` nothing. */
  envelope: 'standard' | 'object' | 'array' | 'text' | 'empty';
  /** Sent as the only event of a 200 SSE stream instead of an HTTP error. */
  inBand: boolean;
}

export interface ErrorContext {
  params: BreakParams | undefined;
  /** The refused request asked for a stream (false when it was refused before its body was read). */
  stream: boolean;
  cause: ApiError;
}

/** What the Responses stages see: the Responses request as the relay received it. */
export interface ResponsesContext {
  params: BreakParams | undefined;
  /** The request body (input, tools, text, ...), after the responsesRequest stage. */
  request: JsonObject;
  stream: boolean;
}

/** What the Messages stages see: Anthropic's request as the relay received it. */
export interface MessagesContext {
  params: BreakParams | undefined;
  /** The request body (messages, tools, ...), after the messagesRequest stage. */
  request: JsonObject;
  stream: boolean;
}

/** What a Messages request carried besides its body, as the relay received it. */
export interface MessagesReceived {
  /** Lower-case names, as Node parses them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The query string (Claude Code's `?beta=true`). */
  query: URLSearchParams;
}

/** One named event of an Anthropic stream. */
export interface MessagesEvent {
  event: string;
  data: JsonObject;
}

/** A refusal on the Messages surface as it goes out: its status and body (edit them). */
export interface MessagesErrorReply {
  status: number;
  body: JsonObject;
}

export interface BreakImpl {
  /** Serve requests whatever the key. */
  acceptAnyKey?: true;
  /** Answer non-streamed requests for a model id it does not serve with its first model. */
  serveUnknownModels?: true;
  /** Before schema validation, on a copy of the parsed body. */
  raw?(body: JsonObject, params: BreakParams | undefined): void;
  /** After validation: refuse, or change what the relay forwards upstream. */
  request?(request: ChatCompletionRequest, params: BreakParams | undefined): ApiError | void;
  /** What the upstream model produced, per choice, before usage is counted. */
  choice?(choice: PlannedChoice, ctx: ChoiceContext): void;
  /** The non-streamed body. */
  response?(body: JsonObject, ctx: StageContext): void;
  /** The chunk list of a stream (a string item is sent as raw `data:` text). */
  chunks?(chunks: (JsonObject | string)[], ctx: StageContext): (JsonObject | string)[];
  stream?(shape: StreamShape, ctx: StageContext): void;
  error?(reply: ErrorReply, ctx: ErrorContext): void;
  /** POST /responses, on a copy of the parsed body before it is translated: what the relay forwards. */
  responsesRequest?(body: JsonObject, params: BreakParams | undefined): void;
  /** POST /responses, the non-streamed Response object as sent. */
  responsesBody?(body: JsonObject, ctx: ResponsesContext): void;
  /** POST /responses, the list of events of a stream (each a fresh object), as sent. */
  responsesEvents?(events: JsonObject[], ctx: ResponsesContext): JsonObject[];
  /** GET and DELETE /responses/{id} are unknown routes (a relay that forwards POST /responses only). */
  noResponseRoutes?: true;
  /** DELETE /responses/{id} answers deleted but the response stays retrievable. */
  keepDeleted?: true;
  /** POST /responses refused before its 200: a body to send with 200 instead of the error (null: the error stands). */
  responsesError?(error: ApiError, params: BreakParams | undefined): JsonObject | null;
  /** POST /messages: the key is read from Authorization: Bearer only (x-api-key ignored). */
  bearerOnly?: true;
  /** POST /messages and count_tokens, on a copy of the body, untranslated: what the relay forwards, or a refusal. */
  messagesRequest?(body: JsonObject, params: BreakParams | undefined, received: MessagesReceived): ApiError | void;
  /** POST /messages, the non-streamed message as sent. */
  messagesBody?(body: JsonObject, ctx: MessagesContext): void;
  /** POST /messages, the events of a stream (each a fresh object), as sent. */
  messagesEvents?(events: MessagesEvent[], ctx: MessagesContext): MessagesEvent[];
  /** POST /messages/count_tokens, the answer as sent, given the request as forwarded. */
  messagesCount?(answer: JsonObject, request: JsonObject, params: BreakParams | undefined): void;
  /** A refusal on the Messages surface, as sent. */
  messagesError?(reply: MessagesErrorReply, params: BreakParams | undefined): void;
  /** GET /models: change the list, or refuse. */
  models?(list: JsonObject, params: BreakParams | undefined): ApiError | void;
}
