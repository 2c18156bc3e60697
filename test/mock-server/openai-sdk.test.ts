// The official `openai` Node SDK (v6) as a real client against the running mock: what an app
// developer who points `baseURL` at the mock actually exercises. Everything here goes over a
// socket on 127.0.0.1 through the SDK's own fetch, SSE parser, stream helpers, tool runner,
// zod helpers, error mapping and retry logic.
import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  RateLimitError,
} from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMockProvider, FAULT_HEADER, type MockProvider } from '../../mock-server/index.js';

const API_KEY = 'sk-test';
const MODEL = 'mock-model';

let provider: MockProvider;
let client: OpenAI;

beforeAll(async () => {
  // apiKeys configured, so a wrong key is a real 401 rather than "any key goes".
  provider = createMockProvider({ apiKeys: [API_KEY] });
  const { baseUrl } = await provider.start({ port: 0, host: '127.0.0.1' });
  client = new OpenAI({ baseURL: baseUrl, apiKey: API_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await provider?.stop();
});

beforeEach(() => {
  provider.journal.clear();
});

const user = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }];

/** A JSON-schema tool (not zod): what a hand-written app passes. */
const WEATHER_PARAMETERS = {
  type: 'object' as const,
  properties: {
    city: { type: 'string' as const, description: 'City name, e.g. Paris' },
    unit: { type: 'string' as const, enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city'],
  additionalProperties: false,
};

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('chat.completions.create (non-stream)', () => {
  it('answers "Output exactly: hello world" with that text and consistent usage', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: user('Output exactly: hello world'),
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe(MODEL);
    expect(Number.isInteger(completion.created)).toBe(true);
    expect(completion.choices).toHaveLength(1);
    const choice = completion.choices[0]!;
    expect(choice.index).toBe(0);
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe('hello world');
    expect(choice.message.tool_calls).toBeUndefined();

    const usage = completion.usage!;
    expect(usage).toBeDefined();
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    // "hello world" cannot take more tokens than it has characters.
    expect(usage.completion_tokens).toBeLessThanOrEqual('hello world'.length);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.completion_tokens_details?.reasoning_tokens ?? 0).toBeLessThanOrEqual(usage.completion_tokens);

    // The SDK really went over the wire: the journal saw the request with our key masked.
    const entry = provider.journal.last()!;
    expect(entry.path).toBe('/v1/chat/completions');
    expect(entry.status).toBe(200);
    expect(entry.headers.authorization).toBe('[REDACTED]');
  });

  it('withResponse() exposes the raw HTTP response alongside the parsed body', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: user('Output exactly: ok') })
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(data.choices[0]!.message.content).toBe('ok');
  });
});

describe('chat.completions.create (stream, for-await)', () => {
  const prompts = ['Output exactly: hello world', 'Count from 1 to 12', 'Tell me about rivers.'];

  for (const prompt of prompts) {
    it(`streams the same content as the non-stream answer: ${prompt}`, async () => {
      const whole = await client.chat.completions.create({ model: MODEL, messages: user(prompt) });

      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: user(prompt),
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.length).toBeGreaterThan(2);
      for (const chunk of chunks) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.id).toBe(chunks[0]!.id);
        expect(chunk.model).toBe(MODEL);
      }

      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe(whole.choices[0]!.message.content);
      expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');

      const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f != null);
      expect(finishes).toEqual([whole.choices[0]!.finish_reason]);

      // include_usage: only the last chunk carries usage, and it has no choices.
      const last = chunks[chunks.length - 1]!;
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual(whole.usage);
      for (const chunk of chunks.slice(0, -1)) expect(chunk.usage ?? null).toBeNull();
    });
  }

  it('without include_usage no chunk carries usage', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: user('Count from 1 to 3'),
      stream: true,
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.usage == null)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('1, 2, 3');
  });
});

