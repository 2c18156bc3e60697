import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REDACTED, createRedactor, isSensitiveHeader, secretsFromHeaders } from '../../../suites/transport/redact.js';

const KEY = 'sk-live-abc/123+XYZ==';

describe('createRedactor', () => {
  const r = createRedactor([KEY]);

  it('replaces raw and URL-encoded occurrences', () => {
    expect(r.text(`key=${KEY} and again ${KEY}`)).toBe(`key=${REDACTED} and again ${REDACTED}`);
    expect(r.text(`https://x/v1?key=${encodeURIComponent(KEY)}&a=1`)).toBe(`https://x/v1?key=${REDACTED}&a=1`);
  });

  it('replaces base64 forms used by Basic auth, with any user name', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(r.text(`Basic ${b64(`:${KEY}`)}`)).toBe(`Basic ${REDACTED}`);
    expect(r.text(`Basic ${b64(`${KEY}:`)}`)).toBe(`Basic ${REDACTED}`);
    expect(r.text(`Authorization: Basic ${b64(`someone:${KEY}`)}`)).toBe(`Authorization: Basic ${REDACTED}`);
    expect(r.text(`token ${b64(KEY)}`)).toBe(`token ${REDACTED}`);
    // A Basic credential without the key is left alone.
    expect(r.text(`Basic ${b64('user:other')}`)).toBe(`Basic ${b64('user:other')}`);
  });

  it('masks secret-bearing headers, keeps the auth scheme, redacts the others', () => {
    const h = r.headers({
      Authorization: `Bearer ${KEY}`,
      'api-key': KEY,
      'X-Api-Key': 'whatever',
      Cookie: 'session=1',
      'x-upstream-token': 'tok',
      'x-ratelimit-remaining-tokens': '9000',
      'content-type': 'application/json',
      'x-echo': `got ${KEY}`,
    });
    expect(h).toEqual({
      authorization: `Bearer ${REDACTED}`,
      'api-key': REDACTED,
      'x-api-key': REDACTED,
      cookie: REDACTED,
      'x-upstream-token': REDACTED, // a *-token header is secret by its name (issue 23)
      'x-ratelimit-remaining-tokens': '9000',
      'content-type': 'application/json',
      'x-echo': `got ${REDACTED}`,
    });
    const fromHeaders = r.headers(new Headers({ authorization: KEY, 'set-cookie': 'a=b' }));
    expect(fromHeaders).toEqual({ authorization: REDACTED, 'set-cookie': REDACTED });
    expect(r.headers([['Proxy-Authorization', 'Basic abc']])).toEqual({ 'proxy-authorization': `Basic ${REDACTED}` });
  });

  it('redacts strings and keys deep in JSON, without touching the input', () => {
    const input = { a: [KEY, { [KEY]: `x${KEY}x` }], n: 1, b: true, z: null };
    const out = r.json(input);
    expect(out).toEqual({ a: [REDACTED, { [REDACTED]: `x${REDACTED}x` }], n: 1, b: true, z: null });
    expect(input.a[0]).toBe(KEY);
  });

  it('ignores secrets shorter than 4 characters in text, but still masks headers', () => {
    const short = createRedactor(['abc', '']);
    expect(short.text('abcabc')).toBe('abcabc');
    expect(short.headers({ authorization: 'abc' })).toEqual({ authorization: REDACTED });
  });

  it('never throws', () => {
    const circular: Record<string, unknown> = { k: KEY };
    circular['self'] = circular;
    expect(r.json(circular)).toEqual({ k: REDACTED, self: '[Circular]' });
    expect(r.json(10n)).toBe('10');
    expect(r.headers(null)).toEqual({});
    expect(r.headers(undefined)).toEqual({});
    expect(r.headers(42 as never)).toEqual({});
    expect(r.text(undefined as never)).toBe('undefined');
    expect(createRedactor(null as never).text('x')).toBe('x');
    expect(createRedactor([KEY, 5 as never]).text(KEY)).toBe(REDACTED);
    fc.assert(
      fc.property(fc.array(fc.string()), fc.string(), fc.jsonValue(), (secrets, s, v) => {
        const red = createRedactor(secrets);
        red.text(s);
        red.json(v);
        red.headers({ authorization: s, other: s });
      }),
      { numRuns: 200 },
    );
  });

  it('never leaves a secret of 4+ characters in the text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 20 }), fc.string(), fc.string(), (secret, a, b) => {
        fc.pre(!REDACTED.includes(secret));
        const out = createRedactor([secret]).text(`${a}${secret}${b}`);
        expect(out.includes(secret)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('helpers', () => {
  it('isSensitiveHeader names the auth headers exactly, not by substring', () => {
    for (const h of ['authorization', 'Api-Key', 'x-api-key', 'cookie', 'x-goog-api-key', 'Proxy-Authorization']) {
      expect(isSensitiveHeader(h), h).toBe(true);
    }
    for (const h of [
      'content-type',
      'x-request-id',
      'x-ratelimit-limit-tokens',
      'x-portkey-provider',
      'x-portkey-trace-id',
      'x-keyword',
      'x-author',
      'monkey',
    ]) {
      expect(isSensitiveHeader(h), h).toBe(false);
    }
  });

  it('masks auth headers and configured secrets, and passes every other header through', () => {
    const r = createRedactor([KEY, 'pk-virtual-0001']);
    expect(
      r.headers({
        'X-Portkey-Provider': 'openai',
        'x-portkey-virtual-key': 'pk-virtual-0001',
        'x-api-key': 'anything at all',
        authorization: 'Bearer whatever-it-is',
        'x-request-id': `req ${KEY}`,
      }),
    ).toEqual({
      'x-portkey-provider': 'openai',
      'x-portkey-virtual-key': REDACTED,
      'x-api-key': REDACTED,
      authorization: `Bearer ${REDACTED}`,
      'x-request-id': `req ${REDACTED}`,
    });
  });

  it('secretsFromHeaders takes the key out of auth headers', () => {
    const basic = Buffer.from('user:pa55word').toString('base64');
    expect(secretsFromHeaders({ Authorization: `Bearer ${KEY}`, 'content-type': 'application/json' })).toEqual([KEY]);
    expect(secretsFromHeaders({ 'api-key': KEY })).toEqual([KEY]);
    expect(secretsFromHeaders({ authorization: `Basic ${basic}` })).toEqual([basic, 'pa55word']);
  });
});
