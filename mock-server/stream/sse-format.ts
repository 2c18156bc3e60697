// Chunks → the bytes of an SSE stream. Pure. The faithful framing is OpenAI's:
// `data: <json>\n\n` per chunk, then `data: [DONE]\n\n`. Every other option exists so a
// relay dialect can reproduce a framing quirk seen in the wild.

export interface SseFraming {
  /** '\n' (OpenAI) or '\r\n'. */
  lineEnding: '\n' | '\r\n';
  /** `data: x` (OpenAI) or `data:x`; both are legal SSE. */
  spaceAfterColon: boolean;
  /** A comment line (e.g. `: keep-alive`) before every event; legal SSE. */
  comment?: string;
  /** Pretty-print each JSON over several `data:` lines; legal SSE, trips naive parsers. */
  multilineData: boolean;
  /** Send the terminating `data: [DONE]`. */
  done: boolean;
  /** An `event:` line before each data line (legal SSE; OpenAI sends none). */
  eventName?: string;
}

export const OPENAI_FRAMING: SseFraming = {
  lineEnding: '\n',
  spaceAfterColon: true,
  multilineData: false,
  done: true,
};

/** One SSE event per payload (a JSON-serialisable chunk, or a raw string sent as is). */
export function formatEvents(payloads: readonly unknown[], framing: SseFraming = OPENAI_FRAMING): string[] {
  const compact = framing.multilineData ? undefined : new CompactJson();
  // The common framing (no comment or event line) wraps compact JSON in one string per event.
  const plain = compact !== undefined && framing.comment === undefined && framing.eventName === undefined;
  const before = framing.spaceAfterColon ? 'data: ' : 'data:';
  const after = `${framing.lineEnding}${framing.lineEnding}`;
  const events = payloads.map((p) => {
    if (typeof p === 'string') return formatEvent(p, framing);
    if (plain) return compact.wrap(p, before, after);
    // Compact JSON never holds a raw newline (JSON.stringify escapes them): no need to look.
    return compact
      ? formatEvent(compact.stringify(p), framing, true)
      : formatEvent(JSON.stringify(p, null, 1), framing);
  });
  if (framing.done) events.push(formatEvent('[DONE]', framing));
  return events;
}

/**
 * How many leading keys of a chunk are worth serialising once per stream (id, object, created, model,
 * system_fingerprint).
 */
const HEAD_KEYS = 5;

/**
 * JSON.stringify for a stream's chunks, which all open with the same few fields (id, object,
 * created, model, system_fingerprint): those are serialised once, from the first chunk, and
 * reused while a chunk opens with the same keys and the same primitive values. Anything
 * else (a break that renamed or changed a field) is serialised in full. Same bytes either way.
 */
export class CompactJson {
  private headKeys: string[] | undefined;
  private headValues: unknown[] = [];
  private headJson = '';
  private readonly keys = new Map<string, string>();

  stringify(value: unknown): string {
    return this.wrap(value, '', '');
  }

  /**
   * `${before}${JSON.stringify(value)}${after}`. A plain content chunk (the head, `choices` with
   * one content delta, then `usage: null` or nothing) is written as a single template: most of a
   * stream is such chunks, and each extra piece of string they are built from costs again when
   * the stream is encoded.
   */
  wrap(value: unknown, before: string, after: string): string {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return `${before}${JSON.stringify(value)}${after}`;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (this.headKeys === undefined) this.learnHead(record, keys);
    if (!this.opensWithHead(record, keys)) return `${before}${JSON.stringify(value)}${after}`;
    const n = keys.length;
    if (
      keys[HEAD_KEYS] === 'choices' &&
      (n === HEAD_KEYS + 1 || (n === HEAD_KEYS + 2 && keys[HEAD_KEYS + 1] === 'usage' && record.usage === null))
    ) {
      const choices = record.choices as [{ index: number; delta: { content: string } }];
      if (isContentChoices(choices)) {
        const { index, delta } = choices[0];
        return `${before}${this.headJson},"choices":[{"index":${index},"delta":{"content":${JSON.stringify(delta.content)}},"logprobs":null,"finish_reason":null}]${n === HEAD_KEYS + 1 ? '}' : ',"usage":null}'}${after}`;
      }
    }
    return `${before}${this.fromHead(record, keys)}${after}`;
  }

  /** The chunk's JSON, its head taken from the cache. */
  private fromHead(record: Record<string, unknown>, keys: string[]): string {
    let out = this.headJson;
    for (let i = HEAD_KEYS; i < keys.length; i++) {
      const key = keys[i]!;
      const field = record[key];
      const json = field === null ? 'null' : (contentChoicesJson(field) ?? JSON.stringify(field));
      // What JSON.stringify leaves out of an object (undefined, functions), this leaves out too.
      if (json !== undefined) out += `${this.keyJson(key)}${json}`;
    }
    return `${out}}`;
  }

