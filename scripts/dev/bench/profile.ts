// `npx tsx scripts/dev/bench/profile.ts`: the V8 CPU profiler (the one behind --cpu-prof) on the
// mock child and on the bare replay child, at the bench's load, steady state only; then the hot
// spots by self time (functions), inclusive time, and where the code lives (files, packages).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT, startChild, type ServerChild } from './children.js';
import { runLoad } from './load.js';
import { BENCH_BODY, recordResponse, STREAM_BODY } from './request.js';
import { fmt } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  share: number;
}

function where(url: string): string {
  if (url === '') return '(native / vm)';
  if (url.startsWith('node:')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const local = path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
  // The mock runs compiled: dist/mock-server/x.js is mock-server/x.ts's code.
  return local.startsWith('dist/') ? local.slice('dist/'.length) : local;
}

function top(map: Map<string, number>, total: number, n: number): HotSpot[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / total }));
}

/** A coarse bucket for a frame: where a share of the CPU goes, in words. */
export function category(functionName: string, url: string): string {
  if (url === '') {
    if (functionName === '(idle)') return 'idle (waiting for the network)';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (/^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString)$/.test(functionName))
      return 'socket writes (syscalls)';
    // ajv's compiled validators are `new Function` code: no url.
    if (/^validate\d+$/.test(functionName)) return 'ajv validation';
    return 'other native / VM';
  }
  const place = where(url);
  if (place === 'npm:ajv' || place === 'spec/validators.ts') return 'ajv validation';
  if (place.startsWith('npm:')) return 'Express, router and other npm code';
  if (place.startsWith('node:')) return 'node: http, net, streams, events';
  const dir = /^(mock-server\/[^/]+)\//.exec(place);
  if (dir) return `${dir[1]}/`;
  return place;
}

/** Self time per function, per file and per package (npm:x / node:x / project file). */
export function analyse(
  profile: CpuProfile,
  n = 20,
): { totalMs: number; functions: HotSpot[]; places: HotSpot[]; inclusive: HotSpot[]; categories: HotSpot[] } {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  const categories = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const f = node.callFrame;
    const place = where(f.url);
    const fnKey = `${f.functionName || '(anonymous)'}  ${place}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(fnKey, (fns.get(fnKey) ?? 0) + us);
    places.set(place, (places.get(place) ?? 0) + us);
    const cat = category(f.functionName, f.url);
    categories.set(cat, (categories.get(cat) ?? 0) + us);
  }
  // Inclusive time per function: self time of the subtree, each function counted once per path.
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  for (const [id, us] of self) {
    const seen = new Set<string>();
    let cur: number | undefined = id;
    for (let depth = 0; cur !== undefined && depth < 10_000; depth++) {
      const node = byId.get(cur);
      if (!node) break;
      const f = node.callFrame;
      if (f.url) {
        const key = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
        if (!seen.has(key)) {
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) ?? 0) + us);
        }
      }
      cur = parent.get(cur);
    }
  }
  return {
    totalMs: total / 1000,
    functions: top(fns, total, n),
    places: top(places, total, n),
    inclusive: top(inclusive, total, n),
    categories: top(categories, total, categories.size),
  };
}

export async function profileChild(
  label: string,
  child: ServerChild,
  dir: string,
  seconds: number,
  connections: number,
  warmupSeconds = 2,
  body?: string,
): Promise<CpuProfile> {
  if (warmupSeconds > 0) await runLoad(child, { connections, duration: warmupSeconds, ...(body ? { body } : {}) });
  await child.profileStart();
  const r = await runLoad(child, { connections, duration: seconds, ...(body ? { body } : {}) });
  const path = join(dir, `${label}.cpuprofile`);
  await child.profileStop(path);
  process.stdout.write(
    `  ${label}: profiled ${seconds} s at c=${connections}: ${fmt(r.rps)} req/s, ${fmt(r.cpuUs)} µs CPU per request (the profiler adds some)\n`,
  );
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

function print(title: string, xs: HotSpot[]): void {
  process.stdout.write(`\n${title}\n`);
  for (const x of xs)
    process.stdout.write(
      `  ${(x.share * 100).toFixed(1).padStart(5)}%  ${x.selfMs.toFixed(0).padStart(6)} ms  ${x.name}\n`,
    );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'relaycheck-prof-'));
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
  const n = Number(process.env.PROFILE_TOP ?? 25);
  const children: ServerChild[] = [];
  try {
    // PROFILE_CHILD: another server child to profile instead (a path or file: URL), for comparisons.
    const target = process.env.PROFILE_CHILD
      ? new URL(process.env.PROFILE_CHILD, `file://${process.cwd()}/`).href
      : './serve-mock.ts';
    const mock = await startChild('mock', target);
    children.push(mock);
    // PROFILE_STREAM=1: the streamed bench request instead of the JSON one.
    const body = process.env.PROFILE_STREAM === '1' ? STREAM_BODY : BENCH_BODY;
    const recorded = await recordResponse(mock.url, 10_000, body);
    const bare = await startChild('bare', './serve-bare.ts', { firstMessage: { type: 'config', response: recorded } });
    children.push(bare);
    // Both sides, steady state only: the profiler is started after a warm-up, over IPC.
    const sides: Array<[string, ServerChild]> = [
      ['mock', mock],
      ['bare', bare],
    ];
    for (const [label, child] of sides) {
      const a = analyse(await profileChild(label, child, dir, seconds, connections, 2, body), n);
      process.stdout.write(`\n=== ${label}: ${a.totalMs.toFixed(0)} ms sampled ===`);
      print(`${label}, by category (self time)`, a.categories);
      print(`${label}, by place (self time)`, a.places);
      print(`${label}, by function (self time)`, a.functions);
      print(`${label}, by function (inclusive)`, a.inclusive);
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
  if (process.env.PROFILE_KEEP) process.stdout.write(`\nprofiles kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`profile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
