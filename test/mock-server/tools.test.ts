// Tool calling: when the mock calls, which tools, arguments valid against the parameters
// schema (checked with an independent ajv), and the streamed form of the calls.
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../mock-server/core/tokens.js';
import type { ChatCompletionResponse, Tool } from '../../spec/generated/types.js';
import { assemble, body, chat, expectError, expectValidAgainst, mock, post, stream } from './helpers.js';

const weatherParams = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city'],
  additionalProperties: false,
};
const weather: Tool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get the weather forecast for a city', parameters: weatherParams },
};
const stocks: Tool = {
  type: 'function',
  function: {
    name: 'stock_price',
    description: 'Look up the share price of a company ticker',
    parameters: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'] },
  },
};

// Nested objects, arrays, enums, required, numeric bounds, additionalProperties: false.
const bookingParams = {
  type: 'object',
  additionalProperties: false,
  required: ['guest', 'nights', 'rooms', 'tier'],
  properties: {
    guest: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'age', 'contact'],
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 40 },
        age: { type: 'integer', minimum: 18, maximum: 120 },
        contact: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: {
            email: { type: 'string', format: 'email' },
            phone: { type: 'string', pattern: '^\\+[0-9]{6,12}$' },
          },
        },
      },
    },
    nights: { type: 'integer', minimum: 1, maximum: 14 },
    budget: { type: 'number', exclusiveMinimum: 0, maximum: 999.5 },
    tier: { type: 'string', enum: ['basic', 'plus', 'suite'] },
    rooms: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['beds', 'view'],
        properties: {
          beds: { type: 'integer', minimum: 1, maximum: 4 },
          view: { enum: ['sea', 'city', 'garden', null] },
          notes: { type: 'array', items: { type: 'string' }, maxItems: 2 },
        },
      },
    },
    tags: { type: 'array', items: { type: 'string', enum: ['late-checkout', 'pets', 'quiet'] }, uniqueItems: true },
  },
};
const booking: Tool = {
  type: 'function',
  function: { name: 'book_hotel', description: 'Book a hotel stay', parameters: bookingParams },
};

const callsOf = (r: ChatCompletionResponse) => r.choices[0]!.message.tool_calls ?? [];

