// Building spec/clients.yaml from a measured client matrix (tooling: it reads the installed
// client SDKs' versions). Reading the data lives in suites/clients/data.ts, which ships.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { breakIds } from '../../../spec/breaks.js';
import type {
  ClientFailure,
  ClientOperationInfo,
  ClientPackageVersions,
  ClientReadiness,
  ClientReadinessRow,
} from '../../../spec/generated/types.js';
import { profileOrder } from '../../../suites/clients/data.js';
import { CLIENT_PACKAGES, CLIENTS, type ClientOperation } from '../../../suites/clients/types.js';
import type { AgentOperation } from './agents.js';
import type { Cell } from './measure.js';

/** The installed version of each measured SDK package, read from its package.json. */
export function installedPackageVersions(): ClientPackageVersions {
  const require = createRequire(import.meta.url);
  const out: ClientPackageVersions = {};
  for (const client of CLIENTS) {
    for (const name of CLIENT_PACKAGES[client]) {
      // Some packages do not export ./package.json: find it next to the resolved entry.
      const entry = require.resolve(name);
      const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length);
      const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
      out[name] = pkg.version;
    }
  }
  return out;
}

/** An operation of the registry as spec/clients.yaml lists it. */
export function operationInfo(o: ClientOperation | AgentOperation): ClientOperationInfo {
  return { id: o.id, client: o.client, operation: o.operation, surface: o.surface ?? 'chat' };
}

export interface BuildInput {
  /** Every operation of the registry (SDKs, then agents), in display order. */
  operations: readonly (ClientOperation | AgentOperation)[];
  cells: readonly Cell[];
  /** The SDK packages' installed versions. */
  packages?: ClientPackageVersions;
  /** The data recorded before: the rows of operations not measured now (an agent not installed) are kept. */
  previous?: ClientReadiness;
  /** The day of the measurement (YYYY-MM-DD), recorded for the agents measured now. */
  today?: string;
}

const isAgent = (o: ClientOperation | AgentOperation): o is AgentOperation => 'installed' in o;

/**
 * The readiness data for a measured matrix (profile and break columns; the faithful one is
 * not stored). An operation with no cell was not measured now: its rows, description and
 * package version are taken from `previous`, and it is left out when never measured at all
 * (an agent never installed), so no row claims it works.
 */
