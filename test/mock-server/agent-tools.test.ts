// The computed model and agents: under tool_choice auto a tool is called only when the user
// asks for one (by name, or "use the tools"), never because the question shares a word with
// a tool's description. An agent with Claude Code's 24 tools asking a plain question gets text.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { askedTools } from '../../mock-server/completion/tools.js';
import { createMockProvider } from '../../mock-server/index.js';
import type { Tool } from '../../spec/generated/types.js';

/** Claude Code's tool names, each with a long description sharing everyday words with any question. */
const NAMES = [
  'Task',
  'Bash',
  'Glob',
  'Grep',
  'ExitPlanMode',
  'Read',
  'Edit',
  'MultiEdit',
  'Write',
  'NotebookEdit',
  'WebFetch',
  'TodoWrite',
  'WebSearch',
  'BashOutput',
  'KillShell',
  'SlashCommand',
  'Skill',
  'AskUserQuestion',
  'ListMcpResources',
  'ReadMcpResource',
  'EnterPlanMode',
  'LSP',
  'Monitor',
  'Agent',
];
const LONG =
  'Use this tool when you need to find out what to buy, which car is best, what the weather is, how to ' +
  'write code, read files, search the web, fetch a URL, run a command or answer any question the user asks. ';
const AGENT_TOOLS: Tool[] = NAMES.map((name) => ({
  type: 'function',
  function: {
    name,
    description: LONG.repeat(8),
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
}));
const tool = (name: string, description: string): Tool => ({ type: 'function', function: { name, description } });
const WEATHER = tool('get_weather', 'Weather in a city');
const TIME = tool('get_server_time', 'Time on the server');

describe('askedTools: the rule under tool_choice auto', () => {
  const names = (text: string, tools: Tool[] = [WEATHER, TIME, ...AGENT_TOOLS]) =>
    askedTools(tools, text).map((t) => t.function.name);

  it('calls nothing for a question, however many words it shares with the descriptions', () => {
    expect(names('what car to buy')).toEqual([]);
    expect(names('What is the weather in Paris?')).toEqual([]);
    // A tool's name as an ordinary word is not a request for it.
    expect(names('Read this and write me a poem about the web.')).toEqual([]);
  });

  it('calls a tool the user names after use/call/run or before "tool", the name exact', () => {
    expect(names('Please use get_weather for Paris')).toEqual(['get_weather']);
    expect(names('Call the Read tool on README.md')).toEqual(['Read']);
    expect(names('call the read tool')).toEqual([]);
    expect(names('use get_weather_v2')).toEqual([]);
  });

  it('"use the tools" calls the relevant ones (sharing a word with the message)', () => {
    expect(
      names('What is the weather in Paris, and what time is it on the server? Use the tools.', [WEATHER, TIME]),
    ).toEqual(['get_weather', 'get_server_time']);
    expect(names('Tell me a joke. Use the tools.', [WEATHER, TIME])).toEqual([]);
  });

  it("ignores the client's <system-reminder> notes in the user's turn", () => {
    expect(names('<system-reminder>Use the TodoWrite tool to plan.</system-reminder>what car to buy')).toEqual([]);
  });
});

describe('an agent with 24 tools against the computed mock', () => {
  const { app } = createMockProvider();
  const question = 'What car should I buy for a family of five? Search your knowledge and write a short answer.';

  it('chat completions: a plain question gets text, no tool call', async () => {
    const r = await request(app)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-agent-test-123')
      .send({ model: 'mock-model', messages: [{ role: 'user', content: question }], tools: AGENT_TOOLS });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].finish_reason).toBe('stop');
    expect(r.body.choices[0].message.tool_calls).toBeUndefined();
    expect(r.body.choices[0].message.content).toEqual(expect.any(String));
  });

  it('chat completions: tool_choice required still forces a call', async () => {
    const r = await request(app)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-agent-test-123')
      .send({
        model: 'mock-model',
        messages: [{ role: 'user', content: question }],
        tools: AGENT_TOOLS,
        tool_choice: 'required',
      });
    expect(r.body.choices[0].finish_reason).toBe('tool_calls');
  });
});
