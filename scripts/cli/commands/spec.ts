// `relaycheck spec`: a quick look at the single source of truth.
import { listSpecFiles } from '../../../spec/load.js';

export async function specCommand(_argv: string[]): Promise<number> {
  const out = [
    `schemas:  ${listSpecFiles('schemas', '.schema.yaml').join(', ')}`,
    `relays:   ${listSpecFiles('relays', '.yaml').join(', ')}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
