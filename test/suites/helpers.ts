// Hand-made exchanges for the judges' unit tests (no sockets), and a few servers for the
// integration tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observed, Seen } from '../../suites/wire/types.js';
import { interpretChatStream, parseSse } from '../../suites/transport/sse.js';
import type { Target } from '../../suites/target.js';

export const KEY = 'sk-relaycheck-SECRET-1234';

/** A JSON answer. */
export function json(body: unknown, status = 200, contentType = 'application/json'): Observed {
  return {
    status,
    headers: { 'content-type': contentType },
    contentType,
    json: body,
    text: JSON.stringify(body),
    truncated: false,
    attempts: 1,
  };
}

/** A non-JSON answer (or an empty one). */
export function text(body: string, status = 200, contentType = 'text/plain'): Observed {
  return { status, headers: { 'content-type': contentType }, contentType, text: body, truncated: false, attempts: 1 };
}

/** An SSE answer from its raw text. */
export function sse(raw: string, status = 200, contentType = 'text/event-stream'): Observed {
  const { events, observations } = parseSse(raw);
  return {
    status,
    headers: { 'content-type': contentType },
    contentType,
    text: raw,
    sse: { events, observations, chat: interpretChatStream(events) },
    truncated: false,
    attempts: 1,
  };
}

/** A transport failure. */
export function failed(
  kind: NonNullable<Observed['error']>['kind'] = 'network',
  message = 'connect ECONNREFUSED',
): Observed {
  return {
    status: null,
    headers: {},
    contentType: '',
    text: '',
    error: { kind, message },
    truncated: true,
    attempts: 1,
  };
}

/** SSE text from chunk objects (each one `data:` event), ending with [DONE] unless told. */
export function sseOf(chunks: readonly unknown[], done = true): string {
  return (
    chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('') +
    (done ? 'data: [DONE]\n\n' : '')
  );
}

export interface CompletionShape {
  content?: string | null;
  role?: string | null;
  finish?: string | null;
  toolCalls?: unknown[];
  reasoningContent?: string;
  reasoning?: string;
  usage?: unknown;
  logprobs?: unknown;
  choices?: number;
  model?: string;
  created?: number;
  id?: string;
  extra?: Record<string, unknown>;
}

/** A chat.completion body. */
export function completion(shape: CompletionShape = {}): Record<string, unknown> {
  const message: Record<string, unknown> = { content: shape.content === undefined ? 'OK' : shape.content };
  if (shape.role !== null) message['role'] = shape.role ?? 'assistant';
  if (shape.toolCalls) message['tool_calls'] = shape.toolCalls;
  if (shape.reasoningContent !== undefined) message['reasoning_content'] = shape.reasoningContent;
  if (shape.reasoning !== undefined) message['reasoning'] = shape.reasoning;
  const choices = Array.from({ length: shape.choices ?? 1 }, (_, index) => ({
    index,
    message,
    logprobs: shape.logprobs ?? null,
    finish_reason: shape.finish === undefined ? 'stop' : shape.finish,
  }));
  return {
    id: shape.id ?? 'chatcmpl-1',
    object: 'chat.completion',
    created: shape.created ?? 1_750_000_000,
    model: shape.model ?? 'm',
    choices,
    usage: shape.usage === undefined ? { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } : shape.usage,
    ...shape.extra,
  };
}

export const ok = (shape: CompletionShape = {}): Observed => json(completion(shape));

export function toolCall(name: string, args: unknown, id = `call_${name}`): Record<string, unknown> {
  return { id, type: 'function', function: { name, arguments: args } };
}

/** Chunks of a plain streamed answer: role, the pieces of text, a finish chunk. */
export function textChunks(
  pieces: readonly string[],
  options: { id?: string; finish?: string; index?: number } = {},
): Record<string, unknown>[] {
  const base = { id: options.id ?? 'chatcmpl-s', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'm' };
  const index = options.index ?? 0;
  return [
    { ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((p) => ({ ...base, choices: [{ index, delta: { content: p }, finish_reason: null }] })),
    { ...base, choices: [{ index, delta: {}, finish_reason: options.finish ?? 'stop' }] },
  ];
}

export const seen = (entries: Record<string, Observed | undefined>): Seen => entries;

export const CTX = { model: 'm', models: { model: 'm' } };

export function target(baseUrl: string, overrides: Partial<Target> = {}): Target {
  return {
    name: 'test',
    baseUrl,
    keyEnv: 'RELAYCHECK_API_KEY',
    apiKey: KEY,
    secrets: [KEY],
    auth: 'bearer',
    headers: {},
    models: { model: 'mock-model', reasoning: 'mock-reasoner', vision: 'mock-model', messages: 'claude-sonnet-4-5' },
    ...overrides,
  };
}

/** A throwaway local HTTP server on port 0. */
export async function localServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
