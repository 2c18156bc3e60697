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
  body: unknown;
  status: number;
  stream: boolean;
}

type RawHeaders = Record<string, string | string[] | undefined>;

export type JournalRecord = Omit<JournalEntry, 'seq' | 'at' | 'headers' | 'body'> & {
  /** Kept by reference and masked when listed: pass an object nobody changes afterwards (a request's headers). */
  headers: RawHeaders;
  /** The body as JSON text (a request's raw body, as read): parsed when the entry is listed. */
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

  record(entry: JournalRecord): void {
    if (this.capacity <= 0) return;
    const { method, path, headers, bodyJson, status, stream } = entry;
    const stored: Stored = { method, path, headers, bodyJson, status, stream, seq: ++this.seq, time: Date.now() };
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

  last(): JournalEntry | undefined {
    const n = this.ring.length;
    return n === 0 ? undefined : toEntry(this.ring[(this.head + n - 1) % n]!);
  }

  clear(): void {
    this.ring = [];
    this.head = 0;
  }
}

function toEntry({ seq, time, method, path, headers, bodyJson, status, stream }: Stored): JournalEntry {
  // The key order the journal has always listed its entries in.
  return {
    method,
    path,
    headers: maskHeaders(headers),
    body: JSON.parse(bodyJson) as unknown,
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
