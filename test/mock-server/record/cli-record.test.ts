// `relaycheck mock --record` as a user runs it: a real process recording a running mock, the
// key in the environment only, a log line per exchange, the file complete after Ctrl-C.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockProvider, loadFixtureFile } from '../../../mock-server/index.js';

const BIN = fileURLToPath(new URL('../../../bin/relaycheck.js', import.meta.url));
const KEY = 'sk-upstream-CLI-SECRET-4242';
const upstream = createMockProvider({ apiKeys: [KEY] });
afterAll(() => upstream.stop());

describe('relaycheck mock --record (CLI)', () => {
  it('records through a real process, logs each exchange without the key, and the file replays', async () => {
    const upstreamUrl = (await upstream.start({ port: 0 })).baseUrl;
    const file = join(mkdtempSync(join(tmpdir(), 'relaycheck-cli-record-')), 'session.yaml');
    const child = spawn(
      process.execPath,
      [BIN, 'mock', '--port', '0', '--record', file, '--upstream', upstreamUrl, '--upstream-key-env', 'MY_RELAY_KEY'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MY_RELAY_KEY: KEY } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'Output exactly: recorded' }] }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).toBe('recorded');
    child.kill('SIGINT');
    await once(child, 'exit');
    expect(out).toContain(`recorded fixture 0 to ${file}: 200`);
    expect(out + err).not.toContain(KEY);
    expect(readFileSync(file, 'utf8')).not.toContain(KEY);
    expect(loadFixtureFile(file).map((f) => f.reply?.content)).toEqual(['recorded']);
  });
});
