// The loopback preload of scripts/dev/gateways: a server that asks for all interfaces,
// started under NODE_OPTIONS=--require, is bound to 127.0.0.1 (seen in the socket list).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PRELOAD } from '../../../../scripts/dev/gateways/process.js';
import { judgeListeners, readListeners } from '../../../../scripts/dev/gateways/sockets.js';

const { rewrite } = createRequire(import.meta.url)(PRELOAD) as { rewrite: (args: unknown[]) => unknown[] };

// Listens as a gateway might, prints each bound address, and waits to be killed.
const SERVER = `
const http = require('node:http');
const net = require('node:net');
const forms = [
  (s, cb) => s.listen(0, '0.0.0.0', cb),
  (s, cb) => s.listen({ port: 0, host: '::' }, cb),
  (s, cb) => s.listen(0, cb),
];
let n = 0;
for (const [i, listen] of forms.entries()) {
  const s = i === 0 ? http.createServer() : net.createServer();
  listen(s, () => {
    const a = s.address();
    process.stdout.write(JSON.stringify({ address: a.address, port: a.port }) + '\\n');
    if (++n === forms.length) process.stdout.write('ready\\n');
  });
}
setTimeout(() => process.exit(1), 15000);
`;

describe('loopback preload', () => {
  it('rewrites every listen() form to 127.0.0.1 and leaves socket paths alone', () => {
    expect(rewrite([8080, '0.0.0.0'])).toEqual([8080, '127.0.0.1']);
    expect(rewrite([8080, undefined, 511])).toEqual([8080, '127.0.0.1', 511]);
    const cb = () => {};
    expect(rewrite([8080, cb])).toEqual([8080, '127.0.0.1', cb]);
    expect(rewrite(['8080', '::'])).toEqual(['8080', '127.0.0.1']);
    expect(rewrite([{ port: 1, host: '::', exclusive: true }])).toEqual([
      { port: 1, host: '127.0.0.1', exclusive: true },
    ]);
    expect(rewrite([{ port: 1 }])).toEqual([{ port: 1, host: '127.0.0.1' }]);
    expect(rewrite([])).toEqual([0, '127.0.0.1']);
    expect(rewrite(['/tmp/gw.sock'])).toEqual(['/tmp/gw.sock']);
    expect(rewrite([{ path: '/tmp/gw.sock' }])).toEqual([{ path: '/tmp/gw.sock' }]);
  });

  it('binds a server that asks for 0.0.0.0, :: or nothing to 127.0.0.1 only, per the socket list', async () => {
    const child = spawn(process.execPath, ['-e', SERVER], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${PRELOAD}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready\n')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const bound = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { address: string; port: number });
      expect(bound).toHaveLength(3);
      const listeners = readListeners();
      for (const { address, port } of bound) {
        expect(address).toBe('127.0.0.1');
        expect(judgeListeners(listeners, port)).toMatchObject({ ok: true, found: [`127.0.0.1:${port}`] });
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('without the preload the same server is bound beyond loopback (the check would refuse it)', async () => {
    const child = spawn(process.execPath, ['-e', SERVER], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready\n')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const bound = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { address: string; port: number });
      expect(bound.map((b) => b.address).sort()).toEqual(['0.0.0.0', '::', '::']);
      const listeners = readListeners();
      for (const { port } of bound) expect(judgeListeners(listeners, port).ok).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
