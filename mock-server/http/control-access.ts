// Who may use the mock's control endpoints (/__mock/*), and how their lists are paged. Pure.
//
// The journal holds every prompt the mock was sent. A web page can reach a mock on
// 127.0.0.1 through DNS rebinding (its own name, re-pointed at 127.0.0.1): the browser then
// sends that name in Host. So the control endpoints answer only requests addressed to a
// loopback name or to the host the mock was told to listen on; the API endpoints are the
// relay's emulation and answer any Host, as a relay does (their key is their protection).
import { ApiError, invalidRequest } from '../core/api-error.js';

export const CONTROL_PREFIX = '/__mock';

/** Names a local client addresses the mock by, with any port. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1']);
/** Listen-everywhere addresses: never a name a client addresses, so never accepted as one. */
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** `/__mock` and everything under it, however cased (Express routes case-insensitively). */
export function isControlPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === CONTROL_PREFIX || p.startsWith(`${CONTROL_PREFIX}/`);
}

/** The host name of a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const h = header.toLowerCase();
  const match = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h) ?? /^([^:[\]\s]+)(?::\d{1,5})?$/.exec(h);
  return match?.[1];
}

/** Whether a control request's Host is loopback or the host the mock listens on. */
export function hostAllowed(header: string | undefined, boundHost: string | undefined): boolean {
  const name = hostName(header);
  if (name === undefined) return false;
  if (LOOPBACK_HOSTS.has(name)) return true;
  const bound = boundHost?.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bound !== undefined && !WILDCARD_HOSTS.has(bound) && name === bound;
}

export const foreignHost = (): ApiError =>
  new ApiError(
    403,
    'invalid_request_error',
    `The mock's control endpoints (${CONTROL_PREFIX}/*) answer only requests addressed to 127.0.0.1, localhost, [::1] ` +
      'or the host it listens on: this Host header is refused (DNS rebinding).',
    null,
    'host_not_allowed',
  );

/** Entries per journal page when the request names no limit, and the most it may ask for. */
export const PAGE_DEFAULT_LIMIT = 100;
export const PAGE_MAX_LIMIT = 1000;

export interface PageQuery {
  /** Entries with a larger seq than this (0: from the oldest kept). */
  after: number;
  limit: number;
}

/** `?limit=&after=` of a list request; a bad value is a 400 naming the parameter. */
export function parsePageQuery(query: Record<string, unknown>): PageQuery {
  const int = (name: 'limit' | 'after', fallback: number, min: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max))
      throw invalidRequest(
        `Invalid value for '${name}': expected an integer from ${min} to ${max}.`,
        name,
        'invalid_value',
      );
    return value;
  };
  return {
    limit: int('limit', PAGE_DEFAULT_LIMIT, 1, PAGE_MAX_LIMIT),
    after: int('after', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}
