// Hand-written hostile servers: the run must finish (bounded by small transport limits),
// never crash or hang, and say broken/error with clear summaries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportTarget } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import { buildReport } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import type { ExchangeLimits } from '../../suites/transport/http.js';
import { KEY, localServer, target } from '../suites/helpers.js';

const LIMITS: Partial<ExchangeLimits> = {
  timeoutMs: 1000,
  firstByteTimeoutMs: 500,
  maxStreamMs: 150,
  doneGraceMs: 100,
  maxRetries: 0,
};
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on('data', () => undefined);
    req.on('end', resolve);
    req.on('error', () => resolve());
  });
}

async function runAgainst(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<ReportTarget> {
  const server = await localServer((req, res) => {
    void drain(req).then(() => handler(req, res));
  });
  closers.push(server.close);
  const started = Date.now();
  const { report } = await runTarget(target(server.url), { limits: LIMITS, concurrency: 16 });
  expect(Date.now() - started).toBeLessThan(8000);
  expect(validate('report', buildReport([report])).errors).toEqual([]);
  expect(JSON.stringify(report)).not.toContain(KEY);
  return report;
}

const verdicts = (r: ReportTarget): Record<string, string> =>
  Object.fromEntries(r.results.map((x) => [x.feature, x.verdict]));
const result = (r: ReportTarget, feature: string) => r.results.find((x) => x.feature === feature)!;

describe('hostile servers', () => {
  it('a stream that never ends: does not speak the API, so nothing is measured (issue 23)', async () => {
    const report = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }] })}\n\n`,
      );
      const keepAlive = setInterval(() => res.write(': still here\n\n'), 50);
      res.on('close', () => clearInterval(keepAlive));
    });
    // Before: the preflight accepted it, and every probe paid the full stream bound.
    expect(new Set(Object.values(verdicts(report)))).toEqual(new Set(['error']));
    expect(result(report, 'chat.basic').summary).toMatch(
      /^not measured: .*a stream that never finished.*not the OpenAI API/,
    );
    expect(report.health).toMatchObject({ status: 'unmeasured', cause: 'not-the-api' });
  });

  it('invalid JSON everywhere: not the API, so nothing is measured (one cause, no verdict drawn)', async () => {
    const report = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-1", "choices": [');
    });
    expect(new Set(Object.values(verdicts(report)))).toEqual(new Set(['error']));
    expect(result(report, 'chat.basic').summary).toMatch(/^not measured: .*a non-JSON body .*not the OpenAI API/);
  });

  it('HTTP 200 with {"error": ...} everywhere: not measured, the error body named as the cause', async () => {
    const report = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'no channel available for this model',
            type: 'server_error',
            param: null,
            code: 'no_channel',
          },
        }),
      );
    });
    expect(new Set(Object.values(verdicts(report)))).toEqual(new Set(['error']));
    expect(result(report, 'chat.basic').summary).toContain(
      'not measured: every chat request answers HTTP 200 with an error body (no_channel: no channel available for this model)',
    );
  });

  it('a connection reset on every chat request: error, never a crash', async () => {
    const report = await runAgainst((req, res) => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model', created: 1, owned_by: 'x' }] }),
        );
        return;
      }
      req.socket.destroy();
    });
    expect(new Set(Object.values(verdicts(report)))).toEqual(new Set(['error']));
    expect(result(report, 'chat.basic').summary).toContain('not measured: the target reset the connection');
  });

  it('a probe that throws gives an error verdict, not a crash', async () => {
    const server = await localServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.method === 'GET'
          ? '{"object":"list","data":[]}'
          : '{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}',
      );
    });
    closers.push(server.close);
    const throwing = {
      feature: 'chat.basic',
      needs: 'model' as const,
      steps: [[{ label: 'x', body: {} }]],
      judge: () => {
        throw new Error('judge bug');
      },
    };
    const run = await runTarget(target(server.url), { limits: LIMITS, only: ['chat.basic'], probes: [throwing] });
    expect(run.report.results[0]).toMatchObject({
      feature: 'chat.basic',
      verdict: 'error',
      summary: 'internal error in the chat.basic probe: judge bug',
    });
  });

  it('an unreachable target stops early with one clear problem', async () => {
    const server = await localServer(() => undefined);
    await server.close();
    const run = await runTarget(target(server.url), { limits: LIMITS });
    expect(run.problems.join()).toContain('could not be reached');
    expect(new Set(run.report.results.map((r) => r.verdict))).toEqual(new Set(['error']));
    expect(run.report.usage.requests).toBe(1);
  });

  it('a server that never answers stops early after the first timeout', async () => {
    const server = await localServer(() => undefined);
    closers.push(server.close);
    const run = await runTarget(target(server.url), { limits: LIMITS });
    expect(run.problems.join()).toContain('did not answer (no response headers within 500 ms)');
    expect(run.report.usage.requests).toBe(1);
  });

  it('a refused key (401 on GET /models) stops early', async () => {
    const server = await localServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        }),
      );
    });
    closers.push(server.close);
    const run = await runTarget(target(server.url), { limits: LIMITS });
    expect(run.problems.join()).toContain('key was refused');
    expect(run.report.usage.requests).toBe(1);
  });
});
