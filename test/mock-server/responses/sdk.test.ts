// Real clients of /v1/responses against the started mock, over a socket on 127.0.0.1: the
// official `openai` SDK (responses.create, .stream, .parse) and the Vercel AI SDK's default
// OpenAI provider (createOpenAI()(model) speaks only the Responses API).
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import OpenAI, { NotFoundError } from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMockProvider, type MockProvider } from '../../../mock-server/index.js';

const API_KEY = 'sk-test';

let provider: MockProvider;
let client: OpenAI;
let baseURL: string;

beforeAll(async () => {
  provider = createMockProvider({ apiKeys: [API_KEY] });
  baseURL = (await provider.start({ port: 0, host: '127.0.0.1' })).baseUrl;
  client = new OpenAI({ baseURL, apiKey: API_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await provider?.stop();
});

describe('openai SDK: responses', () => {
  it('create: output_text, ids and usage', async () => {
    const r = await client.responses.create({ model: 'mock-model', input: 'Reply with exactly: hello sdk' });
    expect(r.output_text).toBe('hello sdk');
    expect(r.id).toMatch(/^resp_/);
    expect(r.usage?.output_tokens_details.reasoning_tokens).toBe(0);
    const again = await client.responses.retrieve(r.id);
    expect(again.output_text).toBe('hello sdk');
    await client.responses.delete(r.id);
    await expect(client.responses.retrieve(r.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('create with previous_response_id continues the conversation', async () => {
    const first = await client.responses.create({ model: 'mock-model', input: 'Remember 42.' });
    const next = await client.responses.create({
      model: 'mock-model',
      previous_response_id: first.id,
      input: 'Reply with exactly: remembered',
    });
    expect(next.output_text).toBe('remembered');
    await expect(
      client.responses.create({ model: 'mock-model', previous_response_id: 'resp_unknown', input: 'x' }),
    ).rejects.toMatchObject({ status: 404, code: 'previous_response_not_found' });
  });

  it('stream: typed events, text deltas, the final response', async () => {
    const stream = client.responses.stream({
      model: 'mock-reasoner',
      input: 'Reply with exactly: streamed text',
      reasoning: { summary: 'auto' },
    });
    let deltas = '';
    let summary = '';
    const types = new Set<string>();
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe('streamed text');
    expect(final.output_text).toBe('streamed text');
    expect(final.status).toBe('completed');
    expect(summary.length).toBeGreaterThan(0);
    expect(types).toContain('response.completed');
    expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
  });

  it('stream: a function call with streamed arguments', async () => {
    const stream = client.responses.stream({
      model: 'mock-model',
      input: 'What is the weather in Paris?',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          strict: true,
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
      ],
      tool_choice: 'required',
    });
    let args = '';
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    const final = await stream.finalResponse();
    const call = final.output.find((i) => i.type === 'function_call');
    expect(call?.type === 'function_call' && call.arguments).toBe(args);
    expect(JSON.parse(args)).toHaveProperty('city');
  });

  it('stream: an error after the 200 (stream-error@N) fails the stream, never a success', async () => {
    const failing = new OpenAI({
      baseURL,
      apiKey: API_KEY,
      maxRetries: 0,
      defaultHeaders: { 'x-mock-error': 'stream-error@4' },
    });
    const stream = failing.responses.stream({ model: 'mock-model', input: 'hi' });
    await expect(
      (async () => {
        for await (const event of stream) void event;
        return stream.finalResponse();
      })(),
    ).rejects.toMatchObject({ message: expect.stringMatching(/Injected 500/) });
  });

  it('parse: text.format from a zod schema, parsed', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int() });
    const r = await client.responses.parse({
      model: 'mock-model',
      input: 'Describe a person.',
      text: { format: zodTextFormat(Person, 'person') },
    });
    expect(Person.safeParse(r.output_parsed).success).toBe(true);
  });
});

describe('AI SDK default provider (Responses)', () => {
  const openai = () => createOpenAI({ baseURL, apiKey: API_KEY });

  it('generateText', async () => {
    const before = provider.requests().length;
    const { text, usage } = await generateText({
      model: openai()('mock-model'),
      prompt: 'Reply with exactly: via ai sdk',
    });
    expect(text).toBe('via ai sdk');
    expect(usage.inputTokens).toBeGreaterThan(0);
    // It went through /v1/responses, not chat completions.
    expect(
      provider
        .requests()
        .slice(before)
        .map((e) => e.path),
    ).toEqual(['/v1/responses']);
  });

  it('streamText', async () => {
    const result = streamText({ model: openai()('mock-model'), prompt: 'Reply with exactly: streamed via ai sdk' });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe('streamed via ai sdk');
    expect(await result.finishReason).toBe('stop');
  });

  it('streamText: an error after the 200 ends with finishReason error', async () => {
    const failing = createOpenAI({ baseURL, apiKey: API_KEY, headers: { 'x-mock-error': 'stream-error@4' } });
    const result = streamText({ model: failing('mock-model'), prompt: 'hi', onError: () => {} });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(kinds).toContain('error');
    expect(await result.finishReason).toBe('error');
  });

  it('multi-step tools: calls, runs the tool, answers from its result', async () => {
    let ran = 0;
    const { text, steps } = await generateText({
      model: openai()('mock-model'),
      prompt: 'What is the weather in Paris? Use the get_weather tool.',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async () => {
            ran++;
            return { temperature: '21C' };
          },
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(ran).toBe(1);
    expect(steps.length).toBe(2);
    expect(text).toContain('21C');
  });

  it('multi-step tools on a reasoning model under store: false: the encrypted reasoning goes back and is accepted', async () => {
    const before = provider.requests().length;
    const { text } = await generateText({
      model: openai()('mock-reasoner'),
      prompt: 'What is the weather in Paris? Use the get_weather tool.',
      providerOptions: { openai: { store: false, include: ['reasoning.encrypted_content'] } },
      tools: {
        get_weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async () => ({ t: '21C' }) }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(text).toContain('21C');
    const second = provider.requests().slice(before)[1]!.body as {
      input: { type?: string; encrypted_content?: string }[];
    };
    expect(second.input.find((i) => i.type === 'reasoning')?.encrypted_content).toEqual(expect.any(String));
  });

  it('generateObject', async () => {
    const schema = z.object({ title: z.string(), tags: z.array(z.string()) });
    const { object } = await generateObject({ model: openai()('mock-model'), schema, prompt: 'A blog post.' });
    expect(schema.safeParse(object).success).toBe(true);
  });
});