  /** `,"key":`, per key name: a stream repeats the same two or three. */
  private keyJson(key: string): string {
    let json = this.keys.get(key);
    if (json === undefined) {
      json = `,${JSON.stringify(key)}:`;
      this.keys.set(key, json);
    }
    return json;
  }

  private learnHead(record: Record<string, unknown>, keys: string[]): void {
    const head = keys.slice(0, HEAD_KEYS);
    const values = head.map((k) => record[k]);
    if (
      head.length < HEAD_KEYS ||
      !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
    ) {
      this.headKeys = [];
      return;
    }
    this.headKeys = head;
    this.headValues = values;
    this.headJson = `{${head.map((k, i) => `${JSON.stringify(k)}:${JSON.stringify(values[i])}`).join(',')}`;
  }

  private opensWithHead(record: Record<string, unknown>, keys: string[]): boolean {
    const head = this.headKeys!;
    if (head.length === 0 || keys.length < HEAD_KEYS) return false;
    for (let i = 0; i < HEAD_KEYS; i++) {
      if (keys[i] !== head[i] || record[head[i]!] !== this.headValues[i]) return false;
    }
    return true;
  }
}

/**
 * JSON.stringify of the `choices` of a plain content chunk, `[{"index":i,"delta":{"content":"…"},
 * "logprobs":null,"finish_reason":null}]`, without walking it: most of a stream is such chunks.
 * Undefined for anything else (other keys, another order, other values), which goes the slow way.
 */
function contentChoicesJson(field: unknown): string | undefined {
  if (!isContentChoices(field)) return undefined;
  const { index, delta } = field[0];
  return `[{"index":${index},"delta":{"content":${JSON.stringify(delta.content)}},"logprobs":null,"finish_reason":null}]`;
}

/** `choices` is one plain content choice, exactly: see contentChoicesJson. */
function isContentChoices(field: unknown): field is [{ index: number; delta: { content: string } }] {
  if (!Array.isArray(field) || field.length !== 1) return false;
  const choice = field[0] as Record<string, unknown> | null;
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return false;
  const { index, delta } = choice;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || Object.is(index, -0)) return false;
  if (choice.logprobs !== null || choice.finish_reason !== null) return false;
  if (typeof delta !== 'object' || delta === null || Array.isArray(delta)) return false;
  const content = (delta as Record<string, unknown>).content;
  if (typeof content !== 'string') return false;
  const keys = Object.keys(choice);
  if (
    keys.length !== 4 ||
    keys[0] !== 'index' ||
    keys[1] !== 'delta' ||
    keys[2] !== 'logprobs' ||
    keys[3] !== 'finish_reason'
  )
    return false;
  const deltaKeys = Object.keys(delta);
  if (deltaKeys.length !== 1 || Object.getPrototypeOf(delta) !== Object.prototype) return false;
  if (Object.getPrototypeOf(choice) !== Object.prototype || Object.getPrototypeOf(field) !== Array.prototype)
    return false;
  return true;
}

function formatEvent(data: string, framing: SseFraming, oneLine = false): string {
  const eol = framing.lineEnding;
  const prefix = framing.spaceAfterColon ? 'data: ' : 'data:';
  // The common case (compact JSON, no comment or event line), without the split and join.
  if (framing.comment === undefined && framing.eventName === undefined && (oneLine || !data.includes('\n')))
    return `${prefix}${data}${eol}${eol}`;
  const comment = framing.comment === undefined ? '' : `: ${framing.comment}${eol}`;
  const event =
    framing.eventName === undefined ? '' : `event:${framing.spaceAfterColon ? ' ' : ''}${framing.eventName}${eol}`;
  const lines = data.split('\n').map((line) => `${prefix}${line}${eol}`);
  return `${comment}${event}${lines.join('')}${eol}`;
}

/**
 * Cut the stream's bytes into writes at arbitrary (deterministic) offsets, including inside
 * multi-byte characters, the way TCP may deliver them.
 */
export function splitWrites(events: readonly string[], pick: (maxExclusive: number) => number): Buffer[] {
  const all = Buffer.from(events.join(''), 'utf8');
  const out: Buffer[] = [];
  let at = 0;
  while (at < all.length) {
    const size = 1 + pick(Math.min(24, all.length - at));
    out.push(all.subarray(at, at + size));
    at += size;
  }
  return out;
}
