// The loopback check of scripts/dev/gateways: /proc/net/tcp{,6} parsed, and a gateway
// refused unless every socket it listens on is bound to 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { judgeListeners, parseProcNetTcp } from '../../../../scripts/dev/gateways/sockets.js';

const TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 00000000314b7ec7 100 0 0 10 0',
  '   1: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 00000000314b7ec7 100 0 0 10 0',
  // An established connection from 127.0.0.1:8080: not a listener.
  '   2: 0100007F:1F90 0100007F:D150 01 00000000:00000000 03:0000108A 00000000     0        0 0 3 0000000056fa996e',
  '   3: 0A00020F:1F94 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1005 1 00000000314b7ec7 100 0 0 10 0',
].join('\n');

const TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 100 0 0 10 0',
  '   1: 0000000000000000FFFF00000100007F:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0',
  '   2: 00000000000000000000000001000000:1F95 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1006 1 0000000000000000 100 0 0 10 0',
].join('\n');

describe('parseProcNetTcp', () => {
  it('reads listening sockets with their address, port and inode (IPv4, little-endian words)', () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { address: '127.0.0.1', port: 8080, inode: 1001 },
      { address: '0.0.0.0', port: 8081, inode: 1002 },
      { address: '15.2.0.10', port: 8084, inode: 1005 },
    ]);
  });

  it('reads IPv6 listeners: ::, the v4-mapped 127.0.0.1 and ::1', () => {
    expect(parseProcNetTcp(TCP6)).toEqual([
      { address: '::', port: 8082, inode: 1003 },
      { address: '::ffff:127.0.0.1', port: 8083, inode: 1004 },
      { address: '::1', port: 8085, inode: 1006 },
    ]);
  });
});

describe('judgeListeners', () => {
  const all = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];

  it('accepts a port bound to 127.0.0.1 only (v4, or v4-mapped in tcp6)', () => {
    expect(judgeListeners(all, 8080)).toEqual({ ok: true, found: ['127.0.0.1:8080'] });
    expect(judgeListeners(all, 8083).ok).toBe(true);
  });

  it('refuses 0.0.0.0, :: and any other address', () => {
    expect(judgeListeners(all, 8081)).toMatchObject({ ok: false, problem: 'bound beyond 127.0.0.1: 0.0.0.0:8081' });
    expect(judgeListeners(all, 8082)).toMatchObject({ ok: false, problem: 'bound beyond 127.0.0.1: :::8082' });
    expect(judgeListeners(all, 8084).ok).toBe(false);
    expect(judgeListeners(all, 8085).ok).toBe(false);
  });

  it('refuses when the same port is also bound on all interfaces', () => {
    const both = [...all, { address: '::', port: 8080, inode: 1007 }];
    expect(judgeListeners(both, 8080)).toMatchObject({ ok: false, found: ['127.0.0.1:8080', '[::]:8080'] });
  });

  it("refuses a loopback port when another socket of the gateway's process listens beyond loopback", () => {
    expect(judgeListeners(all, 8080, new Set([1001, 1002]))).toMatchObject({
      ok: false,
      problem: 'bound beyond 127.0.0.1: 0.0.0.0:8081',
    });
    expect(judgeListeners(all, 8080, new Set([1001, 1004])).ok).toBe(true);
  });

  it('refuses a port nothing listens on', () => {
    expect(judgeListeners(all, 9999)).toMatchObject({ ok: false, problem: 'nothing listens on port 9999' });
  });
});
