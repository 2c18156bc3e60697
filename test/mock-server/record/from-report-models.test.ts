// A `--from-report` replica serves the models the report measured: the suite run again with the
// relay's own config (e.g. reasoning model gpt-5.2) must not meet a 404.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelaycheckReport, ReportTarget } from '../../../spec/generated/types.js';
import { createMockProvider, type MockProvider } from '../../../mock-server/index.js';
import { withMeasuredModels } from '../../../mock-server/from-report/select.js';
import { mockOptionsFromFlags } from '../../../scripts/cli/commands/mock.js';

const KEY = 'sk-replica-1234';

function measuredTarget(models: Partial<ReportTarget>): ReportTarget {
  return {
    name: 'relay',
    baseUrl: 'https://relay.example/v1',
    model: 'relay-chat-1',
    usage: { requests: 1, promptTokens: 1, completionTokens: 1 },
    durationMs: 1,
    results: [],
    ...models,
  };
}

describe('withMeasuredModels', () => {
  const served = [
    { id: 'mock-model', vision: true },
    { id: 'mock-reasoner', reasoning: true },
  ];

  it('adds each measured model the profile lacks, behaving as the profile model of its role', () => {
    const models = withMeasuredModels(
      measuredTarget({ model: 'relay-chat-1', reasoningModel: 'gpt-5.2', visionModel: 'relay-eyes' }),
      served,
    );
    expect(models).toEqual([
      ...served,
      { id: 'relay-chat-1', vision: true },
      { id: 'gpt-5.2', reasoning: true },
      { id: 'relay-eyes', vision: true },
    ]);
  });

  it('merges one id measured in two roles, and keeps a model the profile already has as it is', () => {
    const models = withMeasuredModels(
      measuredTarget({ model: 'mock-model', reasoningModel: 'omni', visionModel: 'omni' }),
      served,
    );
    expect(models).toEqual([...served, { id: 'omni', reasoning: true, vision: true }]);
  });
});

describe('relaycheck mock --from-report', () => {
  const started: MockProvider[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((m) => m.stop()));
  });

  it('serves the measured chat and reasoning models (listed, and answering 200)', async () => {
    const report: RelaycheckReport = {
      schemaVersion: 2,
      generatedAt: '2026-01-01T00:00:00Z',
      tool: { name: 'relaycheck', version: '0.0.0' },
      targets: [measuredTarget({ model: 'relay-chat-1', reasoningModel: 'gpt-5.2' })],
    };
    const path = join(mkdtempSync(join(tmpdir(), 'relaycheck-replica-')), 'report.json');
    writeFileSync(path, JSON.stringify(report));
    const mock = createMockProvider({ ...mockOptionsFromFlags({ 'from-report': path, 'api-key': [KEY] }, {}) });
    started.push(mock);
    const { baseUrl } = await mock.start({ port: 0 });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

    const listed = (await (await fetch(`${baseUrl}/models`, { headers })).json()) as { data: { id: string }[] };
    expect(listed.data.map((m) => m.id)).toEqual(expect.arrayContaining(['relay-chat-1', 'gpt-5.2', 'mock-model']));

    const ask = async (model: string) => {
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Think, then say hi.' }] }),
      });
      return { status: res.status, json: (await res.json()) as { choices: { message: Record<string, unknown> }[] } };
    };
    const reasoning = await ask('gpt-5.2');
    expect(reasoning.status).toBe(200);
    // It is the reasoning model the report measured, so it reasons like the mock's.
    expect(reasoning.json.choices[0]!.message.reasoning_content).toEqual(expect.any(String));
    expect((await ask('relay-chat-1')).status).toBe(200);
  });
});
