// The Responses API breaks (POST /responses): each break's scenario and the exact change it
// must make. None touches a chat request, so none changes a battery item.
import { expect } from 'vitest';
import { json, MODEL, post, type BreakCases, type J, type Reply } from './harness.js';

const BODY = { model: MODEL, input: 'Output exactly: alpha beta gamma delta epsilon', store: false };
const P = post(BODY, { path: '/responses' });
const S = post({ ...BODY, stream: true }, { path: '/responses' });

/** The events of a Responses stream, each `event:` name checked against its data's type. */
function events(r: Reply): J[] {
  expect(r.status, r.text).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
  return r.text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as J;
      expect(/^event: (.+)$/m.exec(block)?.[1]).toBe(data.type);
      return data;
    });
}

const TERMINAL = ['response.completed', 'response.incomplete', 'response.failed'];

export const responsesCases: BreakCases = {
  'responses-text-parts': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const want = json(f!);
      for (const item of want.output) if (item.type === 'message') for (const part of item.content) part.type = 'text';
      expect(json(b!)).toEqual(want);
      // The stream is left alone.
      expect(events(bs!)).toEqual(events(fs!));
    },
    changes: [],
  },

  'responses-no-completed': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      expect(all.at(-1).type).toBe('response.completed');
      expect(events(b!)).toEqual(all.slice(0, -1));
    },
    changes: [],
  },

  'responses-output-only-in-completed': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      expect(all.length).toBeGreaterThan(3);
      const kept = all.filter((e) => ['response.created', 'response.in_progress', ...TERMINAL].includes(e.type));
      expect(kept.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
      expect(events(b!)).toEqual(kept);
      expect(kept.at(-1).response.output.length).toBeGreaterThan(0);
    },
    changes: [],
  },

  'responses-no-sequence-number': {
    scenario: [S],
    check([f], [b]) {
      const want = events(f!).map(({ sequence_number: _, ...rest }) => rest as J);
      expect(events(b!)).toEqual(want);
    },
    changes: [],
  },

  'responses-stream-closed-early': {
    scenario: [S],
    check([f], [b]) {
      const all = events(f!);
      const got = events(b!);
      expect(got).toEqual(all.slice(0, got.length));
      expect(got.at(-1).type).toBe('response.output_text.delta');
      const deltas = all.filter((e) => e.type === 'response.output_text.delta').length;
      expect(got.filter((e) => e.type === 'response.output_text.delta').length).toBe(Math.floor(deltas / 2) + 1);
      expect(got.some((e) => e.type === 'response.output_text.done' || TERMINAL.includes(e.type))).toBe(false);
    },
    changes: [],
  },

  'responses-usage-zero': {
    scenario: [P, S],
    check([f, fs], [b, bs]) {
      const zero = {
        input_tokens: 0,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 0,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 0,
      };
      const want = json(f!);
      expect(want.usage.output_tokens).toBeGreaterThan(0);
      want.usage = zero;
      expect(json(b!)).toEqual(want);
      const stream = events(fs!);
      for (const e of stream) if (e.response?.usage) e.response.usage = zero;
      expect(events(bs!)).toEqual(stream);
    },
    changes: [],
  },
};
