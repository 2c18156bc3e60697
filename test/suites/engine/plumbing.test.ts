// Targets and config, the per-target session (sharing, limits, counting, reproducers), the
// concurrency limiter and the report's text forms.
import { describe, expect, it } from 'vitest';
import type { ReportTarget } from '../../../spec/generated/types.js';
import { costOf, priceFor } from '../../../spec/prices.js';
import { createLimiter } from '../../../suites/engine/concurrency.js';
import { buildReport, progressLine, renderTable } from '../../../suites/report/report-file.js';
import { reportedUsage, TargetSession } from '../../../suites/engine/session.js';
import type { ExchangeResult } from '../../../suites/transport/http.js';
import { ConfigError, parseConfig, parseHeaderFlag, resolveTarget } from '../../../suites/target.js';
import { KEY, completion, json, localServer, sse, sseOf, target } from '../helpers.js';

/** An SSE stream of named events, as the Responses and Messages APIs send them. */
const named = (events: readonly { type: string }[]): string =>
  events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

/** The tally of one exchange, priced as a report row would be. */
const priced = (model: string, used: ReturnType<typeof reportedUsage>): number =>
  costOf(priceFor(model)!, {
    promptTokens: used.prompt,
    completionTokens: used.completion,
    cacheReadTokens: used.cacheRead,
    cacheWriteTokens: used.cacheWrite,
  });

describe('cost accounting', () => {
  it("counts the Responses API's usage (input/output tokens, a stream's terminal response) as Chat's", () => {
    const usage = { input_tokens: 11, output_tokens: 4, total_tokens: 15 };
    const none = { cacheRead: 0, cacheWrite: 0 };
    expect(reportedUsage(json({ object: 'response', usage }) as ExchangeResult)).toEqual({
      prompt: 11,
      completion: 4,
      ...none,
    });
    const events = [
      { type: 'response.created', response: { usage: null } },
      { type: 'response.completed', response: { usage } },
    ];
    expect(reportedUsage(sse(named(events)) as ExchangeResult)).toEqual({ prompt: 11, completion: 4, ...none });
    expect(reportedUsage(json({ usage: { prompt_tokens: 2, completion_tokens: 1 } }) as ExchangeResult)).toEqual({
      prompt: 2,
      completion: 1,
      ...none,
    });
  });

  // OpenAI's cached tokens are part of the prompt count (the prompt-caching guide's example:
  // prompt_tokens 2006 with cached_tokens 1920); Anthropic's input_tokens leaves the cache's out
  // ("total_input_tokens = cache_read_input_tokens + cache_creation_input_tokens + input_tokens").
  it("chat: cached_tokens are within prompt_tokens, read at gpt-4o-mini's cached price", () => {
    const usage = { prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920 } };
    const used = reportedUsage(json({ object: 'chat.completion', usage }) as ExchangeResult);
    expect(used).toEqual({ prompt: 2006, completion: 300, cacheRead: 1920, cacheWrite: 0 });
    // 86 uncached at $0.15, 1,920 cached at $0.075, 300 out at $0.60 per 1M.
    expect(priced('gpt-4o-mini', used)).toBeCloseTo((86 * 0.15 + 1920 * 0.075 + 300 * 0.6) / 1e6, 15);
    // Streamed: the usage chunk at the end.
    const stream = sseOf([{ choices: [{ index: 0, delta: { content: 'x' } }] }, { choices: [], usage }]);
    expect(reportedUsage(sse(stream) as ExchangeResult)).toEqual(used);
  });

  it('responses: input_tokens_details.cached_tokens are within input_tokens, read at the cached price', () => {
    const usage = { input_tokens: 1200, output_tokens: 10, input_tokens_details: { cached_tokens: 1152 } };
    const events = [
      { type: 'response.created', response: { usage: null } },
      { type: 'response.completed', response: { usage } },
    ];
    const used = reportedUsage(sse(named(events)) as ExchangeResult);
    expect(used).toEqual({ prompt: 1200, completion: 10, cacheRead: 1152, cacheWrite: 0 });
    expect(priced('gpt-4.1', used)).toBeCloseTo((48 * 2 + 1152 * 0.5 + 10 * 8) / 1e6, 15);
  });

  it("messages: input_tokens exclude the cache's reads and writes; writes at 1.25× input, reads at the cached price", () => {
    const usage = {
      input_tokens: 50,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 200,
      output_tokens: 7,
    };
    const used = reportedUsage(json({ type: 'message', usage }) as ExchangeResult);
    expect(used).toEqual({ prompt: 1250, completion: 7, cacheRead: 1000, cacheWrite: 200 });
    // claude-sonnet-4-5: $3 input, $0.30 cache reads, $3.75 (1.25 × 3) cache writes, $15 output.
    const want = (50 * 3 + 1000 * 0.3 + 200 * 3.75 + 7 * 15) / 1e6;
    expect(priced('claude-sonnet-4-5', used)).toBeCloseTo(want, 15);
    // Streamed: the input and cache counts in message_start, only output_tokens in message_delta.
    const events = [
      { type: 'message_start', message: { usage: { ...usage, output_tokens: 1 } } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
      { type: 'message_stop' },
    ];
    expect(reportedUsage(sse(named(events)) as ExchangeResult)).toEqual(used);
  });

  it('never lets a cached count exceed its prompt, and prices cache reads at input where no cached price is known', () => {
    const inflated = { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 5000 } };
    const used = reportedUsage(json({ usage: inflated }) as ExchangeResult);
    expect(used).toEqual({ prompt: 100, completion: 1, cacheRead: 100, cacheWrite: 0 });
    const responses = { input_tokens: 10, output_tokens: 1, input_tokens_details: { cached_tokens: -3 } };
    expect(reportedUsage(json({ usage: responses }) as ExchangeResult).cacheRead).toBe(0);
    // gpt-5's table row has no cachedInput: cache reads cost the input price, as if uncached.
    expect(priced('gpt-5', used)).toBeCloseTo(priced('gpt-5', { ...used, cacheRead: 0 }), 15);
    // OpenAI bills no cache write: a model no rule matches pays input for them.
    expect(priced('gpt-4o-mini', { prompt: 100, completion: 0, cacheRead: 0, cacheWrite: 100 })).toBeCloseTo(
      (100 * 0.15) / 1e6,
      15,
    );
  });
});

