// Masks secrets (API keys) before anything is recorded, printed or written to a report.
// Every function here is total: whatever it is given, it returns something and never throws.

export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not searched for in text (too likely to match by chance). */
export const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** Every occurrence of a secret (raw, URL-encoded, base64 forms) replaced by [REDACTED]. */
  text(s: string): string;
  /**
   * Header names lower-cased; values of secret-bearing headers masked (the auth scheme,
   * e.g. "Bearer", is kept), every other value passed through `text`.
   */
  headers(h: HeadersLike | undefined | null): Record<string, string>;
  /** A deep copy with every string (and object key) passed through `text`. */
  json(v: unknown): unknown;
}

export type HeadersLike =
  Headers | Record<string, string | number | readonly string[] | undefined> | Iterable<readonly [string, string]>;

/**
 * Header names whose value is always masked, exactly. Any other header is masked when its
 * name ends in a secret word (SECRET_HEADER_WORDS), or where its value holds a configured
 * secret (the key, or a header value taken from an environment variable marked secret; see
 * suites/target.ts).
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
]);

/**
 * Last words of a header name that say it carries a credential: `x-relay-auth`,
 * `x-portkey-api-key`, `x-session-token`, `x-client-secret`. A whole `-`/`_`/`.`-separated
 * last word, never a substring and never a plural: `x-ratelimit-remaining-tokens`,
 * `access-control-allow-credentials` and `x-portkey-provider` carry evidence, not secrets.
 */
export const SECRET_HEADER_WORDS: readonly string[] = [
  'auth',
  'token',
  'secret',
  'key',
  'apikey',
  'password',
  'passwd',
  'cred',
  'creds',
  'credential',
];

