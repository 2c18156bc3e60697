// `relaycheck mock --models id1,id2`: the ids are served over chat and over /v1/messages,
// next to the profile's own models; a malformed id is refused by name.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';
import { mockOptionsFromFlags } from '../../../scripts/cli/commands/mock.js';

const HEADERS = { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-cli-models-123456' };

describe('relaycheck mock --models', () => {
  it('serves the named ids on both surfaces, and keeps the profile models', async () => {
    const { app } = createMockProvider(mockOptionsFromFlags({ models: ['my-claude-1,team/model-2'] }));
    for (const model of ['my-claude-1', 'team/model-2', 'claude-opus-4-8']) {
      const r = await request(app)
        .post('/v1/messages')
        .set(HEADERS)
        .send({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      expect(r.status, `${model}: ${r.text}`).toBe(200);
    }
    for (const model of ['my-claude-1', 'mock-model']) {
      const r = await request(app)
        .post('/v1/chat/completions')
        .set('authorization', 'Bearer sk-cli-models-123456')
        .send({ model, messages: [{ role: 'user', content: 'hi' }] });
      expect(r.status, model).toBe(200);
    }
  });

  it('refuses a malformed id', () => {
    expect(() => mockOptionsFromFlags({ models: ['good,bad id'] })).toThrow("--models: 'bad id' is not a model id");
    expect(() => mockOptionsFromFlags({ models: ['a,,b'] })).toThrow(/is not a model id/);
  });
});