describe('config and targets', () => {
  it('parses targets with defaults', () => {
    const c = parseConfig(
      'concurrency: 2\ntargets:\n  - name: a\n    baseUrl: https://relay.example/v1\n    models: { model: m, vision: v }\n',
    );
    expect(c).toEqual({
      concurrency: 2,
      targets: [
        {
          name: 'a',
          baseUrl: 'https://relay.example/v1',
          keyEnv: 'RELAYCHECK_API_KEY',
          models: { model: 'm', vision: 'v' },
          headers: {},
          auth: 'bearer',
        },
      ],
    });
  });
  it('refuses duplicate names, unknown required features, credentials in the URL, bad YAML', () => {
    const two =
      'targets:\n  - { name: a, baseUrl: "http://x/v1", models: { model: m } }\n  - { name: a, baseUrl: "http://y/v1", models: { model: m } }\n';
    expect(() => parseConfig(two)).toThrow(/used twice/);
    expect(() =>
      parseConfig('targets:\n  - { name: a, baseUrl: "http://x/v1", models: { model: m }, require: [nope] }\n'),
    ).toThrow(/unknown feature/);
    expect(() => parseConfig('targets:\n  - { name: a, baseUrl: "http://u:p@x/v1", models: { model: m } }\n')).toThrow(
      /not in the URL/,
    );
    expect(() => parseConfig('targets: [')).toThrow(ConfigError);
  });
  it('parses --header and resolves ${VAR} values and the key from the environment, as secrets', () => {
    expect(parseHeaderFlag('X-Title: relay check')).toEqual(['X-Title', 'relay check']);
    expect(() => parseHeaderFlag('no colon')).toThrow(ConfigError);
    const config = {
      name: 't',
      baseUrl: 'http://x/v1',
      keyEnv: 'K',
      models: { model: 'm' },
      headers: { 'X-Org': '${ORG}' },
      secretEnv: ['ORG'],
      auth: 'bearer' as const,
    };
    const t = resolveTarget(config, { K: ' sk-1234 ', ORG: 'org-secret' });
    expect(t.apiKey).toBe('sk-1234');
    expect(t.headers).toEqual({ 'X-Org': 'org-secret' });
    expect(t.secrets).toEqual(['sk-1234', 'org-secret']);
    expect(() => resolveTarget(config, { ORG: 'x' })).toThrow(/K is not set/);
    expect(() => resolveTarget(config, { K: 'sk-1234' })).toThrow(/ORG/);
    expect(() => resolveTarget({ ...config, headers: { Authorization: 'Bearer x' } }, { K: 'sk-1234' })).toThrow(
      /not in an extra header \(Authorization\)/,
    );
  });
});

describe('createLimiter', () => {
  it('never runs more than n tasks at once, and runs them all', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limit(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          if (i === 5) throw new Error('boom');
          return i;
        }).catch((e: Error) => e.message),
      ),
    );
    expect(peak).toBe(3);
    expect(results[5]).toBe('boom');
    expect(results[11]).toBe(11);
  });
});

