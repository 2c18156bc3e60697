// An incremental Server-Sent Events parser following the WHATWG HTML spec
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
// lenient where relays are sloppy and recording every spec-legal quirk it meets so probes
// can warn about what trips naive clients. Pure: no I/O, no timers.

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, or "message" when none was given. */
  event: string;
  /** The `data:` lines joined with "\n" (the final newline removed, as the spec says). */
  data: string;
  /** The last event ID seen so far in the stream (`id:` persists across events), or "". */
  id: string;
  /**
   * Set when the stream ended before the blank line that should dispatch this event. The
   * spec says to drop such an event; relaycheck keeps it and records the deviation.
   */
  unterminated?: true;
}

/** What the parser met on the way: counts unless said otherwise. */
export interface SseObservations {
  /** Comment lines (starting with ':'), e.g. `: keep-alive`, `: OPENROUTER PROCESSING`. */
  comments: number;
  /** Lines ended by CRLF. */
  crlf: number;
  /** Lines ended by a lone CR. */
  cr: number;
  /** Lines ended by a lone LF (the usual). */
  lf: number;
  /** Fields written `name:value` with no space after the colon (value non-empty). */
  noSpaceAfterColon: number;
  /** Events whose data came in more than one `data:` line. */
  multiLineData: number;
  /** `event:` lines. */
  eventFields: number;
  /** `id:` lines. */
  idFields: number;
  /** `retry:` lines. */
  retryFields: number;
  /** Lines with a field name the spec does not know (ignored, as the spec says). */
  unknownFields: number;
  /** Blank lines that dispatched nothing (no data since the previous event). */
  emptyDispatches: number;
  /** A byte-order mark at the start of the stream (stripped, as the spec says). */
  bom: boolean;
  /** The stream ended without the blank line after the last event (it was still dispatched). */
  unterminatedLast: boolean;
  /** Bytes that were not valid UTF-8 (decoded as U+FFFD). */
  invalidUtf8: boolean;
}

function emptyObservations(): SseObservations {
  return {
    comments: 0,
    crlf: 0,
    cr: 0,
    lf: 0,
    noSpaceAfterColon: 0,
    multiLineData: 0,
    eventFields: 0,
    idFields: 0,
    retryFields: 0,
    unknownFields: 0,
    emptyDispatches: 0,
    bom: false,
    unterminatedLast: false,
    invalidUtf8: false,
  };
}

/**
 * Feed bytes (or already-decoded text) as they arrive; each call returns the events it
 * completed. Chunks may split anything: a CRLF pair, a field name, a multi-byte UTF-8
 * character. Call `end()` once at the end of the stream. Never throws on any input.
 * Do not mix bytes and strings in one stream while a UTF-8 character is incomplete.
 */
export class SseParser {
  readonly observations: SseObservations = emptyObservations();
  /** The last valid `retry:` value (reconnection time in ms), if any. */
  retry: number | undefined;

  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // A second, fatal decoder only to notice invalid UTF-8; dropped after the first error.
  private validator: InstanceType<typeof TextDecoder> | undefined = new TextDecoder('utf-8', {
    fatal: true,
    ignoreBOM: true,
  });
  private started = false;
  private ended = false;
  /** The current line so far (no terminator yet). */
  private line = '';
  /** The previous text ended with CR: an LF at the start of the next one completes a CRLF. */
  private pendingCr = false;
  private data: string[] = [];
  private hasData = false;
  private eventType = '';
  private lastEventId = '';