describe('tool_choice auto', () => {
  const { app } = mock();

  it('calls a tool whose name/description shares a word with the user message: content null, finish tool_calls', async () => {
    const { body: r } = await chat(
      app,
      body("What's the weather in Paris? Use the tools.", { tools: [weather, stocks] }),
    );
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.refusal).toBeNull();
    const calls = callsOf(r);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.id).toMatch(/^call_[A-Za-z0-9]+$/);
    expect(calls[0]!.type).toBe('function');
    expect(calls[0]!.function.name).toBe('get_weather');
    const args = JSON.parse(calls[0]!.function.arguments) as Record<string, unknown>;
    expectValidAgainst(weatherParams, args);
    expect(args.city).toBe('Paris'); // the value the user named
  });

  it('usage counts the tool definitions in the prompt and the arguments in the completion', async () => {
    const withTools = (await chat(app, body("What's the weather in Paris? Use the tools.", { tools: [weather] }))).body;
    const without = (await chat(app, body("What's the weather in Paris? Use the tools."))).body;
    expect(withTools.usage!.prompt_tokens).toBeGreaterThan(without.usage!.prompt_tokens);
    const args = callsOf(withTools).reduce((n, c) => n + countTokens(c.function.arguments), 0);
    expect(withTools.usage!.completion_tokens).toBe(args);
    expect(withTools.usage!.total_tokens).toBe(withTools.usage!.prompt_tokens + args);
  });

  it('answers in text when no tool is relevant', async () => {
    const { body: r } = await chat(app, body('Output exactly: hello', { tools: [weather, stocks] }));
    expect(r.choices[0]!.message.content).toBe('hello');
    expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  it('after a tool result, answers in text', async () => {
    const first = (await chat(app, body("What's the weather in Paris? Use the tools.", { tools: [weather] }))).body;
    const call = callsOf(first)[0]!;
    const { body: r } = await chat(app, {
      model: 'mock-model',
      tools: [weather],
      messages: [
        { role: 'user', content: "What's the weather in Paris? Use the tools." },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"clear"}' },
      ],
    });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    expect(r.choices[0]!.message.content).toEqual(expect.any(String));
    expect(r.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('parallel calls, one per named value; parallel_tool_calls: false makes one', async () => {
    const ask = 'What is the weather in Paris and in Tokyo? Use the tools.';
    const parallel = callsOf((await chat(app, body(ask, { tools: [weather] }))).body);
    expect(parallel.map((c) => (JSON.parse(c.function.arguments) as { city: string }).city)).toEqual([
      'Paris',
      'Tokyo',
    ]);
    expect(new Set(parallel.map((c) => c.id)).size).toBe(2);
    for (const c of parallel) expectValidAgainst(weatherParams, JSON.parse(c.function.arguments));

    const single = callsOf((await chat(app, body(ask, { tools: [weather], parallel_tool_calls: false }))).body);
    expect(single).toHaveLength(1);
  });

  it('several relevant tools are all called (parallel), each only once with parallel_tool_calls false', async () => {
    const ask = 'Weather for the city of Oslo and the share price of ACME. Use the tools.';
    const r = (await chat(app, body(ask, { tools: [weather, stocks] }))).body;
    expect(new Set(callsOf(r).map((c) => c.function.name))).toEqual(new Set(['get_weather', 'stock_price']));
    const one = (await chat(app, body(ask, { tools: [weather, stocks], parallel_tool_calls: false }))).body;
    expect(callsOf(one)).toHaveLength(1);
  });
});

describe('tool_choice none / required / named', () => {
  const { app } = mock();

  it('none: text even when a tool is relevant', async () => {
    const { body: r } = await chat(
      app,
      body("What's the weather in Paris? Use the tools.", { tools: [weather], tool_choice: 'none' }),
    );
    expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    expect(r.choices[0]!.message.content).toEqual(expect.any(String));
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  it('required: a call even when nothing is relevant', async () => {
    const { body: r } = await chat(
      app,
      body('Output exactly: hello', { tools: [weather, stocks], tool_choice: 'required' }),
    );
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.content).toBeNull();
    expect(callsOf(r).length).toBeGreaterThanOrEqual(1);
    for (const c of callsOf(r)) {
      const tool = [weather, stocks].find((t) => t.function.name === c.function.name)!;
      expectValidAgainst(tool.function.parameters!, JSON.parse(c.function.arguments));
    }
  });

  it('named: that tool only, even when another is the relevant one', async () => {
    const { body: r } = await chat(
      app,
      body("What's the weather in Paris? Use the tools.", {
        tools: [weather, stocks],
        tool_choice: { type: 'function', function: { name: 'stock_price' } },
      }),
    );
    const calls = callsOf(r);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const c of calls) expect(c.function.name).toBe('stock_price');
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('a tool without parameters gets "{}"', async () => {
    const ping: Tool = { type: 'function', function: { name: 'ping_server', description: 'Ping the server' } };
    const { body: r } = await chat(app, body('Ping the server please, use the tools', { tools: [ping] }));
    expect(callsOf(r)[0]!.function.arguments).toBe('{}');
  });

  it('bad combinations are 400s naming the field', async () => {
    expectError(await post(app, body('hi', { tool_choice: 'auto' })), 400, {
      type: 'invalid_request_error',
      param: 'tool_choice',
    });
    expectError(
      await post(app, body('hi', { tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } })),
      400,
      { param: 'tool_choice' },
    );
    expectError(await post(app, body('hi', { parallel_tool_calls: true })), 400, { param: 'parallel_tool_calls' });
    expectError(await post(app, body('hi', { tools: [{ type: 'function', function: { name: 'bad name!' } }] })), 400, {
      param: 'tools[0].function.name',
    });
    const orphan = {
      model: 'mock-model',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_x', content: 'result' },
      ],
    };
    expectError(await post(app, orphan), 400, { param: 'messages[1].tool_call_id' });
  });
});

describe('arguments validate against the parameters schema', () => {
  const { app } = mock();

  it('nested objects, arrays, enums, required, numeric bounds, additionalProperties false — across seeds', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const { body: r } = await chat(
        app,
        body('Book a hotel for me', { tools: [booking], tool_choice: 'required', seed }),
      );
      const calls = callsOf(r);
      expect(calls).toHaveLength(1);
      const args: unknown = JSON.parse(calls[0]!.function.arguments);
      expectValidAgainst(bookingParams, args);
      seen.add(calls[0]!.function.arguments);
    }
    expect(seen.size).toBeGreaterThan(1); // not one canned answer
  });

  it('strict tool with every property required (OpenAI strict mode)', async () => {
    const params = {
      type: 'object',
      additionalProperties: false,
      required: ['query', 'limit', 'filters'],
      properties: {
        query: { type: 'string' },
        limit: { type: ['integer', 'null'], minimum: 1, maximum: 50 },
        filters: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['field', 'op'],
            properties: { field: { type: 'string' }, op: { type: 'string', enum: ['eq', 'lt', 'gt'] } },
          },
        },
      },
    };
    const tool: Tool = {
      type: 'function',
      function: { name: 'search_docs', description: 'Search the documents', parameters: params, strict: true },
    };
    for (let seed = 0; seed < 5; seed++) {
      const { body: r } = await chat(
        app,
        body('Search the documents for "river bridges". Use the tools.', { tools: [tool], seed }),
      );
      const args = JSON.parse(callsOf(r)[0]!.function.arguments) as { query: string };
      expectValidAgainst(params, args);
      expect(args.query).toBe('river bridges');
    }
  });
});

