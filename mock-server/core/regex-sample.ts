// A sampler for the simple regular expressions JSON Schema `pattern`s use in practice
// (`^[A-Z]{3}$`, `^\d{4}-\d{2}$`, `^(red|green)$`, ...). It returns a candidate string or null;
// the caller still tests the candidate with the real RegExp, so an imperfect sample is only a
// wasted try, never a wrong answer. Lookarounds and backreferences are not supported (null).

import type { Rng } from './rng.js';

type Node =
  | { t: 'lit'; s: string }
  | { t: 'set'; pick: (rng: Rng) => string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

// Thrown only inside this module, caught by sampleRegex.
class Unsupported extends Error {}

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const WORD = LOWER + UPPER + DIGITS + '_';
// Characters tried for negated classes ([^...], \D, \W, \S).
const PROBE_CHARS = 'aZ0_ -.x9@#';
const MAX_REPEAT_EXTRA = 3;

interface ClassItem {
  has(c: string): boolean;
  sample: string; // a character known to be in the item
}

function fromChars(chars: string): ClassItem {
  return { has: (c) => chars.includes(c), sample: chars.charAt(0) };
}

function escapeItem(c: string): ClassItem | null {
  switch (c) {
    case 'd':
      return fromChars(DIGITS);
    case 'w':
      return fromChars(WORD);
    case 's':
      return fromChars(' \t');
    case 'D':
      return { has: (x) => !DIGITS.includes(x), sample: 'a' };
    case 'W':
      return { has: (x) => !WORD.includes(x), sample: '-' };
    case 'S':
      return { has: (x) => !/\s/.test(x), sample: 'a' };
    default:
      return null;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Unsupported('unbalanced )');
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      if (c === '^' || c === '$') {
        // Anchors: the sample is the whole string, so they hold wherever they sit sensibly.
        this.i++;
        continue;
      }
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { t: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom; // a literal "{"
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      if (max < min || min > 1000) throw new Unsupported('repeat bounds');
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.peek() === '?') this.i++; // lazy modifier: same language
    return { t: 'rep', node: atom, min, max };
  }

  private atom(): Node {
    const c = this.src[this.i++] as string;
    if (c === '(') {
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<[A-Za-z_]\w*>/.test(this.src.slice(this.i))) this.i = this.src.indexOf('>', this.i) + 1;
      else if (this.peek() === '?') throw new Unsupported('lookaround');
      const inner = this.alternation();
      if (this.src[this.i++] !== ')') throw new Unsupported('unclosed group');
      return inner;
    }
    if (c === '[') return this.charClass();
    if (c === '.') return { t: 'lit', s: 'a' };
    if (c === '\\') return this.escape();
    if (c === '*' || c === '+' || c === '?') throw new Unsupported('nothing to repeat');
    // Keep a surrogate pair together as one literal.
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && this.i < this.src.length) return { t: 'lit', s: c + this.src[this.i++] };
    return { t: 'lit', s: c };
  }

  private escape(): Node {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    const item = escapeItem(c);
    if (item) return setNode([item], false);
    if (c === 'b' || c === 'B') return { t: 'seq', items: [] }; // word boundary: hope for the best
    if (/[1-9k]/.test(c)) throw new Unsupported('backreference');
    if (c === 'p' || c === 'P') return setNode([this.property(c === 'P')], false);
    return { t: 'lit', s: this.escapedChar(c) };
  }

  private escapedChar(c: string): string {
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c] as string;
    if (c === 'u') {
      const m = /^\{([0-9a-fA-F]{1,6})\}|^([0-9a-fA-F]{4})/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('bad \\u');
      this.i += m[0].length;
      return String.fromCodePoint(parseInt(m[1] ?? m[2] ?? '0', 16));
    }
    if (c === 'x') {
      const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('bad \\x');
      this.i += 2;
      return String.fromCharCode(parseInt(m[0], 16));
    }
    return c; // an escaped metacharacter such as \. or \-
  }

  private property(negated: boolean): ClassItem {
    const m = /^\{([A-Za-z_=]+)\}/.exec(this.src.slice(this.i));
    if (!m) throw new Unsupported('bad \\p');
    this.i += m[0].length;
    const name = m[1] as string;
    const re = new RegExp(`\\p{${name}}`, 'u'); // throws on unknown names: caught by the caller
    const sample = [...(LOWER + UPPER + DIGITS + ' -_.')].find((ch) => re.test(ch) !== negated);
    if (sample === undefined) throw new Unsupported('no sample for \\p');
    return { has: (x) => re.test(x) !== negated, sample };
  }

  private charClass(): Node {
    const negated = this.peek() === '^';
    if (negated) this.i++;
    const items: ClassItem[] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      first = false;
      const c = this.src[this.i++];
      if (c === undefined) throw new Unsupported('unclosed class');
      let ch: string;
      if (c === '\\') {
        const e = this.src[this.i++];
        if (e === undefined) throw new Unsupported('trailing backslash');
        const item = escapeItem(e);
        if (item) {
          items.push(item);
          continue;
        }
        if (e === 'p' || e === 'P') {
          items.push(this.property(e === 'P'));
          continue;
        }
        ch = e === 'b' ? '\b' : this.escapedChar(e);
      } else ch = c;
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        let hi = this.src[this.i++] as string;
        if (hi === '\\') hi = this.escapedChar(this.src[this.i++] ?? '');
        const lo = ch.codePointAt(0) ?? 0;
        const top = hi.codePointAt(0) ?? 0;
        if (top < lo) throw new Unsupported('bad range');
        items.push({
          has: (x) => (x.codePointAt(0) ?? -1) >= lo && (x.codePointAt(0) ?? -1) <= top,
          sample: String.fromCodePoint(lo),
        });
      } else items.push(fromChars(ch));
    }
    this.i++; // ]
    return setNode(items, negated);
  }
}

