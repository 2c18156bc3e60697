// One run of the suite, the way `npm start` runs it (runTarget, concurrency 4), against a
// base URL in front of a fresh faithful mock (paced or not) whose journal keeps every request of the run.
import { randomBytes } from 'node:crypto';
import { createMockProvider, type JournalEntry, type MockOptions } from '../../../mock-server/index.js';
import type { ReportTarget } from '../../../spec/generated/types.js';
import { runTarget } from '../../../suites/run.js';
import type { TargetModels } from '../../../suites/target.js';
import { DEFAULT_KEY_ENV_VAR } from '../../../suites/transport/curl.js';

/** The faithful mock's models, by role (the openai profile's). */
export const MOCK_MODELS: Required<Omit<TargetModels, 'messages'>> = {
  model: 'mock-model',
  reasoning: 'mock-reasoner',
  vision: 'mock-model',
};

export interface Mock {
  baseUrl: string;
  apiKey: string;
  journal(): JournalEntry[];
  stop(): Promise<void>;
}

export async function startMock(pacing: MockOptions['pacing'] = {}): Promise<Mock> {
  const apiKey = `sk-mock-${randomBytes(12).toString('hex')}`;
  // The journal is the ground truth of what a gateway forwarded: big enough for the whole run.
  const mock = createMockProvider({ apiKeys: [apiKey], journalSize: 100_000, pacing });
  const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
  return { baseUrl, apiKey, journal: () => mock.requests(), stop: () => mock.stop() };
}

export interface SuiteRun {
  report: ReportTarget;
  problems: string[];
  seconds: number;
}

export async function runSuite(options: {
  name: string;
  baseUrl: string;
  apiKey: string;
  headers?: Record<string, string>;
  models: Required<Omit<TargetModels, 'messages'>>;
}): Promise<SuiteRun> {
  const started = performance.now();
  const run = await runTarget(
    {
      name: options.name,
      baseUrl: options.baseUrl,
      keyEnv: DEFAULT_KEY_ENV_VAR,
      apiKey: options.apiKey,
      secrets: [options.apiKey],
      auth: 'bearer',
      headers: options.headers ?? {},
      models: options.models,
    },
    { concurrency: 4 },
  );
  return { report: run.report, problems: run.problems, seconds: (performance.now() - started) / 1000 };
}
