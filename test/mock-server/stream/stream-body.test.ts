// renderStreamBody writes the faithful stream's SSE body straight from the plan. It must be,
// byte for byte, what the general path sends: every chunk object rendered, then each
// serialised and framed (renderChunks → formatEvents). Checked over plans of every shape the
// mock makes: text, non-ASCII, n > 1, logprobs, tool calls, reasoning, JSON, truncation,
// several tokens per delta, with and without usage, and the realistic model's variations.
import { describe, expect, it } from 'vitest';
import { planCompletion, type CompletionPlan } from '../../../mock-server/completion/plan.js';
import { drawRealism } from '../../../mock-server/completion/realistic.js';
import { renderChunks, renderStreamBody } from '../../../mock-server/completion/render.js';
import { lastUserText } from '../../../mock-server/core/instructions.js';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { formatEvents } from '../../../mock-server/stream/sse-format.js';
import type { ChatCompletionRequest, Tool } from '../../../spec/generated/types.js';

const options = resolveOptions({});

const weather: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const user = (text: string): ChatCompletionRequest['messages'] => [{ role: 'user', content: text }];

const REQUESTS: Record<string, Partial<ChatCompletionRequest>> = {
  count: { messages: user('Count from 1 to 12.') },
  unicode: { messages: user('Reply with exactly: こんにちは 😀 — naïve "café" \\ tab\there\nline two') },
  n3: { messages: user('Name three colours.'), n: 3 },
  logprobs: { messages: user('Count from 1 to 5.'), logprobs: true, top_logprobs: 2 },
  tools: { messages: user('What is the weather in Paris?'), tools: [weather], tool_choice: 'required' },
  'tools n2': { messages: user('Weather in Oslo?'), tools: [weather], tool_choice: 'required', n: 2 },
  reasoning: { model: 'mock-reasoner', messages: user('Why is the sky blue?'), reasoning_effort: 'high' },
  json: {
    messages: user('Describe a cat.'),
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'cat',
        schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    },
  },
  truncated: { messages: user('Count from 1 to 40.'), max_tokens: 7 },
  stopped: { messages: user('Count from 1 to 9.'), stop: ['5'] },
  'no content': { messages: user('') },
};

function plan(name: string, extra: Partial<ChatCompletionRequest>, seed?: number): CompletionPlan {
  const request = { model: 'gpt-4o', stream: true, ...extra } as ChatCompletionRequest;
  const rawBody = JSON.stringify(request);
  const p = planCompletion({
    request,
    model: options.models.get(request.model)!,
    rawBody,
    limits: options.limits,
    clock: options.clock,
    realism: seed === undefined ? undefined : drawRealism(seed, lastUserText(request.messages), true),
  });
  if (!('choices' in p)) throw new Error(`${name}: did not plan (${p.message})`);
  return p;
}

describe('renderStreamBody: the faithful stream written from the plan', () => {
  it('is byte for byte renderChunks + formatEvents, for every shape of plan, chunk size and usage option', () => {
    let compared = 0;
    for (const [name, extra] of Object.entries(REQUESTS)) {
      for (const seed of [undefined, 1, 2, 3]) {
        const p = plan(name, extra, seed);
        for (const chunkTokens of [1, 2, 5, 1000]) {
          for (const includeUsage of [false, true]) {
            const opts = { includeUsage, chunkTokens };
            const general = formatEvents(renderChunks(p, opts)).join('');
            expect(renderStreamBody(p, opts), `${name} seed=${seed} k=${chunkTokens} usage=${includeUsage}`).toBe(
              general,
            );
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(Object.keys(REQUESTS).length * 4 * 4 * 2);
  });

  it('covers the shapes it claims: tool calls, reasoning, n > 1, logprobs and non-ASCII text occur', () => {
    const all = Object.entries(REQUESTS).map(([name, extra]) =>
      renderStreamBody(plan(name, extra), { includeUsage: true }),
    );
    const text = all.join('');
    for (const needle of [
      '"tool_calls":[{',
      '"reasoning_content":',
      '"index":2',
      '"logprobs":{"content":[',
      'ん',
      'café',
      '"finish_reason":"length"',
    ])
      expect(text, needle).toContain(needle);
  });
});
