// `relaycheck <command>`: argument parsing and dispatch only; each command lives in its own
// module and returns an exit code (0 ok, 1 verdict failure, 2 could not run).
import { packageVersion } from '../../spec/load.js';

export type Command = (argv: string[]) => Promise<number>;

// Commands are imported lazily so `relaycheck mock` does not pay for the suite's modules.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: 'the main job: run the suite against the built-in mock as every documented relay, offline',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  mock: {
    summary: 'serve the OpenAI-compatible mock provider (default http://127.0.0.1:8080/v1)',
    load: async () => (await import('./commands/mock.js')).mockCommand,
  },
  run: {
    summary: 'run the conformance suite against an OpenAI-compatible base URL (report.json + table)',
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  spec: {
    summary: 'print what spec/ holds (schemas, relay dialects, features)',
    load: async () => (await import('./commands/spec.js')).specCommand,
  },
  report: {
    summary: 'render report.json as Markdown, HTML and JUnit; gate CI on requirements and a baseline',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
};

const version = packageVersion;

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `relaycheck ${version()}\n\nUsage: relaycheck <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'relaycheck <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`relaycheck: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}
