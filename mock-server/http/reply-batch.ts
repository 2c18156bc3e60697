// When a finished reply's bytes leave. With one client connection, at once. With several, the
// replies finished in one turn of the event loop leave together at its end (setImmediate),
// as Redis writes its replies just before it sleeps: a client woken by the first finds the
// rest already there, instead of being woken (and, on a VM, interrupted) once per reply. Same
// bytes, same order per connection; a reply waits at most for the turn it was finished in.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface Ending {
  readonly destroyed: boolean;
  readonly socket: Socket | null;
  end(data: string | Buffer): unknown;
}

/** Open connections of each server start() made; a server not tracked here never batches. */
const openConnections = new WeakMap<Server, { open: number }>();

/** Count the server's open connections, so that replies batch only when there are several. */
export function trackConnections(server: Server): void {
  const count = { open: 0 };
  openConnections.set(server, count);
  server.on('connection', (socket: Socket) => {
    count.open++;
    socket.once('close', () => count.open--);
  });
}

/** Replies waiting for the end of this turn, oldest first. */
let waiting: { res: Ending; data: string | Buffer }[] = [];

/** res.end(data), now or at the end of this event-loop turn (see above). */
export function endReply(res: Ending, data: string | Buffer): void {
  // net.Server sets `server` on the sockets it accepts (read-body reads its requestTimeout too).
  const server = (res.socket as { server?: Server } | null)?.server;
  const count = server ? openConnections.get(server) : undefined;
  if (count === undefined || count.open <= 1) {
    res.end(data);
    return;
  }
  waiting.push({ res, data });
  if (waiting.length === 1) setImmediate(flush);
}

function flush(): void {
  const due = waiting;
  waiting = [];
  for (const { res, data } of due) {
    if (res.destroyed) continue;
    // Outside the handler's try now: a reply that cannot be written loses its connection, nothing else.
    try {
      res.end(data);
    } catch {
      res.socket?.destroy();
    }
  }
}
