import { describe, expect, it } from 'vitest';
import {
  drawRealism,
  echoedModel,
  isRestylable,
  styleText,
  TEXT_STYLES,
} from '../../mock-server/completion/realistic.js';
import { createMockProvider } from '../../mock-server/index.js';
import type { MockOptions } from '../../mock-server/assembly/options.js';
import { mockOptionsFromFlags } from '../../scripts/cli/commands/mock.js';

describe('the realistic model (pure)', () => {
  it('draws the same variations for the same seed and text, and other ones across seeds', () => {
    expect(drawRealism(7, 'Say hi', false)).toEqual(drawRealism(7, 'Say hi', false));
    const worlds = Array.from({ length: 40 }, (_, seed) => drawRealism(seed, 'Say hi', false));
    expect(new Set(worlds.map((w) => w.textStyle))).toEqual(new Set(TEXT_STYLES));
    for (const key of ['hideReasoning', 'flatEffort', 'declineOptionalTools'] as const)
      expect(new Set(worlds.map((w) => w[key])), key).toEqual(new Set([true, false]));
    expect(new Set(worlds.map((w) => w.chunkTokens))).toEqual(new Set([0, 1, 3]));
    expect(worlds.some((w) => w.snapshot === null) && worlds.some((w) => w.snapshot !== null)).toBe(true);
  });
  it('only declining tools depends on streaming: the twins differ in nothing else', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { declineOptionalTools: _a, ...json } = drawRealism(seed, 'weather?', false);
      const { declineOptionalTools: _b, ...streamed } = drawRealism(seed, 'weather?', true);
      expect(streamed).toEqual(json);
    }
  });
  it('restyles prose only, keeping the words', () => {
    expect(styleText('alpha beta gamma', 'title-case')).toBe('Alpha Beta Gamma');
    expect(styleText('alpha beta', 'sentence')).toBe('Alpha beta.');
    expect(styleText('Done!', 'sentence')).toBe('Done!');
    expect(styleText('hi', 'chatty')).toBe('Sure! hi');
    expect(styleText('hi', 'as-is')).toBe('hi');
    expect(isRestylable('{"a":1}')).toBe(false);
    expect(isRestylable('```json\n{}\n```')).toBe(false);
    expect(isRestylable('alpha')).toBe(true);
  });
  it('echoes the model as a dated snapshot, leaving dated ids alone', () => {
    const dated = { ...drawRealism(1, 'x', false), snapshot: '2024-07-18' };
    expect(echoedModel('gpt-4o-mini', dated)).toBe('gpt-4o-mini-2024-07-18');
    expect(echoedModel('claude-sonnet-4-5-20250929', dated)).toBe('claude-sonnet-4-5-20250929');
    expect(echoedModel('gpt-4o-mini', { ...dated, snapshot: null })).toBe('gpt-4o-mini');
  });
});

describe('--style and --seed', () => {
  it('map to the options, and bad values are refused with the flag named', () => {
    expect(mockOptionsFromFlags({ style: 'realistic', seed: '4' })).toMatchObject({ style: 'realistic', seed: 4 });
    expect(mockOptionsFromFlags({})).not.toHaveProperty('style');
    expect(() => mockOptionsFromFlags({ style: 'chatty' })).toThrow(/--style must be faithful or realistic/);
    expect(() => mockOptionsFromFlags({ style: 'realistic', seed: '-1' })).toThrow(/--seed must be/);
    expect(() => mockOptionsFromFlags({ seed: '3' })).toThrow(/--seed needs --style realistic/);
  });
  it('the realistic mock answers differently from the faithful one, and the same for the same seed', async () => {
    const ask = async (options: MockOptions): Promise<unknown> => {
      const mock = createMockProvider({ ...options, journalSize: 0 });
      const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
      try {
        const answers = [];
        for (const content of ['Say hi', 'Output exactly: alpha beta gamma', 'Tell me about harbors'])
          answers.push(
            await (
              await fetch(`${baseUrl}/chat/completions`, {
                method: 'POST',
                headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json' },
                body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content }] }),
              })
            ).json(),
          );
        return answers;
      } finally {
        await mock.stop();
      }
    };
    const faithful = await ask({});
    const a = await ask({ style: 'realistic', seed: 2 });
    expect(await ask({ style: 'realistic', seed: 2 })).toEqual(a);
    expect(a).not.toEqual(faithful);
  });
});
