// relaycheck/vitest as a team uses it, registered in this very file against the mock: the
// README's `only: ['stop', 'tools']` registers stop and every tools.* feature, a `partial`
// (the mock's stop-ignored-streaming break) passes but is annotated with its verdict, and
// unknown ids in `only` or `require` throw when the describe block is declared.
import { afterAll, describe, expect, test, type RunnerTestCase, type RunnerTestSuite } from 'vitest';
import { createMockProvider } from '../../mock-server/index.js';
import { features } from '../../spec/features.js';
import { describeConformance } from '../../suites/vitest.js';

const KEY = 'sk-vitest-describe';
const mock = createMockProvider({ apiKeys: [KEY], breaks: [{ id: 'stop-ignored-streaming' }] });
const { baseUrl } = await mock.start();
afterAll(() => mock.stop());

const TITLE = 'conformance under test';
describeConformance({ baseUrl, apiKey: KEY, model: 'mock-model', only: ['stop', 'tools'], title: TITLE });

const TOOLS = features()
  .filter((f) => f.group === 'tools')
  .map((f) => f.id);

function registered(task: RunnerTestCase): RunnerTestSuite {
  const suite = task.file.tasks.find((t) => t.name === TITLE);
  if (suite?.type !== 'suite') throw new Error('the describe block was not registered');
  return suite;
}

// Declared after describeConformance, so vitest runs these last, once its tests have run.
describe('relaycheck/vitest', () => {
  test("only: ['stop', 'tools'] registers stop and every tools.* feature", ({ task }) => {
    expect(TOOLS.length).toBeGreaterThan(1);
    const ids = registered(task).tasks.map((t) => t.name.split(':')[0]);
    expect(ids.sort()).toEqual(['stop', ...TOOLS].sort());
  });

  test('a partial passes, annotated with its verdict and summary; a supported one is not', ({ task }) => {
    const tests = registered(task).tasks.filter((t): t is RunnerTestCase => t.type === 'test');
    const stop = tests.find((t) => t.name.startsWith('stop:'))!;
    expect(stop.result?.state).toBe('pass');
    expect(stop.annotations.map((a) => `${a.type} ${a.message}`)).toEqual([
      expect.stringMatching(/^warning partial: /),
    ]);
    const call = tests.find((t) => t.name.startsWith('tools.call:'))!;
    expect(call.result?.state).toBe('pass');
    expect(call.annotations).toEqual([]);
  });

  test('unknown ids in only or require throw at describe time, naming them', () => {
    const base = { baseUrl, apiKey: KEY, model: 'mock-model' };
    expect(() => describeConformance({ ...base, only: ['stop', 'tool'] })).toThrow(
      /only: unknown feature or group 'tool' \(features: .*; groups: .*tools/,
    );
    expect(() => describeConformance({ ...base, require: ['chat.basic', 'strem.sse'] })).toThrow(
      /require: unknown feature 'strem.sse'/,
    );
    // require takes feature ids, as the CLI's --require does.
    expect(() => describeConformance({ ...base, require: ['tools'] })).toThrow(/require: unknown feature 'tools'/);
  });
});
