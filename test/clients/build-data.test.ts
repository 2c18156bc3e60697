// Building spec/clients.yaml from a measured matrix: an operation not measured now (an agent
// whose binary is not installed) keeps the rows recorded before, with the breaks it was
// measured under; one never measured is left out, so no row claims it works.
import { describe, expect, it } from 'vitest';
import type { ClientReadiness } from '../../spec/generated/types.js';
import type { AgentOperation } from '../../scripts/dev/clients/agents.js';
import { buildClientReadiness, readinessDifferences } from '../../scripts/dev/clients/build-data.js';
import type { Cell, Column } from '../../scripts/dev/clients/measure.js';
import type { ClientOperation } from '../../suites/clients/types.js';

const sdk: ClientOperation = { id: 'openai.create', client: 'openai', operation: 'create', run: async () => {} };
const agent = (id: string): AgentOperation => ({
  id,
  client: 'codex',
  surface: 'responses',
  operation: id,
  package: '@openai/codex',
  version: '0.171.0',
  installed: () => false,
  run: async () => {},
});
const codexPlain = agent('codex.plain-task');
const codexTool = agent('codex.tool-task');

const cell = (column: Column, operation: string, error?: string): Cell => ({
  column,
  operation,
  outcome: error ? { error, message: `${error} message` } : {},
});
const profile = (id: string): Column => ({ kind: 'profile', id });
const brk = (id: string): Column => ({ kind: 'break', id });
const fail = (error: string) => ({ error, message: `${error} message` });

const PACKAGES = { openai: '6.0.0' };

describe('buildClientReadiness', () => {
  it('records the agents measured now with their pinned version, the day, and the breaks they ran under', () => {
    const data = buildClientReadiness({
      operations: [sdk, codexPlain],
      cells: [
        cell(profile('openai'), 'openai.create'),
        cell(profile('openai'), 'codex.plain-task'),
        cell(profile('aiid'), 'openai.create'),
        cell(profile('aiid'), 'codex.plain-task', 'AgentTaskError'),
        cell(brk('stream-default-true'), 'openai.create', 'TypeError'),
        cell(brk('responses-no-completed'), 'openai.create'),
        cell(brk('responses-no-completed'), 'codex.plain-task', 'AgentTaskError'),
      ],
      packages: PACKAGES,
      today: '2026-12-07',
    });
    expect(data.packages).toEqual({ openai: '6.0.0', '@openai/codex': '0.171.0' });
    expect(data.operations).toEqual([
      { id: 'openai.create', client: 'openai', operation: 'create', surface: 'chat' },
      {
        id: 'codex.plain-task',
        client: 'codex',
        operation: 'codex.plain-task',
        surface: 'responses',
        breaks: ['responses-no-completed'],
        measured: '2026-12-07',
      },
    ]);
    expect(data.profiles).toEqual([
      { id: 'openai', fails: {} },
      { id: 'aiid', fails: { 'codex.plain-task': fail('AgentTaskError') } },
    ]);
    expect(data.breaks).toEqual([
      { id: 'stream-default-true', fails: { 'openai.create': fail('TypeError') } },
      { id: 'responses-no-completed', fails: { 'codex.plain-task': fail('AgentTaskError') } },
    ]);
  });

  it('keeps the recorded rows of an agent not measured now, and leaves out one never measured', () => {
    const previous: ClientReadiness = {
      packages: { openai: '5.0.0', '@openai/codex': '0.170.0' },
      operations: [
        { id: 'openai.create', client: 'openai', operation: 'create', surface: 'chat' },
        {
          id: 'codex.plain-task',
          client: 'codex',
          operation: 'old text',
          surface: 'responses',
          measured: '2026-12-01',
        },
      ],
      profiles: [{ id: 'aiid', fails: { 'openai.create': fail('Old'), 'codex.plain-task': fail('AgentTaskError') } }],
      breaks: [{ id: 'responses-no-completed', fails: { 'codex.plain-task': fail('AgentTaskError') } }],
    };
    const data = buildClientReadiness({
      operations: [sdk, codexPlain, codexTool],
      // The SDK ran now, under one more break than before; the agents did not run.
      cells: [
        cell(profile('aiid'), 'openai.create'),
        cell(brk('stream-default-true'), 'openai.create', 'TypeError'),
        cell(brk('responses-no-completed'), 'openai.create'),
      ],
      packages: PACKAGES,
      previous,
      today: '2026-12-07',
    });
    expect(data.packages).toEqual({ openai: '6.0.0', '@openai/codex': '0.170.0' });
    // codex.tool-task was never measured: not listed. codex.plain-task keeps its day, and says it
    // was not measured under stream-default-true (a row it has no measurement in).
    expect(data.operations.map((o) => [o.id, o.measured, o.breaks])).toEqual([
      ['openai.create', undefined, undefined],
      ['codex.plain-task', '2026-12-01', ['responses-no-completed']],
    ]);
    expect(data.operations[1]!.operation).toBe('codex.plain-task');
    expect(data.profiles).toEqual([{ id: 'aiid', fails: { 'codex.plain-task': fail('AgentTaskError') } }]);
    expect(data.breaks).toEqual([
      { id: 'stream-default-true', fails: { 'openai.create': fail('TypeError') } },
      { id: 'responses-no-completed', fails: { 'codex.plain-task': fail('AgentTaskError') } },
    ]);
  });

  it('lists where a new measurement differs from the recorded rows, ignoring what was never recorded', () => {
    const recorded: ClientReadiness = {
      packages: PACKAGES,
      operations: [
        {
          id: 'codex.plain-task',
          client: 'codex',
          operation: 'x',
          surface: 'responses',
          breaks: ['responses-no-completed'],
        },
      ],
      profiles: [{ id: 'aiid', fails: { 'codex.plain-task': fail('AgentTaskError') } }],
      breaks: [
        { id: 'stream-default-true', fails: {} },
        { id: 'responses-no-completed', fails: { 'codex.plain-task': fail('AgentTaskError') } },
      ],
    };
    expect(
      readinessDifferences(recorded, [
        cell({ kind: 'faithful' }, 'codex.plain-task'),
        cell(profile('aiid'), 'codex.plain-task', 'AgentTaskError'),
        cell(brk('responses-no-completed'), 'codex.plain-task'),
        // Not measured under this break before, and a row the data does not have: not compared.
        cell(brk('stream-default-true'), 'codex.plain-task', 'AgentTaskError'),
        cell(profile('jiekou'), 'codex.plain-task', 'AgentTaskError'),
      ]),
    ).toEqual(['break responses-no-completed: codex.plain-task recorded AgentTaskError, measured works']);
  });
});
