// A strict TypeScript consumer: type-checked with the app's own tsc, against the .d.ts only.
import { createServer, type Server } from 'node:http';
import { createMockProvider, type MockOptions, type MockProvider } from 'relaycheck/mock';
import { runSuite, type RelaycheckReport, type ReportVerdict, type SuiteRun } from 'relaycheck';
import { renderHtml, renderJunit, renderMarkdown } from 'relaycheck/report';
import { describeConformance } from 'relaycheck/vitest';

const options: MockOptions = { apiKeys: ['sk-typed'] };
const mock: MockProvider = createMockProvider(options);

export async function check(): Promise<ReportVerdict[]> {
  const { baseUrl } = await mock.start({ port: 0 });
  const run: SuiteRun = await runSuite({ baseUrl, apiKey: 'sk-typed', model: 'mock-model' }, { only: ['chat.basic'] });
  const report: RelaycheckReport = run.report;
  const pages: string[] = [renderMarkdown(report), renderHtml(report), renderJunit(report)];
  await mock.stop();
  return pages.length > 0 ? report.targets.flatMap((t) => t.results.map((r) => r.verdict)) : [];
}

export const register: typeof describeConformance = describeConformance;

// The mock app is a plain Node handler: no @types/express needed to serve it.
export const server: Server = createServer(mock.app);
