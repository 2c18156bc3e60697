// `npx tsx scripts/dev/bench/stages.ts`: what each pure stage of the mock's request path costs on
// the bench request, in a tight loop (no sockets, no node:http), and the whole handler driven
// through node:http's own IncomingMessage/ServerResponse without a socket. A tool for finding
// where a change helps; the figures are best cases (warm caches), not what a server pays.
// Knobs: STAGE_MS (time per stage, default 1000), STAGE_ONLY (a name filter).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { validate } from '../../../spec/validators.js';
import { checkRequest } from '../../../mock-server/completion/check.js';
import { planCompletion } from '../../../mock-server/completion/plan.js';
import { renderChunks, renderResponse, renderStreamBody } from '../../../mock-server/completion/render.js';
import { jsonNestsDeeper } from '../../../mock-server/core/json-limits.js';
import { chatCompletionsHandler } from '../../../mock-server/endpoints/chat.js';
import { Journal } from '../../../mock-server/http/journal.js';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { formatEvents } from '../../../mock-server/stream/sse-format.js';
import type { ChatCompletionRequest } from '../../../spec/generated/types.js';
import { BENCH_BODY, BENCH_HEADERS, STREAM_BODY } from './request.js';

const options = resolveOptions({});
const MS = Number(process.env.STAGE_MS ?? 1000);

/** STAGE_ONLY=text times only the stages whose name contains it (e.g. to run under --cpu-prof). */
const ONLY = process.env.STAGE_ONLY;

/** µs per call of `f`, after a warm-up, over about MS milliseconds. */
async function time(name: string, f: () => unknown): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return;
  for (let i = 0; i < 2000; i++) await f();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MS) {
    for (let i = 0; i < 200; i++) await f();
    n += 200;
  }
  process.stdout.write(`${name.padEnd(44)} ${(((performance.now() - t0) * 1000) / n).toFixed(2).padStart(8)} µs\n`);
}

function pipeline(body: string): {
  request: ChatCompletionRequest;
  model: NonNullable<ReturnType<typeof options.models.get>>;
} {
  const request = JSON.parse(body) as ChatCompletionRequest;
  return { request, model: options.models.get(request.model)! };
}
const plan = (body: string) => {
  const { request, model } = pipeline(body);
  const p = planCompletion({ request, model, rawBody: body, limits: options.limits, clock: options.clock });
  if (!('choices' in p)) throw new Error('the bench request did not plan');
  return p;
};

const bytes = Buffer.from(BENCH_BODY);
const decoder = new TextDecoder('utf-8', { fatal: true });
const { request, model } = pipeline(BENCH_BODY);
const planned = plan(BENCH_BODY);
const response = renderResponse(planned);
process.stdout.write(`Non-streaming bench request (${bytes.length} bytes):\n`);
await time('decode UTF-8', () => decoder.decode(bytes));
await time('nesting check', () => jsonNestsDeeper(BENCH_BODY, options.limits.maxJsonDepth));
await time('JSON.parse', () => JSON.parse(BENCH_BODY));
await time('validate (ajv)', () => validate('chat-request', request));
await time('checkRequest', () => checkRequest(request, model, options.limits));
await time('planCompletion', () =>
  planCompletion({ request, model, rawBody: BENCH_BODY, limits: options.limits, clock: options.clock }),
);
await time('renderResponse', () => renderResponse(planned));
await time('JSON.stringify(response)', () => JSON.stringify(response));

const streamed = plan(STREAM_BODY);
process.stdout.write(`Streaming bench request (${renderChunks(streamed, { includeUsage: true }).length} chunks):\n`);
await time('planCompletion', () => plan(STREAM_BODY));
await time('renderChunks', () => renderChunks(streamed, { includeUsage: true }));
const chunks = renderChunks(streamed, { includeUsage: true });
await time('formatEvents', () => formatEvents(chunks));
await time('renderStreamBody (the two above, unbent)', () => renderStreamBody(streamed, { includeUsage: true }));

// The whole handler: node:http's request and response objects without a socket, so the
// response is built (headers, chunked framing) but never written anywhere.
const mockHandler = chatCompletionsHandler({ options, journal: new Journal(options.journalSize) });
const answer = JSON.stringify(response);
/**
 * What the bench's bare replay does, the floor of this harness: drain the request, then write
 * fixed bytes, in one end() or (a stream) headers flushed and one write per event.
 */
function replay(
  headers: string[],
  events: string[] | undefined,
  body = '',
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) =>
    new Promise((resolve) => {
      req.on('end', () => {
        res.writeHead(200, headers);
        if (events) {
          res.flushHeaders();
          for (const e of events) res.write(e);
          res.end();
        } else res.end(body);
        resolve();
      });
      req.resume();
    });
}
const replayHandler = replay(
  ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(answer))],
  undefined,
  answer,
);
const events = formatEvents(renderChunks(plan(STREAM_BODY), { includeUsage: true }));
const replayStream = replay(
  ['Content-Type', 'text/event-stream; charset=utf-8', 'Cache-Control', 'no-cache', 'Connection', 'keep-alive'],
  events,
);
const socket = new Socket();
async function handle(body: Buffer, handler = mockHandler): Promise<void> {
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  req.headers = { ...BENCH_HEADERS, 'content-length': String(body.length), host: '127.0.0.1' };
  const res = new ServerResponse(req);
  const done = handler(req, res);
  req.push(body);
  req.push(null);
  await done;
  if (res.statusCode !== 200) throw new Error(`the handler answered ${res.statusCode}`);
}
process.stdout.write('The whole handler, no socket:\n');
const streamBytes = Buffer.from(STREAM_BODY);
await time('replay (drain, write fixed bytes)', () => handle(bytes, replayHandler));
await time('non-streaming request', () => handle(bytes));
await time('replay of the stream (drain, write fixed events)', () => handle(streamBytes, replayStream));
await time('streaming request', () => handle(streamBytes));
socket.destroy();