export function buildClientReadiness({
  operations,
  cells,
  packages = installedPackageVersions(),
  previous,
  today = new Date().toISOString().slice(0, 10),
}: BuildInput): ClientReadiness {
  const measuredNow = new Set(cells.map((c) => c.operation));
  const earlier = new Map((previous?.operations ?? []).map((o) => [o.id, o]));
  const kept = operations.filter((o) => !measuredNow.has(o.id) && earlier.has(o.id));
  // The rows: every column measured now, and those of before while an operation is kept from it.
  const columnIds = (kind: 'profile' | 'break') =>
    new Set([
      ...cells.flatMap((c) => (c.column.kind === kind ? [c.column.id] : [])),
      ...(kept.length > 0 ? (previous?.[kind === 'profile' ? 'profiles' : 'breaks'] ?? []).map((r) => r.id) : []),
    ]);
  const profileIds = columnIds('profile');
  const breakIdsNow = columnIds('break');
  const previousRow = (kind: 'profiles' | 'breaks', id: string) => previous?.[kind].find((r) => r.id === id);

  const row = (kind: 'profile' | 'break', id: string): ClientReadinessRow => {
    const fails: Record<string, ClientFailure> = {};
    for (const c of cells)
      if (c.column.kind === kind && c.column.id === id && c.outcome.error !== undefined)
        fails[c.operation] = { error: c.outcome.error, message: c.outcome.message ?? '' };
    const before = previousRow(kind === 'profile' ? 'profiles' : 'breaks', id)?.fails ?? {};
    for (const o of kept) if (before[o.id]) fails[o.id] = before[o.id]!;
    // The registry's order, whatever the order of measurement.
    const ordered: Record<string, ClientFailure> = {};
    for (const o of operations) if (fails[o.id]) ordered[o.id] = fails[o.id]!;
    return { id, fails: ordered };
  };
  const breakRows = breakIds().filter((id) => breakIdsNow.has(id));

  // An operation not measured under every break row says under which it was.
  const info = (o: ClientOperation | AgentOperation): ClientOperationInfo => {
    const base = operationInfo(o);
    let under: string[];
    let measured: string | undefined;
    if (measuredNow.has(o.id)) {
      const ran = new Set(
        cells.flatMap((c) => (c.operation === o.id && c.column.kind === 'break' ? [c.column.id] : [])),
      );
      under = breakRows.filter((id) => ran.has(id));
      measured = isAgent(o) ? today : undefined;
    } else {
      // Kept from before: measured under the breaks it was measured under then, and no others.
      const was = earlier.get(o.id)!;
      const before = was.breaks ?? previous!.breaks.map((r) => r.id);
      under = breakRows.filter((id) => before.includes(id));
      measured = was.measured;
    }
    return {
      ...base,
      ...(under.length < breakRows.length ? { breaks: under } : {}),
      ...(measured !== undefined ? { measured } : {}),
    };
  };

  const agentPackages: ClientPackageVersions = {};
  for (const o of operations.filter(isAgent)) {
    if (measuredNow.has(o.id)) agentPackages[o.package] = o.version;
    else if (earlier.has(o.id) && previous?.packages[o.package])
      agentPackages[o.package] = previous.packages[o.package];
  }

  return {
    packages: { ...packages, ...agentPackages },
    operations: operations.filter((o) => measuredNow.has(o.id) || earlier.has(o.id)).map(info),
    profiles: profileOrder()
      .filter((id) => profileIds.has(id))
      .map((id) => row('profile', id)),
    breaks: breakRows.map((id) => row('break', id)),
  };
}

/**
 * Where a measurement differs from the recorded data (by error class; works = no class): one
 * line per cell whose row and operation were recorded, e.g. "break x: codex.plain-task recorded
 * AgentTaskError, measured works". Cells the data has no record of are not compared.
 */
export function readinessDifferences(recorded: ClientReadiness, cells: readonly Cell[]): string[] {
  const ops = new Map(recorded.operations.map((o) => [o.id, o]));
  const out: string[] = [];
  for (const c of cells) {
    if (c.column.kind === 'faithful') continue;
    const op = ops.get(c.operation);
    const rows = c.column.kind === 'profile' ? recorded.profiles : recorded.breaks;
    const row = rows.find((r) => r.id === (c.column as { id: string }).id);
    if (!op || !row) continue;
    if (c.column.kind === 'break' && op.breaks !== undefined && !op.breaks.includes(c.column.id)) continue;
    const was = row.fails[c.operation]?.error ?? 'works';
    const now = c.outcome.error ?? 'works';
    if (was !== now)
      out.push(
        `${c.column.kind} ${c.column.id}: ${c.operation} recorded ${was}, measured ${now}${c.outcome.message ? ` (${c.outcome.message})` : ''}`,
      );
  }
  return out;
}

const HEADER = `# Client readiness: which operations of real client SDKs work against the built-in mock in
# each relay dialect (profiles) and with each single break of spec/breaks.yaml (breaks, on the
# faithful dialect); the agents (Codex CLI, Claude Code) are measured only where their binary
# is installed, and keep their recorded rows otherwise. GENERATED by \`npx tsx scripts/dev/clients/readiness.ts\` (which also writes
# docs/CLIENTS.md): do not edit by hand. Validated by clients.schema.yaml; an operation not
# listed under a row's \`fails\` worked. test/clients checks the SDKs still behave like this.
`;

export function clientReadinessYaml(data: ClientReadiness): string {
  return `${HEADER}\n${stringify(data, { lineWidth: 0 })}`;
}
