// createMockProvider({ apiKeys }): one key as a string, or a list; anything else refused by name.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';

const models = (app: ReturnType<typeof createMockProvider>['app'], key: string) =>
  request(app).get('/v1/models').set('authorization', `Bearer ${key}`);

describe('apiKeys', () => {
  it('takes a string as one key: that key is accepted, its characters are not', async () => {
    const { app } = createMockProvider({ apiKeys: 'sk-test' });
    expect((await models(app, 'sk-test')).status).toBe(200);
    for (const key of ['s', 'k', '-', 'sk-tes']) {
      const res = await models(app, key);
      expect(res.status).toBe(401);
      expect((res.body as { error: { code: string } }).error.code).toBe('invalid_api_key');
    }
  });

  it('takes a list of keys, as before', async () => {
    const { app } = createMockProvider({ apiKeys: ['sk-one', 'sk-two'] });
    expect((await models(app, 'sk-one')).status).toBe(200);
    expect((await models(app, 'sk-two')).status).toBe(200);
    expect((await models(app, 'sk-three')).status).toBe(401);
  });

  it.each([
    [{ apiKeys: 42 }, /^apiKeys must be a key or a list of keys, got a number$/],
    [{ apiKeys: null }, /^apiKeys must be a key or a list of keys, got null$/],
    [{ apiKeys: { key: 'sk-test' } }, /^apiKeys must be a key or a list of keys, got an object$/],
    [{ apiKeys: ['sk-ok', 7] }, /^apiKeys\[1\] must be a string, got a number$/],
    [{ apiKeys: '' }, /^apiKeys is empty or padded with spaces$/],
    [{ apiKeys: ['sk-ok', ' sk-padded '] }, /^apiKeys\[1\] is empty or padded with spaces$/],
  ])('refuses %j clearly, without echoing a key', (options, message) => {
    let error: unknown;
    try {
      createMockProvider(options as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('sk-');
  });
});
