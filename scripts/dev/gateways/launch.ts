// One launcher per gateway: the files it needs (config, a small launcher script) and the
// command that starts it on `port` in front of the mock at `upstream`, plus how the suite
// addresses it (base URL, routing headers, model ids). Pure: run.ts writes and spawns.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { TargetModels } from '../../../suites/target.js';
import type { LauncherId } from './table.js';

export interface LaunchInput {
  /** The gateway's install folder (.cache/gateways/<name>/). */
  dir: string;
  port: number;
  /** The mock's base URL, e.g. http://127.0.0.1:PORT/v1. */
  upstream: string;
  /** The mock's key: the gateway sends it upstream. */
  apiKey: string;
  /** The mock's model ids, by role. */
  models: Required<Omit<TargetModels, 'messages'>>;
}

export interface Launch {
  /** Files written into the install folder before the start, by name. */
  files: Record<string, string>;
  /** Arguments to `node` (run in the install folder). */
  args: string[];
  env?: Record<string, string>;
  baseUrl: string;
  headers: Record<string, string>;
  models: Required<Omit<TargetModels, 'messages'>>;
}

const distinct = (m: Required<Omit<TargetModels, 'messages'>>): string[] => [
  ...new Set([m.model, m.reasoning, m.vision]),
];
const mapModels = (
  m: Required<Omit<TargetModels, 'messages'>>,
  f: (id: string) => string,
): Required<Omit<TargetModels, 'messages'>> => ({
  model: f(m.model),
  reasoning: f(m.reasoning),
  vision: f(m.vision),
});

type Launcher = (input: LaunchInput) => Launch;

const portkey: Launcher = ({ dir, port, upstream, models }) => ({
  files: {},
  args: [join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'), `--port=${port}`, '--headless'],
  baseUrl: `http://127.0.0.1:${port}/v1`,
  headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream },
  models,
});

const musistudio: Launcher = ({ port, upstream, apiKey, models }) => {
  const config = {
    HOST: '127.0.0.1',
    PORT: port,
    LOG: false,
    providers: [
      { name: 'mock', api_base_url: `${upstream}/chat/completions`, api_key: apiKey, models: distinct(models) },
    ],
  };
  const script = [
    '// Started by relaycheck: @musistudio/llms has no CLI; its Server class is the gateway.',
    "'use strict';",
    "const mod = require('@musistudio/llms');",
    'const Server = mod.default ?? mod.Server ?? mod;',
    `const server = new Server({ initialConfig: ${JSON.stringify(config)}, logger: false });`,
    'Promise.resolve(server.start()).catch((e) => { console.error(e); process.exit(1); });',
    '',
  ].join('\n');
  return {
    files: { 'relaycheck-launch.cjs': script },
    args: ['relaycheck-launch.cjs'],
    baseUrl: `http://127.0.0.1:${port}/v1`,
    headers: {},
    models: mapModels(models, (id) => `mock,${id}`),
  };
};

const nullplatform: Launcher = ({ dir, port, upstream, apiKey, models }) => {
  const config = {
    server: { host: '127.0.0.1', port },
    models: distinct(models).map((id, i) => ({
      name: id,
      isDefault: i === 0,
      provider: { type: 'openai', config: { baseUrl: upstream, apiKey, model: id, retryAttempts: 1 } },
    })),
  };
  return {
    files: { 'relaycheck-config.yaml': stringify(config) },
    args: [join(dir, 'node_modules/@nullplatform/llm-gateway/dist/cli.js'), 'start', '-c', 'relaycheck-config.yaml'],
    baseUrl: `http://127.0.0.1:${port}/openai/v1`,
    headers: {},
    models,
  };
};

const llmRouter: Launcher = ({ port, upstream, apiKey, models }) => {
  const config = {
    providers: [
      {
        id: 'mock',
        name: 'mock',
        baseUrl: upstream,
        apiKey,
        format: 'openai',
        models: distinct(models).map((id) => ({ id })),
      },
    ],
  };
  const script = [
    '// Started by relaycheck: the server without the CLI (whose @levu/snap is not on the registry).',
    "import { startLocalRouteServer } from '@khanglvm/llm-router/src/node/local-server.js';",
    `await startLocalRouteServer({ port: ${port}, host: '127.0.0.1', configPath: new URL('./relaycheck-config.json', import.meta.url).pathname, watchConfig: false, requireAuth: false });`,
    '',
  ].join('\n');
  return {
    files: { 'relaycheck-config.json': JSON.stringify(config, null, 2), 'relaycheck-launch.mjs': script },
    args: ['relaycheck-launch.mjs'],
    baseUrl: `http://127.0.0.1:${port}/v1`,
    headers: {},
    models: mapModels(models, (id) => `mock/${id}`),
  };
};

const llmDebugger: Launcher = ({ port, upstream, models }) => {
  const script = [
    '// Started by relaycheck: the control, a logging proxy; cache off so every request goes upstream.',
    "import { startProxy } from 'llm-debugger';",
    `await startProxy({ target: ${JSON.stringify(new URL(upstream).origin)}, host: '127.0.0.1', port: ${port}, cache: false, enabled: false, logsDir: new URL('./relaycheck-logs', import.meta.url).pathname });`,
    '',
  ].join('\n');
  return {
    files: { 'relaycheck-launch.mjs': script },
    args: ['relaycheck-launch.mjs'],
    baseUrl: `http://127.0.0.1:${port}/v1`,
    headers: {},
    models,
  };
};

export const LAUNCHERS: Record<LauncherId, Launcher> = {
  portkey,
  musistudio,
  nullplatform,
  'llm-router': llmRouter,
  'llm-debugger': llmDebugger,
};