export function isSensitiveHeader(name: string): boolean {
  const n = String(name).trim().toLowerCase();
  if (SECRET_HEADERS.has(n)) return true;
  const last = n.split(/[-_.]/).pop() ?? '';
  return SECRET_HEADER_WORDS.includes(last);
}

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms under which a secret may show up in text. */
function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate: no URL-encoded form.
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  // Basic auth carries base64("user:password"); the key is usually the whole credential,
  // the password with an empty user, or the user with an empty password.
  for (const cred of [secret, `:${secret}`, `${secret}:`]) {
    const b64 = base64(cred);
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The secret with any of its characters escaped the way JSON (\u0073), URLs (%73) or HTML
 * (&#115; &#x73;) may write them: an echo that escapes even one character must not survive.
 */
function escapedFormPattern(secret: string): string {
  return [...secret]
    .map((c) => {
      const code = c.codePointAt(0)!;
      const alternatives = [escapeRegExp(c), `&#0*${code};`, `&#[xX]0*${code.toString(16)};`];
      if (code <= 0xffff) alternatives.push(`\\\\u${code.toString(16).padStart(4, '0')}`);
      if (code < 0x80) alternatives.push(`%${code.toString(16).padStart(2, '0')}`);
      return `(?:${alternatives.join('|')})`;
    })
    .join('');
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const usable = [...new Set((Array.isArray(secrets) ? secrets : []).filter((s) => typeof s === 'string'))].filter(
    (s) => s.length >= MIN_SECRET_LENGTH,
  );
  const forms = [...new Set(usable.flatMap(formsOf))].sort((a, b) => b.length - a.length);
  // Case-insensitive: header names come back lower-cased, and a relay may upper-case an echo.
  const pattern = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'gi') : undefined;
  const escaped = usable.length > 0 ? new RegExp(usable.map(escapedFormPattern).join('|'), 'gi') : undefined;
  // `Basic <base64>` with any user name: decode it and look for a secret inside.
  const basic = /\b(Basic\s+)([A-Za-z0-9+/_-]+={0,2})/gi;

  const text = (input: string): string => {
    try {
      let s = typeof input === 'string' ? input : String(input);
      if (usable.length === 0) return s;
      if (/basic/i.test(s)) {
        s = s.replace(basic, (whole, prefix: string, token: string) => {
          const decoded = Buffer.from(token, 'base64').toString('utf8');
          return usable.some((secret) => decoded.includes(secret)) ? `${prefix}${REDACTED}` : whole;
        });
      }
      if (pattern) s = s.replace(pattern, REDACTED);
      if (escaped && /\\u|%|&#/.test(s)) s = s.replace(escaped, REDACTED);
      return s;
    } catch {
      return REDACTED;
    }
  };

  const maskValue = (name: string, value: string): string => {
    const n = name.toLowerCase();
    if (n === 'authorization' || n === 'proxy-authorization') {
      const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+\S/.exec(value);
      if (scheme) return `${scheme[1]} ${REDACTED}`;
    }
    return REDACTED;
  };

  const headers = (h: HeadersLike | undefined | null): Record<string, string> => {
    const out: Record<string, string> = {};
    try {
      if (h === undefined || h === null) return out;
      const entries: Array<[string, string]> = [];
      if (typeof Headers !== 'undefined' && h instanceof Headers) {
        h.forEach((value, name) => entries.push([name, value]));
      } else if (typeof (h as Iterable<unknown>)[Symbol.iterator] === 'function') {
        for (const pair of h as Iterable<readonly [string, string]>) {
          if (Array.isArray(pair) && pair.length >= 2) entries.push([String(pair[0]), String(pair[1])]);
        }
      } else if (typeof h === 'object') {
        for (const [name, value] of Object.entries(h)) {
          if (value === undefined) continue;
          entries.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
        }
      }
      for (const [rawName, value] of entries) {
        // A relay may reflect the key in a header's name, too.
        const name = text(rawName.toLowerCase());
        const masked = isSensitiveHeader(name) ? maskValue(name, value) : text(value);
        out[name] = name in out ? `${out[name]}, ${masked}` : masked;
      }
    } catch {
      // Whatever was read so far is returned.
    }
    return out;
  };

  const json = (v: unknown): unknown => {
    const seen = new WeakSet<object>();
    const walk = (x: unknown, depth: number): unknown => {
      try {
        if (typeof x === 'string') return text(x);
        if (typeof x !== 'object' || x === null) {
          if (typeof x === 'bigint') return x.toString();
          if (typeof x === 'function' || typeof x === 'symbol') return undefined;
          return x;
        }
        if (seen.has(x) || depth > 200) return '[Circular]';
        seen.add(x);
        let result: unknown;
        if (Array.isArray(x)) {
          result = x.map((item) => walk(item, depth + 1));
        } else {
          const out: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(x)) out[text(key)] = walk(value, depth + 1);
          result = out;
        }
        seen.delete(x);
        return result;
      } catch {
        return REDACTED;
      }
    };
    return walk(v, 0);
  };

  return { text, headers, json };
}

/**
 * Secrets found in request headers: the values of secret-bearing headers, without an auth
 * scheme word ("Bearer sk-..." gives "sk-..."), so they can be searched for in responses.
 */
export function secretsFromHeaders(h: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  try {
    for (const [name, value] of Object.entries(h ?? {})) {
      if (typeof value !== 'string' || !isSensitiveHeader(name)) continue;
      const m = /^\s*(?:Bearer|Basic|Token|Api-Key)\s+(.+?)\s*$/i.exec(value);
      const secret = m?.[1] ?? value.trim();
      out.push(secret);
      if (/^basic$/i.test(value.trim().split(/\s+/)[0] ?? '')) {
        // For Basic, the decoded credential parts are secrets too.
        // (the password, or the user name when the password is empty).
        const decoded = Buffer.from(secret, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const password = colon === -1 ? '' : decoded.slice(colon + 1);
        const user = colon === -1 ? decoded : decoded.slice(0, colon);
        out.push(password !== '' ? password : user);
      }
    }
  } catch {
    // Nothing more to add.
  }
  return out;
}
