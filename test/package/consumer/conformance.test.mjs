// relaycheck/vitest inside an app's own test run: one test per feature against the mock.
import { afterAll } from 'vitest';
import { createMockProvider } from 'relaycheck/mock';
import { describeConformance } from 'relaycheck/vitest';

const mock = createMockProvider({ apiKeys: ['sk-vitest'] });
const started = await mock.start();
afterAll(() => mock.stop());

describeConformance({
  baseUrl: started.baseUrl,
  apiKey: 'sk-vitest',
  model: 'mock-model',
  only: ['chat.basic', 'auth', 'models.list'],
});
