// The record file: fixtures appended one exchange at a time, one write after another, so
// exchanges finishing together never interleave and the file always loads (every fixture is
// validated before it is written).
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Fixture } from '../../spec/generated/types.js';
import { checkFixtures, loadFixtureFile, parseFixtureText } from '../fixtures/load.js';

const YAML_OPTIONS = { lineWidth: 0 } as const;

/** One list item of `fixtures:` in block form, `  - match: ...` (or `- match: ...` for a file written so). */
function itemText(fixture: Fixture, indented = true): string {
  const text = stringify({ fixtures: [fixture] }, YAML_OPTIONS).replace(/^fixtures:\n/, '');
  return indented ? text : text.replace(/^ {2}/gm, '');
}

export class FixtureAppender {
  /** The file's fixtures, those recorded included. */
  readonly fixtures: Fixture[];
  /** The file ends in a block sequence that one more item can be appended to. */
  private appendable: boolean;
  /** Items are indented under `fixtures:` (this writer's form) rather than flush with it. */
  private indented = true;
  private queue: Promise<void> = Promise.resolve();

  /** Creates the file (no fixtures) or checks the one there: throws a FixtureError if it does not load. */
  constructor(readonly path: string) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (text.trim() === '') {
      writeFileSync(path, 'fixtures: []\n');
      this.fixtures = [];
      this.appendable = false;
      return;
    }
    this.fixtures = loadFixtureFile(path);
    // Appending is safe when the file with one more item still loads with one more fixture
    // (a hand-written file may use a flow list or another indentation: it is rewritten once).
    const probe: Fixture = { match: {}, reply: { content: '' } };
    const base = text.endsWith('\n') ? text : `${text}\n`;
    const growsWith = (indented: boolean): boolean => {
      try {
        return parseFixtureText(`${base}${itemText(probe, indented)}`, path).length === this.fixtures.length + 1;
      } catch {
        return false;
      }
    };
    if (!growsWith(true) && growsWith(false)) this.indented = false;
    const grows = growsWith(this.indented);
    this.appendable = grows && this.fixtures.length > 0;
    if (grows && !text.endsWith('\n')) appendFileSync(path, '\n');
  }

  /** Appends after every earlier append has been written; rejects (nothing written) for an invalid fixture. */
  append(fixture: Fixture): Promise<void> {
    const write = this.queue.then(() => this.write(fixture));
    // A failed write must not stop the ones after it.
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** Resolves once every append so far is written. */
  flush(): Promise<void> {
    return this.queue;
  }

  private write(fixture: Fixture): void {
    const [checked] = checkFixtures([fixture], `recorded fixture for ${this.path}`);
    if (this.appendable) {
      appendFileSync(this.path, itemText(checked!, this.indented));
    } else {
      // The whole file in block form, written beside it and renamed over it: never half-written.
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, stringify({ fixtures: [...this.fixtures, checked!] }, YAML_OPTIONS));
      renameSync(tmp, this.path);
      this.appendable = true;
      this.indented = true;
    }
    this.fixtures.push(checked!);
  }
}
