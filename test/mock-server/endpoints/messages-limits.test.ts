// The Anthropic endpoint under the same limits as chat completions, and request deadlines
// that hold for a client that never finishes its headers.
import { connect } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';

const weather = {
  name: 'get_weather',
  description: 'Get the weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
  },
};
const ask = (app: ReturnType<typeof createMockProvider>['app'], body: unknown) =>
  request(app)
    .post('/v1/messages')
    .set('Authorization', 'Bearer k')
    .set('anthropic-version', '2023-06-01')
    .send(body as object);

describe('apiyi /v1/messages under bad input', () => {
  const { app } = createMockProvider({ profile: 'apiyi', limits: { maxTools: 4 } });

  it('a tool call cut by max_tokens is a tool_use with what parsed, never a 500', async () => {
    const r = await ask(app, {
      model: 'claude-3-5-sonnet-20241022',
      max_tokens: 2,
      tools: [weather],
      messages: [{ role: 'user', content: "What's the weather in Paris? Use the tools." }],
    });
    expect(r.status).toBe(200);
    expect(r.body.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    expect(r.body.stop_reason).toBe('max_tokens');
  });

  it('the mock limits apply, answered in Anthropic error shape', async () => {
    const tools = Array.from({ length: 5 }, (_, i) => ({ ...weather, name: `tool_${i}` }));
    const r = await ask(app, {
      model: 'claude-3-5-sonnet-20241022',
      max_tokens: 20,
      tools,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(r.body.error.message).toMatch(/tools/);
  });
});

describe('request deadlines', () => {
  it('a client that never finishes its headers is cut off near requestTimeoutMs, not after 30 s', async () => {
    const mock = createMockProvider({ limits: { requestTimeoutMs: 500 } });
    const { port } = await mock.start({ port: 0 });
    try {
      const started = performance.now();
      const closedAfter = await new Promise<number>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n'),
        );
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(performance.now() - started));
        socket.on('error', () => undefined);
      });
      expect(closedAfter).toBeGreaterThanOrEqual(400);
      expect(closedAfter).toBeLessThan(5_000);
    } finally {
      await mock.stop();
    }
  });
});
