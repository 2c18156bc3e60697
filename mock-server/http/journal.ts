// What the mock was sent, so app tests can assert on their own requests.
// A bounded ring: a mock left running for days must not grow without limit.
//
// Recording is on every request's path, reading is rare: a record keeps references and a
// number (no header copy, no date string, the body as its JSON text), and the entries are
// shaped when they are listed. Keeping each parsed body alive for the last 1,000 requests
// made every scavenge copy and promote it: ~20% of the mock's CPU per request.

export interface JournalEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body; the raw text when it was not JSON; null when it was never read. */
  body: unknown;
  /**
   * parsed, unparsed (read, not JSON), omitted (over 64 KiB: its size, and its model, stream
   * and tool names when it was JSON) or not-read (refused first).
   */
  bodyState: BodyState;
  /** An Authorization or x-api-key header was sent (its value is never listed). */
  authPresent: boolean;
  /** 0 when the client left before any answer was sent. */
  status: number;
  stream: boolean;
}

/** One page of the journal, as GET /__mock/journal lists it. */
export interface JournalPage {
  object: 'list';
  data: JournalEntry[];
  /** More entries follow: ask again with `after` set to the last entry's seq. */
  has_more: boolean;
}

/** Body text listed in one page at most (beyond its first entry). */
export const JOURNAL_PAGE_BYTES = 256 * 1024;

export type BodyState = 'parsed' | 'unparsed' | 'omitted' | 'not-read';

type RawHeaders = Record<string, string | string[] | undefined>;

export type JournalRecord = Omit<JournalEntry, 'seq' | 'at' | 'headers' | 'body' | 'authPresent'> & {
  /** Kept by reference and masked when listed: pass an object nobody changes afterwards (a request's headers). */
  headers: RawHeaders;
  /** The body as read (parsed when the entry is listed, per bodyState); "" when not read. */
  bodyJson: string;
};

interface Stored extends JournalRecord {
  seq: number;
  /** Date.now() when recorded. */
  time: number;
}

/** Headers that carry credentials are masked: no listing ever shows them. */
const SECRET_HEADER = /authorization|api-key|x-api-key|cookie|token|secret/i;

export class Journal {
  /** Oldest first from `head` once full; filled up to `capacity`, then overwritten in place. */
  private ring: Stored[] = [];
  private head = 0;
  private seq = 0;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
  }

  /** A journal of size 0 records nothing: the hook is not even registered. */
  get enabled(): boolean {
    return this.capacity > 0;
  }

  record(entry: JournalRecord): void {
    if (this.capacity <= 0) return;
    const { method, path, headers, bodyJson, bodyState, status, stream } = entry;
    const stored: Stored = {
      method,
      path,
      headers,
      bodyJson,
      bodyState,
      status,
      stream,
      seq: ++this.seq,
      time: Date.now(),
    };
    if (this.ring.length < this.capacity) {
      this.ring.push(stored);
    } else {
      this.ring[this.head] = stored;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  list(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.ring.length; i++) out.push(toEntry(this.ring[(this.head + i) % this.ring.length]!));
    return out;
  }

  /**
   * The entries after seq `after`, oldest first: at most `limit`, and no more body text than
   * `maxBytes` (one entry at least). Each page's work is bounded whatever the journal holds:
   * listing a full journal at once (1,000 bodies of up to 64 KiB, parsed and serialised again)
   * blocked the event loop for seconds. Seqs only grow (clear() does not reset them), so
   * `after` stays a valid cursor while entries are added or overwritten.
   */
  page(after: number, limit: number, maxBytes = JOURNAL_PAGE_BYTES): JournalPage {
    const n = this.ring.length;
    const data: JournalEntry[] = [];
    if (n === 0) return { object: 'list', data, has_more: false };
    // Seqs in the ring are consecutive from the oldest kept one.
    const oldest = this.ring[this.head]!.seq;
    let i = Math.max(0, Math.min(n, after + 1 - oldest));
    let bytes = 0;
    for (; i < n && data.length < limit; i++) {
      const stored = this.ring[(this.head + i) % n]!;
      bytes += stored.bodyJson.length;
      if (data.length > 0 && bytes > maxBytes) break;
      data.push(toEntry(stored));
    }
    return { object: 'list', data, has_more: i < n };
  }

  last(): JournalEntry | undefined {
    const n = this.ring.length;
    return n === 0 ? undefined : toEntry(this.ring[(this.head + n - 1) % n]!);
  }

  clear(): void {
    this.ring = [];
    this.head = 0;
  }
}

