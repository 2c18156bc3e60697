// The bench request (a typical non-streaming probe) and the capture of the mock's exact
// answer to it, which the bare server then replays.
import { request as httpRequest } from 'node:http';
import type { RecordedResponse } from './protocol.js';

export const BENCH_PATH = '/v1/chat/completions';

export const BENCH_BODY = JSON.stringify({
  model: 'mock-model',
  messages: [
    { role: 'system', content: 'You are a terse assistant. Follow the instruction exactly and add nothing.' },
    { role: 'user', content: 'Output exactly: The quick brown fox jumps over the lazy dog' },
  ],
  max_tokens: 50,
});

/**
 * The streamed bench prompt: about 100 chunks and 27 KB with usage in a final chunk (`stream_options.include_usage`).
 */
const STREAM_PROMPT = {
  model: 'mock-model',
  messages: [
    { role: 'system', content: 'You are a terse assistant. Follow the instruction exactly and add nothing.' },
    { role: 'user', content: 'Count from 1 to 50.' },
  ],
  max_tokens: 400,
};

export const STREAM_BODY = JSON.stringify({ ...STREAM_PROMPT, stream: true, stream_options: { include_usage: true } });

/** The same prompt answered in one JSON body (the aimock comparison sends both). */
export const STREAM_PROMPT_JSON_BODY = JSON.stringify(STREAM_PROMPT);

/** A long stream for the burst: "Count from 1 to N", N picked at run time for ~1,000 chunks. */
export function countBody(n: number): string {
  return JSON.stringify({
    model: 'mock-model',
    messages: [{ role: 'user', content: `Count from 1 to ${n}` }],
    max_tokens: 8000,
    stream: true,
    stream_options: { include_usage: true },
  });
}

/** The Responses API bench: the same prompts as chat's, as Responses requests. */
export const RESPONSES_PATH = '/v1/responses';

export const RESPONSES_BODY = JSON.stringify({
  model: 'mock-model',
  instructions: 'You are a terse assistant. Follow the instruction exactly and add nothing.',
  input: 'Output exactly: The quick brown fox jumps over the lazy dog',
  max_output_tokens: 50,
});

const RESPONSES_STREAM_PROMPT = {
  model: 'mock-model',
  instructions: 'You are a terse assistant. Follow the instruction exactly and add nothing.',
  input: 'Count from 1 to 50.',
  max_output_tokens: 400,
};

/** The streamed Responses request (usage comes in response.completed, no stream_options needed). */
export const RESPONSES_STREAM_BODY = JSON.stringify({ ...RESPONSES_STREAM_PROMPT, stream: true });

/** The same prompt answered in one JSON body (the aimock comparison sends both). */
export const RESPONSES_STREAM_PROMPT_JSON_BODY = JSON.stringify(RESPONSES_STREAM_PROMPT);

export const BENCH_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-0000',
};

/** Added by node:http on every response, so neither server replays them by hand. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'date', 'transfer-encoding']);

export function recordResponse(
  baseUrl: string,
  timeoutMs = 10_000,
  body: string = BENCH_BODY,
  path: string = BENCH_PATH,
): Promise<RecordedResponse & { raw: Array<[string, string]> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: { ...BENCH_HEADERS, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          resolve({
            status: res.statusCode ?? 0,
            headers: raw.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
            bodyBase64: Buffer.concat(parts).toString('base64'),
            raw,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${baseUrl} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
