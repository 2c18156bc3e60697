// The code's architecture, enforced: no import circle anywhere in spec/, mock-server/, suites/
// or scripts/ (type imports count: a circle of types is a circle of meaning), and in shipped
// code no import from a lower floor to a higher one. The floors are the one table below.
//
// A small script rather than dependency-cruiser or madge: no new dependency, the imports are
// read by TypeScript's own parser (ts.preProcessFile, the one tsc uses; `import type`, `export
// from` and `import()` included), and the floors are data here, next to what checks them.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The floors of shipped code, top first. A file may import from its own floor or any floor
 * below, never above. An entry ending in '/' is a folder (its deepest match wins), otherwise a
 * file. Every shipped file must be on a floor.
 */
const FLOORS: ReadonlyArray<{ floor: string; paths: readonly string[] }> = [
  { floor: 'cli', paths: ['scripts/cli/'] },
  // suites: the public entry points, the run, the engine, the probes, what both share, the report.
  { floor: 'suites entry', paths: ['suites/index.ts', 'suites/vitest.ts', 'suites/against-mock.ts'] },
  { floor: 'suites run', paths: ['suites/run.ts'] },
  // The probes sit on the engine like plugins: the engine runs whatever probes it is handed.
  { floor: 'suites probes', paths: ['suites/probes/'] },
  { floor: 'suites engine', paths: ['suites/engine/'] },
  { floor: 'suites wire', paths: ['suites/wire/'] },
  {
    floor: 'suites report',
    paths: ['suites/report/index.ts', 'suites/report/files.ts', 'suites/report/report-file.ts'],
  },
  { floor: 'suites report render', paths: ['suites/report/render/'] },
  { floor: 'suites report gate', paths: ['suites/report/gate/'] },
  {
    floor: 'suites report base',
    paths: ['suites/report/text.ts', 'suites/report/write.ts', 'suites/report/cross-protocol.ts'],
  },
  {
    floor: 'suites base',
    paths: ['suites/target.ts', 'suites/roles.ts', 'suites/verdicts.ts', 'suites/readiness.ts', 'suites/clients/'],
  },
  { floor: 'suites transport', paths: ['suites/transport/'] },
  // mock-server: the entry, one file per endpoint, assembly, transport, breaks, the planner, core.
  { floor: 'mock entry', paths: ['mock-server/index.ts', 'mock-server/app.ts'] },
  { floor: 'mock endpoints', paths: ['mock-server/endpoints/'] },
  { floor: 'mock assembly', paths: ['mock-server/assembly/', 'mock-server/from-report/'] },
  { floor: 'mock fixtures', paths: ['mock-server/fixtures/', 'mock-server/record/'] },
  { floor: 'mock http', paths: ['mock-server/http/'] },
  { floor: 'mock breaks', paths: ['mock-server/breaks/'] },
  { floor: 'mock completion', paths: ['mock-server/completion/', 'mock-server/protocols/'] },
  { floor: 'mock stream', paths: ['mock-server/stream/'] },
  { floor: 'mock core', paths: ['mock-server/core/'] },
  { floor: 'spec', paths: ['spec/'] },
];

/** The suite and the mock are two stacks: one reaches the other only through these doors. */
const DOORS: ReadonlyArray<readonly [from: string, to: string]> = [
  ['suites/against-mock.ts', 'mock-server/index.ts'],
  // One redactor for reports and for record mode's fixtures (issue #23): the mock's, at its core.
  ['suites/transport/redact.ts', 'mock-server/core/redact.ts'],
];

/** Where circles are looked for (shipped or not), and which part of the test owns each. */
const PARTS = { suite: ['spec/', 'suites/', 'scripts/'], mock: ['mock-server/'] } as const;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every .ts file of `roots` with the .ts files it imports (relative imports only), root-relative. */
function importGraph(roots: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = roots.flatMap((r) => walk(join(ROOT, r))).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    graph.set(relative(ROOT, file), [...new Set(deps)]);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The floor number of a file (0 is the top), by its deepest matching entry; undefined when on none. */
function floorOf(file: string): number | undefined {
  let best: { floor: number; depth: number } | undefined;
  FLOORS.forEach(({ paths }, floor) => {
    for (const p of paths) {
      const match = p.endsWith('/') ? file.startsWith(p) : file === p;
      if (match && (!best || p.length > best.depth)) best = { floor, depth: p.length };
    }
  });
  return best?.floor;
}

const inPart = (file: string, part: keyof typeof PARTS): boolean => PARTS[part].some((p) => file.startsWith(p));
const stackOf = (file: string): string => file.split('/')[0]!;

// What ships: tsconfig.build.json's include (it holds comments, so its globs are read as text).
const SHIPPED_ROOTS = [
  ...readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8').matchAll(/"([a-z-]+(?:\/[a-z-]+)?)\/\*\*\/\*\.ts"/g),
].map((m) => `${m[1]!}/`);
const graph = importGraph([...PARTS.suite, ...PARTS.mock]);
const shipped = [...graph.keys()].filter(
  (f) => SHIPPED_ROOTS.some((r) => f.startsWith(r)) && !f.includes('/generated/'),
);

/** Upward imports and files on no floor, among shipped files of one part. */
function layeringProblems(part: keyof typeof PARTS): string[] {
  const problems: string[] = [];
  for (const file of shipped.filter((f) => inPart(f, part))) {
    const from = floorOf(file);
    if (from === undefined) {
      problems.push(`${file} is on no floor of the FLOORS table`);
      continue;
    }
    for (const dep of graph.get(file) ?? []) {
      const to = floorOf(dep);
      if (to === undefined || !graph.has(dep)) continue; // reported as its own file, or not code
      if (to < from) problems.push(`${file} (${FLOORS[from]!.floor}) imports ${dep} (${FLOORS[to]!.floor}, above)`);
      const crosses = stackOf(file) !== stackOf(dep) && ['suites', 'mock-server'].includes(stackOf(dep));
      if (crosses && stackOf(file) !== 'scripts' && !DOORS.some(([a, b]) => a === file && b === dep))
        problems.push(`${file} imports ${dep}: ${stackOf(file)}/ reaches ${stackOf(dep)}/ only through DOORS`);
    }
  }
  return problems;
}

describe('the import graph', () => {
  it('is read (the parser finds type imports, the table knows the shipped folders)', () => {
    expect(SHIPPED_ROOTS).toEqual(expect.arrayContaining(['spec/', 'mock-server/', 'suites/', 'scripts/cli/']));
    // `import type` counts: suites/wire/types.ts imports its ExchangeResult type only.
    expect(graph.get('suites/wire/types.ts')).toContain('suites/transport/http.ts');
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(FLOORS.map((f) => floorOf(f.paths[0]!.endsWith('/') ? `${f.paths[0]!}x.ts` : f.paths[0]!))).toEqual(
      FLOORS.map((_, i) => i),
    );
  });

  it('has no import circle in spec/, suites/ or scripts/', () => {
    expect(circles(graph).filter((c) => inPart(c[0]!, 'suite'))).toEqual([]);
  });

  it('has no import circle in mock-server/', () => {
    expect(circles(graph).filter((c) => inPart(c[0]!, 'mock'))).toEqual([]);
  });

  it('never imports upward in the shipped spec/, suites/ and scripts/cli/', () => {
    expect(layeringProblems('suite')).toEqual([]);
  });

  it('never imports upward in the shipped mock-server/', () => {
    expect(layeringProblems('mock')).toEqual([]);
  });
});
