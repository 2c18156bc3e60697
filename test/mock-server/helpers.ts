// Shared helpers for the mock-server HTTP tests: requests through supertest, every answer
// checked against the spec schemas (chat-response, chat-chunk, error, models-list, model),
// streams parsed with the suite's spec-compliant SSE parser, and an independent ajv for the
// JSON Schemas a request carries (tool parameters, response_format).
import { Ajv2020 } from 'ajv/dist/2020.js';
import request from 'supertest';
import { expect } from 'vitest';
import { createMockProvider, type MockApp, type MockOptions, type MockProvider } from '../../mock-server/index.js';
import type {
  ChatCompletionChunk,
  ChatCompletionResponse,
  ErrorResponse,
  TokenLogprob,
  Usage,
} from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import { interpretChatStream, parseSse, type SseEvent } from '../../suites/transport/sse.js';

export const CHAT = '/v1/chat/completions';
export const AUTH = { Authorization: 'Bearer sk-test-key-123456' };

/** A provider per call: tests never share state through the journal. */
export function mock(options: MockOptions = {}): MockProvider {
  return createMockProvider(options);
}

/** A plain request body on mock-model; `extra` overrides or adds fields (valid or not). */
export function body(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'mock-model', messages: [{ role: 'user', content: text }], ...extra };
}

