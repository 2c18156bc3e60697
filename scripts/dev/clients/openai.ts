// The official `openai` Node SDK (v6): the operations an app built on it performs, each as
// the SDK's own docs show them, on Chat Completions and on the Responses API.
// test/mock-server/openai-sdk.test.ts and test/mock-server/responses/sdk.test.ts test the SDK
// in depth against the faithful mock; these are the compact versions the readiness matrix
// repeats against every dialect and break.
import OpenAI, { AuthenticationError, NotFoundError, RateLimitError } from 'openai';
import { zodResponseFormat, zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import {
  expect,
  MAX_TOKENS,
  PROMPTS,
  REQUEST_TIMEOUT_MS,
  show,
  WEATHER_TOOL,
  weatherResult,
  type ClientOperation,
} from '../../../suites/clients/types.js';

/** The mock's error-on-demand header (x-mock-error); a real relay ignores it. */
export const MOCK_FAULT_HEADER = 'x-mock-error';

const WEATHER_PARAMETERS: Record<string, unknown> = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name, e.g. Paris' } },
  required: ['city'],
  additionalProperties: false,
};

const Weather = z.object({ city: z.string(), temperature_c: z.number() });

function client(
  baseUrl: string,
  apiKey: string,
  headers: Record<string, string>,
  extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {},
): OpenAI {
  return new OpenAI({
    baseURL: baseUrl,
    apiKey,
    defaultHeaders: headers,
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    ...extra,
  });
}

const user = (content: string) => [{ role: 'user' as const, content }];

/** Runs `fn`, returns what it threw; an ExpectationError when it did not throw. */
async function thrown(what: string, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  expect(false, `${what}: no error was raised`);
}

function errorName(err: unknown): string {
  if (err instanceof Error)
    return `${err.constructor.name}${'status' in err && err.status !== undefined ? ` (${String(err.status)})` : ''}`;
  return typeof err;
}

