import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { features } from '../../../spec/features.js';
import { PROBES } from '../../../suites/probes/index.js';
import { assembleChunks, isRefusal, readReply, unfence } from '../../../suites/wire/read.js';
import type { RequestSpec } from '../../../suites/wire/types.js';
import { failed, json, ok, sse, sseOf, text, textChunks } from '../helpers.js';

describe('the probe catalogue', () => {
  it('has exactly one probe per feature of spec/features.yaml, with the same needs', () => {
    const ids = features().map((f) => f.id);
    expect(PROBES.map((p) => p.feature).sort()).toEqual([...ids].sort());
    for (const f of features()) expect(PROBES.find((p) => p.feature === f.id)!.needs).toBe(f.needs);
  });
  it('labels are unique within a probe', () => {
    for (const p of PROBES) {
      const labels = p.steps
        .filter((s): s is readonly RequestSpec[] => Array.isArray(s))
        .flat()
        .map((r) => r.label);
      expect(new Set(labels).size, p.feature).toBe(labels.length);
    }
  });
});

describe('readReply', () => {
  it('tells completions, refusals, failures and garbage apart', () => {
    expect(readReply(ok(), { stream: false }).kind).toBe('ok');
    expect(readReply(json({ error: { message: 'no' } }, 400), { stream: false })).toMatchObject({
      kind: 'refused',
      status: 400,
      message: 'no',
      via2xx: false,
    });
    expect(readReply(json({ error: { message: 'no' } }), { stream: false })).toMatchObject({
      kind: 'refused',
      via2xx: true,
    });
    expect(readReply(json({ error: 'x' }, 502), { stream: false }).kind).toBe('failed');
    expect(readReply(failed('timeout', 't'), { stream: false }).kind).toBe('failed');
    expect(readReply(text('<html>', 200, 'text/html'), { stream: false }).kind).toBe('invalid');
    expect(readReply(json({ foo: 1 }), { stream: false }).kind).toBe('invalid');
  });
  it('reads a stream for a non-streamed request, with a warning', () => {
    const r = readReply(sse(sseOf(textChunks(['a', 'b']))), { stream: false });
    expect(r.kind).toBe('ok');
    expect(r.kind === 'ok' && r.warnings[0]).toContain('SSE');
  });
  it('isRefusal: non-2xx, 2xx error bodies, empty bodies, error-only streams', () => {
    expect(isRefusal(text('', 200))).toBe(true);
    expect(isRefusal(json([{ error: { message: 'x' } }]))).toBe(true);
    expect(isRefusal(json({ object: 'error', message: 'x' }))).toBe(true);
    expect(isRefusal(sse(sseOf([{ error: { message: 'x' } }])))).toBe(true);
    expect(isRefusal(ok())).toBe(false);
  });
  it('unfence strips one markdown code fence', () => {
    expect(unfence('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(unfence('{"a":1}')).toBeUndefined();
  });
});

describe('assembleChunks', () => {
  it('reassembles any split of the text, interleaved choices and tool-call fragments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 12 }),
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 6 }),
        (pieces, argPieces) => {
          const a = textChunks(pieces, { index: 0 });
          const b = textChunks([...pieces].reverse(), { index: 1 });
          const interleaved = a.flatMap((c, i) => [c, ...(b[i] ? [b[i]!] : [])]);
          const tool = argPieces.map((p, i) => ({
            choices: [
              {
                index: 2,
                delta: {
                  tool_calls: [
                    {
                      index: 0,
                      ...(i === 0
                        ? { id: 'c', type: 'function', function: { name: 'f', arguments: p } }
                        : { function: { arguments: p } }),
                    },
                  ],
                },
              },
            ],
          }));
          const { choices } = assembleChunks([...interleaved, ...tool]);
          expect(choices[0]!.content).toBe(pieces.join(''));
          expect(choices[1]!.content).toBe([...pieces].reverse().join(''));
          expect(choices[2]!.toolCalls).toEqual([
            { index: 0, id: 'c', type: 'function', name: 'f', arguments: argPieces.join('') },
          ]);
        },
      ),
    );
  });
  it('keeps the last usage of a stream', () => {
    const u = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    expect(assembleChunks([...textChunks(['x']), { choices: [], usage: u }]).usage).toEqual(u);
  });
});
