// LangChain JS (`@langchain/openai` ChatOpenAI on Chat Completions, `configuration:
// { baseURL }`): invoke, stream, and tools bound with bindTools, called directly and streamed.
import { concat } from '@langchain/core/utils/stream';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import {
  expect,
  MAX_TOKENS,
  PROMPTS,
  REQUEST_TIMEOUT_MS,
  show,
  WEATHER_TOOL,
  type ClientOperation,
} from '../../../suites/clients/types.js';

function chat(
  baseUrl: string,
  apiKey: string,
  model: string,
  headers: Record<string, string>,
  maxTokens?: number,
): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey,
    configuration: { baseURL: baseUrl, defaultHeaders: headers },
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    useResponsesApi: false,
    ...(maxTokens ? { maxTokens } : {}),
  });
}

const WEATHER_TOOL_DEF = {
  type: 'function' as const,
  function: {
    ...WEATHER_TOOL,
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name, e.g. Paris' } },
      required: ['city'],
    },
  },
};

function checkToolCall(message: { tool_calls?: { name: string; args: Record<string, unknown> }[] }): void {
  const call = message.tool_calls?.[0];
  expect(call, `no tool call (tool_calls ${show(message.tool_calls)})`);
  expect(call.name === WEATHER_TOOL.name, `tool call names ${show(call.name)}`);
  expect(typeof call.args.city === 'string', `tool call args are ${show(call.args)}`);
}

export const LANGCHAIN_OPERATIONS: ClientOperation[] = [
  {
    id: 'langchain.invoke',
    client: 'langchain',
    operation: 'ChatOpenAI.invoke: the content is the answer, usage_metadata reported',
    async run(baseUrl, apiKey, model, headers) {
      const m = await chat(baseUrl, apiKey, model, headers, MAX_TOKENS).invoke(PROMPTS.exact);
      expect(m.content === PROMPTS.exactAnswer, `content is ${show(m.content)}, expected ${show(PROMPTS.exactAnswer)}`);
      expect((m.usage_metadata?.input_tokens ?? 0) > 0, `usage_metadata is ${show(m.usage_metadata)}`);
    },
  },
  {
    id: 'langchain.stream',
    client: 'langchain',
    operation: 'ChatOpenAI.stream: the chunks join to the answer, usage_metadata reported',
    async run(baseUrl, apiKey, model, headers) {
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await chat(baseUrl, apiKey, model, headers, MAX_TOKENS).stream(PROMPTS.exact)) {
        whole = whole ? concat(whole, chunk) : chunk;
      }
      const content = whole?.content;
      expect(
        content === PROMPTS.exactAnswer,
        `streamed content is ${show(content)}, expected ${show(PROMPTS.exactAnswer)}`,
      );
      expect((whole?.usage_metadata?.input_tokens ?? 0) > 0, `usage_metadata is ${show(whole?.usage_metadata)}`);
    },
  },
  {
    id: 'langchain.bind-tools',
    client: 'langchain',
    operation: 'bindTools then invoke: the message carries the tool call with parsed args',
    async run(baseUrl, apiKey, model, headers) {
      const m = await chat(baseUrl, apiKey, model, headers).bindTools([WEATHER_TOOL_DEF]).invoke(PROMPTS.weather);
      checkToolCall(m);
    },
  },
  {
    id: 'langchain.stream-tools',
    client: 'langchain',
    operation: 'bindTools then stream: the joined chunks carry the tool call with parsed args',
    async run(baseUrl, apiKey, model, headers) {
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await chat(baseUrl, apiKey, model, headers)
        .bindTools([WEATHER_TOOL_DEF])
        .stream(PROMPTS.weather)) {
        whole = whole ? concat(whole, chunk) : chunk;
      }
      expect(whole, 'the stream was empty');
      checkToolCall(whole);
    },
  },
];
