// Shared by the per-client matrix tests: run one client's operations against the faithful
// mock, every relay dialect and every break, and compare with spec/clients.yaml. One file
// per client so vitest spreads the matrix over its workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakIds } from '../../spec/breaks.js';
import { loadClientReadiness } from '../../suites/clients/data.js';
import { CLIENT_OPERATIONS, type ClientId } from '../../scripts/dev/clients/operations.js';
import { measureMatrix, profileOrder, quietConsole, type Cell } from '../../scripts/dev/clients/measure.js';

/** Operation id → error class, for the operations that did not work. */
type Failures = Record<string, string>;

function failuresOf(cells: Cell[]): Failures {
  const out: Failures = {};
  for (const c of cells) if (c.outcome.error !== undefined) out[c.operation] = c.outcome.error;
  return out;
}

function recorded(kind: 'profiles' | 'breaks', id: string, ops: Set<string>): Failures {
  const row = loadClientReadiness()[kind].find((r) => r.id === id);
  const out: Failures = {};
  for (const [op, f] of Object.entries(row!.fails)) if (f && ops.has(op)) out[op] = f.error;
  return out;
}

/** The ids of `all` spec/clients.yaml has a row for, and those it does not have yet. */
function byMeasured(kind: 'profiles' | 'breaks', all: readonly string[]): { measured: string[]; unmeasured: string[] } {
  const rows = new Set(loadClientReadiness()[kind].map((r) => r.id));
  return { measured: all.filter((id) => rows.has(id)), unmeasured: all.filter((id) => !rows.has(id)) };
}

const REMEASURE = 'not measured yet: run npx tsx scripts/dev/clients/readiness.ts';

const STALE = 'differs from spec/clients.yaml; if the change is intended, run npx tsx scripts/dev/clients/readiness.ts';

/** The failures measured, with their messages, for an assertion's message. */
function measuredText(cells: Cell[]): string {
  const lines = cells
    .filter((c) => c.outcome.error !== undefined)
    .map((c) => `${c.operation}: ${c.outcome.error}: ${c.outcome.message}`);
  return lines.length === 0 ? 'every operation worked' : lines.join('; ');
}

export function describeClientMatrix(client: ClientId): void {
  const operations = CLIENT_OPERATIONS.filter((o) => o.client === client);
  const ids = new Set(operations.map((o) => o.id));
  let cells: Cell[] = [];
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    restore = quietConsole();
    try {
      cells = await measureMatrix({ operations, concurrency: 12 });
    } finally {
      restore();
      restore = undefined;
    }
  }, 120_000);
  afterAll(() => restore?.());

  const column = (kind: Cell['column']['kind'], id?: string) =>
    cells.filter((c) => c.column.kind === kind && (id === undefined || ('id' in c.column && c.column.id === id)));

  describe(`${client}: the faithful dialect`, () => {
    it.each(operations.map((o) => [o.id, o] as const))('%s works', (id) => {
      const cell = column('faithful').find((c) => c.operation === id);
      expect(cell, 'measured').toBeDefined();
      expect(cell!.outcome, `${id}: ${cell!.outcome.error}: ${cell!.outcome.message}`).toEqual({});
    });
  });

  describe(`${client}: each relay dialect gives the recorded outcomes`, () => {
    const { measured, unmeasured } = byMeasured('profiles', profileOrder());
    for (const id of unmeasured) it.todo(`${id}: ${REMEASURE}`);
    it.each(measured)('%s', (id) => {
      expect(
        failuresOf(column('profile', id)),
        `profile ${id} ${STALE} (measured: ${measuredText(column('profile', id))})`,
      ).toEqual(recorded('profiles', id, ids));
    });
  });

  describe(`${client}: each break gives the recorded outcomes`, () => {
    const { measured, unmeasured } = byMeasured('breaks', breakIds());
    for (const id of unmeasured) it.todo(`${id}: ${REMEASURE}`);
    it.each(measured)('%s', (id) => {
      expect(
        failuresOf(column('break', id)),
        `break ${id} ${STALE} (measured: ${measuredText(column('break', id))})`,
      ).toEqual(recorded('breaks', id, ids));
    });
  });
}
