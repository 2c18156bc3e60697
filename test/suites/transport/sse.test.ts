import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, interpretChatStream, parseSse, type SseEvent } from '../../../suites/transport/sse.js';

const enc = new TextEncoder();

/** Strip the `unterminated` flag for comparisons that do not care. */
const plain = (events: SseEvent[]) => events.map(({ event, data, id }) => ({ event, data, id }));

function feedSplit(bytes: Uint8Array, cuts: number[]): ReturnType<typeof parseSse> {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(prev, c));
    prev = c;
  }
  return parseSse(chunks);
}

describe('SSE parser: WHATWG examples', () => {
  it('joins several data lines with \\n', () => {
    const { events } = parseSse('data: YHOO\ndata: +2\ndata: 10\n\n');
    expect(events).toEqual([{ event: 'message', data: 'YHOO\n+2\n10', id: '' }]);
  });

  it('handles comments, id persistence and reset, and strips only one space', () => {
    const { events, observations } = parseSse(
      ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n',
    );
    expect(events).toEqual([
      { event: 'message', data: 'first event', id: '1' },
      { event: 'message', data: 'second event', id: '' },
      { event: 'message', data: ' third event', id: '' },
    ]);
    expect(observations.comments).toBe(1);
    expect(observations.noSpaceAfterColon).toBe(1);
    expect(observations.emptyDispatches).toBe(1); // the blank line after the comment
  });

  it('dispatches empty data, and keeps (flagged) a last block with no blank line', () => {
    const { events, observations } = parseSse('data\n\ndata\ndata\n\ndata:');
    expect(events).toEqual([
      { event: 'message', data: '', id: '' },
      { event: 'message', data: '\n', id: '' },
      { event: 'message', data: '', id: '', unterminated: true },
    ]);
    expect(observations.unterminatedLast).toBe(true);
  });

  it('treats "data:test" and "data: test" alike', () => {
    const { events } = parseSse('data:test\n\ndata: test\n\n');
    expect(plain(events)).toEqual([
      { event: 'message', data: 'test', id: '' },
      { event: 'message', data: 'test', id: '' },
    ]);
  });
});