export const OPENAI_OPERATIONS: ClientOperation[] = [
  {
    id: 'openai.create',
    client: 'openai',
    operation: 'chat.completions.create: the content is the answer, usage reported',
    async run(baseUrl, apiKey, model, headers) {
      const r = await client(baseUrl, apiKey, headers).chat.completions.create({
        model,
        messages: user(PROMPTS.exact),
        max_tokens: MAX_TOKENS,
      });
      const content = r.choices[0]?.message.content;
      expect(content === PROMPTS.exactAnswer, `content is ${show(content)}, expected ${show(PROMPTS.exactAnswer)}`);
      expect((r.usage?.prompt_tokens ?? 0) > 0 && (r.usage?.completion_tokens ?? 0) > 0, `usage is ${show(r.usage)}`);
    },
  },
  {
    id: 'openai.stream',
    client: 'openai',
    operation: 'create({stream: true}) read with for-await: the deltas join to the answer, usage in the last chunk',
    async run(baseUrl, apiKey, model, headers) {
      const stream = await client(baseUrl, apiKey, headers).chat.completions.create({
        model,
        messages: user(PROMPTS.exact),
        max_tokens: MAX_TOKENS,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text === PROMPTS.exactAnswer, `streamed text is ${show(text)}, expected ${show(PROMPTS.exactAnswer)}`);
      expect((usage?.prompt_tokens ?? 0) > 0, `no usage in the stream (${show(usage)})`);
    },
  },
  {
    id: 'openai.stream-tools',
    client: 'openai',
    operation: 'chat.completions.stream with a tool: finalChatCompletion() holds the tool call',
    async run(baseUrl, apiKey, model, headers) {
      const stream = client(baseUrl, apiKey, headers).chat.completions.stream({
        model,
        messages: user(PROMPTS.weather),
        tools: [{ type: 'function', function: { ...WEATHER_TOOL, parameters: WEATHER_PARAMETERS } }],
      });
      const final = await stream.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === 'function', `no tool call in the final completion (${show(final.choices[0]?.message)})`);
      expect(call.function.name === WEATHER_TOOL.name, `tool call names ${show(call.function.name)}`);
      const args = JSON.parse(call.function.arguments) as { city?: unknown };
      expect(typeof args.city === 'string', `tool arguments are ${show(call.function.arguments)}`);
    },
  },
  {
    id: 'openai.run-tools',
    client: 'openai',
    operation: 'chat.completions.runTools: the SDK calls the tool and the loop ends in text',
    async run(baseUrl, apiKey, model, headers) {
      const calls: string[] = [];
      const runner = client(baseUrl, apiKey, headers).chat.completions.runTools(
        {
          model,
          messages: user(PROMPTS.weather),
          max_tokens: 64,
          tools: [
            {
              type: 'function',
              function: {
                ...WEATHER_TOOL,
                parameters: WEATHER_PARAMETERS,
                parse: (input: string) => JSON.parse(input) as { city: string },
                function: (args: { city: string }) => {
                  calls.push(args.city);
                  return weatherResult(args.city);
                },
              },
            },
          ],
        },
        { maxChatCompletions: 4 },
      );
      const content = await runner.finalContent();
      expect(calls.length > 0, 'the tool was never called');
      expect(typeof content === 'string' && content.length > 0, `the loop ended with content ${show(content)}`);
    },
  },
  {
    id: 'openai.parse',
    client: 'openai',
    operation: 'chat.completions.parse with zodResponseFormat: message.parsed validates',
    async run(baseUrl, apiKey, model, headers) {
      const r = await client(baseUrl, apiKey, headers).chat.completions.parse({
        model,
        messages: user(PROMPTS.extract),
        response_format: zodResponseFormat(Weather, 'weather'),
      });
      const parsed = r.choices[0]?.message.parsed;
      expect(Weather.safeParse(parsed).success, `message.parsed is ${show(parsed)}`);
    },
  },
  {
    id: 'openai.errors',
    client: 'openai',
    operation:
      'errors map to the SDK classes: wrong key AuthenticationError, unknown model NotFoundError, 429 RateLimitError',
    async run(baseUrl, apiKey, model, headers) {
      const request = { messages: user(PROMPTS.exact), max_tokens: MAX_TOKENS };
      const auth = await thrown('wrong key', () =>
        client(baseUrl, `${apiKey}-wrong`, headers).chat.completions.create({ model, ...request }),
      );
      expect(auth instanceof AuthenticationError, `wrong key raised ${errorName(auth)}, not AuthenticationError`);
      const missing = await thrown('unknown model', () =>
        client(baseUrl, apiKey, headers).chat.completions.create({ model: 'relaycheck-no-such-model', ...request }),
      );
      expect(missing instanceof NotFoundError, `unknown model raised ${errorName(missing)}, not NotFoundError`);
      const limited = await thrown('429', () =>
        client(baseUrl, apiKey, { ...headers, [MOCK_FAULT_HEADER]: '429' }).chat.completions.create({
          model,
          ...request,
        }),
      );
      expect(limited instanceof RateLimitError, `a 429 raised ${errorName(limited)}, not RateLimitError`);
    },
  },
  {
    id: 'openai.retry-after',
    client: 'openai',
    operation: 'a 429 with Retry-After: 2 is retried once (maxRetries: 1), 2 s later',
    waits: true,
    async run(baseUrl, apiKey, model, headers) {
      // The wait is measured from the 429's arrival to the retry being sent, so a busy
      // machine cannot pass off the SDK's own backoff (at most 0.5 s here) as honouring it.
      const sent: number[] = [];
      const answered: number[] = [];
      const timed: typeof fetch = async (input, init) => {
        sent.push(performance.now());
        const response = await fetch(input, init);
        answered.push(performance.now());
        return response;
      };
      const c = client(
        baseUrl,
        apiKey,
        { ...headers, [MOCK_FAULT_HEADER]: '429; retry-after=2' },
        { maxRetries: 1, fetch: timed },
      );
      const err = await thrown('429', () =>
        c.chat.completions.create({ model, messages: user(PROMPTS.exact), max_tokens: MAX_TOKENS }),
      );
      expect(err instanceof RateLimitError, `the 429 raised ${errorName(err)}, not RateLimitError`);
      expect(
        sent.length === 2 && answered.length === 2,
        `${sent.length} attempt(s) and ${answered.length} answer(s), expected 2`,
      );
      expect(sent[1]! - answered[0]! >= 1500, 'retried before the 2 s that Retry-After asked for');
    },
  },
  {
    id: 'openai.responses-create',
    client: 'openai',
    surface: 'responses',
    operation: 'responses.create: output_text is the answer, usage reported',
    async run(baseUrl, apiKey, model, headers) {
      const r = await client(baseUrl, apiKey, headers).responses.create({
        model,
        input: PROMPTS.exact,
        max_output_tokens: MAX_TOKENS,
      });
      expect(
        r.output_text === PROMPTS.exactAnswer,
        `output_text is ${show(r.output_text)}, expected ${show(PROMPTS.exactAnswer)}`,
      );
      expect((r.usage?.input_tokens ?? 0) > 0 && (r.usage?.output_tokens ?? 0) > 0, `usage is ${show(r.usage)}`);
    },
  },
  {
    id: 'openai.responses-stream',
    client: 'openai',
    surface: 'responses',
    operation: 'responses.stream: the text deltas join to the answer, finalResponse() completed with usage',
    async run(baseUrl, apiKey, model, headers) {
      const stream = client(baseUrl, apiKey, headers).responses.stream({
        model,
        input: PROMPTS.exact,
        max_output_tokens: MAX_TOKENS,
      });
      let text = '';
      for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
      const final = await stream.finalResponse();
      expect(text === PROMPTS.exactAnswer, `streamed text is ${show(text)}, expected ${show(PROMPTS.exactAnswer)}`);
      expect(final.status === 'completed', `the final response's status is ${show(final.status)}`);
      expect((final.usage?.output_tokens ?? 0) > 0, `the final response's usage is ${show(final.usage)}`);
    },
  },
  {
    id: 'openai.responses-parse',
    client: 'openai',
    surface: 'responses',
    operation: 'responses.parse with zodTextFormat: output_parsed validates',
    async run(baseUrl, apiKey, model, headers) {
      const r = await client(baseUrl, apiKey, headers).responses.parse({
        model,
        input: PROMPTS.extract,
        text: { format: zodTextFormat(Weather, 'weather') },
      });
      expect(Weather.safeParse(r.output_parsed).success, `output_parsed is ${show(r.output_parsed)}`);
    },
  },
];
