// The JSON Schemas of spec/schemas: they compile under strict ajv, every property says which
// seed document defines it, the generated types are up to date, and the documented ranges,
// enums and shapes hold (each invalid case must fail exactly where the mock will point).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, renderTypes } from '../../scripts/dev/gen-types.js';
import { schemaNames, validatorFor } from '../../spec/validators.js';
import { OPENAI_ONLY, SEED_FILES, errorsOf, pathsOf, schemaFiles, validatorOf } from './helpers.js';

const OURS = ['chat-request', 'chat-response', 'chat-chunk', 'common', 'model', 'models-list', 'error'];
const inSchemasDir = () => schemaFiles().filter((f) => f.path.startsWith('schemas/'));

describe('schema files', () => {
  it('include the chat, models and error schemas', () => {
    expect(schemaNames()).toEqual(expect.arrayContaining(OURS));
  });

  it.each(schemaNames())('%s compiles in strict ajv', (name) => {
    expect(() => validatorFor(name)).not.toThrow();
  });

  it('every top-level $def compiles in strict ajv (ajv only compiles a $def when asked)', () => {
    for (const file of schemaFiles()) {
      for (const def of Object.keys((file.schema.$defs ?? {}) as object)) {
        expect(() => validatorOf(file.name, def), `${file.path} $defs/${def}`).not.toThrow();
      }
    }
  });

  it('spec/schemas files follow the house style ($schema, $id from the file name, PascalCase title)', () => {
    for (const file of inSchemasDir()) {
      expect(file.schema.$schema, file.path).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(file.id, file.path).toBe(`https://relaycheck.local/spec/${file.path}`);
      expect(file.title, file.path).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    }
  });

  it('$defs names are unique across spec/ (the generator merges them into one root)', () => {
    const seen = new Map<string, string>();
    for (const file of schemaFiles()) {
      for (const name of [file.title, ...Object.keys((file.schema.$defs ?? {}) as object)]) {
        expect(seen.get(name), `${name} in ${file.path}`).toBeUndefined();
        seen.set(name, file.path);
      }
    }
  });

  it('every property under spec/schemas names the seed document(s) defining it, or says OpenAI alone does', () => {
    const missing: string[] = [];
    // `properties` inside if/then/else only narrow properties declared (and described) on the
    // object itself, so they are not walked.
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'if' || key === 'then' || key === 'else') continue;
        if (key === 'properties' && typeof value === 'object' && value !== null) {
          for (const [prop, schema] of Object.entries(value)) {
            const description = (schema as { description?: unknown }).description;
            const cites =
              typeof description === 'string' &&
              (SEED_FILES.some((seed) => description.includes(seed)) || description.includes(OPENAI_ONLY));
            if (!cites) missing.push(`${where}/properties/${prop}`);
          }
        }
        walk(value, `${where}/${key}`);
      }
    };
    const files = inSchemasDir();
    expect(files.length).toBeGreaterThanOrEqual(OURS.length);
    for (const file of files) walk(file.schema, `spec/${file.path}#`);
    expect(
      missing,
      'properties whose description cites no seed file nor "OpenAI contract; no seed document names it"',
    ).toEqual([]);
  });
});

