import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
const ROOT = process.argv[2]!;
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? walk(p) : [p]; });
}
const roots = ['spec', 'mock-server', 'suites', 'scripts'];
const files = roots.flatMap((r) => walk(join(ROOT, r))).filter((f) => f.endsWith('.ts') && !f.includes('/generated/'));
const graph = new Map<string, string[]>();
for (const f of files) {
  const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  const deps = info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(f), s.replace(/\.js$/, '.ts'))));
  graph.set(relative(ROOT, f), deps);
}
// Tarjan
let idx = 0; const st: string[] = []; const on = new Set<string>(); const ix = new Map<string, number>(); const low = new Map<string, number>(); const sccs: string[][] = [];
function sc(v: string) { ix.set(v, idx); low.set(v, idx); idx++; st.push(v); on.add(v);
  for (const w of graph.get(v) ?? []) { if (!graph.has(w)) continue; if (!ix.has(w)) { sc(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, ix.get(w)!)); }
  if (low.get(v) === ix.get(v)) { const c: string[] = []; let w; do { w = st.pop()!; on.delete(w); c.push(w); } while (w !== v); if (c.length > 1) sccs.push(c); } }
for (const v of graph.keys()) if (!ix.has(v)) sc(v);
for (const c of sccs) console.log('CYCLE', c.length, c.sort().join(' '));