/** Fails with ajv's errors when `value` is not valid against the spec schema `name`. */
export function expectSchema(name: string, value: unknown): void {
  const r = validate(name, value);
  if (!r.valid) {
    const detail = r.errors.map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`).join('; ');
    expect.fail(`not a valid ${name}: ${detail}\n${JSON.stringify(value).slice(0, 600)}`);
  }
}

type HeaderMap = Record<string, string>;

/** POST a JSON body to the chat endpoint (with auth unless `headers` replaces it). */
export function post(app: MockApp, payload: unknown, headers: HeaderMap = AUTH) {
  return request(app)
    .post(CHAT)
    .set(headers)
    .send(payload as object);
}

/** A non-streaming completion that must succeed: 200, JSON, valid chat-response. */
export async function chat(
  app: MockApp,
  payload: unknown,
  headers: HeaderMap = AUTH,
): Promise<{ body: ChatCompletionResponse; text: string }> {
  const res = await post(app, payload, headers);
  if (res.status !== 200) expect.fail(`expected 200, got ${res.status}: ${res.text}`);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expectSchema('chat-response', res.body);
  const r = res.body as ChatCompletionResponse;
  // OpenAI's shape beyond the schema's "may": these are always present.
  expect(r.system_fingerprint).toEqual(expect.any(String));
  for (const c of r.choices) {
    expect(c.message.refusal).toBeNull();
    expect(c).toHaveProperty('logprobs');
  }
  return { body: r, text: res.text };
}

/** An error that must come in OpenAI's envelope with this status (and fields, when given). */
export function expectError(
  res: { status: number; body: unknown; text: string; headers: Record<string, string> },
  status: number,
  fields: { type?: string; param?: string | null; code?: string | null } = {},
): ErrorResponse['error'] {
  if (res.status !== status) expect.fail(`expected ${status}, got ${res.status}: ${res.text}`);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expectSchema('error', res.body);
  const error = (res.body as ErrorResponse).error;
  if (fields.type !== undefined) expect(error.type).toBe(fields.type);
  if (fields.param !== undefined) expect(error.param).toBe(fields.param);
  if (fields.code !== undefined) expect(error.code).toBe(fields.code);
  expectNoInternals(res.text);
  return error;
}

/** No stack trace or source path in anything a client sees. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|\/work\//);
}

export interface StreamResult {
  status: number;
  headers: Record<string, string>;
  raw: string;
  events: SseEvent[];
  chunks: ChatCompletionChunk[];
  done: boolean;
  errorEvents: unknown[];
}

/** Read a stream's raw text with supertest (buffered), then parse and schema-check it. */
export async function streamRaw(app: MockApp, payload: unknown, headers: HeaderMap = AUTH): Promise<StreamResult> {
  const res = await request(app)
    .post(CHAT)
    .set(headers)
    .send(payload as object)
    .buffer(true)
    .parse((r, callback) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => callback(null, text));
      r.on('error', (e: Error) => callback(e, text));
    });
  if (res.status !== 200) expect.fail(`expected a 200 stream, got ${res.status}: ${String(res.body)}`);
  return interpretStream(String(res.body), res.status, res.headers as Record<string, string>);
}

/** Parse SSE text; every chunk must be a valid chat-chunk and every in-band error a valid error. */
export function interpretStream(raw: string, status = 200, headers: Record<string, string> = {}): StreamResult {
  const { events } = parseSse(raw);
  const read = interpretChatStream(events);
  expect(read.nonJson).toEqual([]);
  expect(read.afterDone).toBe(0);
  for (const chunk of read.chunks) expectSchema('chat-chunk', chunk);
  for (const e of read.errorEvents) expectSchema('error', e);
  return {
    status,
    headers,
    raw,
    events,
    chunks: read.chunks as ChatCompletionChunk[],
    done: read.done,
    errorEvents: read.errorEvents,
  };
}

/** A stream that must be complete and well-formed: event-stream, [DONE], one id/created. */
export async function stream(app: MockApp, payload: unknown, headers: HeaderMap = AUTH): Promise<StreamResult> {
  const s = await streamRaw(app, payload, headers);
  expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
  expect(s.done).toBe(true);
  expect(s.errorEvents).toEqual([]);
  expect(s.chunks.length).toBeGreaterThan(0);
  const first = s.chunks[0]!;
  for (const c of s.chunks) {
    expect(c.id).toBe(first.id);
    expect(c.created).toBe(first.created);
    expect(c.model).toBe(first.model);
    expect(c.system_fingerprint).toBe(first.system_fingerprint);
  }
  expect(first.system_fingerprint).toEqual(expect.any(String));
  return s;
}

export interface AssembledToolCall {
  id: string | undefined;
  type: string | undefined;
  name: string;
  arguments: string;
  /** Deltas that carried argument text (after the first). */
  argumentPieces: number;
}

export interface AssembledChoice {
  index: number;
  role: string | undefined;
  content: string | null;
  reasoning: string | null;
  toolCalls: AssembledToolCall[];
  finishReason: string | null;
  finishChunks: number;
  roleChunks: number;
  contentChunks: number;
  logprobs: TokenLogprob[];
  /** Chunk positions (in the whole stream) of this choice's reasoning and content deltas. */
  reasoningAt: number[];
  contentAt: number[];
}

/**
 * Put a stream back together per choice, checking as it goes the per-choice rules that do
 * not depend on the request: the role comes on the choice's first delta, nothing comes after
 * its finish chunk, and a tool call's first delta carries id, type and name.
 */
export function assemble(chunks: readonly ChatCompletionChunk[]): {
  choices: AssembledChoice[];
  usage: Usage | null;
  usageChunks: number;
} {
  const byIndex = new Map<number, AssembledChoice>();
  let usage: Usage | null = null;
  let usageChunks = 0;
  chunks.forEach((chunk, position) => {
    if (chunk.usage) {
      usage = chunk.usage;
      usageChunks++;
    }
    for (const c of chunk.choices) {
      let a = byIndex.get(c.index);
      if (!a) {
        a = {
          index: c.index,
          role: undefined,
          content: null,
          reasoning: null,
          toolCalls: [],
          finishReason: null,
          finishChunks: 0,
          roleChunks: 0,
          contentChunks: 0,
          logprobs: [],
          reasoningAt: [],
          contentAt: [],
        };
        byIndex.set(c.index, a);
        expect(c.delta.role, `choice ${c.index}: role on its first delta`).toBe('assistant');
      }
      expect(a.finishChunks, `choice ${c.index}: a delta after its finish chunk`).toBe(0);
      const d = c.delta;
      if (d.role !== undefined) {
        a.role = d.role;
        a.roleChunks++;
      }
      if (typeof d.content === 'string') {
        a.content = (a.content ?? '') + d.content;
        if (d.content !== '') {
          a.contentChunks++;
          a.contentAt.push(position);
        }
      }
      if (typeof d.reasoning_content === 'string') {
        a.reasoning = (a.reasoning ?? '') + d.reasoning_content;
        if (d.reasoning_content !== '') a.reasoningAt.push(position);
      }
      for (const t of d.tool_calls ?? []) {
        let call = a.toolCalls[t.index];
        if (!call) {
          expect(t.index, 'tool call indexes come in order').toBe(a.toolCalls.length);
          expect(t.id, 'first delta of a tool call has an id').toEqual(expect.any(String));
          expect(t.type).toBe('function');
          expect(t.function?.name, 'first delta of a tool call has the name').toEqual(expect.any(String));
          call = {
            id: t.id,
            type: t.type,
            name: t.function!.name!,
            arguments: t.function?.arguments ?? '',
            argumentPieces: 0,
          };
          a.toolCalls[t.index] = call;
        } else {
          expect(t.id, 'only the first delta of a call carries its id').toBeUndefined();
          call.arguments += t.function?.arguments ?? '';
          if (t.function?.arguments) call.argumentPieces++;
        }
      }
      if (c.logprobs?.content) a.logprobs.push(...c.logprobs.content);
      if (c.finish_reason !== null) {
        a.finishReason = c.finish_reason;
        a.finishChunks++;
      }
    }
  });
  const choices = [...byIndex.values()].sort((x, y) => x.index - y.index);
  return { choices, usage, usageChunks };
}

/** An independent ajv (draft 2020-12) for the schemas requests carry. */
const requestSchemaAjv = new Ajv2020({ strict: false, allErrors: true });

/** Null when `value` is valid against `schema`, else ajv's errors as text. */
export function schemaErrors(schema: object, value: unknown): string | null {
  const fn = requestSchemaAjv.compile(schema);
  return fn(value) ? null : requestSchemaAjv.errorsText(fn.errors);
}

export function expectValidAgainst(schema: object, value: unknown): void {
  const errors = schemaErrors(schema, value);
  if (errors !== null) expect.fail(`${JSON.stringify(value)} is not valid: ${errors}`);
}

/** Milliseconds since `start` (performance.now based). */
export const since = (start: number): number => performance.now() - start;

export interface TimedRead {
  status: number;
  headers: globalThis.Headers;
  /** Each piece of the body as it arrived, with ms since the request was sent. */
  pieces: { at: number; text: string }[];
  text: string;
  /** The error the body read ended with (a cut connection), if any. */
  error: unknown;
  /** ms from sending the request to the end of the body. */
  elapsed: number;
}

/** POST with fetch to a started mock and read the whole body, timing each piece. */
export async function fetchTimed(
  baseUrl: string,
  payload: unknown,
  headers: Record<string, string> = AUTH,
  signal?: AbortSignal,
): Promise<TimedRead> {
  const start = performance.now();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(payload),
    signal,
  });
  const pieces: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  let error: unknown;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pieces.push({ at: since(start), text: decoder.decode(chunk, { stream: true }) });
    }
  } catch (e) {
    error = e;
  }
  return {
    status: res.status,
    headers: res.headers,
    pieces,
    text: pieces.map((p) => p.text).join(''),
    error,
    elapsed: since(start),
  };
}
