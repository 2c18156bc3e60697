// The model-role table is the one place roles are spelled: it covers exactly the roles
// features.yaml can need, and each role's flag, config key and report key are the ones used.
import { describe, expect, it } from 'vitest';
import { featureNeedsValues } from '../../spec/features.js';
import { validate } from '../../spec/validators.js';
import { MODEL_ROLES, modelForRole, reportModels } from '../../suites/roles.js';
import { parseConfig } from '../../suites/target.js';

describe('MODEL_ROLES', () => {
  it('has one entry per role a feature can need', () => {
    expect(MODEL_ROLES.map((r) => r.role).sort()).toEqual([...featureNeedsValues()].sort());
  });

  it('maps a config file’s models: keys to roles and to report.json’s keys', () => {
    const config = parseConfig(
      'targets:\n  - name: t\n    baseUrl: https://relay.example/v1\n    models: { model: m1, reasoning: r1, vision: v1 }\n',
    );
    const models = config.targets[0]!.models;
    // The Messages model falls back on the chat model, but only a configured one is reported.
    expect(MODEL_ROLES.map((r) => modelForRole(models, r.role))).toEqual(['m1', 'r1', 'v1', 'm1']);
    expect(reportModels(models)).toEqual({ model: 'm1', reasoningModel: 'r1', visionModel: 'v1' });
    const withMessages = parseConfig(
      'targets:\n  - name: t\n    baseUrl: https://relay.example/v1\n    models: { model: m1, reasoning: r1, vision: v1, messages: c1 }\n',
    ).targets[0]!.models;
    expect(modelForRole(withMessages, 'messages-model')).toBe('c1');
    const fields = reportModels(withMessages);
    expect(fields).toEqual({ model: 'm1', reasoningModel: 'r1', visionModel: 'v1', messagesModel: 'c1' });
    const target = {
      name: 't',
      baseUrl: 'https://relay.example/v1',
      usage: { requests: 0, promptTokens: 0, completionTokens: 0 },
      durationMs: 0,
      results: [],
      ...fields,
    };
    expect(
      validate('report', {
        schemaVersion: 2,
        generatedAt: '2026-01-01T00:00:00.000Z',
        tool: { name: 'relaycheck', version: '0' },
        targets: [target],
      }).errors,
    ).toEqual([]);
  });

  it('leaves unconfigured roles out of the report', () => {
    expect(reportModels({ model: 'm1' })).toEqual({ model: 'm1' });
  });
});
