// Loopback plumbing for the offline Codex run: the check that the process sees no network but
// loopback, a proxy that refuses and records every outside connection tried through it, and a
// tap between Codex and the mock that records the SSE event types each response carried (the
// journal keeps requests, not what was streamed back).
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Why this process can reach more than loopback, or null when it cannot. */
export async function outsideReachable(): Promise<string | null> {
  const names = Object.keys(networkInterfaces());
  const others = names.filter((n) => n !== 'lo');
  if (others.length > 0) return `network interfaces besides lo: ${others.join(', ')}`;
  // TEST-NET-1 (RFC 5737): no host answers there; in a loopback-only namespace the connect
  // fails at once with ENETUNREACH, anywhere else it would hang or be refused by a router.
  return new Promise((resolve) => {
    const socket = connect({ host: '192.0.2.1', port: 443 });
    const done = (why: string | null): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(2000, () => done('a connection to 192.0.2.1 did not fail at once (no route expected)'));
    socket.once('connect', () => done('a connection to 192.0.2.1 succeeded'));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ENETUNREACH' ? null : `a connection to 192.0.2.1 failed with ${e.code}, not ENETUNREACH`),
    );
  });
}

export interface Listening {
  server: Server;
  url: string;
}

function listen(server: Server): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

/** An HTTP(S) proxy that answers 403 to everything and records what was asked for. */
export async function refusingProxy(attempts: string[]): Promise<Listening> {
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return listen(server);
}

/** Event types named in SSE text, as `event:` lines give them. */
export function eventNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) if (line.startsWith('event:')) names.push(line.slice(6).trim());
  return names;
}

/**
 * A forwarding proxy to `target` that keeps, per response, the SSE event types it carried
 * (pushed to `events` when the response ends). Bodies pass through unchanged.
 */
export async function sseTap(target: string, events: string[][]): Promise<Listening> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const sse = String(answer.headers['content-type'] ?? '').startsWith('text/event-stream');
        let text = '';
        answer.on('data', (chunk: Buffer) => {
          if (sse) text += chunk.toString('utf8');
          res.write(chunk);
        });
        answer.on('end', () => {
          if (sse) events.push(eventNames(text));
          res.end();
        });
        answer.on('error', () => res.destroy());
      },
    );
    out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(out);
  });
  return listen(server);
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
