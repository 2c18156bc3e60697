// Bench child: the framework floor. The smallest Express 5 app that answers the bench request
// with the mock's captured bytes (same settings as the mock's app: no x-powered-by, no ETag),
// doing no work of its own. mock ÷ this is what the mock's own code costs; this ÷ bare is
// what Express costs before the mock does anything.
import { createServer } from 'node:http';
import express from 'express';
import { serveChild, waitForConfig } from './child-control.js';
import { BENCH_PATH } from './request.js';

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
await serveChild(server);
