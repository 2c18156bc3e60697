// Hand-written hostile servers: the run must finish (bounded by small transport limits),
// never crash or hang, and say broken/error with clear summaries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportTarget } from '../../spec/generated/types.js';
import { validate } from '../../spec/validators.js';
import { buildReport } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/runner.js';
import type { ExchangeLimits } from '../../suites/transport/http.js';
import { KEY, localServer, target } from './helpers.js';

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
  it('a stream that never ends: stream.sse broken, everything else error', async () => {
    const report = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }] })}\n\n`,
      );
      const keepAlive = setInterval(() => res.write(': still here\n\n'), 50);
      res.on('close', () => clearInterval(keepAlive));
    });
    const v = verdicts(report);
    expect(v['stream.sse']).toBe('broken');
    expect(result(report, 'stream.sse').summary).toContain('never ended');
    for (const [feature, verdict] of Object.entries(v)) expect(['broken', 'error'], feature).toContain(verdict);
    expect(result(report, 'chat.basic').summary).toMatch(/never ended/);
  });

  it('invalid JSON everywhere: broken (or error where nothing could be measured)', async () => {
    const report = await runAgainst((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-1", "choices": [');
    });
    const v = verdicts(report);
    for (const f of [
      'chat.basic',
      'models.list',
      'stream.sse',
      'stream.default',
      'errors.status',
      'errors.envelope',
      'errors.in_band',
      'tools.call',
      'stop',
      'params.unknown',
    ]) {
      expect(v[f], f).toBe('broken');
    }
    for (const [feature, verdict] of Object.entries(v))
      expect(['broken', 'error', 'skipped'], feature).toContain(verdict);
    expect(result(report, 'chat.basic').summary).toContain('not JSON');
  });

  it('HTTP 200 with {"error": ...} everywhere: chat.basic and the status features broken, nothing supported but the envelope', async () => {
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
    const v = verdicts(report);
    expect(v['chat.basic']).toBe('broken');
    expect(v['errors.status']).toBe('broken');
    expect(v['errors.in_band']).toBe('broken');
    expect(result(report, 'chat.basic').summary).toContain('HTTP 200 with an error body');
    for (const [feature, verdict] of Object.entries(v)) {
      if (feature !== 'errors.envelope') expect(verdict, feature).not.toBe('supported');
    }
    expect(result(report, 'stop').warnings?.join()).toContain('HTTP 200');
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
    const v = verdicts(report);
    expect(v['models.list']).toBe('supported');
    for (const [feature, verdict] of Object.entries(v))
      if (feature !== 'models.list') expect(['error', 'broken'], feature).toContain(verdict);
    expect(result(report, 'chat.basic').summary).toContain('could not measure');
  });

  it('a probe that throws gives an error verdict, not a crash', async () => {
    const server = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"object":"list","data":[]}');
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
    expect(run.problems.join()).toContain('could not be reached (no response headers within 500 ms)');
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
