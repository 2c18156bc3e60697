// Bench child: the mock's plumbing floor. The mock's own server settings, journal, body reader
// (size, nesting and deadline checks, UTF-8 decoding, JSON.parse) and reply path (a JSON reply
// batched to the end of the event-loop turn, a stream in one end()), replaying the mock's
// captured bytes instead of computing them. No mock can score above this: it is what reading
// and journaling the request costs before any answer is planned. mock ÷ bare can reach at most
// this ÷ bare; what is left between this and the mock is the answer itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type * as Options from '../../../mock-server/assembly/options.js';
import type * as JournalModule from '../../../mock-server/http/journal.js';
import type * as ReadBody from '../../../mock-server/http/read-body.js';
import type * as ReplyBatch from '../../../mock-server/http/reply-batch.js';
import { serveChild, waitForConfig } from './child-control.js';
import { importBuilt } from './built.js';

const { resolveOptions } = await importBuilt<typeof Options>('mock-server/assembly/options.js');
const { Journal, watchRequest } = await importBuilt<typeof JournalModule>('mock-server/http/journal.js');
const { readJsonBody } = await importBuilt<typeof ReadBody>('mock-server/http/read-body.js');
const { endReply, trackConnections } = await importBuilt<typeof ReplyBatch>('mock-server/http/reply-batch.js');

const recorded = await waitForConfig();
const body = Buffer.from(recorded.bodyBase64, 'base64').toString('utf8');
const headers = recorded.headers.flat();
const isSse = recorded.headers.some(
  ([k, v]) => k.toLowerCase() === 'content-type' && v.startsWith('text/event-stream'),
);
const options = resolveOptions({});
const journal = new Journal(options.journalSize);

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await readJsonBody(req, options.limits);
  res.writeHead(recorded.status, headers);
  // As the mock: a JSON reply through the batching, an unpaced stream in one end().
  if (isSse) res.end(body);
  else endReply(res, body);
}

// The mock's createServer settings (mock-server/index.ts).
const checkEvery = Math.max(100, Math.min(1000, options.limits.requestTimeoutMs));
const server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
  watchRequest(journal, req, res);
  handle(req, res).catch(() => res.destroy());
});
server.headersTimeout = Math.min(options.limits.requestTimeoutMs, 60_000);
server.requestTimeout = options.limits.requestTimeoutMs + 1000;
trackConnections(server);
await serveChild(server);