describe('chat.completions.stream helper with a tool call', () => {
  it('finalChatCompletion() carries the tool call, and the streamed deltas assemble to it', async () => {
    const GetWeather = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) });
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: user("What's the weather in Paris? Use the tools."),
      tools: [
        zodFunction({ name: 'get_weather', parameters: GetWeather, description: 'Get the current weather for a city' }),
      ],
    });

    const chunks: ChatCompletionChunk[] = [];
    const doneEvents: { name: string; index: number; arguments: string; parsed_arguments: unknown }[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    stream.on('tool_calls.function.arguments.done', (e) => doneEvents.push(e));
    const final = await stream.finalChatCompletion();

    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const calls = choice.message.tool_calls ?? [];
    expect(calls.length).toBeGreaterThanOrEqual(1);
    const call = calls[0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('unreachable');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    const args = GetWeather.parse(JSON.parse(call.function.arguments));
    expect(args.city).toBe('Paris');
    // zodFunction tools are auto-parsed by the SDK.
    expect(call.function.parsed_arguments).toEqual(args);

    // Assemble the raw deltas ourselves: id/type/name on the first delta of each index,
    // arguments concatenated in order.
    const assembled = new Map<number, { id?: string; type?: string; name: string; arguments: string }>();
    let deltaCount = 0;
    for (const chunk of chunks) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        deltaCount++;
        const slot = assembled.get(tc.index) ?? { name: '', arguments: '' };
        if (tc.id) {
          expect(slot.id).toBeUndefined();
          slot.id = tc.id;
        }
        if (tc.type) slot.type = tc.type;
        slot.name += tc.function?.name ?? '';
        slot.arguments += tc.function?.arguments ?? '';
        assembled.set(tc.index, slot);
      }
    }
    expect(deltaCount).toBeGreaterThan(calls.length); // arguments really arrive in pieces
    expect([...assembled.keys()]).toEqual(calls.map((_, i) => i));
    calls.forEach((c, i) => {
      if (c.type !== 'function') throw new Error('unreachable');
      expect(assembled.get(i)).toEqual({
        id: c.id,
        type: 'function',
        name: c.function.name,
        arguments: c.function.arguments,
      });
    });

    expect(doneEvents.map((e) => e.index)).toEqual(calls.map((_, i) => i));
    expect(doneEvents[0]!.name).toBe('get_weather');
    expect(doneEvents[0]!.parsed_arguments).toEqual(args);

    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f != null);
    expect(finishes).toEqual(['tool_calls']);
  });

  it('finalContent() of a plain text stream equals the non-stream answer', async () => {
    const whole = await client.chat.completions.create({ model: MODEL, messages: user('Count from 1 to 5') });
    const stream = client.chat.completions.stream({ model: MODEL, messages: user('Count from 1 to 5') });
    const deltas: string[] = [];
    stream.on('content', (d) => deltas.push(d));
    expect(await stream.finalContent()).toBe(whole.choices[0]!.message.content);
    expect(deltas.join('')).toBe('1, 2, 3, 4, 5');
  });
});

describe('chat.completions.runTools (the SDK runs the function)', () => {
  it('calls get_weather with the arguments the mock generated, sends the result back, ends in text', async () => {
    const received: unknown[] = [];
    const runner = client.chat.completions.runTools({
      model: MODEL,
      messages: user("What's the weather in Paris? Use the tools."),
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Get the current weather for a city',
            parameters: WEATHER_PARAMETERS,
            parse: (input: string) => JSON.parse(input) as { city: string; unit?: string },
            function: (args: { city: string; unit?: string }) => {
              received.push(args);
              return { city: args.city, temperature_c: 21, conditions: 'sunny' };
            },
          },
        },
      ],
    });

    const final = await runner.finalChatCompletion();
    const completions = runner.allChatCompletions();
    expect(completions).toHaveLength(2);

    // First turn: the model (mock) asked for the tool; the SDK ran it with exactly those arguments.
    const first = completions[0]!.choices[0]!;
    expect(first.finish_reason).toBe('tool_calls');
    const generated = (first.message.tool_calls ?? []).map((c) =>
      c.type === 'function' ? JSON.parse(c.function.arguments) : null,
    );
    expect(generated.length).toBeGreaterThanOrEqual(1);
    expect(received).toEqual(generated);
    expect(received[0]).toMatchObject({ city: 'Paris' });

    // Second request carried the tool result back.
    const requests = provider.journal.list().filter((e) => e.path === '/v1/chat/completions');
    expect(requests).toHaveLength(2);
    const sent = (requests[1]!.body as { messages: { role: string; content?: unknown; tool_call_id?: string }[] })
      .messages;
    const toolMessages = sent.filter((m) => m.role === 'tool');
    expect(toolMessages).toHaveLength(generated.length);
    expect(toolMessages[0]!.tool_call_id).toBe(first.message.tool_calls![0]!.id);
    expect(JSON.parse(String(toolMessages[0]!.content))).toEqual({
      city: 'Paris',
      temperature_c: 21,
      conditions: 'sunny',
    });

    // Last turn: text, no tool calls.
    const last = final.choices[0]!;
    expect(last.finish_reason).toBe('stop');
    expect(last.message.tool_calls ?? []).toEqual([]);
    expect(typeof last.message.content).toBe('string');
    expect(last.message.content).toContain('sunny');
    expect(await runner.finalContent()).toBe(last.message.content);
    expect(runner.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      ...generated.map(() => 'tool'),
      'assistant',
    ]);
  });

  it('works with a zodFunction tool: the callback gets zod-parsed arguments', async () => {
    const Lookup = z.object({ city: z.string().min(1), days: z.number().int().min(1).max(7) });
    const received: z.infer<typeof Lookup>[] = [];
    const runner = client.chat.completions.runTools({
      model: MODEL,
      messages: user('Give me the forecast for "Oslo". Use the tools.'),
      tools: [
        zodFunction({
          name: 'get_forecast',
          description: 'Weather forecast for a city',
          parameters: Lookup,
          function: (args) => {
            received.push(args);
            return `forecast for ${args.city}: rain for ${args.days} day(s)`;
          },
        }),
      ],
    });
    const content = await runner.finalContent();
    expect(received).toHaveLength(1);
    expect(Lookup.parse(received[0])).toEqual(received[0]);
    expect(received[0]!.city).toBe('Oslo');
    expect(content).toContain('forecast for Oslo');
  });
});

