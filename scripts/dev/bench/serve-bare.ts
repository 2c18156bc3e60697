// Bench child: the baseline. A bare node:http server that drains each request and replays
// the exact status, headers and body the mock produced for the bench request.
import { createServer } from 'node:http';
import { serveChild, waitForConfig } from './child-control.js';

const recorded = await waitForConfig();
const body = Buffer.from(recorded.bodyBase64, 'base64');
// Built once: the same array of pairs and the same Buffer serve every request.
const headers = recorded.headers.flat();
// An SSE answer keeps its chunked framing (no Content-Length), as the mock's does: the whole
// body in one write with the headers, then end(); anything else in one end().
const isSse = recorded.headers.some(
  ([k, v]) => k.toLowerCase() === 'content-type' && v.startsWith('text/event-stream'),
);
const server = createServer((req, res) => {
  req.on('end', () => {
    res.writeHead(recorded.status, headers);
    if (!isSse) {
      res.end(body);
      return;
    }
    res.write(body);
    res.end();
  });
  req.resume();
});
await serveChild(server);
