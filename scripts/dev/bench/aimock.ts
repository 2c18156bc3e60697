// The comparison with @copilotkit/aimock, the strongest peer mock: the same prompt to both, one
// JSON answer and one stream, with aimock's catch-all fixture answering the mock's own text.
// aimock cuts content into N-character chunks (default 20), the mock into tokens; a second mock
// child with chunkTokens set to match aimock's chunk count makes the streams comparable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, type ServerChild } from './children.js';
import { runLoad, type LoadResult } from './load.js';
import { aimockSpec, startPeer, type PeerServer } from './peers.js';
import { BENCH_HEADERS, BENCH_PATH, STREAM_BODY, STREAM_PROMPT_JSON_BODY } from './request.js';
import { streamOnce } from './sse-client.js';
import { fmt } from './stats.js';
import { summarize, type SideSummary } from './throughput.js';

/** aimock's default --chunk-size, the granularity it ships with. */
export const AIMOCK_CHUNK_CHARS = 20;

export type AnswerKind = 'json' | 'stream';

export interface AimockSide {
  /** Who answers: `relaycheck`, `relaycheck (k tokens/chunk)` or `aimock`. */
  name: string;
  kind: AnswerKind;
  /** `data:` events per streamed answer, [DONE] excluded (1 for a JSON answer). */
  events: number;
  /** Body bytes per answer. */
  bytes: number;
}

export interface AimockRow {
  connections: number;
  kind: AnswerKind;
  sides: Array<AimockSide & { summary: SideSummary }>;
}

export interface AimockResult {
  describe: string;
  contentChars: number;
  completionTokens: number;
  /** chunkTokens of the matched mock child. */
  matchedChunkTokens: number;
  rows: AimockRow[];
  rounds: number;
  seconds: number;
}

/**
 * The chunkTokens that gives the mock as many content chunks as aimock's `chunkChars`
 * characters per chunk: aimock sends ceil(chars / chunkChars), the mock ceil(tokens / k).
 */
export function matchedChunkTokens(contentChars: number, tokens: number, chunkChars: number): number {
  const aimockChunks = Math.max(1, Math.ceil(contentChars / chunkChars));
  return Math.max(1, Math.round(tokens / aimockChunks));
}

interface Target {
  name: string;
  kind: AnswerKind;
  server: Pick<ServerChild, 'url' | 'cpu'>;
}

export async function measureAimock(
  mock: ServerChild,
  scratch: string,
  opts: {
    connectionsList: number[];
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    log: (l: string) => void;
    children: ServerChild[];
    peers: PeerServer[];
  },
): Promise<AimockResult> {
  const answer = await fetchJson(mock.url, STREAM_PROMPT_JSON_BODY);
  const content = answer.choices[0]?.message?.content ?? '';
  const tokens = answer.usage?.completion_tokens ?? 0;
  if (content === '' || tokens === 0) throw new Error('the mock gave no content to give aimock');
  const fixture = join(scratch, 'aimock-fixture.json');
  writeFileSync(fixture, JSON.stringify({ fixtures: [{ match: {}, response: { content } }] }));
  const spec = aimockSpec(fixture, AIMOCK_CHUNK_CHARS);
  const aimock = await startPeer(spec, 60_000);
  opts.peers.push(aimock);
  const k = matchedChunkTokens(content.length, tokens, AIMOCK_CHUNK_CHARS);
  const matched = await startChild(`mock (chunkTokens ${k})`, './serve-mock.ts', {
    args: [JSON.stringify({ chunkTokens: k })],
  });
  opts.children.push(matched);
  try {
    return await compare(mock, matched, aimock, { content, tokens, k, describe: spec.describe }, opts);
  } finally {
    await matched.stop();
  }
}

async function compare(
  mock: ServerChild,
  matched: ServerChild,
  aimock: PeerServer,
  found: { content: string; tokens: number; k: number; describe: string },
  opts: { connectionsList: number[]; rounds: number; seconds: number; warmupSeconds: number; log: (l: string) => void },
): Promise<AimockResult> {
  const { content, tokens, k } = found;
  const targets: Target[] = [
    { name: 'relaycheck', kind: 'json', server: mock },
    { name: 'aimock', kind: 'json', server: aimock },
    { name: 'relaycheck', kind: 'stream', server: mock },
    { name: `relaycheck (${k} tokens/chunk)`, kind: 'stream', server: matched },
    { name: `aimock (${AIMOCK_CHUNK_CHARS} chars/chunk)`, kind: 'stream', server: aimock },
  ];
  // What each side sends, read once: the same text, in how many events and bytes.
  const shapes = new Map<Target, AimockSide>();
  for (const t of targets) {
    if (t.kind === 'json') {
      const r = await fetchJson(t.server.url, STREAM_PROMPT_JSON_BODY);
      if (r.choices[0]?.message?.content !== content) throw new Error(`${t.name} answers a different text`);
      shapes.set(t, { name: t.name, kind: t.kind, events: 1, bytes: r.bytes });
    } else {
      const s = await streamOnce(t.server.url, STREAM_BODY);
      if (s.status !== 200 || !s.done) throw new Error(`${t.name} did not stream to [DONE] (HTTP ${s.status})`);
      shapes.set(t, { name: t.name, kind: t.kind, events: s.chunks, bytes: s.bytes });
    }
  }
  const rows: AimockRow[] = [];
  for (const connections of opts.connectionsList) {
    for (const kind of ['json', 'stream'] as const) {
      const sides = targets.filter((t) => t.kind === kind);
      const body = kind === 'json' ? STREAM_PROMPT_JSON_BODY : STREAM_BODY;
      for (const t of sides) await runLoad(t.server, { connections, duration: opts.warmupSeconds, body });
      const runs = new Map<Target, LoadResult[]>(sides.map((t) => [t, []]));
      for (let round = 1; round <= opts.rounds; round++) {
        for (const t of sides) {
          const r = await runLoad(t.server, { connections, duration: opts.seconds, body });
          runs.get(t)!.push(r);
          opts.log(
            `  aimock c=${connections} ${kind} round ${round}/${opts.rounds}  ${t.name.padEnd(30)} ${fmt(r.rps).padStart(6)} req/s  cpu ${fmt(r.cpuUs)} µs/req${r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : ''}`,
          );
        }
      }
      rows.push({
        connections,
        kind,
        sides: sides.map((t) => ({ ...shapes.get(t)!, summary: summarize(runs.get(t)!) })),
      });
    }
  }
  return {
    describe: found.describe,
    contentChars: content.length,
    completionTokens: tokens,
    matchedChunkTokens: k,
    rows,
    rounds: opts.rounds,
    seconds: opts.seconds,
  };
}

interface JsonAnswer {
  choices: Array<{ message?: { content?: string } }>;
  usage?: { completion_tokens?: number };
  bytes: number;
}

async function fetchJson(baseUrl: string, body: string): Promise<JsonAnswer> {
  const res = await fetch(`${baseUrl}${BENCH_PATH}`, { method: 'POST', headers: BENCH_HEADERS, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${baseUrl}: ${text.slice(0, 200)}`);
  return { ...(JSON.parse(text) as Omit<JsonAnswer, 'bytes'>), bytes: Buffer.byteLength(text) };
}
