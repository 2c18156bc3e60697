// Across protocols, end to end: the suite against the built-in mock with one break that breaks a
// chat feature whose Responses counterpart the mock keeps; report.json's crossProtocol and the
// terminal table name the loss, and the faithful mock shows none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAK_HEADER, createMockProvider, type MockProvider } from '../../mock-server/index.js';
import { validate } from '../../spec/validators.js';
import { renderMarkdown } from '../../suites/report/render/markdown.js';
import { buildReport, renderTable } from '../../suites/report/report-file.js';
import { runTarget } from '../../suites/run.js';
import { KEY, target } from './helpers.js';

const ONLY = ['chat.basic', 'responses.basic', 'response_format.json_schema', 'responses.structured'];

let mock: MockProvider;
let baseUrl: string;

beforeAll(async () => {
  mock = createMockProvider({ apiKeys: [KEY], journalSize: 0 });
  baseUrl = (await mock.start({ port: 0 })).baseUrl;
});
afterAll(async () => {
  await mock.stop();
});

describe('across protocols against the mock', () => {
  it('names structured output lost on chat and kept on the Responses API when chat stops enforcing the schema', async () => {
    const run = await runTarget(
      target(baseUrl, { name: 'schema', headers: { [BREAK_HEADER]: 'schema-not-enforced' } }),
      {
        only: ONLY,
      },
    );
    const t = run.report;
    const verdict = (id: string): string | undefined => t.results.find((r) => r.feature === id)?.verdict;
    expect(verdict('response_format.json_schema')).toBe('broken');
    expect(verdict('responses.structured')).toBe('supported');
    const structured = t.crossProtocol?.find((c) => c.aspect === 'structured');
    expect(structured).toMatchObject({
      model: 'mock-model',
      status: 'loss',
      surfaces: [
        {
          surface: 'chat',
          verdict: 'broken',
          outcome: 'worse',
          features: [{ feature: 'response_format.json_schema' }],
        },
        {
          surface: 'responses',
          verdict: 'supported',
          outcome: 'best',
          features: [{ feature: 'responses.structured' }],
        },
      ],
    });
    expect(t.crossProtocol?.find((c) => c.aspect === 'answer')?.status).toBe('agree');
    const report = buildReport([t]);
    expect(validate('report', report).errors).toEqual([]);
    expect(renderTable(report)).toContain(
      'Structured output on mock-model: kept on the Responses API (responses.structured); lost on Chat Completions: response_format.json_schema broken',
    );
  });

  it("names reasoning lost on chat, on the reasoning model, when chat's reasoning is dropped", async () => {
    const run = await runTarget(
      target(baseUrl, { name: 'reasoning', headers: { [BREAK_HEADER]: 'reasoning-dropped' } }),
      { only: ['reasoning.content', 'responses.reasoning'] },
    );
    const report = buildReport([run.report]);
    expect(run.report.crossProtocol).toMatchObject([
      {
        aspect: 'reasoning',
        model: 'mock-reasoner',
        status: 'loss',
        surfaces: [
          { surface: 'chat', verdict: 'ignored', outcome: 'worse' },
          { surface: 'responses', verdict: 'supported', outcome: 'best' },
        ],
      },
    ]);
    expect(renderMarkdown(report)).toContain(
      '- ⚠️ Reasoning on `mock-reasoner`: kept on the Responses API \\(`responses.reasoning`\\); lost on Chat Completions: `reasoning.content` ignored',
    );
  });

  it('names no loss on the faithful mock', async () => {
    const t = (await runTarget(target(baseUrl, { name: 'faithful' }), { only: ONLY })).report;
    expect(t.crossProtocol?.map((c) => [c.aspect, c.status])).toEqual([
      ['answer', 'agree'],
      ['structured', 'agree'],
    ]);
    expect(renderTable(buildReport([t]))).toContain('Across protocols: No surface loses what another keeps.');
  });
});