describe('chat.completions.parse with zodResponseFormat', () => {
  const Invoice = z.object({
    invoice_id: z.string(),
    status: z.enum(['draft', 'sent', 'paid', 'void']),
    customer: z.object({
      name: z.string(),
      address: z.object({ city: z.string(), country: z.enum(['NO', 'SE', 'DK']) }),
    }),
    lines: z
      .array(
        z.object({
          sku: z.string(),
          quantity: z.number().int().min(1).max(99),
          unit_price: z.number().min(0).max(10_000),
        }),
      )
      .min(1)
      .max(5),
    tags: z.array(z.string()),
    discount: z.number().min(0).max(0.5).nullable(),
  });

  it('message.parsed validates against the zod schema', async () => {
    const completion = await client.chat.completions.parse({
      model: MODEL,
      messages: user('Extract the invoice.'),
      response_format: zodResponseFormat(Invoice, 'invoice'),
    });

    // What went over the wire is a strict json_schema response_format.
    const sent = provider.journal.last()!.body as {
      response_format: { type: string; json_schema: { name: string; strict?: boolean } };
    };
    expect(sent.response_format.type).toBe('json_schema');
    expect(sent.response_format.json_schema.name).toBe('invoice');
    expect(sent.response_format.json_schema.strict).toBe(true);

    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(message.refusal).toBeNull();
    expect(message.parsed).not.toBeNull();
    const parsed = message.parsed!;
    expect(Invoice.safeParse(parsed).success).toBe(true);
    expect(JSON.parse(message.content!)).toEqual(parsed);

    // The bounds, checked explicitly too (not only through zod).
    expect(['draft', 'sent', 'paid', 'void']).toContain(parsed.status);
    expect(['NO', 'SE', 'DK']).toContain(parsed.customer.address.country);
    expect(parsed.lines.length).toBeGreaterThanOrEqual(1);
    expect(parsed.lines.length).toBeLessThanOrEqual(5);
    for (const line of parsed.lines) {
      expect(Number.isInteger(line.quantity)).toBe(true);
      expect(line.quantity).toBeGreaterThanOrEqual(1);
      expect(line.quantity).toBeLessThanOrEqual(99);
      expect(line.unit_price).toBeGreaterThanOrEqual(0);
      expect(line.unit_price).toBeLessThanOrEqual(10_000);
    }
    if (parsed.discount !== null) expect(parsed.discount).toBeLessThanOrEqual(0.5);
  });

  it('the stream helper parses the same schema on finalChatCompletion()', async () => {
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: user('Extract the invoice.'),
      response_format: zodResponseFormat(Invoice, 'invoice'),
    });
    const final = await stream.finalChatCompletion();
    const parsed = final.choices[0]!.message.parsed;
    expect(Invoice.safeParse(parsed).success).toBe(true);
  });
});