describe('generated types', () => {
  it('spec/generated/types.ts is what renderTypes() produces', async () => {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    const fresh = await renderTypes();
    expect(committed === fresh, 'spec/generated/types.ts is stale: run npm run gen').toBe(true);
  });

  it('names the main documents', () => {
    const source = readFileSync(GENERATED_FILE, 'utf8');
    for (const name of [
      'ChatCompletionRequest',
      'ChatCompletionResponse',
      'ChatCompletionChunk',
      'ChatMessage',
      'ChatCompletionMessage',
      'ToolCall',
      'ToolCallDelta',
      'Usage',
      'ModelList',
      'Model',
      'ErrorResponse',
    ]) {
      expect(source, name).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
    expect(source).not.toMatch(/export (interface|type) (ChatMessage|Usage|ToolCall|FinishReason)1\b/);
  });
});

// ---------------------------------------------------------------------------------------
// Request: ranges, enums and shapes. `at` lists every instancePath ajv must report.

const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

const validRequests: Array<[string, Record<string, unknown>]> = [
  ['the minimum', {}],
  ['temperature 0 and 2', { temperature: 2 }],
  ['temperature 0', { temperature: 0 }],
  ['top_p 0 and 1', { top_p: 1 }],
  ['n 1', { n: 1 }],
  ['penalties at ±2', { frequency_penalty: -2, presence_penalty: 2 }],
  ['stop as a string', { stop: '###' }],
  ['stop as 4 strings', { stop: ['a', 'b', 'c', 'd'] }],
  ['nulls OpenAI accepts', { temperature: null, top_p: null, n: null, stop: null, max_tokens: null, seed: null }],
  ['max_tokens and max_completion_tokens 1', { max_tokens: 1, max_completion_tokens: 1 }],
  ['stream with include_usage', { stream: true, stream_options: { include_usage: true } }],
  ['stream false without stream_options', { stream: false }],
  ['stream_options null without stream', { stream_options: null }],
  ['logprobs with top_logprobs 0 and 20', { logprobs: true, top_logprobs: 20 }],
  ['logit_bias at ±100', { logit_bias: { '50256': -100, '1234': 100 } }],
  ['seed and user', { seed: 42, user: 'u-1' }],
  ['reasoning_effort low/medium/high and minimal', { reasoning_effort: 'minimal' }],
  ['modalities and audio', { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }],
  ['tools with tool_choice none', { tools: [weatherTool], tool_choice: 'none' }],
  ['tool_choice auto', { tools: [weatherTool], tool_choice: 'auto' }],
  ['tool_choice required', { tools: [weatherTool], tool_choice: 'required' }],
  [
    'tool_choice naming a function',
    { tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } },
  ],
  ['parallel_tool_calls false', { tools: [weatherTool], parallel_tool_calls: false }],
  [
    'a strict tool',
    { tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: { type: 'object' } } }] },
  ],
  ['response_format text', { response_format: { type: 'text' } }],
  ['response_format json_object', { response_format: { type: 'json_object' } }],
  [
    'response_format json_schema',
    {
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', description: 'd', strict: true, schema: { type: 'object' } },
      },
    },
  ],
  ['legacy functions and function_call', { functions: [{ name: 'f' }], function_call: { name: 'f' } }],
  ['legacy function_call auto', { functions: [{ name: 'f' }], function_call: 'auto' }],
  [
    'every role',
    {
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'system', content: [{ type: 'text', text: 'be kind' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"北京"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '25°C' },
        { role: 'assistant', content: '', reasoning_content: 'thinking', refusal: null },
        { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
        { role: 'function', name: 'f', content: null },
        { role: 'user', name: 'bob', content: 'thanks' },
      ],
    },
  ],
  [
    'image detail auto and high',
    {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'auto' } },
            { type: 'image_url', image_url: { url: 'https://x/z.png', detail: 'high' } },
          ],
        },
      ],
    },
  ],
  [
    'assistant content with a refusal part',
    { messages: [{ role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] }] },
  ],
  // Open objects, as in OpenAI's published schema (spec/sources/openai-chat-request.json):
  // a field the mock does not use is accepted below the top level.
  ['an unknown stream option', { stream: true, stream_options: { include_usages: true } }],
  [
    'response_format json_schema without schema',
    { response_format: { type: 'json_schema', json_schema: { name: 'x' } } },
  ],
  [
    'response_format json_object with a json_schema',
    { response_format: { type: 'json_object', json_schema: { name: 'x', schema: {} } } },
  ],
  ['a user message with tool_calls', { messages: [{ role: 'user', content: 'x', tool_calls: [] }] }],
  ['a user message with tool_call_id', { messages: [{ role: 'user', content: 'x', tool_call_id: 'c' }] }],
  [
    'a tool message with a name (LangChain)',
    { messages: [{ role: 'tool', content: 'x', tool_call_id: 'c', name: 'n' }] },
  ],
  ['an assistant message with tool_call_id', { messages: [{ role: 'assistant', content: 'x', tool_call_id: 'c' }] }],
  ['an unknown message field', { messages: [{ role: 'user', content: 'x', task_id: 'x' }] }],
  [
    'fields OpenAI added',
    {
      store: true,
      metadata: { a: 'b' },
      service_tier: 'flex',
      verbosity: 'low',
      safety_identifier: 'u',
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      reasoning_effort: 'xhigh',
      prediction: { type: 'content', content: 'x' },
      web_search_options: {},
    },
  ],
  [
    'audio and file parts, allowed_tools',
    {
      tools: [weatherTool],
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', name: 'get_weather' }] },
      },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-1' } },
          ],
        },
      ],
    },
  ],
];

