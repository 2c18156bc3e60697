// Issue 23, newcomer 4: a base URL missing `/v1` in front of a JSON server is diagnosed as
// such ("did you mean .../v1?"), not blamed on the model; and a target that cannot be
// measured prints its one root cause once per stream, not a progress line and a table row
// per feature.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../../scripts/cli/commands/run.js';
import { judgeBasePath, judgeChatAnswer, withV1 } from '../../../suites/engine/preflight.js';
import { json, KEY, text } from '../helpers.js';

const NOT_FOUND = {
  error: { message: 'Invalid URL (POST /chat/completions)', type: 'invalid_request_error', code: null },
};

describe('judgeBasePath (pure)', () => {
  it('both routes missing, no word about the model: the base URL, with the /v1 it probably lacks', () => {
    const cause = judgeBasePath(json({ detail: 'Not Found' }, 404), json(NOT_FOUND, 404), 'https://relay.example/');
    expect(cause?.cause).toBe('wrong-base-url');
    expect(cause?.line).toContain('check --base-url: did you mean https://relay.example/v1?');
    expect(cause?.line).not.toMatch(/--model/);
    // What the chat judge alone said: the model and the headers.
    expect(judgeChatAnswer(json(NOT_FOUND, 404), 'gpt-4o-mini', 'model', 'K')?.line).toMatch(/--model/);
  });

  it('a path that already names a version gets no suggestion, still the base URL', () => {
    const cause = judgeBasePath(json({}, 404), json(NOT_FOUND, 404), 'https://relay.example/openai/v1');
    expect(cause?.line).toMatch(/check --base-url$/);
    expect(withV1('https://relay.example/api/')).toBe('https://relay.example/api/v1');
    expect(withV1('https://relay.example/v1beta')).toBeUndefined();
  });

  it('leaves the other causes to judgeChatAnswer', () => {
    const modelMissing = json({ error: { message: 'The model `x` does not exist', code: 'model_not_found' } }, 404);
    expect(judgeBasePath(json({}, 404), modelMissing, 'https://relay.example')).toBeUndefined();
    expect(judgeBasePath(json({ data: [] }, 200), json(NOT_FOUND, 404), 'https://relay.example')).toBeUndefined();
    expect(judgeBasePath(json({}, 404), json(NOT_FOUND, 400), 'https://relay.example')).toBeUndefined();
    // An HTML 404 is "not the API", which judgeChatAnswer names (and points at --base-url).
    expect(
      judgeBasePath(json({}, 404), text('<html>Not Found</html>', 404, 'text/html'), 'https://r.example'),
    ).toBeUndefined();
  });
});

describe('relaycheck run against a JSON server, the base URL without /v1', () => {
  let server: Server;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the base URL once on each stream, with no row per feature', async () => {
    // A JSON API that lives under /v1: everything else is a JSON 404, as OpenAI's own answer.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(NOT_FOUND));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
    process.env['RELAYCHECK_API_KEY'] = KEY;
    let code: number;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'relaycheck-v1-'));
      code = await runCommand(['--base-url', root, '--model', 'gpt-4o-mini', '--out', dir]);
    } finally {
      out.mockRestore();
      err.mockRestore();
      delete process.env['RELAYCHECK_API_KEY'];
    }
    expect(code).toBe(2);
    expect(stderr).toContain(`did you mean ${root}/v1?`);
    expect(stderr).not.toMatch(/check --model/);
    // Printed once: one line on stderr (the exit reason), one in stdout's findings, no per-feature lines.
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout.match(/did you mean/g)).toHaveLength(1);
    expect(stdout).not.toMatch(/\bERROR\b/);
    expect(stdout.split('\n').length).toBeLessThan(15);
  }, 20_000);
});