describe('errors mapped to the SDK error classes', () => {
  it('wrong API key → AuthenticationError (401)', async () => {
    const wrong = new OpenAI({ baseURL: provider.baseUrl, apiKey: 'sk-wrong-key-9999', maxRetries: 0 });
    const err = await thrown(() => wrong.chat.completions.create({ model: MODEL, messages: user('hi') }));
    expect(err).toBeInstanceOf(AuthenticationError);
    const e = err as AuthenticationError;
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_api_key');
    expect(e.type).toBe('authentication_error');
    expect(e.message).toContain('9999');
    expect(e.message).not.toContain('sk-wrong');
  });

  it('unknown model → NotFoundError with code model_not_found', async () => {
    const err = await thrown(() => client.chat.completions.create({ model: 'no-such-model', messages: user('hi') }));
    expect(err).toBeInstanceOf(NotFoundError);
    const e = err as NotFoundError;
    expect(e.status).toBe(404);
    expect(e.code).toBe('model_not_found');
    expect(e.param).toBe('model');
  });

  it('models.retrieve of an unknown model → NotFoundError too', async () => {
    const err = await thrown(() => client.models.retrieve('no-such-model'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('model_not_found');
  });

  it('x-mock-error: 429 via defaultHeaders → RateLimitError with Retry-After', async () => {
    const limited = new OpenAI({
      baseURL: provider.baseUrl,
      apiKey: API_KEY,
      maxRetries: 0,
      defaultHeaders: { [FAULT_HEADER]: '429' },
    });
    const err = await thrown(() => limited.chat.completions.create({ model: MODEL, messages: user('hi') }));
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('rate_limit_error');
    expect(e.headers.get('retry-after')).toBe('1');
    expect(provider.journal.list()).toHaveLength(1);
  });

  it('maxRetries: 1 retries a 429 once, honouring Retry-After', async () => {
    const retrying = new OpenAI({ baseURL: provider.baseUrl, apiKey: API_KEY, maxRetries: 1 });
    const started = performance.now();
    const err = await thrown(() =>
      retrying.chat.completions.create(
        { model: MODEL, messages: user('hi') },
        { headers: { [FAULT_HEADER]: '429; retry-after=1' } },
      ),
    );
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(RateLimitError);
    const seen = provider.journal.list();
    expect(seen).toHaveLength(2);
    expect(seen.every((e) => e.status === 429)).toBe(true);
    // The SDK marks the retry.
    expect(seen.map((e) => e.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
    expect(elapsed).toBeGreaterThanOrEqual(900);
  });

  it('reserved model id mock-error-500 → InternalServerError', async () => {
    const err = await thrown(() => client.chat.completions.create({ model: 'mock-error-500', messages: user('hi') }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(500);
  });

  it('a validation error → BadRequestError naming the param', async () => {
    const err = await thrown(() =>
      client.chat.completions.create({ model: MODEL, messages: user('hi'), temperature: 5 }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    const e = err as BadRequestError;
    expect(e.status).toBe(400);
    expect(e.type).toBe('invalid_request_error');
    expect(e.param).toBe('temperature');
  });

  it('an empty messages array → BadRequestError with param messages', async () => {
    const err = await thrown(() => client.chat.completions.create({ model: MODEL, messages: [] }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe('messages');
  });
});

describe('faults mid-stream', () => {
  it('stream-error@N: iterating throws a plain APIError (status undefined) after N chunks', async () => {
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: user('Count from 1 to 20'), stream: true },
      { headers: { [FAULT_HEADER]: 'stream-error@3' } },
    );
    const chunks: ChatCompletionChunk[] = [];
    const err = await thrown(async () => {
      for await (const chunk of stream) chunks.push(chunk);
    });
    expect(chunks).toHaveLength(3);
    // The SDK turns an in-band `data: {"error": {...}}` event into the base APIError: the HTTP
    // status was 200, so there is no status and no subclass (not InternalServerError).
    expect(err).toBeInstanceOf(APIError);
    expect(err).not.toBeInstanceOf(InternalServerError);
    const e = err as APIError;
    expect(e.status).toBeUndefined();
    expect(e.type).toBe('server_error');
    expect(e.message).toMatch(/Injected 500/);
  });

  it('stream-error@N through the stream helper rejects finalChatCompletion() the same way', async () => {
    const stream = client.chat.completions.stream(
      { model: MODEL, messages: user('Count from 1 to 20') },
      { headers: { [FAULT_HEADER]: 'stream-error@2' } },
    );
    const err = await thrown(() => stream.finalChatCompletion());
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBeUndefined();
  });

  it('stream-cut@N: the connection dropping mid-stream surfaces as an error, not a silent end', async () => {
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: user('Count from 1 to 20'), stream: true },
      { headers: { [FAULT_HEADER]: 'stream-cut@3' } },
    );
    const chunks: ChatCompletionChunk[] = [];
    const err = await thrown(async () => {
      for await (const chunk of stream) chunks.push(chunk);
    });
    // The N chunks written before the cut reach the client intact.
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    // The SDK does not wrap a body that fails mid-way: what surfaces is fetch's own error
    // (undici: `TypeError: terminated`, cause UND_ERR_SOCKET), not an OpenAIError subclass.
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(OpenAIError);
  });
});
