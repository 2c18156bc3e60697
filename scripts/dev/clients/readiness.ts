// `npx tsx scripts/dev/clients/readiness.ts [--concurrency N]`: runs every client operation
// (suites/clients/) against the built-in mock in the faithful dialect, each relay dialect
// and each single break, then writes spec/clients.yaml (the data the report's prediction
// reads) and docs/CLIENTS.md (the readable tables). Exits 1, writing nothing, when an
// operation fails against the faithful dialect (the mock or an operation is wrong).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { breakCategories, breaks } from '../../../spec/breaks.js';
import { loadRelays } from '../../../spec/relays.js';
import { buildClientReadiness, clientReadinessYaml } from './build-data.js';
import { CLIENT_OPERATIONS } from './operations.js';
import { measureMatrix, quietConsole } from './measure.js';
import { renderClientsDoc } from './markdown.js';

export const CLIENTS_YAML = fileURLToPath(new URL('../../../spec/clients.yaml', import.meta.url));
export const CLIENTS_DOC = fileURLToPath(new URL('../../../docs/CLIENTS.md', import.meta.url));

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--concurrency');
  const concurrency = at >= 0 ? Number(argv[at + 1]) : 12;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    process.stderr.write('usage: npx tsx scripts/dev/clients/readiness.ts [--concurrency N]\n');
    return 2;
  }
  const started = performance.now();
  let lastPercent = -1;
  const restore = quietConsole();
  let cells;
  try {
    cells = await measureMatrix({
      concurrency,
      onCell: (_cell, done, total) => {
        const percent = Math.floor((100 * done) / total);
        if (percent % 10 === 0 && percent !== lastPercent) {
          lastPercent = percent;
          process.stderr.write(`  ${done}/${total} client operations (${percent}%)\n`);
        }
      },
    });
  } finally {
    restore();
  }
  const faithful = cells.filter((c) => c.column.kind === 'faithful' && c.outcome.error !== undefined);
  if (faithful.length > 0) {
    for (const c of faithful)
      process.stderr.write(`faithful dialect: ${c.operation} failed: ${c.outcome.error}: ${c.outcome.message}\n`);
    process.stderr.write('every operation must work against the faithful dialect; nothing written\n');
    return 1;
  }
  const data = buildClientReadiness(CLIENT_OPERATIONS, cells);
  writeFileSync(CLIENTS_YAML, clientReadinessYaml(data));
  writeFileSync(
    CLIENTS_DOC,
    renderClientsDoc({ data, breaks: breaks(), categories: breakCategories(), relays: loadRelays() }),
  );
  const failing = data.breaks.filter((r) => Object.keys(r.fails).length > 0).length;
  process.stderr.write(
    `${cells.length} client operations in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${failing} of ${data.breaks.length} breaks make a client operation fail\n` +
      `wrote spec/clients.yaml and docs/CLIENTS.md\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
