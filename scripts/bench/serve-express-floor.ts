// Bench child: the framework floor. The smallest Express 5 app that answers the bench request
// with the mock's captured bytes (same settings as the mock's app: no x-powered-by, no ETag),
// doing no work of its own. mock ÷ this is what the mock's own code costs; this ÷ bare is
// what Express costs before the mock does anything.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { send, serveControl, waitForConfig } from './child-control.ts';
import { BENCH_PATH } from './request.ts';

const recorded = await waitForConfig();
const body = Buffer.from(recorded.bodyBase64, 'base64').toString('utf8');
// Express computes Content-Length itself.
const headers = Object.fromEntries(recorded.headers.filter(([name]) => name.toLowerCase() !== 'content-length'));

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post(BENCH_PATH, (req, res) => {
  req.on('end', () => {
    res.status(recorded.status).set(headers).send(body);
  });
  req.resume();
});

const server = createServer(app);
server.keepAliveTimeout = 5000;
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve());
});
serveControl(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
send({ type: 'ready', port: (server.address() as AddressInfo).port });
