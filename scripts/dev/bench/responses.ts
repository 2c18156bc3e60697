// /v1/responses in the bench: the mock against a bare replay of its own bytes, non-streamed and
// streamed, as chat is measured (the same prompts, as Responses requests); then, per request,
// against aimock's Responses endpoint answering the mock's own text. Verdicts and the Markdown
// are in responses-report.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AIMOCK_CHUNK_CHARS, matchedChunkTokens } from './aimock.js';
import { startChild, type ServerChild } from './children.js';
import { runLoad, type LoadResult } from './load.js';
import { aimockSpec, startPeer, type PeerServer } from './peers.js';
import type { RecordedResponse } from './protocol.js';
import {
  BENCH_HEADERS,
  recordResponse,
  RESPONSES_BODY,
  RESPONSES_PATH,
  RESPONSES_STREAM_BODY,
  RESPONSES_STREAM_PROMPT_JSON_BODY,
} from './request.js';
import { fmt } from './stats.js';
import { measureThroughput, summarize, type ConcurrencyResult, type SideSummary } from './throughput.js';

export interface ResponsesAimockRow {
  connections: number;
  kind: 'json' | 'stream';
  mock: SideSummary;
  aimock: SideSummary;
  /** SSE events per answer (1 for JSON) on each side. */
  mockEvents: number;
  aimockEvents: number;
}

export interface ResponsesResult {
  json: { throughput: ConcurrencyResult[]; bodyBytes: number; requestBytes: number; target: number };
  stream: { throughput: ConcurrencyResult[]; events: number; bodyBytes: number; requestBytes: number; target: number };
  rounds: number;
  seconds: number;
  aimock?: { describe: string; matchedChunkTokens: number; rows: ResponsesAimockRow[] } | { error: string };
}

const replayConfig = (r: RecordedResponse): RecordedResponse => ({
  status: r.status,
  headers: r.headers,
  bodyBase64: r.bodyBase64,
});

const text = (r: RecordedResponse): string => Buffer.from(r.bodyBase64, 'base64').toString('utf8');
const sseEvents = (body: string): number => body.split('\n').filter((l) => l.startsWith('event:')).length;

/**
 * Records the mock's answer, checks it, and starts a bare child replaying it, and the mock's
 * plumbing floor (serve-plumbing-floor.ts) replaying it through the mock's own request path.
 */
async function bareFor(
  mock: ServerChild,
  body: string,
  name: string,
  stream: boolean,
  children: ServerChild[],
): Promise<{ bare: ServerChild; floor: ServerChild; recorded: RecordedResponse }> {
  const recorded = await recordResponse(mock.url, 10_000, body, RESPONSES_PATH);
  const answer = text(recorded);
  if (recorded.status !== 200 || (stream && !answer.includes('event: response.completed')))
    throw new Error(`the mock answered the ${name} Responses request with ${recorded.status}: ${answer.slice(0, 200)}`);
  const bare = await startChild(`bare (responses, ${name})`, './serve-bare.ts', {
    firstMessage: { type: 'config', response: replayConfig(recorded) },
  });
  children.push(bare);
  const floor = await startChild(`plumbing floor (responses, ${name})`, './serve-plumbing-floor.ts', {
    firstMessage: { type: 'config', response: replayConfig(recorded) },
  });
  children.push(floor);
  for (const [side, child] of [
    ['bare server', bare],
    ['plumbing floor', floor],
  ] as const) {
    const replayed = await recordResponse(child.url, 10_000, body, RESPONSES_PATH);
    if (replayed.bodyBase64 !== recorded.bodyBase64) throw new Error(`the ${side} does not replay the ${name} bytes`);
  }
  return { bare, floor, recorded };
}

