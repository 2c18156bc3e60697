// Bench child: the baseline. A bare node:http server that drains each request and replays
// the exact status, headers and body the mock produced for the bench request.
import { createServer } from 'node:http';
import { serveChild, waitForConfig } from './child-control.js';

const recorded = await waitForConfig();
const body = Buffer.from(recorded.bodyBase64, 'base64');
// Built once: the same array of pairs and the same Buffer serve every request.
const headers = recorded.headers.flat();
// An SSE answer is replayed as the mock writes it: headers flushed first, then one write per
// event in the same tick, then end(); anything else in one end().
const isSse = recorded.headers.some(
  ([k, v]) => k.toLowerCase() === 'content-type' && v.startsWith('text/event-stream'),
);
const events: Buffer[] = [];
if (isSse) {
  let from = 0;
  for (let i = body.indexOf('\n\n'); i !== -1; i = body.indexOf('\n\n', from)) {
    events.push(body.subarray(from, i + 2));
    from = i + 2;
  }
  if (from < body.length) events.push(body.subarray(from));
}
const server = createServer((req, res) => {
  req.on('end', () => {
    res.writeHead(recorded.status, headers);
    if (!isSse) {
      res.end(body);
      return;
    }
    res.flushHeaders();
    for (const e of events) res.write(e);
    res.end();
  });
  req.resume();
});
await serveChild(server);
