// The suite against the built-in mock speaking one relay's dialect: what `npm start` shows
// and what the self-test asserts. The mock runs on a free loopback port with a throwaway key.
import { randomBytes } from 'node:crypto';
import type { RelayDialect, ReportTarget } from '../spec/generated/types.js';
import { expectedVerdicts, modelsFor } from '../spec/relays.js';
import { createMockProvider } from '../mock-server/index.js';
import { runTarget, type RunTargetOptions } from './run.js';
import { DEFAULT_KEY_ENV_VAR } from './transport/curl.js';

export interface MockRun {
  relay: RelayDialect;
  report: ReportTarget;
  /** Features whose verdict differs from what the dialect file documents, as "feature: got X, documented Y". */
  mismatches: string[];
  problems: string[];
}

export async function runAgainstMock(
  relay: RelayDialect,
  options: Omit<RunTargetOptions, 'now'> = {},
): Promise<MockRun> {
  const key = `sk-mock-${randomBytes(12).toString('hex')}`;
  const mock = createMockProvider({ profile: relay.id, apiKeys: [key], journalSize: 0 });
  const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
  try {
    const [model, reasoning, vision, messages] = (
      ['model', 'reasoning-model', 'vision-model', 'messages-model'] as const
    ).map((needs) => modelsFor(relay, needs)[0]?.id);
    const run = await runTarget(
      {
        name: relay.id,
        baseUrl,
        keyEnv: DEFAULT_KEY_ENV_VAR,
        apiKey: key,
        secrets: [key],
        auth: relay.auth.scheme === 'api-key' ? 'api-key' : 'bearer',
        headers: {},
        models: {
          model: model!,
          ...(reasoning ? { reasoning } : {}),
          ...(vision ? { vision } : {}),
          ...(messages ? { messages } : {}),
        },
      },
      options,
    );
    const expected = expectedVerdicts(relay);
    const mismatches = run.report.results
      .filter((r) => expected[r.feature] !== undefined && r.verdict !== expected[r.feature])
      .map((r) => `${r.feature}: got ${r.verdict}, documented ${expected[r.feature]} (${r.summary})`);
    return { relay, report: run.report, mismatches, problems: run.problems };
  } finally {
    await mock.stop();
  }
}
