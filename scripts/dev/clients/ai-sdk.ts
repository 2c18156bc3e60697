// The Vercel AI SDK (`ai` v6): generateText, streamText, multi-step tool loops (stopWhen:
// stepCountIs) and generateObject with a zod schema, through two providers, each set up as
// its docs show: `@ai-sdk/openai-compatible` for an OpenAI-compatible endpoint (Chat
// Completions; usage in streams on, structured outputs on), and the default OpenAI provider
// `@ai-sdk/openai`, whose `createOpenAI()(model)` speaks the Responses API (POST /responses).
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  generateObject,
  generateText,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
  type LanguageModelUsage,
} from 'ai';
import { z } from 'zod';
import {
  expect,
  MAX_TOKENS,
  PROMPTS,
  REQUEST_TIMEOUT_MS,
  show,
  WEATHER_TOOL,
  weatherResult,
  type ClientId,
  type ClientOperation,
  type ClientSurface,
} from '../../../suites/clients/types.js';

type ModelFactory = (baseUrl: string, apiKey: string, id: string, headers: Record<string, string>) => LanguageModel;

const compatibleModel: ModelFactory = (baseUrl, apiKey, id, headers) =>
  createOpenAICompatible({
    name: 'relay',
    baseURL: baseUrl,
    apiKey,
    headers,
    includeUsage: true,
    supportsStructuredOutputs: true,
  }).chatModel(id);

/** The default provider, as `createOpenAI()(model)`: the Responses API. */
const defaultModel: ModelFactory = (baseUrl, apiKey, id, headers) =>
  createOpenAI({ baseURL: baseUrl, apiKey, headers })(id);

/** Settings every call shares: no retries, bounded in time. */
function settings() {
  return { maxRetries: 0, abortSignal: AbortSignal.timeout(2 * REQUEST_TIMEOUT_MS) };
}

function checkUsage(usage: LanguageModelUsage): void {
  expect((usage.inputTokens ?? 0) > 0 && (usage.outputTokens ?? 0) > 0, `usage is ${show(usage)}`);
}

function weatherTools(calls: string[]) {
  return {
    [WEATHER_TOOL.name]: tool({
      description: WEATHER_TOOL.description,
      inputSchema: z.object({ city: z.string().describe('City name, e.g. Paris') }),
      execute: async ({ city }) => {
        calls.push(city);
        return weatherResult(city);
      },
    }),
  };
}

/**
 * streamText reports errors through onError (and logs them when none is given), not by
 * rejecting: keep the first one and throw it once the stream is read.
 */
function errorTrap(): { onError: (e: { error: unknown }) => void; rethrow: () => void } {
  let first: { error: unknown } | undefined;
  return {
    onError: (e) => {
      first ??= e;
    },
    rethrow: () => {
      if (first) throw first.error;
    },
  };
}

/** The same five operations through one provider. */
function aiSdkOperations(client: ClientId, model: ModelFactory, surface: ClientSurface): ClientOperation[] {
  return [
    {
      id: `${client}.generate-text`,
      client,
      surface,
      operation: 'generateText: the text is the answer, usage reported',
      async run(baseUrl, apiKey, id, headers) {
        const r = await generateText({
          model: model(baseUrl, apiKey, id, headers),
          prompt: PROMPTS.exact,
          maxOutputTokens: MAX_TOKENS,
          ...settings(),
        });
        expect(r.text === PROMPTS.exactAnswer, `text is ${show(r.text)}, expected ${show(PROMPTS.exactAnswer)}`);
        checkUsage(r.usage);
      },
    },
    {
      id: `${client}.stream-text`,
      client,
      surface,
      operation: 'streamText: the streamed text is the answer, usage reported',
      async run(baseUrl, apiKey, id, headers) {
        const trap = errorTrap();
        const r = streamText({
          model: model(baseUrl, apiKey, id, headers),
          prompt: PROMPTS.exact,
          maxOutputTokens: MAX_TOKENS,
          onError: trap.onError,
          ...settings(),
        });
        let text = '';
        for await (const delta of r.textStream) text += delta;
        trap.rethrow();
        expect(text === PROMPTS.exactAnswer, `streamed text is ${show(text)}, expected ${show(PROMPTS.exactAnswer)}`);
        checkUsage(await r.usage);
      },
    },
    {
      id: `${client}.tool-loop`,
      client,
      surface,
      operation: 'generateText with a tool and stopWhen: stepCountIs(3): the tool runs and the loop ends in text',
      async run(baseUrl, apiKey, id, headers) {
        const calls: string[] = [];
        const r = await generateText({
          model: model(baseUrl, apiKey, id, headers),
          prompt: PROMPTS.weather,
          tools: weatherTools(calls),
          stopWhen: stepCountIs(3),
          ...settings(),
        });
        expect(
          calls.length > 0,
          `the tool was never called (finish reason ${show(r.finishReason)}, text ${show(r.text)})`,
        );
        expect(
          r.text.length > 0,
          `the loop ended without text after ${r.steps.length} step(s) (finish reason ${show(r.finishReason)})`,
        );
      },
    },
    {
      id: `${client}.stream-tool-loop`,
      client,
      surface,
      operation: 'streamText with a tool and stopWhen: stepCountIs(3): the tool runs and the loop ends in text',
      async run(baseUrl, apiKey, id, headers) {
        const calls: string[] = [];
        const trap = errorTrap();
        const r = streamText({
          model: model(baseUrl, apiKey, id, headers),
          prompt: PROMPTS.weather,
          tools: weatherTools(calls),
          stopWhen: stepCountIs(3),
          onError: trap.onError,
          ...settings(),
        });
        let text = '';
        for await (const delta of r.textStream) text += delta;
        trap.rethrow();
        expect(
          calls.length > 0,
          `the tool was never called (finish reason ${show(await r.finishReason)}, text ${show(text)})`,
        );
        expect(text.length > 0, `the loop ended without text (finish reason ${show(await r.finishReason)})`);
      },
    },
    {
      id: `${client}.generate-object`,
      client,
      surface,
      operation: 'generateObject with a zod schema: the object validates',
      async run(baseUrl, apiKey, id, headers) {
        const schema = z.object({ city: z.string(), temperature_c: z.number() });
        const r = await generateObject({
          model: model(baseUrl, apiKey, id, headers),
          schema,
          prompt: PROMPTS.extract,
          ...settings(),
        });
        expect(schema.safeParse(r.object).success, `object is ${show(r.object)}`);
      },
    },
  ];
}

export const AI_SDK_OPERATIONS: ClientOperation[] = aiSdkOperations('ai-sdk', compatibleModel, 'chat');

/** The AI SDK's default OpenAI provider: what `createOpenAI()(model)` apps use, over /responses. */
export const AI_SDK_DEFAULT_OPERATIONS: ClientOperation[] = aiSdkOperations(
  'ai-sdk-default',
  defaultModel,
  'responses',
);
