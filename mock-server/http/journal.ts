// What the mock was sent, so app tests can assert on their own requests.
// A bounded ring: a mock left running for days must not grow without limit.

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

/** Headers that carry credentials are masked before they are stored. */
const SECRET_HEADER = /authorization|api-key|x-api-key|cookie|token|secret/i;

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity: number) {}

  record(entry: Omit<JournalEntry, 'seq' | 'at' | 'headers'> & { headers: Record<string, string | string[] | undefined> }): void {
    if (this.capacity <= 0) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.headers)) {
      if (value === undefined) continue;
      headers[name] = SECRET_HEADER.test(name) ? '[REDACTED]' : Array.isArray(value) ? value.join(', ') : value;
    }
    this.entries.push({ ...entry, headers, seq: ++this.seq, at: new Date().toISOString() });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): JournalEntry[] {
    return [...this.entries];
  }

  last(): JournalEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  clear(): void {
    this.entries = [];
  }
}