export async function measureResponses(
  mock: ServerChild,
  scratch: string,
  opts: {
    connectionsList: number[];
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    withAimock: boolean;
    log: (l: string) => void;
    children: ServerChild[];
    peers: PeerServer[];
  },
): Promise<ResponsesResult> {
  const { log } = opts;
  const common = { connectionsList: opts.connectionsList, rounds: opts.rounds, log, path: RESPONSES_PATH };

  const j = await bareFor(mock, RESPONSES_BODY, 'JSON', false, opts.children);
  log(`bench: /v1/responses non-streamed, ${opts.rounds} rounds × ${opts.seconds} s per side (mock, bare, floor)`);
  const jsonThroughput = await measureThroughput(
    { mock, bare: j.bare, floor: j.floor },
    { ...common, seconds: opts.seconds, warmupSeconds: opts.warmupSeconds, body: RESPONSES_BODY },
  );
  await j.bare.stop();
  await j.floor.stop();

  const s = await bareFor(mock, RESPONSES_STREAM_BODY, 'stream', true, opts.children);
  const events = sseEvents(text(s.recorded));
  log(`bench: /v1/responses streamed (${events} events), ${opts.rounds} rounds × ${opts.seconds} s per side`);
  const streamThroughput = await measureThroughput(
    { mock, bare: s.bare, floor: s.floor },
    { ...common, seconds: opts.seconds, warmupSeconds: 1, body: RESPONSES_STREAM_BODY },
  );
  await s.bare.stop();
  await s.floor.stop();

  const result: ResponsesResult = {
    json: {
      throughput: jsonThroughput,
      bodyBytes: Buffer.from(j.recorded.bodyBase64, 'base64').length,
      requestBytes: Buffer.byteLength(RESPONSES_BODY),
      target: 0.85,
    },
    stream: {
      throughput: streamThroughput,
      events,
      bodyBytes: Buffer.from(s.recorded.bodyBase64, 'base64').length,
      requestBytes: Buffer.byteLength(RESPONSES_STREAM_BODY),
      target: 0.55,
    },
    rounds: opts.rounds,
    seconds: opts.seconds,
  };
  if (opts.withAimock) {
    try {
      result.aimock = await againstAimock(mock, scratch, opts);
    } catch (e) {
      result.aimock = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  return result;
}

interface ResponsesJson {
  output?: { type?: string; content?: { text?: string }[] }[];
  usage?: { output_tokens?: number };
}

async function fetchText(baseUrl: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}${RESPONSES_PATH}`, { method: 'POST', headers: BENCH_HEADERS, body });
  return { status: res.status, text: await res.text() };
}

/**
 * Per request against aimock's /v1/responses: its catch-all fixture answers the mock's own text;
 * for streams, a mock child with chunkTokens set sends about as many deltas as aimock's
 * 20-character chunks, as the chat comparison does.
 */
async function againstAimock(
  mock: ServerChild,
  scratch: string,
  opts: Parameters<typeof measureResponses>[2],
): Promise<NonNullable<ResponsesResult['aimock']>> {
  const own = await fetchText(mock.url, RESPONSES_STREAM_PROMPT_JSON_BODY);
  const answer = JSON.parse(own.text) as ResponsesJson;
  const content = answer.output?.find((i) => i.type === 'message')?.content?.[0]?.text ?? '';
  const tokens = answer.usage?.output_tokens ?? 0;
  if (own.status !== 200 || content === '' || tokens === 0) throw new Error('the mock gave no text to give aimock');
  const fixture = join(scratch, 'aimock-responses-fixture.json');
  writeFileSync(fixture, JSON.stringify({ fixtures: [{ match: {}, response: { content } }] }));
  const spec = aimockSpec(fixture, AIMOCK_CHUNK_CHARS);
  const aimock = await startPeer(spec, 60_000);
  opts.peers.push(aimock);
  const k = matchedChunkTokens(content.length, tokens, AIMOCK_CHUNK_CHARS);
  const matched = await startChild(`mock (responses, chunkTokens ${k})`, './serve-mock.ts', {
    args: [JSON.stringify({ chunkTokens: k })],
  });
  opts.children.push(matched);
  try {
    const check = await fetchText(aimock.url, RESPONSES_STREAM_PROMPT_JSON_BODY);
    const theirs = check.status === 200 ? (JSON.parse(check.text) as ResponsesJson) : {};
    if (theirs.output?.find((i) => i.type === 'message')?.content?.[0]?.text !== content)
      throw new Error(`aimock's /v1/responses answers ${check.status} with another text: ${check.text.slice(0, 200)}`);
    const mockStream = await fetchText(matched.url, RESPONSES_STREAM_BODY);
    const aimockStream = await fetchText(aimock.url, RESPONSES_STREAM_BODY);
    if (!aimockStream.text.includes('response.completed'))
      throw new Error(`aimock's /v1/responses stream has no response.completed (HTTP ${aimockStream.status})`);
    const rows: ResponsesAimockRow[] = [];
    for (const connections of opts.connectionsList) {
      for (const kind of ['json', 'stream'] as const) {
        const body = kind === 'json' ? RESPONSES_STREAM_PROMPT_JSON_BODY : RESPONSES_STREAM_BODY;
        const sides: [string, Pick<ServerChild, 'url' | 'cpu'>][] = [
          ['relaycheck', kind === 'json' ? mock : matched],
          ['aimock', aimock],
        ];
        const load = { connections, body, path: RESPONSES_PATH };
        for (const [, server] of sides) await runLoad(server, { ...load, duration: 1 });
        const runs = new Map<string, LoadResult[]>(sides.map(([name]) => [name, []]));
        for (let round = 1; round <= opts.rounds; round++)
          for (const [name, server] of sides) {
            const r = await runLoad(server, { ...load, duration: opts.seconds });
            runs.get(name)!.push(r);
            opts.log(
              `  aimock /v1/responses c=${connections} ${kind} round ${round}/${opts.rounds}  ${name.padEnd(10)} ${fmt(r.rps).padStart(6)} req/s${r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : ''}`,
            );
          }
        rows.push({
          connections,
          kind,
          mock: summarize(runs.get('relaycheck')!),
          aimock: summarize(runs.get('aimock')!),
          mockEvents: kind === 'json' ? 1 : sseEvents(mockStream.text),
          aimockEvents: kind === 'json' ? 1 : sseEvents(aimockStream.text),
        });
      }
    }
    return { describe: spec.describe, matchedChunkTokens: k, rows };
  } finally {
    await matched.stop();
  }
}