function setNode(items: ClassItem[], negated: boolean): Node {
  if (negated) {
    const ok = [...PROBE_CHARS].filter((c) => !items.some((it) => it.has(c)));
    if (ok.length === 0) throw new Unsupported('no sample for negated class');
    return { t: 'set', pick: (rng) => rng.pick(ok) };
  }
  // Prefer "nice" characters inside the class (letters, digits) over its first code point.
  const nice = [...(LOWER + DIGITS + UPPER + '_-. ')].filter((c) => items.some((it) => it.has(c)));
  const fallback = items.map((it) => it.sample);
  return { t: 'set', pick: (rng) => (nice.length > 0 ? rng.pick(nice) : rng.pick(fallback)) };
}

// Shortest and longest sample of a node, in code points (Infinity for open repeats).
function span(node: Node, memo: Map<Node, readonly [number, number]>): readonly [number, number] {
  const known = memo.get(node);
  if (known) return known;
  let out: readonly [number, number];
  switch (node.t) {
    case 'lit':
      out = [[...node.s].length, [...node.s].length];
      break;
    case 'set':
      out = [1, 1];
      break;
    case 'seq': {
      let lo = 0,
        hi = 0;
      for (const n of node.items) {
        const [a, b] = span(n, memo);
        lo += a;
        hi += b;
      }
      out = [lo, hi];
      break;
    }
    case 'alt': {
      const spans = node.options.map((o) => span(o, memo));
      out = [Math.min(...spans.map((x) => x[0])), Math.max(...spans.map((x) => x[1]))];
      break;
    }
    case 'rep': {
      const [a, b] = span(node.node, memo);
      out = [a * node.min, node.max === 0 ? 0 : b === 0 ? 0 : b * node.max];
      break;
    }
  }
  memo.set(node, out);
  return out;
}

class Emitter {
  readonly out: string[] = [];
  private length = 0; // code points emitted so far
  private readonly memo = new Map<Node, readonly [number, number]>();
  constructor(
    private readonly rng: Rng,
    private readonly extra: number,
  ) {}

  /** Emit a sample of `node`, aiming for `want` code points when given (best effort). */
  emit(node: Node, want: number | undefined): void {
    const rng = this.rng;
    switch (node.t) {
      case 'lit':
        this.push(node.s);
        return;
      case 'set':
        this.push(node.pick(rng));
        return;
      case 'alt': {
        const fitting =
          want === undefined
            ? []
            : node.options.filter((o) => {
                const [a, b] = span(o, this.memo);
                return a <= want && want <= b;
              });
        this.emit(rng.pick(fitting.length > 0 ? fitting : node.options), want);
        return;
      }
      case 'seq':
        this.emitParts(node.items, want);
        return;
      case 'rep': {
        const [a, b] = span(node.node, this.memo);
        let k: number;
        if (want === undefined) {
          k = rng.int(node.min, Math.min(node.max, node.min + this.extra));
        } else {
          // The fewest repeats that can reach `want`, within the quantifier's bounds.
          const need = b === 0 ? node.min : Math.ceil(want / b);
          k = Math.min(Math.max(node.min, need), node.max, Math.max(node.min, a === 0 ? need : Math.floor(want / a)));
          k = Math.min(k, node.min + 1000);
        }
        this.emitParts(
          Array.from({ length: k }, () => node.node),
          want,
        );
        return;
      }
    }
  }

  private push(s: string): void {
    this.out.push(s);
    this.length += [...s].length;
  }

  // Split `want` among consecutive parts so each gets a length it can produce.
  private emitParts(parts: readonly Node[], want: number | undefined): void {
    const spans = parts.map((p) => span(p, this.memo));
    let remaining = want;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as Node;
      if (remaining === undefined) {
        this.emit(part, undefined);
        continue;
      }
      let restMin = 0,
        restMax = 0;
      for (let j = i + 1; j < parts.length; j++) {
        restMin += spans[j]?.[0] ?? 0;
        restMax += spans[j]?.[1] ?? 0;
      }
      const [a, b] = spans[i] ?? [0, 0];
      const lo = Math.max(a, remaining - restMax);
      const hi = Math.min(b, remaining - restMin);
      // Infeasible: get as close as this part allows.
      const target =
        lo <= hi ? (Number.isFinite(hi) ? this.rng.int(lo, hi) : lo) : Math.min(Math.max(remaining - restMin, a), b);
      const before = this.length;
      this.emit(part, target);
      remaining -= this.length - before;
    }
  }
}

/**
 * A string the pattern probably matches, or null if the pattern uses unsupported syntax.
 * With `length`, repeats are chosen to make the sample that many code points long when the
 * pattern allows it (for minLength/maxLength); without it, open repeats (`*`, `+`, `{n,}`)
 * run at most a few extra times.
 */
export function sampleRegex(pattern: string, rng: Rng, length?: number): string | null {
  try {
    const ast = new Parser(pattern).parse();
    const emitter = new Emitter(rng, MAX_REPEAT_EXTRA);
    emitter.emit(ast, length === undefined ? undefined : Math.max(0, Math.min(length, 100_000)));
    return emitter.out.join('');
  } catch {
    return null;
  }
}
