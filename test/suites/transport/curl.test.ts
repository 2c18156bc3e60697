import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from '../../../suites/transport/curl.js';
import { resolveTarget } from '../../../suites/target.js';
import { createRedactor } from '../../../suites/transport/redact.js';

const KEY = 'sk-test-0123456789abcdef';

/**
 * A tiny POSIX shell-word splitter: backslash-newline continuations, single quotes,
 * double quotes with $NAME expansion, backslash escapes. Rejects anything else that a
 * shell would interpret (command substitution, operators, unquoted $).
 */
function shellWords(cmd: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i]!;
    if (c === '\\') {
      const n = cmd[i + 1];
      if (n === undefined) throw new Error('trailing backslash');
      i += 2;
      if (n === '\n') continue;
      cur += n;
      inWord = true;
    } else if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      if (j < 0) throw new Error('unterminated single quote');
      cur += cmd.slice(i + 1, j);
      inWord = true;
      i = j + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        const d = cmd[i];
        if (d === undefined) throw new Error('unterminated double quote');
        if (d === '"') break;
        if (d === '`') throw new Error('command substitution');
        if (d === '\\' && '$`"\\\n'.includes(cmd[i + 1] ?? '')) {
          cur += cmd[i + 1];
          i += 2;
        } else if (d === '$') {
          const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(cmd.slice(i));
          if (!m) throw new Error('unsupported expansion');
          cur += env[m[1] ?? m[2]!] ?? '';
          i += m[0].length;
        } else {
          cur += d;
          i++;
        }
      }
      i++;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if ('$`;&|<>()*?[]#~'.includes(c)) {
      throw new Error(`unquoted special character ${c}`);
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Run the command in a real POSIX shell with `curl` replaced by a function that prints its arguments. */
function realShellWords(cmd: string, env: Record<string, string>): string[] | undefined {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${cmd}\n`;
  const run = spawnSync('sh', ['-c', script], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  if (run.error) return undefined; // no sh on this machine
  expect(run.status, run.stderr).toBe(0);
  return ['curl', ...run.stdout.split('\0').slice(0, -1)];
}

function argAfter(words: string[], flag: string): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    if (w === flag && words[i + 1] !== undefined) out.push(words[i + 1]!);
  });
  return out;
}

describe('toCurl', () => {
  const streaming = {
    method: 'POST',
    url: 'https://relay.example/v1/chat/completions',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'X-Trace': "it's" },
    body: {
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: "Don't say 'hi' $HOME `ls` \\ \"q\"\n中文" }],
    },
  };

  it('is a streaming curl with the key from the environment, never the literal key', () => {
    const cmd = toCurl(streaming);
    expect(cmd).not.toContain(KEY);
    expect(cmd).toContain('"Authorization: Bearer $RELAYCHECK_API_KEY"');
    const words = shellWords(cmd, { RELAYCHECK_API_KEY: 'k1' });
    expect(words.slice(0, 3)).toEqual(['curl', '-sS', '-N']);
    expect(words).not.toContain('-X');
    expect(words).toContain('https://relay.example/v1/chat/completions');
    expect(argAfter(words, '-H')).toEqual([
      'Authorization: Bearer k1',
      'Content-Type: application/json',
      "X-Trace: it's",
    ]);
    expect(JSON.parse(argAfter(words, '--data-raw')[0]!)).toEqual(streaming.body);
  });

  it('round-trips through a real POSIX shell too', () => {
    const cmd = toCurl(streaming);
    const words = realShellWords(cmd, { RELAYCHECK_API_KEY: 'k1' });
    if (!words) return;
    expect(words).toEqual(shellWords(cmd, { RELAYCHECK_API_KEY: 'k1' }));
  });

  it('api-key scheme, a custom env var, no -N for non-streaming', () => {
    const cmd = toCurl(
      { method: 'POST', url: 'https://x/y', headers: { 'api-key': KEY }, body: { a: 1 } },
      { authScheme: 'api-key', keyEnvVar: 'MY_KEY' },
    );
    expect(cmd).not.toContain(KEY);
    const words = shellWords(cmd, { MY_KEY: 'k2' });
    expect(words).not.toContain('-N');
    expect(argAfter(words, '-H')).toEqual(['api-key: k2']);
  });

  it('drops secret-bearing and already-redacted headers; refuses odd env var names', () => {
    const cmd = toCurl(
      {
        method: 'GET',
        url: 'https://x/v1/models',
        headers: { 'x-api-key': KEY, 'x-other': 'v [REDACTED]', accept: 'application/json' },
      },
      { keyEnvVar: '$(rm -rf /)' },
    );
    expect(cmd).not.toContain(KEY);
    expect(cmd).not.toContain('rm -rf');
    const words = shellWords(cmd, { RELAYCHECK_API_KEY: 'k' });
    expect(argAfter(words, '-H')).toEqual(['Authorization: Bearer k', 'accept: application/json']);
    expect(words).not.toContain('--data-raw');
  });

  it('writes the configured extra headers: secret ones as $VARIABLE references, the rest as they are', () => {
    const target = resolveTarget(
      {
        name: 't',
        baseUrl: 'https://gw.example/v1',
        keyEnv: 'GW_KEY',
        models: { model: 'm' },
        headers: {
          'x-portkey-provider': '${PROVIDER}',
          'x-portkey-config': 'pc "${PK_CFG}" $x',
          'x-api-key': '${ANT}',
        },
        secretEnv: ['PK_CFG'],
        auth: 'bearer',
      },
      { GW_KEY: KEY, PROVIDER: 'openai', PK_CFG: 'pc-secret-99', ANT: 'ant-secret-77' },
    );
    const cmd = toCurl(
      { method: 'POST', url: 'https://gw.example/v1/chat/completions', headers: target.headers, body: { a: 1 } },
      { keyEnvVar: target.keyEnv, secretHeaders: target.secretHeaders!, redactor: createRedactor(target.secrets) },
    );
    for (const secret of target.secrets) expect(cmd).not.toContain(secret);
    const env = { GW_KEY: 'k', PK_CFG: 'from-env', ANT: 'ant-env' };
    const headers = argAfter(shellWords(cmd, env), '-H');
    expect(headers).toEqual([
      'Authorization: Bearer k',
      'x-portkey-provider: openai',
      'x-portkey-config: pc "from-env" $x',
      'x-api-key: ant-env',
    ]);
    const real = realShellWords(cmd, env);
    if (real) expect(argAfter(real, '-H')).toEqual(headers);
    // Without the templates, a header holding a secret is left out rather than printed.
    const bare = toCurl(
      { method: 'GET', url: 'https://gw.example/v1/models', headers: target.headers },
      { redactor: createRedactor(target.secrets) },
    );
    expect(argAfter(shellWords(bare, { RELAYCHECK_API_KEY: 'k' }), '-H')).toEqual([
      'Authorization: Bearer k',
      'x-portkey-provider: openai',
    ]);
  });

  it('authScheme none sends no key; -X when the method is not inferred; raw bodies verbatim', () => {
    const cmd = toCurl(
      { method: 'delete', url: 'https://x/a', headers: {}, bodyRaw: "{not json'" },
      { authScheme: 'none' },
    );
    const words = shellWords(cmd, {});
    expect(argAfter(words, '-X')).toEqual(['DELETE']);
    expect(argAfter(words, '-H')).toEqual([]);
    expect(argAfter(words, '--data-raw')).toEqual(["{not json'"]);
  });

  it('applies the redactor to the URL and body', () => {
    const r = createRedactor([KEY]);
    const cmd = toCurl(
      { method: 'POST', url: `https://x/a?key=${KEY}`, headers: {}, body: { k: KEY } },
      { redactor: r },
    );
    expect(cmd).not.toContain(KEY);
  });

  it('any JSON body and header value round-trips', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (body, header) => {
        const h = header.replace(/[\r\n]/g, '');
        const cmd = toCurl({ method: 'POST', url: 'https://x/a b', headers: { 'x-h': h }, body: { body } });
        const words = shellWords(cmd, { RELAYCHECK_API_KEY: 'k' });
        expect(JSON.parse(argAfter(words, '--data-raw')[0]!)).toEqual(JSON.parse(JSON.stringify({ body })));
        expect(argAfter(words, '-H')[1]).toBe(`x-h: ${h}`);
        expect(words[2]).toBe('https://x/a b');
      }),
      { numRuns: 300 },
    );
  });

  it('shellQuote leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('abc-1.2/x')).toBe('abc-1.2/x');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });
});