const invalidRequests: Array<[string, Record<string, unknown>, string[]]> = [
  ['temperature 2.1', { temperature: 2.1 }, ['/temperature']],
  ['temperature -0.1', { temperature: -0.1 }, ['/temperature']],
  ['top_p 1.5', { top_p: 1.5 }, ['/top_p']],
  ['n 0', { n: 0 }, ['/n']],
  ['n 1.5', { n: 1.5 }, ['/n']],
  ['frequency_penalty 2.5', { frequency_penalty: 2.5 }, ['/frequency_penalty']],
  ['presence_penalty -3', { presence_penalty: -3 }, ['/presence_penalty']],
  ['5 stop strings', { stop: ['a', 'b', 'c', 'd', 'e'] }, ['/stop']],
  ['a non-string stop', { stop: [1] }, ['/stop', '/stop/0']],
  ['max_tokens 0', { max_tokens: 0 }, ['/max_tokens']],
  ['max_completion_tokens 0', { max_completion_tokens: 0 }, ['/max_completion_tokens']],
  ['top_logprobs 21', { logprobs: true, top_logprobs: 21 }, ['/top_logprobs']],
  ['top_logprobs -1', { logprobs: true, top_logprobs: -1 }, ['/top_logprobs']],
  ['logit_bias 101', { logit_bias: { '1': 101 } }, ['/logit_bias', '/logit_bias/1']],
  ['logit_bias keyed by a word', { logit_bias: { hello: 1 } }, ['/logit_bias']],
  ['an unknown top-level field', { task_id: 'x' }, ['']],
  ['no model', { model: undefined }, ['']],
  ['empty messages', { messages: [] }, ['/messages']],
  ['stream a string', { stream: 'yes' }, ['/stream']],
  ['stream_options without stream', { stream_options: { include_usage: true } }, ['/stream_options']],
  ['stream_options with stream false', { stream: false, stream_options: { include_usage: true } }, ['/stream_options']],
  ['reasoning_effort extreme', { reasoning_effort: 'extreme' }, ['/reasoning_effort']],
  ['modalities video', { modalities: ['video'] }, ['/modalities', '/modalities/0']],
  ['audio without format', { audio: { voice: 'alloy' } }, ['/audio']],
  ['tool_choice "always"', { tool_choice: 'always' }, ['/tool_choice']],
  ['tool_choice naming no function', { tool_choice: { type: 'function' } }, ['/tool_choice', '/tool_choice/type']],
  [
    'tool_choice of another type',
    { tool_choice: { type: 'custom', function: { name: 'f' } } },
    ['/tool_choice', '/tool_choice/type'],
  ],
  ['a tool of type custom', { tools: [{ type: 'custom', function: { name: 'f' } }] }, ['/tools/0/type']],
  ['a tool without function', { tools: [{ type: 'function' }] }, ['/tools/0']],
  [
    'a tool name with spaces',
    { tools: [{ type: 'function', function: { name: 'get weather' } }] },
    ['/tools/0/function/name'],
  ],
  [
    'tool parameters not an object',
    { tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] },
    ['/tools/0/function/parameters'],
  ],
  ['parallel_tool_calls a string', { parallel_tool_calls: 'no' }, ['/parallel_tool_calls']],
  [
    'response_format without type',
    { response_format: { json_schema: { name: 'x', schema: { type: 'object' } } } },
    ['/response_format'],
  ],
  ['response_format of an unknown type', { response_format: { type: 'yaml' } }, ['/response_format/type']],
  [
    'response_format json_schema without json_schema',
    { response_format: { type: 'json_schema' } },
    ['/response_format'],
  ],
  [
    'response_format json_schema without name',
    { response_format: { type: 'json_schema', json_schema: { schema: { type: 'object' } } } },
    ['/response_format/json_schema'],
  ],
  [
    'response_format json_schema whose schema is a string',
    { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'object' } } },
    ['/response_format/json_schema/schema'],
  ],
  ['seed 1.5', { seed: 1.5 }, ['/seed']],
  ['user a number', { user: 1 }, ['/user']],
];

