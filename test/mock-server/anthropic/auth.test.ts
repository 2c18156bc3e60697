// /v1/messages enforces --api-key like chat completions: a wrong key in either header style is a 401
// in Anthropic's envelope (issue 16 found it answered 200).
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';

const payload = { model: 'claude-3-5-sonnet-20241022', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };
const { app } = createMockProvider({ profile: 'apiyi', apiKeys: ['sk-good'] });
const send = (headers: Record<string, string>) =>
  request(app).post('/v1/messages').set('anthropic-version', '2023-06-01').set(headers).send(payload);

describe('/v1/messages keys', () => {
  it.each([[{ 'x-api-key': 'sk-wrong' }], [{ Authorization: 'Bearer sk-wrong' }]])(
    'refuses a wrong key %o',
    async (h) => {
      const r = await send(h);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(JSON.stringify(r.body)).not.toContain('sk-wrong');
    },
  );
  it.each([[{ 'x-api-key': 'sk-good' }], [{ Authorization: 'Bearer sk-good' }]])(
    'accepts the right key %o',
    async (h) => {
      expect((await send(h)).status).toBe(200);
    },
  );
});
