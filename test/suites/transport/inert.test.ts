// The one sanitizer (suites/transport/inert.ts): what a relay sends is one inert line before
// any terminal, CI log or report sees it.
import { describe, expect, it } from 'vitest';
import { inert, inertBlock, inertJson, stripUnsafe } from '../../../suites/transport/inert.js';

// eslint-disable-next-line no-control-regex -- finding controls is the point
const UNSAFE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

describe('inert', () => {
  it.each([
    [
      'a CI workflow command after a newline',
      'bad\n::error title=x::owned\n::add-mask::relaycheck',
      'bad ::error title=x::owned ::add-mask::relaycheck',
    ],
    ['a workflow command at the start', '::add-mask::relaycheck', ': :add-mask::relaycheck'],
    ['blanks before it', '  \t::set-output name=x::1', ': :set-output name=x::1'],
    ['erase-line and a fake verdict', 'x\r\u001b[2Kchat.basic   supported', 'x chat.basic supported'],
    ['OSC 0, the window title', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['OSC 52, a clipboard write', '\u001b]52;c;Y3VybA==\u0007ok', 'ok'],
    ['OSC 8, a hidden link', '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['8-bit CSI and OSC', 'a\u009b2Kb\u009d0;t\u009cc', 'abc'],
    ['BEL and DEL', 'ding\u0007\u007f!', 'ding!'],
    ['an unterminated OSC keeps its text', '\u001b]0;visible', ']0;visible'],
    ['bidi controls and marks', 'txt.\u202Eexe \u2066a\u2069 \u200Eb\u200F \u061Cc', 'txt.exe a b c'],
    ['zero-width and BOM', 'a\u200Bb\uFEFFc\u2060d', 'abcd'],
    ['line and paragraph separators', 'a\u2028b\u2029c\u0085d', 'a b c d'],
    [
      'Azure and TeamCity commands anywhere',
      'x ##vso[task.setvariable]y ##[error]z ##teamcity[a]',
      'x # #vso[task.setvariable]y # #[error]z # #teamcity[a]',
    ],
    ['a lone surrogate', 'half\uD800pair', 'halfpair'],
  ])('%s', (_, input, expected) => {
    expect(inert(input)).toBe(expected);
    expect(inert(input)).not.toMatch(UNSAFE);
  });

  it('keeps what is printable: CJK, emoji, accents', () => {
    expect(inert('你好 — こんにちは 🦜 café')).toBe('你好 — こんにちは 🦜 café');
  });

  it('bounds the length without splitting a surrogate pair', () => {
    expect(inert('x'.repeat(1000))).toHaveLength(400);
    expect(inert('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    const cut = inert(`${'x'.repeat(8)}🦜🦜🦜`, 10);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut.length).toBeLessThanOrEqual(10);
  });

  it('takes anything (total)', () => {
    expect(inert(undefined)).toBe('undefined');
    expect(inert(42)).toBe('42');
  });
});

describe('inertBlock (a table, for a terminal)', () => {
  it('keeps the layout and makes each line inert', () => {
    const block = 'feature     verdict\n  chat.basic  ok\n::add-mask::x\n  \u001b]0;t\u0007end\r\n';
    expect(inertBlock(block)).toBe('feature     verdict\n  chat.basic  ok\n: :add-mask::x\n  end\n');
  });
});

describe('stripUnsafe and inertJson (report content)', () => {
  it('stripUnsafe keeps the lines of a code block', () => {
    expect(stripUnsafe('curl \\\n  -H x\u001b[31m\u202E')).toBe('curl \\\n  -H x');
  });

  it('inertJson escapes what JSON.stringify leaves raw, and is the same JSON', () => {
    const value = { s: 'a\u202Eb\u009bc\u2028d\u007f' };
    const json = inertJson(JSON.stringify(value));
    expect(json).not.toMatch(UNSAFE);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('inert on a hostile body', () => {
  it('stays fast and bounded on 256 KiB of unterminated escape starts', () => {
    const body = '\u001b]0;'.repeat(64 * 1024) + '\u001b['.repeat(64 * 1024);
    const started = performance.now();
    const line = inert(body, 140);
    inertBlock(body);
    expect(performance.now() - started).toBeLessThan(500);
    expect(line.length).toBeLessThanOrEqual(140);
    expect(line.endsWith('…')).toBe(true);
    expect(line).not.toMatch(UNSAFE);
  });
});

describe('relaycheck/vitest messages', () => {
  it('a failure message quotes the summary inert', async () => {
    const { failureMessage } = await import('../../../suites/vitest.js');
    const message = failureMessage({
      feature: 'stop',
      verdict: 'broken',
      summary: 'x\n::error title=x::owned\u001b]0;t\u0007',
      evidence: [],
      reproduce: '',
    });
    expect(message).toBe('stop: broken: x ::error title=x::owned');
  });
});
