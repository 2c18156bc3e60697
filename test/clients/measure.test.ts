// The plumbing of the readiness matrix: outcomes (class and a stable one-line message),
// the per-operation time limit, the concurrency limit.
import { describe, expect, it } from 'vitest';
import {
  errorClass,
  errorMessage,
  mapLimit,
  OperationTimeout,
  runOperation,
} from '../../scripts/dev/clients/measure.js';
import { ExpectationError, type ClientOperation } from '../../suites/clients/types.js';

const TARGET = {
  baseUrl: 'http://127.0.0.1:40123/v1',
  apiKey: 'sk-relaycheck-0123456789abcdef',
  model: 'm',
  headers: {},
};

function op(run: ClientOperation['run']): ClientOperation {
  return { id: 'test.op', client: 'openai', operation: 'test', run };
}

describe('outcomes', () => {
  it('names the class of what was thrown, without bundler underscores', () => {
    class _TypeValidationError extends Error {}
    expect(errorClass(new TypeError('x'))).toBe('TypeError');
    expect(errorClass(new ExpectationError('x'))).toBe('ExpectationError');
    expect(errorClass(new _TypeValidationError('x'))).toBe('TypeValidationError');
    expect(errorClass(Object.assign(new Error('x'), { name: 'AI_Custom' }))).toBe('AI_Custom');
    expect(errorClass('a string')).toBe('string');
  });

  it('keeps messages to one stable line: no base URL, port or key, at most 160 characters', () => {
    const err = new Error(
      `POST ${TARGET.baseUrl}/chat/completions\nfailed with key ${TARGET.apiKey} at 127.0.0.1:40123 ${'x'.repeat(300)}`,
    );
    const message = errorMessage(err, TARGET);
    expect(message).toMatch(/^POST <base-url>\/chat\/completions failed with key <key> at <host> x+…$/);
    expect(message).toHaveLength(160);
    expect(errorMessage(new Error('Incorrect API key provided: ****cdef.'), TARGET)).toBe(
      'Incorrect API key provided: ****.',
    );
  });

  it('records works, a failure, and an operation that never settles', async () => {
    expect(
      await runOperation(
        op(async () => {}),
        TARGET,
      ),
    ).toEqual({});
    expect(
      await runOperation(
        op(async () => {
          throw new ExpectationError('text is "x"');
        }),
        TARGET,
      ),
    ).toEqual({ error: 'ExpectationError', message: 'text is "x"' });
    const hung = await runOperation(
      op(() => new Promise(() => {})),
      TARGET,
      50,
    );
    expect(hung).toEqual({ error: OperationTimeout.name, message: 'no result within 0.05 s' });
  });
});

describe('mapLimit', () => {
  it('keeps the order of the input and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
    expect(peak).toBe(3);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