function toEntry({ seq, time, method, path, headers, bodyJson, bodyState, status, stream }: Stored): JournalEntry {
  // The key order the journal has always listed its entries in.
  return {
    method,
    path,
    headers: maskHeaders(headers),
    body: bodyState === 'not-read' ? null : bodyState === 'unparsed' ? bodyJson : (JSON.parse(bodyJson) as unknown),
    bodyState,
    authPresent: headers.authorization !== undefined || headers['x-api-key'] !== undefined,
    status,
    stream,
    seq,
    at: new Date(time).toISOString(),
  };
}

function maskHeaders(raw: RawHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name] = SECRET_HEADER.test(name) ? '[REDACTED]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

// One hook, registered before every route, records each request when its response is over
// (answered, refused before its body was read, or abandoned by the client). What a handler
// learnt on the way travels on the request under a symbol: its body as read, a note.

/** Bodies larger than this are journaled as a size only. */
const JOURNAL_BODY_BYTES = 64 * 1024;
const SEEN = Symbol('relaycheck.journal');

interface Seen {
  text?: string;
  json?: unknown;
  parsed?: boolean;
  /** Extra headers listed with the entry (e.g. a strict fixture miss's explanation). */
  note?: Record<string, string>;
}

type Tracked = { [SEEN]?: Seen; originalUrl?: string; method?: string; url?: string; headers: RawHeaders };

/** The body as read: its text, and its JSON when it parsed (kept by reference until the entry is made). */
export function noteBody(req: object, text: string, json?: unknown, parsed = json !== undefined): void {
  const seen = ((req as Tracked)[SEEN] ??= {});
  seen.text = text;
  seen.json = json;
  seen.parsed = parsed;
}

/** Extra headers shown with this request's entry. */
export function noteHeaders(req: object, note: Record<string, string>): void {
  const seen = ((req as Tracked)[SEEN] ??= {});
  seen.note = { ...seen.note, ...note };
}

interface Finishing {
  statusCode: number;
  headersSent: boolean;
  on(event: 'finish' | 'close', listener: () => void): unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tool names listed for an omitted body: enough to tell requests apart, bounded. */
const SUMMARY_TOOLS = 128;
const SUMMARY_NAME_CHARS = 128;

/**
 * An omitted body's model, stream flag and tool names (chat's function.name, Anthropic's
 * and Responses' name): what a test asserts on. Only strings are kept, each cut short.
 */
function bodySummary(json: Record<string, unknown>): Record<string, unknown> {
  const cut = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, SUMMARY_NAME_CHARS) : undefined);
  const tools = Array.isArray(json.tools)
    ? json.tools
        .slice(0, SUMMARY_TOOLS)
        .map((t) => (isRecord(t) ? cut(isRecord(t.function) ? t.function.name : t.name) : undefined))
        .filter((n): n is string => n !== undefined)
    : undefined;
  return {
    ...(cut(json.model) !== undefined ? { model: cut(json.model) } : {}),
    stream: json.stream === true,
    ...(tools ? { tools } : {}),
  };
}

/** Watch one request: its entry is recorded once, on 'finish', or on 'close' for an abandoned one. */
export function watchRequest(journal: Journal, req: object, res: Finishing): void {
  if (!journal.enabled) return;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    const r = req as Tracked;
    const seen = r[SEEN];
    r[SEEN] = undefined;
    let bodyJson = '';
    let bodyState: BodyState = 'not-read';
    let stream = false;
    if (seen?.text !== undefined) {
      const json = seen.parsed === true && isRecord(seen.json) ? seen.json : undefined;
      stream = json?.stream === true;
      if (seen.text.length > JOURNAL_BODY_BYTES) {
        // Agents' requests (Claude Code: 41-115 KB) are over the cap: keep what identifies them.
        bodyJson = JSON.stringify({ omitted: true, bytes: seen.text.length, ...(json ? bodySummary(json) : {}) });
        bodyState = 'omitted';
      } else {
        bodyJson = seen.text;
        bodyState = seen.parsed ? 'parsed' : 'unparsed';
      }
    }
    journal.record({
      method: r.method ?? 'GET',
      // originalUrl: the whole path when an Express app (this one, or one it is mounted in) routed here.
      path: r.originalUrl ?? r.url ?? '',
      // Copied only when a handler added a note; otherwise the request's own headers, by reference.
      headers: seen?.note ? { ...r.headers, ...seen.note } : r.headers,
      bodyJson,
      bodyState,
      status: res.headersSent ? res.statusCode : 0,
      stream,
    });
  };
  // on, not once: once wraps each listener in another closure; `done` already makes it once.
  res.on('finish', finish);
  res.on('close', finish);
}
