// Bad input on every field of a Responses request: always a clear 4xx in OpenAI's envelope
// (or a 200 where OpenAI would accept it), never a 5xx, a crash or a hang.
import request from 'supertest';
import { expect, it } from 'vitest';
import { createMockProvider } from '../../../mock-server/index.js';
const values: unknown[] = [
  null,
  0,
  -1,
  1.5,
  'x',
  '',
  true,
  [],
  {},
  [null],
  [1],
  [{}],
  [{ type: 'x' }],
  { type: 'json_schema' },
  { format: null },
  { format: { type: 'json_schema', name: 'n', schema: { type: 'object' } } },
  [{ type: 'function' }],
  [{ type: 'function', name: 'f', parameters: 5 }],
  [{ role: 'assistant', content: null }],
  [{ role: 'user', content: [{ type: 'input_image' }] }],
  [{ type: 'reasoning', encrypted_content: 5 }],
  [{ type: 'reasoning', encrypted_content: '' }],
  [{ type: 'function_call_output', call_id: 'c', output: null }],
  [{ type: 'item_reference' }],
  { effort: 'high', summary: 5 },
  { name: 'f', type: 'function' },
];
const fields = [
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'text',
  'reasoning',
  'include',
  'metadata',
  'max_output_tokens',
  'parallel_tool_calls',
  'store',
  'stream',
  'previous_response_id',
  'prompt_cache_key',
  'temperature',
  'model',
];
it('answers every odd value of every field with a 200 or an enveloped 4xx', async () => {
  const m = createMockProvider({});
  const bad: string[] = [];
  for (const f of fields)
    for (const v of values) {
      for (const model of ['mock-model', 'mock-reasoner']) {
        const body: Record<string, unknown> = { model, input: 'hi', [f]: v };
        const r = await request(m.app).post('/v1/responses').set({ Authorization: 'Bearer sk-x' }).send(body);
        if (r.status >= 500 || (r.status !== 200 && !r.body?.error?.message))
          bad.push(`${r.status} ${JSON.stringify(body)} ${r.text.slice(0, 200)}`);
      }
    }
  expect(bad).toEqual([]);
}, 60000);
