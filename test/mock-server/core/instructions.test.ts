import { describe, expect, it } from 'vitest';
import { GRAMMAR, interpretPrompt, lastUserText } from '../../../mock-server/core/instructions.js';

describe('GRAMMAR examples', () => {
  for (const rule of GRAMMAR) {
    it(`${rule.kind}: ${rule.example}`, () => {
      const r = interpretPrompt(rule.example);
      expect(r.kind).toBe(rule.kind);
      if (r.kind !== 'prose') expect(r.text).toBe(rule.output);
    });
  }
});

describe('exact rule', () => {
  it.each([
    ['Output exactly: alpha beta gamma delta', 'alpha beta gamma delta'],
    ['reply with EXACTLY:   hello world  ', 'hello world'],
    ['Say exactly: `ping`', 'ping'],
    ["Respond with exactly: 'a'", 'a'],
    ['Please say exactly: “quoted”', 'quoted'],
    ['Say exactly: ""', ''],
    ['Output exactly: "a" and "b"', 'a" and "b'], // one outer pair only
    ['You are a test.\nOutput exactly: first line\nsecond line', 'first line'],
    ['Output exactly:\n\n  on the next line', 'on the next line'],
  ])('%j → %j', (prompt, expected) => {
    expect(interpretPrompt(prompt)).toEqual({ kind: 'exact', text: expected });
  });

  it('wins over a count rule appearing earlier in the text', () => {
    expect(interpretPrompt('Count from 1 to 3. No wait. Output exactly: done')).toEqual({
      kind: 'exact',
      text: 'done',
    });
  });
});

describe('count rule', () => {
  it('counts up, down, with separators', () => {
    expect(interpretPrompt('count from 1 to 5')).toMatchObject({
      kind: 'count',
      from: 1,
      to: 5,
      text: '1, 2, 3, 4, 5',
    });
    expect(interpretPrompt('Count from 3 to -1')).toMatchObject({ text: '3, 2, 1, 0, -1' });
    expect(interpretPrompt('Count from 1 to 3, one per line.')).toMatchObject({ text: '1\n2\n3' });
    expect(interpretPrompt('Count from 1 to 3 separated by spaces')).toMatchObject({ text: '1 2 3' });
    expect(interpretPrompt('Count from 7 to 7')).toMatchObject({ text: '7' });
  });

  it('caps at 1000 numbers', () => {
    const r = interpretPrompt('Count from 1 to 999999999');
    expect(r).toMatchObject({ kind: 'count', from: 1, to: 1000 });
    expect(r.kind === 'count' && r.text.split(', ').length).toBe(1000);
  });
});

describe('json-keys rule', () => {
  it('builds an object with exactly the named keys', () => {
    const r = interpretPrompt('Reply in JSON with the fields name, city and population only.');
    expect(r.kind).toBe('json-keys');
    if (r.kind !== 'json-keys') return;
    expect(r.keys).toEqual(['name', 'city', 'population']);
    const obj = JSON.parse(r.text) as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(['name', 'city', 'population']);
    expect(typeof obj['city']).toBe('string');
    expect(Number.isInteger(obj['population'])).toBe(true);
    expect(interpretPrompt('Reply in JSON with the fields name, city and population only.')).toEqual(r);
  });

  it('needs the word JSON', () => {
    expect(interpretPrompt('Give me a record with the keys "a" and "b".').kind).toBe('prose');
  });

  it("needs JSON as a format and its keys in one sentence: a system text's file name or stray 'keys' is no instruction", () => {
    // The shape of Claude Code's skill list (its last role: "system" entry), which the mock
    // once answered with {"add":…,"chord":…,"bindings":…,"modify":…}.
    const skills =
      '- update-config: Use when the user wants to customize keyboard shortcuts, rebind keys, add chord bindings, or modify ~/.claude/keybindings.json.';
    expect(interpretPrompt(skills).kind).toBe('prose');
    expect(interpretPrompt('Answers are JSON. Some users list their keys: a, b and c.').kind).toBe('prose');
    expect(interpretPrompt('Keep it short.\nReturn JSON with the keys "a" and "b".').kind).toBe('json-keys');
  });
});

describe('prose fallback and lastUserText', () => {
  it('falls back to prose', () => {
    expect(interpretPrompt("What's the weather in Paris?")).toEqual({ kind: 'prose' });
    expect(interpretPrompt('')).toEqual({ kind: 'prose' });
    expect(interpretPrompt('exactly: nothing before it')).toEqual({ kind: 'prose' });
  });

  it('reads the last user message, string or parts', () => {
    expect(
      lastUserText([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'x' },
        { role: 'user', content: [{ type: 'text', text: 'Output exactly: ok' }] },
        { role: 'tool', content: 'result' },
      ]),
    ).toBe('Output exactly: ok');
    expect(lastUserText([{ role: 'system', content: 's' }])).toBe('');
  });
});

describe('recall rule', () => {
  it('answers the code word stated last in the conversation, read only when asked', () => {
    let read = 0;
    const conversation = () => {
      read++;
      return 'The code word is ALPHA.\nLater: the code word is "PELICAN".\nWhat is the code word?';
    };
    expect(interpretPrompt('What is the code word you gave before?', conversation)).toEqual({
      kind: 'recall',
      text: 'PELICAN',
    });
    expect(read).toBe(1);
    expect(interpretPrompt('Output exactly: hi', conversation)).toEqual({ kind: 'exact', text: 'hi' });
    expect(read).toBe(1);
  });
  it('is prose when no code word was stated', () => {
    expect(interpretPrompt('What is the code word?', () => 'nothing said')).toEqual({ kind: 'prose' });
  });
});