describe('TargetSession', () => {
  it('sends identical requests once (even in flight), repeats on purpose, counts requests and tokens, never retries noRetry', async () => {
    const seen: string[] = [];
    const server = await localServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.headers.authorization ?? req.headers['api-key'] ?? 'none'} ${body}`);
        if (body.includes('fail')) {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end('{"error":{"message":"busy"}}');
          return;
        }
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
          // One answer says 4 of its 7 prompt tokens came from the cache.
          const cached = body.includes('"max_tokens":2') ? { prompt_tokens_details: { cached_tokens: 4 } } : {};
          res.end(JSON.stringify(completion({ usage: { ...usage, ...cached } })));
        }, 10);
      });
    });
    try {
      const session = new TargetSession(target(server.url), { limits: { maxRetries: 1, baseRetryDelayMs: 1 } });
      const spec = { label: 'a', body: { messages: [], max_tokens: 1, temperature: 0 } };
      const reordered = { label: 'b', body: { temperature: 0, max_tokens: 1, messages: [] } };
      const [a, b] = await Promise.all([session.send(spec, 'model'), session.send(reordered, 'model')]);
      expect(a).toBe(b);
      await session.send({ ...spec, repeat: 2 }, 'model');
      await session.send({ ...spec, auth: 'none' }, 'model');
      await session.send({ label: 'x', body: { fail: true }, noRetry: true }, 'model');
      await session.send({ label: 'y', body: { fail: 'retried' } }, 'model');
      await session.send({ label: 'c', body: { messages: [], max_tokens: 2 } }, 'model');
      expect(seen).toHaveLength(7);
      expect(seen[0]).toContain(`Bearer ${KEY}`);
      expect(seen[0]).toContain('"model":"mock-model"');
      expect(seen[2]).toMatch(/^none /);
      expect(session.usage).toEqual({
        requests: 7,
        logicalRequests: 6,
        promptTokens: 28,
        completionTokens: 12,
        // Split by the model each request named, for pricing each at its own price.
        // With the prompt tokens the relay reported cached, priced apart.
        byModel: [
          { model: 'mock-model', promptTokens: 28, completionTokens: 12, cacheReadTokens: 4, cacheWriteTokens: 0 },
        ],
      });
    } finally {
      await server.close();
    }
  });

  it('builds curl reproducers: the key from its variable, a wrong key written out, api-key auth, no body secrets', async () => {
    const t = target('http://relay.example/v1/', { keyEnv: 'MY_KEY', headers: { 'X-Title': 'rc', 'X-Token': KEY } });
    const session = new TargetSession(t);
    const fake = {
      status: 200,
      headers: {},
      contentType: '',
      text: '',
      truncated: false,
      attempts: 1,
      bytes: 0,
      evidence: {} as never,
    };
    const sent = (auth: 'key' | 'none' | 'wrong') => ({
      ...session.resolve({ label: 'l', body: { messages: [{ role: 'user', content: KEY }] }, auth }, 'model'),
      result: fake,
    });
    const keyed = session.curl(sent('key'));
    expect(keyed).toContain('curl -sS http://relay.example/v1/chat/completions');
    expect(keyed).toContain('-H "Authorization: Bearer $MY_KEY"');
    expect(keyed).toContain("-H 'X-Title: rc'");
    expect(keyed).not.toContain(KEY);
    expect(session.curl(sent('none'))).not.toContain('Authorization');
    expect(session.curl(sent('wrong'))).toContain("-H 'Authorization: Bearer sk-relaycheck-wrong-key");
    const apiKey = new TargetSession({ ...t, auth: 'api-key' });
    expect(apiKey.resolve({ label: 'l', body: {} }, 'model').request.headers['api-key']).toBe(KEY);
    expect(apiKey.curl({ ...apiKey.resolve({ label: 'l', body: {} }, 'model'), result: fake })).toContain(
      '-H "api-key: $MY_KEY"',
    );
  });
});

describe('report text', () => {
  const targetReport = (name: string, verdict: 'supported' | 'ignored'): ReportTarget => ({
    name,
    baseUrl: 'http://x/v1',
    model: 'm',
    usage: { requests: 3, promptTokens: 10, completionTokens: 5 },
    durationMs: 1200,
    results: [
      { feature: 'chat.basic', verdict: 'supported', summary: 'ok', evidence: [], reproduce: '' },
      {
        feature: 'stop',
        verdict,
        summary: verdict === 'ignored' ? 'stop ignored: output contains "gamma" after the stop sequence' : 'fine',
        evidence: [],
        reproduce: '',
      },
    ],
  });
  it('puts targets side by side, with costs and findings', () => {
    const text = renderTable(buildReport([targetReport('one', 'supported'), targetReport('two', 'ignored')]));
    expect(text).toMatch(/feature\s+one\s+two/);
    expect(text).toMatch(/stop\s+supported\s+IGNORED/);
    expect(text).toContain('3 requests on the wire, 15 tokens (10 prompt + 5 completion), price unknown for m, 1.2 s');
    expect(text).toContain('[two] stop ignored: output contains "gamma"');
    expect(progressLine('two', targetReport('two', 'ignored').results[1]!)).toMatch(
      /^\[two\] stop\s+ignored\s+stop ignored/,
    );
  });
});
