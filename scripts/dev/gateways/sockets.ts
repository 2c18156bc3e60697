// The loopback check: before the suite sends a byte to a gateway, the kernel's socket list
// (/proc/net/tcp and tcp6) must show its listening sockets bound to 127.0.0.1 and nothing
// else. A gateway on 0.0.0.0 or :: would expose the mock's key to the network.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface Listener {
  address: string;
  port: number;
  inode: number;
}

const LISTEN = '0A';

/** IPv4 address from /proc's little-endian hex word ("0100007F" -> 127.0.0.1). */
function ipv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

/** IPv6 address from /proc's four little-endian hex words; v4-mapped shown as ::ffff:a.b.c.d. */
function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const text = groups.join(':');
  return text === '0:0:0:0:0:0:0:0' ? '::' : text === '0:0:0:0:0:0:0:1' ? '::1' : text;
}

/** The listening sockets in the text of /proc/net/tcp or /proc/net/tcp6. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== LISTEN) continue;
    const [addr, port] = cols[1]!.split(':');
    if (!addr || !port) continue;
    out.push({
      address: addr.length === 8 ? ipv4(addr) : ipv6(addr),
      port: Number.parseInt(port, 16),
      inode: Number(cols[9]),
    });
  }
  return out;
}

export const isLoopbackOnly = (address: string): boolean => address === '127.0.0.1' || address === '::ffff:127.0.0.1';

export interface SocketVerdict {
  ok: boolean;
  /** What was found, e.g. "127.0.0.1:4000" per listener. */
  found: string[];
  problem?: string;
}

/**
 * Judge the listeners: `port` must be listened on, and every listener on it (and every one
 * owned by the process, when its socket inodes are given) must be bound to 127.0.0.1.
 */
export function judgeListeners(listeners: Listener[], port: number, ownInodes?: ReadonlySet<number>): SocketVerdict {
  const relevant = listeners.filter((l) => l.port === port || ownInodes?.has(l.inode));
  const found = relevant.map((l) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`);
  if (!relevant.some((l) => l.port === port)) return { ok: false, found, problem: `nothing listens on port ${port}` };
  const exposed = relevant.filter((l) => !isLoopbackOnly(l.address));
  if (exposed.length > 0)
    return {
      ok: false,
      found,
      problem: `bound beyond 127.0.0.1: ${exposed.map((l) => `${l.address}:${l.port}`).join(', ')}`,
    };
  return { ok: true, found };
}

/** The kernel's listening TCP sockets (IPv4 and IPv6). */
export function readListeners(): Listener[] {
  const files = ['/proc/net/tcp', '/proc/net/tcp6'];
  return files.flatMap((f) => {
    try {
      return parseProcNetTcp(readFileSync(f, 'utf8'));
    } catch {
      return [];
    }
  });
}

/** The socket inodes a process holds open (from /proc/<pid>/fd). */
export function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return inodes;
}
