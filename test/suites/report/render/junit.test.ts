// The JUnit report: well-formed XML 1.0, one testcase per target × feature, the verdict →
// outcome mapping, and required features failing unless supported.
import { describe, expect, it } from 'vitest';
import { featureIds } from '../../../../spec/features.js';
import { junitOutcome, renderJunit } from '../../../../suites/report/render/index.js';
import { CDATA_END, fixtureReport, report, target } from '../fixtures.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const ILLEGAL =
  // eslint-disable-next-line no-control-regex -- matching controls is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unescape(s: string): string {
  return s.replace(ENTITY, (_, e: string) =>
    e === 'amp'
      ? '&'
      : e === 'lt'
        ? '<'
        : e === 'gt'
          ? '>'
          : e === 'quot'
            ? '"'
            : e === 'apos'
              ? "'"
              : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

/** A strict little XML parser for what JUnit needs: throws on anything not well-formed. */
function parseXml(xml: string): XmlElement {
  if (ILLEGAL.test(xml)) throw new Error('a character XML 1.0 forbids');
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) throw new Error('no XML declaration');
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tokens = xml.slice(xml.indexOf('?>') + 2).match(/<[^>]*>|[^<]+/g) ?? [];
  for (const tok of tokens) {
    const top = stack.at(-1)!;
    if (!tok.startsWith('<')) {
      if (tok.replace(ENTITY, '').includes('&')) throw new Error(`bare & in text: ${tok.slice(0, 40)}`);
      if (tok.includes(']]>')) throw new Error(']]> in text');
      top.text += unescape(tok);
      continue;
    }
    const close = /^<\/([\w-]+)\s*>$/.exec(tok);
    if (close) {
      if (top.name !== close[1]) throw new Error(`</${close[1]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const open = /^<([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>$/.exec(tok);
    if (!open) throw new Error(`malformed tag: ${tok.slice(0, 80)}`);
    const attrs: Record<string, string> = {};
    for (const a of open[2]!.matchAll(/([\w-]+)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      if (a[2]!.replace(ENTITY, '').includes('&')) throw new Error(`bare & in attribute ${a[1]}`);
      attrs[a[1]!] = unescape(a[2]!);
    }
    const el: XmlElement = { name: open[1]!, attrs, children: [], text: '' };
    top.children.push(el);
    if (open[3] !== '/') stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('not exactly one root element');
  return root.children[0]!;
}

function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

describe('renderJunit', () => {
  const fixture = fixtureReport();
  const doc = parseXml(renderJunit(fixture));
  const cases = all(doc, 'testcase');
  const caseOf = (suite: string, id: string): XmlElement =>
    all(doc, 'testsuite')
      .find((s) => s.attrs.name === suite)!
      .children.find((c) => c.name === 'testcase' && c.attrs.name!.startsWith(`${id} — `))!;

  it('is well-formed XML with one testsuite per target and one testcase per target × feature', () => {
    expect(doc.name).toBe('testsuites');
    expect(all(doc, 'testsuite').map((s) => s.attrs.name)).toEqual(['relay-a', 'relay-b', '中转-c']);
    expect(cases).toHaveLength(3 * featureIds().length);
    expect(doc.attrs.tests).toBe(String(cases.length));
  });

  it('counts failures and skipped right: rejected/ignored/broken/error fail, inconclusive/skipped skip, a required partial fails', () => {
    const suites = Object.fromEntries(all(doc, 'testsuite').map((s) => [s.attrs.name!, s]));
    // relay-a: broken, error, ignored, rejected + stream.sse partial but required → 5; inconclusive + skipped → 2.
    expect([suites['relay-a']!.attrs.failures, suites['relay-a']!.attrs.skipped]).toEqual(['5', '2']);
    expect([suites['relay-b']!.attrs.failures, suites['relay-b']!.attrs.skipped]).toEqual(['3', '0']);
    expect([suites['中转-c']!.attrs.failures, suites['中转-c']!.attrs.skipped]).toEqual(['0', '0']);
    expect(all(doc, 'failure')).toHaveLength(8);
    expect(all(doc, 'skipped')).toHaveLength(2);
    expect([doc.attrs.failures, doc.attrs.skipped]).toEqual(['8', '2']);
    // A measured refusal is a failure with its verdict as type, not a test nobody ran.
    const refused = caseOf('relay-a', 'params.unknown').children[0]!;
    expect([refused.name, refused.attrs.type]).toEqual(['failure', 'rejected']);
    expect(caseOf('relay-a', 'stream.sse').children[0]!.attrs.message).toBe(
      'partial (required): stream ends without data: [DONE]',
    );
  });

  it('passes partial with the summary in system-out; skips inconclusive with it too', () => {
    const partial = caseOf('relay-b', 'response_format.json_schema');
    expect(partial.children.map((c) => c.name)).toEqual(['system-out']);
    expect(partial.children[0]!.text).toContain('response_format.json_schema is partial');
    expect(partial.children[0]!.text).toContain('Bearer $RELAYCHECK_API_KEY');
    expect(caseOf('relay-a', 'logprobs').children.map((c) => c.name)).toEqual(['skipped', 'system-out']);
    expect(caseOf('relay-a', 'chat.basic').children).toEqual([]);
  });

  it('fails a required feature unless supported (--require adds to the target’s own list)', () => {
    const d = parseXml(renderJunit(fixture, { require: ['response_format.json_schema', 'vision.image_url'] }));
    const suites = Object.fromEntries(all(d, 'testsuite').map((s) => [s.attrs.name!, s]));
    expect(suites['relay-a']!.attrs.failures).toBe('6'); // vision.image_url skipped → failure
    expect(suites['relay-a']!.attrs.skipped).toBe('1');
    expect(suites['relay-b']!.attrs.failures).toBe('4'); // json_schema partial → failure
    expect(suites['中转-c']!.attrs.failures).toBe('0');
  });

  it('keeps hostile text as text: escaped, control characters and lone surrogates stripped', () => {
    const failure = caseOf('relay-a', 'tools.call').children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs.type).toBe('broken');
    expect(failure.text).toContain(`</script><img src=x onerror=alert(1)> ${CDATA_END} bellnulesc[31m halfpair`);
    const sse = caseOf('relay-b', 'tools.stream').children[0]!;
    expect(sse.name).toBe('failure');
  });

  it('maps every verdict as documented', () => {
    expect(['supported', 'partial'].map((v) => junitOutcome(v as 'partial', false))).toEqual(['pass', 'pass']);
    expect(['rejected', 'ignored', 'broken', 'error'].map((v) => junitOutcome(v as 'broken', false))).toEqual([
      'failure',
      'failure',
      'failure',
      'failure',
    ]);
    expect(['inconclusive', 'skipped', 'missing'].map((v) => junitOutcome(v as 'skipped', false))).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(['partial', 'inconclusive', 'skipped', 'missing'].map((v) => junitOutcome(v as 'partial', true))).toEqual([
      'failure',
      'failure',
      'failure',
      'failure',
    ]);
    expect(junitOutcome('supported', true)).toBe('pass');
  });

  it('is well-formed for an empty report and for weird target names', () => {
    expect(parseXml(renderJunit(report([]))).attrs.tests).toBe('0');
    const d = parseXml(renderJunit(report([target('a"b<c>&\'d\u0001')])));
    expect(all(d, 'testsuite')[0]!.attrs.name).toBe('a"b<c>&\'d');
  });
});
