// spec/clients.yaml and docs/CLIENTS.md as committed: valid, complete (every operation), rows
// only for known dialects and breaks in display order, measured with the installed SDKs, and
// the document in step with the data. A dialect or break added since the last measurement has
// no row yet (test/clients/matrix.ts lists it as todo): measured data is regenerated when the
// client packages or the mock's behaviour change, not for each new catalogue entry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { breakCategories, breakIds, breaks } from '../../spec/breaks.js';
import { loadRelays } from '../../spec/relays.js';
import { validate } from '../../spec/validators.js';
import { readSpecYaml } from '../../spec/load.js';
import { renderClientsDoc } from '../../scripts/dev/clients/markdown.js';
import { installedPackageVersions } from '../../scripts/dev/clients/build-data.js';
import { loadClientReadiness } from '../../suites/clients/data.js';
import { CLIENT_OPERATIONS, CLIENTS } from '../../scripts/dev/clients/operations.js';
import { AGENT_OPERATIONS } from '../../scripts/dev/clients/agents.js';
import { ALL_OPERATIONS } from '../../scripts/dev/clients/registry.js';
import { operationInfo } from '../../scripts/dev/clients/build-data.js';
import { profileOrder } from '../../scripts/dev/clients/measure.js';

const REGENERATE = 'run npx tsx scripts/dev/clients/readiness.ts';

describe('spec/clients.yaml', () => {
  const data = loadClientReadiness();

  it('validates against spec/clients.schema.yaml', () => {
    expect(validate('clients', readSpecYaml('clients.yaml')).errors).toEqual([]);
  });

  it('lists every SDK operation of the registry, and the agents measured, in its order, with their descriptions', () => {
    // An agent is measured only where its binary is installed: listed once measured, with the day.
    const listed = new Set(data.operations.map((o) => o.id));
    for (const o of CLIENT_OPERATIONS) expect(listed.has(o.id), `${o.id}: ${REGENERATE}`).toBe(true);
    const strip = ({ measured: _m, breaks: _b, ...rest }: (typeof data.operations)[number]) => rest;
    expect(data.operations.map(strip), REGENERATE).toEqual(
      ALL_OPERATIONS.filter((o) => listed.has(o.id)).map(operationInfo),
    );
    for (const o of data.operations) {
      const agent = AGENT_OPERATIONS.some((a) => a.id === o.id);
      expect(o.measured !== undefined, `${o.id}: only an agent carries its measurement day`).toBe(agent);
      for (const b of o.breaks ?? []) expect(breakIds(), o.id).toContain(b);
    }
  });

  it('has rows only for known dialects and breaks, in display order, naming only known operations', () => {
    const profiles = data.profiles.map((r) => r.id);
    expect(profiles, REGENERATE).toEqual(profileOrder().filter((id) => profiles.includes(id)));
    const breakRows = data.breaks.map((r) => r.id);
    expect(breakRows, REGENERATE).toEqual(breakIds().filter((id) => breakRows.includes(id)));
    // A fresh measurement has every row: the committed data cannot be mostly unmeasured.
    expect(profiles.length).toBeGreaterThan(profileOrder().length / 2);
    expect(breakRows.length).toBeGreaterThan(breakIds().length / 2);
    const ops = new Set(data.operations.map((o) => o.id));
    for (const row of [...data.profiles, ...data.breaks])
      for (const op of Object.keys(row.fails)) expect(ops.has(op), `${row.id}: ${op}`).toBe(true);
  });

  it('was measured with the installed client packages, and the agents with their pinned versions', () => {
    const agents = Object.fromEntries(
      AGENT_OPERATIONS.filter((a) => data.operations.some((o) => o.id === a.id)).map((a) => [a.package, a.version]),
    );
    expect(data.packages, REGENERATE).toEqual({ ...installedPackageVersions(), ...agents });
  });

  it('records that the faithful reference dialect fails no operation', () => {
    expect(data.profiles[0]).toEqual({ id: 'openai', fails: {} });
  });
});

describe('the client operations', () => {
  it('have unique ids named <client>.<operation>, grouped by client, the SDKs then the agents', () => {
    const ids = ALL_OPERATIONS.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of ALL_OPERATIONS) expect(o.id.startsWith(`${o.client}.`), o.id).toBe(true);
    const sdk = CLIENT_OPERATIONS.map((o) => CLIENTS.indexOf(o.client));
    expect(sdk).toEqual([...sdk].sort((a, b) => a - b));
    const clients = ALL_OPERATIONS.map((o) => o.client).filter((c, i, all) => all.indexOf(c) === i);
    expect(new Set(clients).size, 'each client in one block').toBe(clients.length);
    expect(AGENT_OPERATIONS.map((o) => o.surface)).toEqual(['responses', 'responses', 'messages', 'messages']);
  });
});

describe('docs/CLIENTS.md', () => {
  const doc = readFileSync(new URL('../../docs/CLIENTS.md', import.meta.url), 'utf8');

  it('is what the readiness script renders from spec/clients.yaml', () => {
    const rendered = renderClientsDoc({
      data: loadClientReadiness(),
      breaks: breaks(),
      categories: breakCategories(),
      relays: loadRelays(),
    });
    expect(doc, REGENERATE).toBe(rendered);
  });

  it('has the operations × dialects table and names the package versions', () => {
    expect(doc).toContain(
      `| Operation | ${loadClientReadiness()
        .profiles.map(({ id }) => `\`${id}\``)
        .join(' | ')} |`,
    );
    for (const [name, version] of Object.entries(installedPackageVersions()))
      expect(doc).toContain(`\`${name}@${version}\``);
  });
});
