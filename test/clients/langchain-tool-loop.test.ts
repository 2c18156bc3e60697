// LangChain's standard tool loop against the mock (issue #23, newcomer 1): bindTools, the
// model's tool call, `tool.invoke(toolCall)` (whose ToolMessage carries `name`, sent as
// `name` on the role "tool" message), then the model again with the result. OpenAI accepts
// that history; the mock refused it with "boolean schema is false" before.
import { HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMockProvider, type MockProvider } from '../../mock-server/index.js';

const KEY = 'sk-test-langchain-loop-0001';
let provider: MockProvider;
let baseURL: string;

beforeAll(async () => {
  provider = createMockProvider({ apiKeys: [KEY] });
  baseURL = (await provider.start()).baseUrl;
});
afterAll(() => provider.stop());

const getWeather = tool(async ({ city }: { city: string }) => `It is 18°C and sunny in ${city}.`, {
  name: 'get_weather',
  description: 'Get the current weather for a city',
  schema: z.object({ city: z.string().describe('City name, e.g. Paris') }),
});

describe('LangChain bindTools loop with tool.invoke(toolCall)', () => {
  it('the second turn, carrying the ToolMessage, is answered', async () => {
    const model = new ChatOpenAI({
      model: 'mock-model',
      apiKey: KEY,
      configuration: { baseURL },
      maxRetries: 0,
      useResponsesApi: false,
    }).bindTools([getWeather]);
    const history: BaseMessage[] = [new HumanMessage('What is the weather in Paris? Use the tools.')];
    const first = await model.invoke(history);
    expect(first.tool_calls?.length, 'the mock calls the tool').toBeGreaterThan(0);
    history.push(first);
    for (const call of first.tool_calls ?? []) history.push(await getWeather.invoke(call));

    const second = await model.invoke(history);
    expect(typeof second.content).toBe('string');
    expect((second.content as string).length).toBeGreaterThan(0);
    expect(second.tool_calls ?? []).toEqual([]);

    // What made the old mock refuse: `name` on the role "tool" message.
    const body = provider.lastRequest()?.body as { messages: Record<string, unknown>[] };
    expect(body.messages.find((m) => m['role'] === 'tool')).toMatchObject({ name: 'get_weather' });
  });
});
