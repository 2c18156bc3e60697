// renderEventsBody writes a Responses stream's SSE body straight from the plan (the endpoint's
// path when no break edits the events and no fault cuts them). It must be, byte for byte, what
// the general path sends: every event object rendered, then each framed by formatEvent.
// Checked over every item kind the mock streams.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../mock-server/assembly/options.js';
import { planCompletion, type ScriptedAnswer } from '../../../mock-server/completion/plan.js';
import { ApiError } from '../../../mock-server/core/api-error.js';
import {
  formatEvent,
  openReasoning,
  renderEvents,
  renderEventsBody,
  renderResponse,
  sealReasoning,
  toChatRequest,
  type RenderContext,
  type ResponsesRequest,
} from '../../../mock-server/protocols/responses.js';

const SECRET = Buffer.alloc(32, 3);
const options = resolveOptions({});
const weather = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function setUp(body: Record<string, unknown>, scripted?: ScriptedAnswer) {
  const request = toChatRequest({ stream: true, ...body }, { openReasoning: (b) => openReasoning(SECRET, b) });
  if (request instanceof ApiError) return expect.fail(request.message);
  const plan = planCompletion({
    request: request.chat,
    model: options.models.get(request.chat.model)!,
    rawBody: JSON.stringify(body),
    limits: options.limits,
    clock: options.clock,
    scripted,
  });
  if (plan instanceof ApiError) return expect.fail(plan.message);
  return { plan, request };
}

const render = (request: ResponsesRequest, chunkTokens?: number): RenderContext => ({
  request,
  createdAt: 1_750_000_000,
  seal: (t) => sealReasoning(SECRET, t),
  ...(chunkTokens ? { chunkTokens } : {}),
});

const CASES: [string, Record<string, unknown>, ScriptedAnswer?, number?][] = [
  ['text', { model: 'mock-model', instructions: 'Be terse.', input: 'Count from 1 to 30.' }],
  ['text, 4 tokens a delta', { model: 'mock-model', input: 'Count from 1 to 30.' }, undefined, 4],
  [
    'non-ASCII and escapes',
    { model: 'mock-model', input: 'Reply with exactly: こんにちは 😀 "café" \\ tab\there\nline' },
  ],
  ['function call', { model: 'mock-model', input: 'Weather in Paris?', tools: [weather], tool_choice: 'required' }],
  [
    'reasoning with summary and encrypted content',
    {
      model: 'mock-reasoner',
      input: 'Why is the sky blue?',
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    },
  ],
  ['incomplete', { model: 'mock-model', input: 'Count from 1 to 90.', max_output_tokens: 16 }],
  ['refusal', { model: 'mock-model', input: 'Refuse.' }, { content: '', refusal: 'I cannot help with that.' }],
  [
    'custom tool and web search calls',
    {
      model: 'mock-model',
      input: 'Patch and search.',
      tools: [{ type: 'custom', name: 'apply_patch' }, { type: 'web_search' }],
    },
    {
      toolCalls: [
        { name: 'apply_patch', arguments: '*** Begin Patch\n"quoted"' },
        { name: 'web_search', arguments: { query: 'relay news' } },
      ],
    },
  ],
  [
    'structured output',
    {
      model: 'mock-model',
      input: 'Describe a cat.',
      text: {
        format: {
          type: 'json_schema',
          name: 'cat',
          schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
      },
    },
  ],
];

describe('renderEventsBody', () => {
  for (const [name, body, scripted, chunkTokens] of CASES) {
    it(`is the general path's bytes: ${name}`, () => {
      const { plan, request } = setUp(body, scripted);
      const ctx = render(request, chunkTokens);
      const general = renderEvents(plan, ctx).map(formatEvent).join('');
      expect(renderEventsBody(plan, ctx)).toBe(general);
      // With the terminal Response the endpoint already made.
      const final = renderResponse(plan, ctx);
      expect(renderEventsBody(plan, ctx, final)).toBe(general);
      expect(renderEventsBody(plan, ctx, final, JSON.stringify(final))).toBe(general);
      expect(general).toMatch(/event: response\.(completed|incomplete)\n/);
    });
  }

  it('covers every item kind above', () => {
    const kinds = new Set<string>();
    for (const [, body, scripted, chunkTokens] of CASES) {
      const { plan, request } = setUp(body, scripted);
      const completed = renderEvents(plan, render(request, chunkTokens)).at(-1)!.response as {
        output: { type: string }[];
      };
      for (const item of completed.output) kinds.add(item.type);
    }
    expect([...kinds].sort()).toEqual(['custom_tool_call', 'function_call', 'message', 'reasoning', 'web_search_call']);
  });
});
