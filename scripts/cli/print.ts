// What the CLI writes to a terminal or a CI log. Summaries, health lines and error messages
// quote relays, so every write goes through the one sanitizer (suites/transport/inert.ts):
// line by line, its layout kept, no control, escape or bidi character and no CI command.
import { inertBlock } from '../../suites/transport/inert.js';

export function printOut(text: string): void {
  process.stdout.write(inertBlock(text));
}

export function printErr(text: string): void {
  process.stderr.write(inertBlock(text));
}
