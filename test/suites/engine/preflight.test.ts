// The preflight's pure judges (suites/engine/preflight.ts), without sockets.
import { describe, expect, it } from 'vitest';
import {
  healthOf,
  judgeChatAnswer,
  judgeModelsList,
  judgePromptSensitivity,
} from '../../../suites/engine/preflight.js';
import { quotaExhausted } from '../../../suites/transport/http.js';
import { completion, failed, json, text } from '../helpers.js';

const chat = (content: string) => json(completion({ content }));
const judge = (o: Parameters<typeof judgeChatAnswer>[0]) =>
  judgeChatAnswer(o, 'gpt-4o-mini', 'model', 'KEY and --auth');

describe('judgeChatAnswer', () => {
  it('names each unhealthy kind with a stable cause', () => {
    expect(judge(chat('alpha beta gamma delta'))).toBeUndefined();
    expect(judge(text('<html>x</html>', 404, 'text/html'))?.cause).toBe('not-the-api');
    expect(judge(text('', 200, 'application/json'))?.line).toContain('an empty body');
    expect(
      judge(json({ error: { message: 'The model `gpt-4o-mini` does not exist', code: 'model_not_found' } }, 404)),
    ).toEqual({
      cause: 'model-not-found',
      line: 'model "gpt-4o-mini" does not exist (HTTP 404 model_not_found): check --model',
    });
    expect(judge(json({ error: { message: 'quota', code: 'insufficient_quota' } }, 429))?.cause).toBe('no-credit');
    expect(judge(json({ error: { message: 'pay' } }, 402))?.cause).toBe('no-credit');
    expect(judge(json({ error: { message: 'bad key', code: 'invalid_api_key' } }, 401))?.cause).toBe('key-refused');
    expect(judge(json({ error: { message: 'down' } }, 503))?.cause).toBe('server-error');
    expect(judge(failed('timeout', 'no response headers within 5 ms'))?.cause).toBe('timeout');
    expect(judge(failed('network', 'fetch failed: ECONNRESET read'))?.cause).toBe('connection-reset');
    expect(judge(failed('redirect', 'HTTP 301 redirect not followed'))?.cause).toBe('redirect');
    expect(judge(json({ error: { message: 'no channel', code: 'no_channel' } }, 200))?.cause).toBe('error-body');
  });
  it('GET /models decides only what it can tell for sure', () => {
    expect(judgeModelsList(text('<html>', 404, 'text/html'), 'K')).toBeUndefined();
    expect(judgeModelsList(json({ error: { message: 'no' } }, 401), 'K')?.cause).toBe('key-refused');
    expect(judgeModelsList(failed(), 'K')?.cause).toBe('unreachable');
  });
});

describe('judgePromptSensitivity', () => {
  it('two prompts, two answers: sensitive; the same answer or an echo: not', () => {
    expect(judgePromptSensitivity(chat('alpha beta gamma delta'), chat('one two three four'))).toEqual({
      promptSensitive: true,
      followed: true,
    });
    expect(judgePromptSensitivity(chat('Hello!'), chat('Hello!')).promptSensitive).toBe(false);
    expect(judgePromptSensitivity(chat('Output exactly: a'), chat('Output exactly: b')).promptSensitive).toBe(false);
    // Two empty answers say nothing about the prompt (chat.basic judges those).
    expect(judgePromptSensitivity(chat(''), chat('')).promptSensitive).toBe(true);
  });
  it('feeds the health section', () => {
    expect(healthOf(undefined, [], { promptSensitive: false, followed: false })).toMatchObject({
      status: 'limited',
      cause: 'prompt-insensitive',
    });
    expect(healthOf({ cause: 'timeout', line: 'x' }, [], undefined)).toEqual({
      status: 'unmeasured',
      cause: 'timeout',
      line: 'x',
    });
  });
});

describe('retry policy', () => {
  it('a 429 insufficient_quota cannot be helped by waiting; a plain 429 can', () => {
    const body = (s: string) => new TextEncoder().encode(s);
    expect(quotaExhausted(429, body('{"error":{"code":"insufficient_quota"}}'))).toBe(true);
    expect(quotaExhausted(429, body('{"error":{"code":"rate_limit_exceeded"}}'))).toBe(false);
  });
});