  feed(chunk: Uint8Array | string): SseEvent[] {
    if (this.ended) return [];
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      text = this.decoder.decode(chunk, { stream: true });
      this.validate(chunk, true);
    }
    return this.push(text);
  }

  end(): SseEvent[] {
    if (this.ended) return [];
    const tail = this.decoder.decode();
    this.validate(new Uint8Array(0), false);
    const out = this.push(tail);
    this.ended = true;
    this.pendingCr = false;
    if (this.line !== '') {
      // The last line had no terminator: take it as a complete line.
      const line = this.line;
      this.line = '';
      this.processLine(line, out);
    }
    if (this.hasData) {
      this.observations.unterminatedLast = true;
      const ev = this.dispatch();
      if (ev) out.push({ ...ev, unterminated: true });
    }
    return out;
  }

  private validate(bytes: Uint8Array, stream: boolean): void {
    if (!this.validator) return;
    try {
      this.validator.decode(bytes, { stream });
    } catch {
      this.observations.invalidUtf8 = true;
      this.validator = undefined;
    }
  }

  private push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    if (text === '') return out;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        this.observations.bom = true;
        text = text.slice(1);
      }
    }
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) {
        // The LF of a CRLF split across two feeds: the line was already processed at CR.
        this.observations.cr--;
        this.observations.crlf++;
        i = 1;
      }
    }
    const n = text.length;
    while (i < n) {
      // Find the next CR or LF.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 10 || c === 13) break;
        j++;
      }
      if (j === n) {
        this.line += text.slice(i);
        break;
      }
      const line = this.line + text.slice(i, j);
      this.line = '';
      if (text.charCodeAt(j) === 13) {
        if (j + 1 < n) {
          if (text.charCodeAt(j + 1) === 10) {
            this.observations.crlf++;
            i = j + 2;
          } else {
            this.observations.cr++;
            i = j + 1;
          }
        } else {
          // CR at the end of this text: count it as CR for now, fixed up if LF follows.
          this.observations.cr++;
          this.pendingCr = true;
          i = j + 1;
        }
      } else {
        this.observations.lf++;
        i = j + 1;
      }
      this.processLine(line, out);
    }
    return out;
  }

  private processLine(line: string, out: SseEvent[]): void {
    if (line === '') {
      const ev = this.dispatch();
      if (ev) out.push(ev);
      else this.observations.emptyDispatches++;
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.observations.comments++;
      return;
    }
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      else if (value !== '') this.observations.noSpaceAfterColon++;
    }
    switch (field) {
      case 'event':
        this.observations.eventFields++;
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        this.observations.idFields++;
        if (!value.includes('\u0000')) this.lastEventId = value;
        break;
      case 'retry':
        this.observations.retryFields++;
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        this.observations.unknownFields++;
    }
  }

  private dispatch(): SseEvent | undefined {
    const type = this.eventType;
    this.eventType = '';
    if (!this.hasData) {
      this.data = [];
      return undefined;
    }
    if (this.data.length > 1) this.observations.multiLineData++;
    const data = this.data.join('\n');
    this.data = [];
    this.hasData = false;
    return { event: type === '' ? 'message' : type, data, id: this.lastEventId };
  }
}

/** Parse a whole stream at once: one string, or the chunks as they came off the wire. */
export function parseSse(input: string | Uint8Array | ReadonlyArray<Uint8Array | string>): {
  events: SseEvent[];
  observations: SseObservations;
} {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  const chunks = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  for (const chunk of chunks) events.push(...parser.feed(chunk));
  events.push(...parser.end());
  return { events, observations: parser.observations };
}

/** A chat-completions stream read out of its events. */
export interface ChatStreamInterpretation {
  /** Each event's data parsed as JSON, before `[DONE]`, without the error payloads. */
  chunks: unknown[];
  /** `data: [DONE]` was seen. */
  done: boolean;
  /** Events that came after `[DONE]` (they are not parsed into `chunks`). */
  afterDone: number;
  /** Data that is neither JSON nor `[DONE]` (e.g. a comment re-wrapped as `data: : ...`). */
  nonJson: string[];
  /** JSON payloads with an `error` key (an in-band error after HTTP 200). */
  errorEvents: unknown[];
  /** Event types other than "message" (`event:` lines), in order of first appearance. */
  eventTypes: string[];
}

export function interpretChatStream(events: readonly SseEvent[]): ChatStreamInterpretation {
  const result: ChatStreamInterpretation = {
    chunks: [],
    done: false,
    afterDone: 0,
    nonJson: [],
    errorEvents: [],
    eventTypes: [],
  };
  for (const ev of events) {
    if (ev.event !== 'message' && !result.eventTypes.includes(ev.event)) result.eventTypes.push(ev.event);
    if (result.done) {
      result.afterDone++;
      continue;
    }
    const data = ev.data.trim();
    if (data === '[DONE]') {
      result.done = true;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      result.nonJson.push(ev.data);
      continue;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'error' in parsed) {
      result.errorEvents.push(parsed);
    } else {
      result.chunks.push(parsed);
    }
  }
  return result;
}
