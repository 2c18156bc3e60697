// The protocols record mode forwards, as one table: where each goes upstream, how the
// recorder's key is carried there, how a request reads as the chat request fixtures match on,
// and how the recorder's own failures are framed in that protocol's words. Pure.
import type { IncomingMessage } from 'node:http';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import { ApiError } from '../core/api-error.js';
import { isRecord } from '../core/schema-check.js';
import { OPENAI_SURFACE, type Surface } from '../http/surface.js';
import { anthropicError, anthropicErrorBody, toChatRequest as messagesAsChat } from '../protocols/anthropic.js';
import { toChatRequest as responsesAsChat } from '../protocols/responses.js';
import type { RecordedSurface } from './exchange.js';

/** What record mode forwards: the three answer surfaces, and count_tokens (forwarded, never recorded). */
export type RecordRoute = RecordedSurface | 'count_tokens';

/** A request as fixtures see it: the chat request, and the tools it offers that chat cannot carry. */
export interface ChatView {
  chat: ChatCompletionRequest;
  otherTools: string[];
}

export interface RecordSurface {
  /** The path under the upstream's base URL (the protocol's own, whatever the profile's path). */
  upstreamPath: string;
  /** Query parameters passed upstream (Claude Code's `?beta=true`); any other may carry a secret. */
  query: readonly string[];
  /** Whether a finished exchange becomes a fixture. */
  recorded: boolean;
  /** The client's key rules (x-mock-error is forwarded, so no fault is read here). */
  prologue: Surface;
  /** The recorder's key in the header this protocol carries it in. */
  credentials(key: string, client: IncomingMessage['headers']): Record<string, string>;
  /** The request as chat, or why the mock cannot read it (then it is not recorded: a replay would refuse it). */
  asChat(json: unknown): ChatView | string;
  /** Whose envelope errors go in: OpenAI's (the mock's sendError) or Anthropic's. */
  envelope: 'openai' | 'anthropic';
  /** The in-band error frame that ends a stream the recorder gives up on. */
  streamError(message: string, code: string): string;
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** Chat's and Responses' key rule, without faults. */
const OPENAI_PROLOGUE: Surface = { ...OPENAI_SURFACE, parseFault: () => null };

/** Anthropic's clients send the key as x-api-key, or as a Bearer token (ANTHROPIC_AUTH_TOKEN). */
const ANTHROPIC_PROLOGUE: Surface = {
  key(req) {
    const xKey = req.headers['x-api-key'];
    const key = typeof xKey === 'string' ? xKey : /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '')?.[1];
    return key?.trim() || undefined;
  },
  missingKey: () => anthropicError(401, 'authentication_error', 'x-api-key header is required'),
  wrongKey: () => anthropicError(401, 'authentication_error', 'invalid x-api-key'),
  parseFault: () => null,
};

/** The key as the client carried it: Bearer for a client that sent only Authorization, else x-api-key. */
function anthropicCredentials(key: string, client: IncomingMessage['headers']): Record<string, string> {
  return client['x-api-key'] === undefined && client.authorization !== undefined ? bearer(key) : { 'x-api-key': key };
}

function anthropicStreamError(message: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(anthropicError(502, 'api_error', message)))}\n\n`;
}

/** Translating onto chat may read replayed reasoning: the relay's own blob, whose text the match never needs. */
const RELAY_INPUT = { openReasoning: (): string => '', item: (): unknown => ({ type: 'reasoning', summary: [] }) };

const unread = (e: ApiError): string => `the mock cannot read the request (${e.message})`;

export const RECORD_SURFACES: Readonly<Record<RecordRoute, RecordSurface>> = {
  chat: {
    upstreamPath: '/chat/completions',
    query: [],
    recorded: true,
    prologue: OPENAI_PROLOGUE,
    credentials: bearer,
    asChat(json) {
      const body = json as Partial<ChatCompletionRequest> | null;
      if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
        return 'the mock cannot read the request (no messages list)';
      }
      return { chat: body as ChatCompletionRequest, otherTools: [] };
    },
    envelope: 'openai',
    streamError: (message, code) =>
      `data: ${JSON.stringify({ error: { message, type: 'upstream_error', param: null, code } })}\n\n`,
  },
  responses: {
    upstreamPath: '/responses',
    query: [],
    recorded: true,
    prologue: OPENAI_PROLOGUE,
    credentials: bearer,
    asChat(json) {
      // The relay's stored conversation: the replaying mock has no such id and answers 404.
      if (isRecord(json) && typeof json.previous_response_id === 'string') {
        return 'it continues a response the relay stored (previous_response_id), which a replay cannot';
      }
      const read = responsesAsChat(json, RELAY_INPUT);
      if (read instanceof ApiError) return unread(read);
      const otherTools = [...read.toolKinds].filter(([, kind]) => kind !== 'function').map(([name]) => name);
      return { chat: read.chat, otherTools };
    },
    envelope: 'openai',
    // OpenAI's `error` event: a stream's failure as its SDK reads it.
    streamError: (message, code) =>
      `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`,
  },
  messages: {
    upstreamPath: '/messages',
    query: ['beta'],
    recorded: true,
    prologue: ANTHROPIC_PROLOGUE,
    credentials: anthropicCredentials,
    asChat(json) {
      const read = messagesAsChat(json);
      return read instanceof ApiError ? unread(read) : { chat: read, otherTools: [] };
    },
    envelope: 'anthropic',
    streamError: anthropicStreamError,
  },
  count_tokens: {
    upstreamPath: '/messages/count_tokens',
    query: ['beta'],
    recorded: false,
    prologue: ANTHROPIC_PROLOGUE,
    credentials: anthropicCredentials,
    asChat(json) {
      const read = messagesAsChat(json, { countOnly: true });
      return read instanceof ApiError ? unread(read) : { chat: read, otherTools: [] };
    },
    envelope: 'anthropic',
    streamError: anthropicStreamError,
  },
};

/** The upstream URL of a route: the base, the protocol's path, and the allowed query parameters of the client's URL. */
export function upstreamUrl(base: URL, surface: RecordSurface, clientUrl: string | undefined): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${surface.upstreamPath}`;
  const asked = new URL(clientUrl ?? '/', 'http://client.invalid').searchParams;
  for (const name of surface.query) for (const value of asked.getAll(name)) url.searchParams.append(name, value);
  return url.href;
}