describe('SSE parser: quirks relays send', () => {
  it('CRLF, CR and LF line endings', () => {
    const crlf = parseSse('data: a\r\n\r\ndata: b\r\n\r\n');
    expect(crlf.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(crlf.observations).toMatchObject({ crlf: 4, cr: 0, lf: 0 });
    const cr = parseSse('data: a\r\rdata: b\r\r');
    expect(cr.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(cr.observations).toMatchObject({ crlf: 0, cr: 4, lf: 0 });
    const mixed = parseSse('data: a\r\ndata: b\rdata: c\n\n');
    expect(mixed.events.map((e) => e.data)).toEqual(['a\nb\nc']);
  });

  it('a CRLF split across two feeds is one line ending', () => {
    const p = new SseParser();
    const events = [...p.feed('data: a\r'), ...p.feed('\ndata: b\r'), ...p.feed('\n\r'), ...p.feed('\n'), ...p.end()];
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
    expect(p.observations).toMatchObject({ crlf: 3, cr: 0, emptyDispatches: 0, unterminatedLast: false });
  });

  it('a CR at the end of a feed followed by a non-LF is a lone CR', () => {
    const p = new SseParser();
    const events = [...p.feed('data: a\r'), ...p.feed('\r'), ...p.end()];
    expect(events).toEqual([{ event: 'message', data: 'a', id: '' }]);
    expect(p.observations.cr).toBe(2);
  });

  it('counts comments (keep-alive, OPENROUTER PROCESSING) and ignores them', () => {
    const { events, observations } = parseSse(': OPENROUTER PROCESSING\n\n:keep-alive\ndata: {"a":1}\n: x\n\n');
    expect(events.map((e) => e.data)).toEqual(['{"a":1}']);
    expect(observations.comments).toBe(3);
  });

  it('event:, id:, retry: fields and unknown fields', () => {
    const p = new SseParser();
    const events = [
      ...p.feed('event: delta\nid: 7\nretry: 1500\nfoo: bar\ndata: x\n\ndata: y\n\nretry: soon\n\n'),
      ...p.end(),
    ];
    expect(events).toEqual([
      { event: 'delta', data: 'x', id: '7' },
      { event: 'message', data: 'y', id: '7' },
    ]);
    expect(p.retry).toBe(1500);
    expect(p.observations).toMatchObject({ eventFields: 1, idFields: 1, retryFields: 2, unknownFields: 1 });
  });

  it('an event: with no data dispatches nothing and does not leak into the next event', () => {
    const { events } = parseSse('event: ping\n\ndata: x\n\n');
    expect(events).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('one JSON split over several data: lines', () => {
    const { events, observations } = parseSse('data: {"a":\ndata: 1}\n\n');
    expect(JSON.parse(events[0]!.data)).toEqual({ a: 1 });
    expect(observations.multiLineData).toBe(1);
  });

  it('a BOM at the start is stripped and recorded; a NUL in id is ignored', () => {
    const { events, observations } = parseSse(enc.encode('\uFEFFid: a\u0000b\ndata: x\n\n'));
    expect(events).toEqual([{ event: 'message', data: 'x', id: '' }]);
    expect(observations.bom).toBe(true);
  });

  it('invalid UTF-8 never throws and is recorded', () => {
    const { events, observations } = parseSse([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a])]);
    expect(events).toEqual([{ event: 'message', data: '\uFFFD', id: '' }]);
    expect(observations.invalidUtf8).toBe(true);
  });

  it('feed after end is ignored, end twice is harmless', () => {
    const p = new SseParser();
    p.feed('data: a');
    expect(p.end()).toHaveLength(1);
    expect(p.end()).toEqual([]);
    expect(p.feed('\n\n')).toEqual([]);
  });
});

describe('SSE parser: events split at any byte', () => {
  const sample =
    ': OPENROUTER PROCESSING\r\n\r\n' +
    'data: {"choices":[{"delta":{"content":"你好，世界"}}]}\r\n\r\n' +
    'event: message\ndata:{"choices":[{"delta":{"content":"😀 ok"}}]}\n\n' +
    'data: {"a":\rdata: "中"}\r\r' +
    'id: 42\ndata: [DONE]\n\n';
  const bytes = enc.encode(sample);
  const expected = parseSse(sample);

  it('the sample has the expected events', () => {
    expect(expected.events.map((e) => e.data)).toEqual([
      '{"choices":[{"delta":{"content":"你好，世界"}}]}',
      '{"choices":[{"delta":{"content":"😀 ok"}}]}',
      '{"a":\n"中"}',
      '[DONE]',
    ]);
  });

  it('same events and observations whatever single split point, including inside a CJK character', () => {
    const cjk = sample.indexOf('你');
    const cjkByte = enc.encode(sample.slice(0, cjk)).length;
    expect(bytes[cjkByte + 1]! & 0xc0).toBe(0x80); // offset cjkByte+1 is inside the character
    for (let i = 0; i <= bytes.length; i++) {
      const got = feedSplit(bytes, [i]);
      expect(got.events, `split at ${i}`).toEqual(expected.events);
      expect(got.observations, `split at ${i}`).toEqual(expected.observations);
    }
  });

  it('same events fed one byte at a time', () => {
    const got = feedSplit(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(got.events).toEqual(expected.events);
    expect(got.observations).toEqual(expected.observations);
  });

  it('same events for every pair of split points', () => {
    for (let i = 1; i < bytes.length; i += 3) {
      for (let j = i + 1; j < bytes.length; j += 5) {
        expect(feedSplit(bytes, [i, j]).events).toEqual(expected.events);
      }
    }
  });
});

describe('SSE parser: properties', () => {
  const value = fc
    .string({ unit: 'grapheme', maxLength: 12 })
    // eslint-disable-next-line no-control-regex -- NUL is what is being stripped
    .map((s) => s.replace(/[\r\n\u0000]/g, '').replace(/^\uFEFF/, ''));
  const name = fc.stringMatching(/^[a-z][a-z_.-]{0,8}$/);
  const eventArb = fc.record({
    event: fc.option(name, { nil: undefined }),
    id: fc.option(value, { nil: undefined }),
    dataLines: fc.array(value, { minLength: 1, maxLength: 3 }),
  });
  const quirks = fc.record({
    endings: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 5 }),
    spaces: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    comments: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    terminated: fc.boolean(),
  });

  type Ev = { event?: string | undefined; id?: string | undefined; dataLines: string[] };

  function serialise(
    events: Ev[],
    q: { endings: string[]; spaces: boolean[]; comments: boolean[]; terminated: boolean },
  ): string {
    let out = '';
    let n = 0;
    let prevEnding = '';
    const line = (text: string): void => {
      let ending = q.endings[n % q.endings.length]!;
      // "…\r" followed by an empty line ended by "\n" would read as one CRLF: not a quirk, a different stream.
      if (text === '' && prevEnding === '\r' && ending === '\n') ending = '\r\n';
      out += text + ending;
      prevEnding = ending;
      n++;
    };
    const field = (f: string, v: string): void => {
      const space = q.spaces[n % q.spaces.length]! || v.startsWith(' ');
      line(`${f}:${space ? ' ' : ''}${v}`);
    };
    events.forEach((ev, i) => {
      if (q.comments[n % q.comments.length]) line(': keep-alive');
      if (ev.event !== undefined) field('event', ev.event);
      if (ev.id !== undefined) field('id', ev.id);
      for (const d of ev.dataLines) field('data', d);
      if (i < events.length - 1 || q.terminated) line('');
    });
    return out;
  }

  function expectedEvents(events: Ev[], terminated: boolean): SseEvent[] {
    let id = '';
    return events.map((ev, i) => {
      if (ev.id !== undefined) id = ev.id;
      const e: SseEvent = { event: ev.event ?? 'message', data: ev.dataLines.join('\n'), id };
      if (i === events.length - 1 && !terminated) e.unterminated = true;
      return e;
    });
  }

  it('random events with random quirks and random split points parse back to the same events', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 5 }),
        quirks,
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, q, cutSeeds) => {
          const bytes = enc.encode(serialise(events, q));
          const cuts = cutSeeds.map((c) => c % (bytes.length + 1));
          const got = feedSplit(bytes, cuts);
          expect(got.events).toEqual(expectedEvents(events, q.terminated));
          expect(got.observations.invalidUtf8).toBe(false);
          expect(got.observations.unterminatedLast).toBe(!q.terminated);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes split anywhere never throw, and splitting does not change the result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cutSeeds) => {
        const whole = parseSse([bytes]);
        const split = feedSplit(
          bytes,
          cutSeeds.map((c) => c % (bytes.length + 1)),
        );
        expect(split.events).toEqual(whole.events);
        expect(split.observations).toEqual(whole.observations);
      }),
      { numRuns: 300 },
    );
  });

  it('random SSE-ish text never throws', () => {
    const piece = fc.constantFrom(
      'data',
      'data:',
      'data: ',
      ':',
      'event:',
      'id:',
      'retry:',
      '\r',
      '\n',
      '\r\n',
      'x',
      '中',
      ' ',
      '[DONE]',
      '{}',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const p = new SseParser();
        for (const s of pieces) p.feed(s);
        p.end();
      }),
      { numRuns: 300 },
    );
  });
});

describe('interpretChatStream', () => {
  it('splits chunks, [DONE], data after [DONE], non-JSON data and in-band errors', () => {
    const { events } = parseSse(
      'data: {"id":"a","choices":[]}\n\n' +
        'data: : OPENROUTER PROCESSING\n\n' +
        'event: error\ndata: {"error":{"message":"upstream failed"}}\n\n' +
        'data: [DONE]\n\n' +
        'data: {"late":true}\n\n',
    );
    const chat = interpretChatStream(events);
    expect(chat).toEqual({
      chunks: [{ id: 'a', choices: [] }],
      done: true,
      afterDone: 1,
      nonJson: [': OPENROUTER PROCESSING'],
      errorEvents: [{ error: { message: 'upstream failed' } }],
      eventTypes: ['error'],
    });
  });

  it('a stream without [DONE]', () => {
    const chat = interpretChatStream(parseSse('data: {"a":1}\n\ndata: {"a":2}').events);
    expect(chat.done).toBe(false);
    expect(chat.chunks).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