const invalidMessages: Array<[string, unknown, string[]]> = [
  ['a bad role', { role: 'bot', content: 'hi' }, ['/messages/0/role']],
  ['a missing role', { content: 'hi' }, ['/messages/0']],
  ['a user message without content', { role: 'user' }, ['/messages/0']],
  ['a user message with null content', { role: 'user', content: null }, ['/messages/0/content']],
  [
    'a system message with an image part',
    { role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] },
    ['/messages/0/content', '/messages/0/content/0', '/messages/0/content/0/type'],
  ],
  ['a tool message without tool_call_id', { role: 'tool', content: 'x' }, ['/messages/0']],
  ['a function message without name', { role: 'function', content: 'x' }, ['/messages/0']],
  [
    'an image part with a bad detail',
    { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x', detail: 'max' } }] },
    [
      '/messages/0/content',
      '/messages/0/content/0',
      '/messages/0/content/0/image_url/detail',
      '/messages/0/content/0/type',
    ],
  ],
  [
    'a tool call with object arguments',
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }],
    },
    ['/messages/0/tool_calls/0/function/arguments'],
  ],
  [
    'a tool call without id',
    { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ['/messages/0/tool_calls/0'],
  ],
];

describe('chat-request', () => {
  it.each(validRequests)('accepts %s', (_, patch) => {
    expect(errorsOf({ ...base, ...patch }, 'chat-request')).toEqual([]);
  });

  it.each(invalidRequests)('rejects %s', (_, patch, at) => {
    const body = JSON.parse(JSON.stringify({ ...base, ...patch })) as unknown;
    expect(pathsOf(errorsOf(body, 'chat-request'))).toEqual([...at].sort());
  });

  it.each(invalidMessages)('rejects %s', (_, message, at) => {
    expect(pathsOf(errorsOf({ ...base, messages: [message] }, 'chat-request'))).toEqual([...at].sort());
  });

  it('reports a bad role only at /messages/N/role, as an enum error the mock turns into param messages[N].role', () => {
    const errors = errorsOf(
      {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'bot', content: 'b' },
        ],
      },
      'chat-request',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ instancePath: '/messages/1/role', keyword: 'enum' });
  });

  it('names an unknown top-level field in the additionalProperties error', () => {
    const errors = errorsOf({ ...base, foo: 1 }, 'chat-request');
    expect(errors).toEqual([
      expect.objectContaining({
        instancePath: '',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'foo' },
      }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Response, chunk, models.

const message = { role: 'assistant', content: 'hi' };
const choice = { index: 0, message, finish_reason: 'stop', logprobs: null };
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const response = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1741680000,
  model: 'gpt-4o-mini',
  choices: [choice],
  usage,
};
const token = {
  token: 'hi',
  logprob: -0.1,
  bytes: [104, 105],
  top_logprobs: [{ token: 'hi', logprob: -0.1, bytes: null }],
};

describe('chat-response', () => {
  it.each<[string, Record<string, unknown>]>([
    ['the minimum', {}],
    [
      "OpenAI's full shape",
      {
        system_fingerprint: 'fp_1',
        service_tier: 'default',
        choices: [
          {
            ...choice,
            message: { ...message, refusal: null, annotations: [] },
            logprobs: { content: [token], refusal: null },
          },
        ],
        usage: {
          ...usage,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
      },
    ],
    [
      "aiid's usage details",
      {
        usage: {
          ...usage,
          prompt_tokens_details: { cached_tokens: 1, text_tokens: 1, audio_tokens: 0, image_tokens: 0 },
          completion_tokens_details: { text_tokens: 2, audio_tokens: 0, reasoning_tokens: 0 },
        },
      },
    ],
    [
      'a tool call with content null',
      {
        choices: [
          {
            ...choice,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
          },
        ],
      },
    ],
    ['reasoning_content', { choices: [{ ...choice, message: { ...message, reasoning_content: 'because' } }] }],
    [
      'a legacy function call',
      {
        choices: [
          {
            ...choice,
            finish_reason: 'function_call',
            message: { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
          },
        ],
      },
    ],
    [
      'every finish reason',
      {
        choices: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'].map((r, index) => ({
          ...choice,
          index,
          finish_reason: r,
        })),
      },
    ],
  ])('accepts %s', (_, patch) => {
    expect(errorsOf({ ...response, ...patch }, 'chat-response')).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an extra field (task_id)', { task_id: 't' }, ['']],
    ['no usage', { usage: undefined }, ['']],
    ['a choice without logprobs', { choices: [{ index: 0, message, finish_reason: 'stop' }] }, ['/choices/0']],
    ['a choice without finish_reason', { choices: [{ index: 0, message, logprobs: null }] }, ['/choices/0']],
    ['finish_reason null', { choices: [{ ...choice, finish_reason: null }] }, ['/choices/0/finish_reason']],
    ['finish_reason "eos"', { choices: [{ ...choice, finish_reason: 'eos' }] }, ['/choices/0/finish_reason']],
    ['no choices', { choices: [] }, ['/choices']],
    ['content missing', { choices: [{ ...choice, message: { role: 'assistant' } }] }, ['/choices/0/message']],
    ['role user', { choices: [{ ...choice, message: { ...message, role: 'user' } }] }, ['/choices/0/message/role']],
    [
      'an OpenRouter-style reasoning field',
      { choices: [{ ...choice, message: { ...message, reasoning: 'x' } }] },
      ['/choices/0/message'],
    ],
    [
      'tool-call arguments as an object',
      {
        choices: [
          {
            ...choice,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }],
            },
          },
        ],
      },
      ['/choices/0/message/tool_calls/0/function/arguments'],
    ],
    ['created in milliseconds', { created: 1741680000000 }, ['/created']],
    ['object chat.completion.chunk', { object: 'chat.completion.chunk' }, ['/object']],
    [
      'an unknown usage detail',
      { usage: { ...usage, prompt_tokens_details: { cache_hits: 1 } } },
      ['/usage/prompt_tokens_details'],
    ],
    ['usage without total_tokens', { usage: { prompt_tokens: 1, completion_tokens: 1 } }, ['/usage']],
    ['logprobs without refusal', { choices: [{ ...choice, logprobs: { content: [token] } }] }, ['/choices/0/logprobs']],
  ])('rejects %s', (_, patch, at) => {
    const body = JSON.parse(JSON.stringify({ ...response, ...patch })) as unknown;
    expect(pathsOf(errorsOf(body, 'chat-response'))).toEqual([...at].sort());
  });
});

