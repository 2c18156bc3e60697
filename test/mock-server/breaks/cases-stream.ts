// Stream framing and streamed usage: each break's scenario and the exact change it must
// make. Framing breaks are checked on the bytes (the broken text is the faithful text with
// the documented rewrite); chunk breaks on the parsed chunks (the broken list is the faithful
// list with the documented edit).
import { expect } from 'vitest';
import {
  assembled,
  chat,
  copy,
  errorOf,
  expectSame,
  post,
  rawEvents,
  send,
  start,
  sse,
  STREAM_USAGE,
  WEATHER_PROMPT,
  WEATHER_TOOL,
  type BreakCases,
  type J,
  type Reply,
} from './harness.js';

const COUNT = 'Count from 1 to 6';
/** Streamed with include_usage. */
const S = post(chat(COUNT, STREAM_USAGE));
/** Streamed without include_usage. */
const S0 = post(chat(COUNT, { stream: true }));
/** A streamed tool call. */
const T = post(chat(WEATHER_PROMPT, { tools: [WEATHER_TOOL], stream: true }));

const chunks = (r: Reply): J[] => sse(r).chunks;
const finishIndex = (list: J[]): number => list.findIndex((c) => c.choices?.[0]?.finish_reason != null);
const isUsageChunk = (c: J): boolean => c.usage != null && Array.isArray(c.choices) && c.choices.length === 0;
const nonEmptyDelta = (c: J): boolean => Object.keys(c.choices?.[0]?.delta ?? {}).length > 0;

/** Broken text = faithful text with `edit` applied to each event. */
function expectEventsRewritten(b: Reply, f: Reply, edit: (event: string) => string): void {
  expect(b.text).toBe(rawEvents(f.text).map(edit).join(''));
  expect(sse(b).chunks, 'the same chunks').toEqual(sse(f).chunks);
}

/** Same bytes and headers but for the framing rewrite: only the body differs. */
function framingCase(edit: (event: string) => string): BreakCases[string] {
  return {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        expect(b[i]!.headers).toEqual(fr.headers);
        expectEventsRewritten(b[i]!, fr, edit);
        expect(sse(b[i]!).done).toBe(true);
      });
    },
    changes: ['stream', 'tool-stream'],
  };
}

/** Broken chunks = faithful chunks with `edit` applied, for a text and a tool-call stream. */
function chunkEditCase(edit: (faithful: J[]) => J[], done: boolean): BreakCases[string] {
  return {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        expect(chunks(b[i]!)).toEqual(edit(chunks(fr)));
        expect(sse(b[i]!).done).toBe(done);
      });
    },
    changes: ['stream', 'tool-stream'],
  };
}

