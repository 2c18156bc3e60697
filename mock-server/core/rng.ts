// Deterministic randomness for the mock. Every "random" choice the mock makes is drawn from a
// generator seeded by a hash of the request, so the same request always gets the same answer
// (and `seed` can perturb it). Nothing here touches Math.random or crypto.

/** A seeded pseudo-random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive (bounds are floored/ceiled to integers). */
  int(min: number, max: number): number;
  /** One element of a non-empty array; throws RangeError on an empty one (a caller bug). */
  pick<T>(arr: readonly T[]): T;
}

/**
 * FNV-1a, 32-bit, over UTF-16 code units. One multiply per code unit: cheap enough to run over
 * a whole request body; quality is plenty for seeding (not for security).
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche (from murmur3's fmix32) so inputs differing only in their last
  // character still land far apart as seeds.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combine several seed parts (strings or numbers) into one 32-bit seed. */
export function seedFrom(...parts: readonly (string | number)[]): number {
  // The separator keeps ("ab","c") and ("a","bc") apart.
  return hashString(parts.map(String).join('\u0000'));
}

/**
 * mulberry32: tiny, fast, full 32-bit state, good enough for picking words and numbers.
 * A class, not closures: several generators are made per request, and a method costs
 * nothing per instance (under tsx, a named closure is also renamed on every call).
 */
class Mulberry32 implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    if (hi <= lo) return lo;
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick() from an empty array');
    return arr[Math.floor(this.next() * arr.length)] as T;
  }
}

export function createRng(seed: number): Rng {
  return new Mulberry32(seed);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `prefix` + `length` base62 characters derived from `seedString` only, e.g.
 * stableId('chatcmpl-', body, 29). Same input → same id; ids look like OpenAI's.
 */
export function stableId(prefix: string, seedString: string, length: number): string {
  return prefix + idFromHash(hashString(seedString), length);
}

/** stableId's characters from an already computed hashString(seedString). */
export function idFromHash(hash: number, length: number): string {
  const rng = createRng(hash);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62.charAt(rng.int(0, 61));
  return out;
}
