// A port on 127.0.0.1 that was free a moment ago, for a third-party server (a peer mock, a
// gateway, an agent's proxy) that must be told its port before it starts.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