export const streamCases: BreakCases = {
  'no-done': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        expect(fr.text.endsWith('data: [DONE]\n\n')).toBe(true);
        expect(b[i]!.text, 'the same bytes without the final [DONE]').toBe(
          fr.text.slice(0, -'data: [DONE]\n\n'.length),
        );
        expect(sse(b[i]!).done).toBe(false);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'no-finish-chunk': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        const at = finishIndex(expected);
        expect(nonEmptyDelta(expected[at])).toBe(false);
        expected.splice(at, 1);
        expect(chunks(b[i]!), 'the empty finish chunk is gone, nothing else').toEqual(expected);
        expect(chunks(b[i]!).some((c) => c.choices?.some((ch: J) => ch.finish_reason != null))).toBe(false);
        expect(sse(b[i]!).done).toBe(true);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'finish-repeated': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        const at = finishIndex(expected);
        const reason = expected[at].choices[0].finish_reason;
        // The last chunk before the finish chunk that carried something.
        const last = expected.slice(0, at).findLastIndex(nonEmptyDelta);
        expected[last].choices[0].finish_reason = reason;
        expect(chunks(b[i]!)).toEqual(expected);
        expect(chunks(b[i]!).filter((c) => c.choices?.[0]?.finish_reason != null)).toHaveLength(2);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'finish-reason-empty': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        const at = finishIndex(expected);
        expected.slice(0, at).forEach((c) => (c.choices[0].finish_reason = ''));
        expect(chunks(b[i]!), '"" before the finish chunk, the finish chunk as it was').toEqual(expected);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'chunk-id-changes': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const got = chunks(b[i]!);
        expect(new Set(got.map((c) => c.id)).size, 'a different id on every chunk').toBe(got.length);
        const strip = (list: J[]): J[] => list.map(({ id: _id, ...rest }) => rest);
        expect(strip(got)).toEqual(strip(chunks(fr)));
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'role-missing': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const expected = chunks(fr);
        expect(expected[0].choices[0].delta.role).toBe('assistant');
        delete expected[0].choices[0].delta.role;
        expect(chunks(b[i]!)).toEqual(expected);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'deltas-cumulative': {
    scenario: [S, T],
    check([f, ft], [b, bt]) {
      const expected = chunks(f!);
      let sofar = '';
      for (const c of expected) {
        const d = c.choices?.[0]?.delta;
        if (typeof d?.content === 'string' && d.content !== '') d.content = sofar += d.content;
      }
      expect(sofar).toBe('1, 2, 3, 4, 5, 6');
      expect(chunks(b!)).toEqual(expected);
      expectSame(bt!, ft!, 'a tool-call stream has no content deltas');
    },
    changes: ['stream'],
  },

  'stream-cumulative-repeated-finish': {
    scenario: [S, T],
    check([f, ft], [b, bt]) {
      const expected = chunks(f!);
      let sofar = '';
      for (const c of expected) {
        const d = c.choices?.[0]?.delta;
        if (typeof d?.content === 'string' && d.content !== '') d.content = sofar += d.content;
      }
      const at = finishIndex(expected);
      expected[at].choices[0].delta = { ...expected[at].choices[0].delta, content: sofar };
      expected.splice(at, 0, structuredClone(expected[at]), structuredClone(expected[at]));
      expect(chunks(b!)).toEqual(expected);
      expect(sse(b!).done).toBe(true);
      // A tool-call stream has no content to cumulate; its finish chunk is still sent three times.
      const tools = chunks(ft!);
      const tat = finishIndex(tools);
      tools.splice(tat, 0, structuredClone(tools[tat]), structuredClone(tools[tat]));
      expect(chunks(bt!)).toEqual(tools);
    },
    changes: ['stream', 'tool-stream'],
  },

  'stream-repeated-finish': chunkEditCase((list) => {
    const at = finishIndex(list);
    list.splice(at, 0, structuredClone(list[at]), structuredClone(list[at]));
    return list;
  }, true),

  // Every chunk before the finish, nothing after.
  'stream-cut-no-finish': chunkEditCase((list) => list.slice(0, finishIndex(list)), false),

  'sse-no-content-type': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        expect(fr.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(b[i]!.headers['content-type']).toBeUndefined();
        const { ['content-type']: _, ...rest } = fr.headers;
        expect(b[i]!.headers).toEqual(rest);
        expect(b[i]!.text, 'the same bytes').toBe(fr.text);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'sse-comment-as-data': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const events = rawEvents(fr.text);
        events.splice(1, 0, 'data: : keep-alive\n\n');
        expect(b[i]!.text).toBe(events.join(''));
        expect(sse(b[i]!).nonJson).toEqual([': keep-alive']);
        expect(sse(b[i]!).chunks).toEqual(sse(fr).chunks);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'sse-wrong-content-type': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        expect(fr.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(b[i]!.headers['content-type']).toMatch(/^text\/plain/);
        expect({ ...b[i]!.headers, 'content-type': '' }).toEqual({ ...fr.headers, 'content-type': '' });
        expect(b[i]!.text, 'the same bytes').toBe(fr.text);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'sse-comments': framingCase((e) => `: keep-alive\n${e}`),
  'sse-no-space': framingCase((e) => e.replace(/^data: /gm, 'data:')),
  'sse-crlf': framingCase((e) => e.replace(/\n/g, '\r\n')),
  'sse-event-lines': framingCase((e) => `event: message\n${e}`),

  'sse-split-writes': {
    // Read off a raw socket: each server write is one HTTP chunk. The bytes are the same, so
    // the battery (which compares bytes) sees no change.
    scenario: [
      post(
        chat('Output exactly: 你好，世界 — ünïcödé ✓ 🙂 Grüße aus Köln, ça va? 你好，世界 — ünïcödé ✓ 🙂', {
          stream: true,
        }),
        { raw: true },
      ),
    ],
    check([f], [b]) {
      expect(b!.text, 'the same bytes').toBe(f!.text);
      // Unpaced, the faithful mock sends the whole stream in one write (issue 17).
      expect(
        f!.writes!.map((w) => w.toString('utf8')),
        'faithfully one write for an unpaced stream',
      ).toEqual([f!.text]);
      expect(rawEvents(f!.text).length).toBeGreaterThan(3);
      const writes = b!.writes!;
      expect(writes.length).toBeGreaterThan(f!.writes!.length);
      for (const w of writes) expect(w.length).toBeLessThanOrEqual(24);
      // A write ending inside a multi-byte UTF-8 sequence: its last byte is a lead or
      // continuation byte of a character that goes on in the next write.
      const splitsCharacter = writes.slice(0, -1).some((w, i) => (writes[i + 1]![0]! & 0xc0) === 0x80 && w.length > 0);
      expect(splitsCharacter, 'some write splits a multi-byte character').toBe(true);
      expect(
        writes.slice(0, -1).some((w) => !w.toString('latin1').endsWith('\n\n')),
        'some write splits an event',
      ).toBe(true);
    },
    changes: [],
  },

  'sse-multiline-data': {
    scenario: [S, T],
    check(f, b) {
      f.forEach((fr, i) => {
        const got = sse(b[i]!);
        expect(got.chunks, 'the same JSON').toEqual(sse(fr).chunks);
        expect(got.done).toBe(true);
        expect(got.observations.multiLineData, 'every JSON event over several data lines').toBe(got.chunks.length);
        expect(sse(fr).observations.multiLineData).toBe(0);
        expect(b[i]!.headers).toEqual(fr.headers);
      });
    },
    changes: ['stream', 'tool-stream'],
  },

  'usage-missing': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const expected = chunks(f!).filter((c) => !isUsageChunk(c));
      expect(expected).toHaveLength(chunks(f!).length - 1);
      for (const c of expected) delete c.usage;
      expect(chunks(b!), 'no usage chunk, no usage field').toEqual(expected);
      expect(sse(b!).done).toBe(true);
      expectSame(b0!, f0!, 'usage not asked: untouched');
    },
    changes: ['stream'],
  },

  'usage-every-chunk': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const faithful = chunks(f!);
      const got = chunks(b!);
      expect(got).toHaveLength(faithful.length);
      const final = faithful.at(-1)!;
      expect(isUsageChunk(final)).toBe(true);
      expect(got.at(-1), 'the usage chunk as it was').toEqual(final);
      let previous = 0;
      got.slice(0, -1).forEach((c, i) => {
        const u = c.usage;
        expect(u, `chunk ${i} carries a running usage`).toMatchObject({ prompt_tokens: final.usage.prompt_tokens });
        expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
        expect(u.completion_tokens).toBeGreaterThanOrEqual(previous);
        expect(u.completion_tokens).toBeLessThanOrEqual(final.usage.completion_tokens);
        previous = u.completion_tokens;
        expect({ ...c, usage: null }, 'nothing else on the chunk').toEqual(faithful[i]);
      });
      expect(previous).toBeGreaterThan(0);
      expectSame(b0!, f0!, 'usage not asked: untouched');
    },
    changes: ['stream'],
  },

  'usage-on-finish-chunk': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const expected = chunks(f!);
      const usage = expected.pop().usage;
      expected[finishIndex(expected)].usage = usage;
      expect(chunks(b!)).toEqual(expected);
      expect(sse(b!).done).toBe(true);
      expectSame(b0!, f0!, 'usage not asked: untouched');
    },
    changes: ['stream'],
    more: {
      'with unasked: true, usage is on the finish chunk of every stream, asked or not': async () => {
        const faithful = await start();
        const always = await start({ breaks: [{ id: 'usage-on-finish-chunk', params: { unasked: true } }] });
        try {
          const [f, f0, b, b0] = await Promise.all([
            send(faithful, S),
            send(faithful, S0),
            send(always, S),
            send(always, S0),
          ]);
          const usage = chunks(f).at(-1).usage;
          for (const broken of [b, b0]) {
            const list = chunks(broken);
            expect(list.filter(isUsageChunk), 'no separate usage chunk').toEqual([]);
            expect(list[finishIndex(list)].usage).toEqual(usage);
            expect(sse(broken).done).toBe(true);
          }
          // Otherwise the unasked stream is untouched.
          expect(chunks(b0).map((c) => ({ ...c, usage: undefined }))).toEqual(
            chunks(f0).map((c) => ({ ...c, usage: undefined })),
          );
        } finally {
          await Promise.all([faithful, always].map((s) => s.provider.stop()));
        }
      },
    },
  },

  'usage-duplicated': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const expected = chunks(f!);
      expected[finishIndex(expected)].usage = copy(expected.at(-1).usage);
      expect(chunks(b!)).toEqual(expected);
      expectSame(b0!, f0!, 'usage not asked: untouched');
    },
    changes: ['stream'],
  },

  'usage-choices-null': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const expected = chunks(f!);
      expected.at(-1).choices = null;
      expect(chunks(b!)).toEqual(expected);
      expectSame(b0!, f0!, 'usage not asked: no usage chunk to change');
    },
    changes: ['stream'],
  },

  'usage-unasked': {
    scenario: [S0, S],
    check([f0, f], [b0, b]) {
      const faithful = chunks(f0!);
      const first = faithful[0];
      const usage = chunks(f!).at(-1).usage;
      const expected = [
        ...faithful,
        {
          id: first.id,
          object: first.object,
          created: first.created,
          model: first.model,
          system_fingerprint: first.system_fingerprint,
          choices: [],
          usage,
        },
      ];
      expect(chunks(b0!), 'the usage chunk appended, as if asked').toEqual(expected);
      expect(sse(b0!).done).toBe(true);
      expectSame(b!, f!, 'usage asked: untouched');
    },
    changes: ['tool-stream'],
  },

  'stream-partial-delta-replay': {
    scenario: [S, T],
    check([f, ft], [b, bt]) {
      const expected = chunks(f!);
      const texts = expected.filter(
        (c) => typeof c.choices?.[0]?.delta?.content === 'string' && c.choices[0].delta.content !== '',
      );
      expect(texts.length).toBeGreaterThan(2);
      texts[1].choices[0].delta.content = texts[0].choices[0].delta.content + texts[1].choices[0].delta.content;
      expect(chunks(b!), 'the second delta re-sends the first').toEqual(expected);
      const [first, second] = [texts[0].choices[0].delta.content as string, assembled(f!)[0].content as string];
      expect(assembled(b!)[0].content).toBe(first + second);
      expectSame(bt!, ft!, 'a tool-call stream has no content delta: untouched');
    },
    changes: ['stream'],
  },

  'stream-usage-estimated': {
    scenario: [S, S0],
    check([f, f0], [b, b0]) {
      const expected = chunks(f!);
      const text = assembled(f!)[0].content as string;
      const [prompt, completion] = [Math.ceil(COUNT.length / 4), Math.ceil(text.length / 4)];
      expected.at(-1).usage = {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      };
      expect(chunks(b!), 'the usage chunk holds the characters/4 estimate').toEqual(expected);
      expect(chunks(f!).at(-1).usage.prompt_tokens, 'the faithful count differs').not.toBe(prompt);
      expectSame(b0!, f0!, 'usage not asked: untouched');
    },
    changes: ['stream'],
  },

  'stream-options-rejected': {
    scenario: [S, post(chat(COUNT, { stream: true, stream_options: { include_usage: false } })), S0],
    check([f, fFalse, f0], [b, bFalse, b0]) {
      expect(f!.status).toBe(200);
      expect(fFalse!.status).toBe(200);
      expect(errorOf(b!, 400)).toMatchObject({ param: 'stream_options', type: 'invalid_request_error' });
      expect(errorOf(bFalse!, 400).param).toBe('stream_options');
      expectSame(b0!, f0!, 'no stream_options: untouched');
    },
    changes: ['stream'],
  },
};
