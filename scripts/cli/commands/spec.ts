// `relaycheck spec [features|groups|relays|breaks|schemas] [--json]`: what spec/ holds, the
// ids to put in --only, --require, --break and --profile.
import { parseArgs } from 'node:util';
import { breaks } from '../../../spec/breaks.js';
import { featureGroups, features } from '../../../spec/features.js';
import { listSpecFiles } from '../../../spec/load.js';
import { loadRelays } from '../../../spec/relays.js';

const HELP = `Usage: relaycheck spec [features|groups|relays|breaks|schemas] [--json]

Lists what spec/ holds, one id per line with its title:
  features   feature ids, for --only and --require (default)
  groups     feature groups, for --only
  relays     relay dialects, for 'relaycheck mock --profile'
  breaks     single deviations, for 'relaycheck mock --break'
  schemas    the JSON Schema files
  --json     the same as a JSON array of { id, title }
`;

type Row = { id: string; title: string };

const LISTS: Record<string, () => Row[]> = {
  features: () => features().map((f) => ({ id: f.id, title: `${f.title} (${f.group})` })),
  groups: () => featureGroups().map((g) => ({ id: g.id, title: g.title })),
  relays: () => loadRelays().map((r) => ({ id: r.id, title: r.name })),
  breaks: () => breaks().map((b) => ({ id: b.id, title: b.description })),
  schemas: () => listSpecFiles('schemas', '.schema.yaml').map((f) => ({ id: f, title: '' })),
};

export async function specCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (err) {
    process.stderr.write(`relaycheck spec: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [what = 'features', ...extra] = parsed.positionals;
  const list = LISTS[what];
  if (!list || extra.length > 0) {
    process.stderr.write(`relaycheck spec: unknown list '${[what, ...extra].join(' ')}'\n\n${HELP}`);
    return 2;
  }
  const rows = list();
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const width = Math.max(...rows.map((r) => r.id.length));
    process.stdout.write(rows.map((r) => (r.title ? `${r.id.padEnd(width)}  ${r.title}` : r.id)).join('\n') + '\n');
  }
  return 0;
}
