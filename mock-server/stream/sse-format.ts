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
  const events = payloads.map((p) => formatEvent(typeof p === 'string' ? p : serialise(p, framing), framing));
  if (framing.done) events.push(formatEvent('[DONE]', framing));
  return events;
}

function serialise(payload: unknown, framing: SseFraming): string {
  return framing.multilineData ? JSON.stringify(payload, null, 1) : JSON.stringify(payload);
}

function formatEvent(data: string, framing: SseFraming): string {
  const eol = framing.lineEnding;
  const prefix = framing.spaceAfterColon ? 'data: ' : 'data:';
  const comment = framing.comment === undefined ? '' : `: ${framing.comment}${eol}`;
  const event = framing.eventName === undefined ? '' : `event:${framing.spaceAfterColon ? ' ' : ''}${framing.eventName}${eol}`;
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