describe('streamed tool calls', () => {
  const { app } = mock();

  it('first delta of each call has index, id, type, name; arguments come in several pieces that parse; same calls as non-streamed', async () => {
    const payload = body('What is the weather in Paris and in Tokyo? Use the tools.', { tools: [weather] });
    const plain = (await chat(app, payload)).body;
    const s = await stream(app, { ...payload, stream: true });
    const { choices } = assemble(s.chunks);
    expect(choices).toHaveLength(1);
    const c = choices[0]!;
    expect(c.finishReason).toBe('tool_calls');
    expect(c.finishChunks).toBe(1);
    expect(c.toolCalls).toHaveLength(2);
    c.toolCalls.forEach((call, i) => {
      const expected = callsOf(plain)[i]!;
      expect(call.id).toMatch(/^call_[A-Za-z0-9]+$/);
      expect(call.name).toBe(expected.function.name);
      expect(call.argumentPieces).toBeGreaterThanOrEqual(2);
      expect(call.arguments).toBe(expected.function.arguments);
      expectValidAgainst(weatherParams, JSON.parse(call.arguments));
    });
    expect(new Set(c.toolCalls.map((t) => t.id)).size).toBe(2);
  });

  it('a tool-call stream carries no text: the assembled content stays null, as in the JSON answer', async () => {
    const s = await stream(
      app,
      body("What's the weather in Paris? Use the tools.", { tools: [weather], stream: true }),
    );
    const { choices } = assemble(s.chunks);
    expect(choices[0]!.toolCalls).toHaveLength(1);
    expect(choices[0]!.content).toBeNull();
  });

  it('nested schema arguments survive being streamed in pieces', async () => {
    const s = await stream(
      app,
      body('Book a hotel for me', {
        tools: [booking],
        tool_choice: { type: 'function', function: { name: 'book_hotel' } },
        stream: true,
      }),
    );
    const call = assemble(s.chunks).choices[0]!.toolCalls[0]!;
    expect(call.argumentPieces).toBeGreaterThanOrEqual(2);
    expectValidAgainst(bookingParams, JSON.parse(call.arguments));
  });
});