const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1741680000, model: 'gpt-4o-mini' };
const chunkChoice = (delta: unknown, finish_reason: unknown = null) => ({ index: 0, delta, finish_reason });

describe('chat-chunk', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a role frame', { choices: [chunkChoice({ role: 'assistant', content: '' })] }],
    ['a text frame with usage null', { choices: [chunkChoice({ content: 'hi' })], usage: null }],
    ['a finish frame', { choices: [chunkChoice({}, 'stop')] }],
    ['the usage chunk with empty choices', { choices: [], usage }],
    ['usage on the finish chunk (aireiter)', { choices: [chunkChoice({}, 'stop')], usage }],
    [
      'a first tool-call piece',
      {
        choices: [
          chunkChoice({
            tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
          }),
        ],
      },
    ],
    [
      'a later tool-call piece',
      { choices: [chunkChoice({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] })] },
    ],
    ['reasoning_content', { choices: [chunkChoice({ reasoning_content: 'hmm' })] }],
    [
      "OpenAI's extra keys",
      {
        choices: [{ ...chunkChoice({ content: 'x', refusal: null }), logprobs: null }],
        system_fingerprint: 'fp',
        service_tier: 'default',
        obfuscation: 'abc',
        usage: null,
      },
    ],
  ])('accepts %s', (_, patch) => {
    expect(errorsOf({ ...chunk, ...patch }, 'chat-chunk')).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a tool-call piece without index',
      { choices: [chunkChoice({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] })] },
      ['/choices/0/delta/tool_calls/0'],
    ],
    [
      'a tool-call index -1',
      { choices: [chunkChoice({ tool_calls: [{ index: -1 }] })] },
      ['/choices/0/delta/tool_calls/0/index'],
    ],
    ['finish_reason ""', { choices: [chunkChoice({}, '')] }, ['/choices/0/finish_reason']],
    ['no finish_reason key', { choices: [{ index: 0, delta: {} }] }, ['/choices/0']],
    ['choices null', { choices: null }, ['/choices']],
    ['no choices key', {}, ['']],
    ['an extra field (task_id)', { task_id: 't', choices: [] }, ['']],
    ['a delta with a reasoning field', { choices: [chunkChoice({ reasoning: 'x' })] }, ['/choices/0/delta']],
    ['object chat.completion', { object: 'chat.completion', choices: [] }, ['/object']],
  ])('rejects %s', (_, patch, at) => {
    expect(pathsOf(errorsOf({ ...chunk, ...patch }, 'chat-chunk'))).toEqual([...at].sort());
  });
});

describe('model and models-list', () => {
  const model = { id: 'gpt-4o-mini', object: 'model', created: 1686935002, owned_by: 'openai' };

  it("accepts OpenAI's shapes", () => {
    expect(errorsOf(model, 'model')).toEqual([]);
    expect(errorsOf({ object: 'list', data: [model] }, 'models-list')).toEqual([]);
    expect(errorsOf({ object: 'list', data: [] }, 'models-list')).toEqual([]);
  });

  it.each<[string, unknown, string, string[]]>([
    ['a model without owned_by', { id: 'm', object: 'model', created: 1 }, 'model', ['']],
    ['created_at instead of created', { id: 'm', object: 'model', created_at: 1, owned_by: 'o' }, 'model', ['']],
    ['object "models"', { ...model, object: 'models' }, 'model', ['/object']],
    ['a list without object', { data: [model] }, 'models-list', ['']],
    ['a list with a bad model', { object: 'list', data: [{ id: 'm' }] }, 'models-list', ['/data/0']],
    ['a bare array', [model], 'models-list', ['']],
  ])('rejects %s', (_, value, schema, at) => {
    expect(pathsOf(errorsOf(value, schema))).toEqual(at);
  });
});
