// An exchange as a fixture (pure), and the record file's appends.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFixtureFile } from '../../../mock-server/index.js';
import { FixtureAppender } from '../../../mock-server/record/append.js';
import { exchangeToFixture, matchFromRequest, redactFixture } from '../../../mock-server/record/exchange.js';

const at = new Date('2026-01-02T03:04:05.678Z');
const request = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi (there)?' }], stream: true };
const sse = (...payloads: unknown[]): string =>
  payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('');
const delta = (d: object, finish: string | null = null) => ({
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});
const SSE = { 'content-type': 'text/event-stream' };

describe('exchangeToFixture', () => {
  it('matches the same request again: whole last user message (escaped), model, tool result, format', () => {
    const match = matchFromRequest(request);
    expect(match).toEqual({
      userMessage: { regex: '^Hi \\(there\\)\\?$' },
      model: 'gpt-4o',
      hasToolResult: false,
      responseFormat: 'text',
    });
    const re = new RegExp((match.userMessage as { regex: string }).regex, 'i');
    expect(re.test('Hi (there)?')).toBe(true);
    expect(re.test('Oh, Hi (there)? you')).toBe(false);
  });

  it('joins a stream: content, reasoning, tool calls by index with their arguments', () => {
    const body = sse(
      delta({ role: 'assistant', reasoning_content: 'Think' }),
      delta({ reasoning_content: 'ing.' }),
      delta({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'get_', arguments: '{"ci' } }] }),
      delta({ tool_calls: [{ index: 0, function: { name: 'weather', arguments: 'ty":"Paris"}' } }] }),
      delta({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'now', arguments: '{ "tz": 1 }' } }] }),
      delta({}, 'tool_calls'),
      '[DONE]',
    );
    const made = exchangeToFixture({ request, status: 200, headers: SSE, body, at });
    expect(made).toEqual({
      fixture: {
        name: 'recorded 2026-01-02T03:04:05Z: stream, finish tool_calls',
        match: matchFromRequest(request),
        reply: {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_a' },
            // Not compact JSON: kept as the exact text, so the replay sends the same bytes.
            { name: 'now', arguments: '{ "tz": 1 }', id: 'call_b' },
          ],
          reasoning: 'Thinking.',
        },
      },
    });
  });

  it('records an in-band error and a cut stream as the matching stream faults', () => {
    const errored = exchangeToFixture({
      request,
      status: 200,
      headers: SSE,
      body: sse(delta({ content: 'Hel' }), delta({ content: 'lo' }), { error: { message: 'boom' } }),
      at,
    });
    expect(errored).toMatchObject({ fixture: { reply: { content: 'Hello', fault: 'stream-error@2' } } });
    const cut = exchangeToFixture({ request, status: 200, headers: SSE, body: sse(delta({ content: 'Hel' })), at });
    expect(cut).toMatchObject({ fixture: { reply: { content: 'Hel', fault: 'stream-cut@1' } } });
  });

  it('records errors from either envelope, with Retry-After, and skips what is not an answer', () => {
    const standard = exchangeToFixture({
      request,
      status: 429,
      headers: { 'retry-after': '7' },
      body: JSON.stringify({
        error: { message: 'Slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null },
      }),
      at,
    });
    expect(standard).toMatchObject({
      fixture: {
        reply: {
          error: {
            status: 429,
            type: 'rate_limit_error',
            code: 'rate_limit_exceeded',
            message: 'Slow down',
            retryAfter: 7,
          },
        },
      },
    });
    const flat = exchangeToFixture({
      request,
      status: 503,
      headers: {},
      body: '{"object":"error","message":"down","code":503}',
      at,
    });
    expect(flat).toMatchObject({ fixture: { reply: { error: { status: 503, message: 'down', code: '503' } } } });
    const plain = exchangeToFixture({ request, status: 502, headers: {}, body: 'Bad gateway\n', at });
    expect(plain).toMatchObject({ fixture: { reply: { error: { status: 502, message: 'Bad gateway' } } } });
    expect(exchangeToFixture({ request, status: 200, headers: {}, body: '<html>', at })).toHaveProperty('skipped');
    expect(exchangeToFixture({ request, status: 302, headers: {}, body: '', at })).toHaveProperty('skipped');
  });

  it('redacts a key an upstream echoes back', () => {
    const f = redactFixture(
      { match: {}, reply: { error: { status: 401, message: 'Incorrect API key provided: sk-live-abcdef' } } },
      ['sk-live-abcdef'],
    );
    expect(JSON.stringify(f)).not.toContain('sk-live-abcdef');
    expect(f.reply!.error!.message).toContain('[REDACTED]');
  });
});

describe('FixtureAppender', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'relaycheck-append-'));
  const fixture = (n: number) => ({ match: { userMessage: `q${n}` }, reply: { content: `a${n}` } });

  it('creates a loadable file, and appends concurrent exchanges one after another', async () => {
    const path = join(dir(), 'new.yaml');
    const appender = new FixtureAppender(path);
    expect(loadFixtureFile(path)).toEqual([]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => appender.append(fixture(i))));
    expect(loadFixtureFile(path)).toEqual(Array.from({ length: 20 }, (_, i) => fixture(i)));
  });

  it('appends to a hand-written file keeping its comments, and rewrites a flow list once', async () => {
    const d = dir();
    const block = join(d, 'block.yaml');
    writeFileSync(block, '# mine\nfixtures:\n- match: { model: m }\n  reply: { content: kept }');
    const a = new FixtureAppender(block);
    await a.append(fixture(1));
    expect(readFileSync(block, 'utf8')).toContain('# mine');
    expect(loadFixtureFile(block).map((f) => f.reply!.content)).toEqual(['kept', 'a1']);

    const flow = join(d, 'flow.yaml');
    writeFileSync(flow, 'fixtures: [{ match: {}, reply: { content: old } }]\n');
    const b = new FixtureAppender(flow);
    await b.append(fixture(2));
    await b.append(fixture(3));
    expect(loadFixtureFile(flow).map((f) => f.reply!.content)).toEqual(['old', 'a2', 'a3']);
  });

  it('refuses an invalid fixture without touching the file, and goes on with the next', async () => {
    const path = join(dir(), 'bad.yaml');
    const appender = new FixtureAppender(path);
    await expect(appender.append({ match: {}, reply: { content: 'x', toolCalls: [{ name: 't' }] } })).rejects.toThrow(
      /invalid fixtures/,
    );
    await appender.append(fixture(1));
    expect(loadFixtureFile(path)).toEqual([fixture(1)]);
  });
});
