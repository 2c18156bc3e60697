// The request bodies probes send, in one place so probes that can share an exchange send
// byte-identical requests (the runner sends each distinct request once per target).
//
// Prompts are phrased for real LLMs (a capable model passes when the relay honours the
// feature) and fall under the mock's instruction grammar ("Output exactly: X", "Count from 1
// to N", tool calls when the user shares a word with a tool), so a pass against the mock means
// the same as one against a relay. Every request sets temperature 0 and the smallest
// max_tokens that still lets the probe decide; requests not about streaming say
// `stream: false` explicitly. Reasoning-model requests set no temperature (o-series models
// refuse any but the default).
import { solidPngDataUrl } from './png.js';
import type { RequestSpec } from './types.js';

export type Body = Record<string, unknown>;

export const user = (content: unknown): Body => ({ role: 'user', content });

// ---------------------------------------------------------------- plain chat
/** The basic exchange: chat.basic, chat.metadata, usage.accounting, auth, and the stop baseline. */
export const ALPHA_PROMPT = 'Output exactly: alpha beta gamma delta';
export const BASIC: Body = { messages: [user(ALPHA_PROMPT)], stream: false, temperature: 0, max_tokens: 20 };

/** The stop string of the stop probe, and the word after it. */
export const STOP_WORD = 'gamma';
export const AFTER_STOP_WORD = 'delta';
export const STOP_NON_STREAMED: Body = { ...BASIC, stop: [STOP_WORD] };
/** Streamed with a stop string: judged by stream.sse (framing) and stop (content). */
export const STOP_STREAMED: Body = { ...BASIC, stream: true, stop: [STOP_WORD] };
/** The same stream with usage asked for. */
export const STOP_STREAMED_USAGE: Body = { ...STOP_STREAMED, stream_options: { include_usage: true } };

/**
 * stream.integrity: the basic request streamed, usage asked for. Its answer is fixed (the four
 * words), so the deltas must reassemble to the non-streamed basic answer byte for byte.
 */
export const BASIC_STREAMED: Body = { ...BASIC, stream: true };
export const BASIC_STREAMED_USAGE: Body = { ...BASIC_STREAMED, stream_options: { include_usage: true } };

/** The cheapest useful request: a one-token answer. */
export const PING: Body = { messages: [user('Output exactly: OK')], stream: false, temperature: 0, max_tokens: 5 };

/** A long answer for the token caps. */
export const COUNT_TO = 50;
export const COUNT_PROMPT = `Count from 1 to ${COUNT_TO}, separated by commas.`;
export const CAP = 5;
export const MAX_TOKENS: Body = { messages: [user(COUNT_PROMPT)], stream: false, temperature: 0, max_tokens: CAP };
export const MAX_COMPLETION_TOKENS: Body = {
  messages: [user(COUNT_PROMPT)],
  stream: false,
  temperature: 0,
  max_completion_tokens: CAP,
};

export const N_CHOICES: Body = { ...PING, n: 2 };
export const N_CHOICES_STREAMED: Body = { ...PING, n: 2, stream: true };

/** seed only matters when sampling: this probe alone samples (temperature 1). */
export const SEEDED: Body = {
  messages: [user('Write a random four-word phrase.')],
  stream: false,
  temperature: 1,
  seed: 12345,
  max_tokens: 8,
};

export const LOGPROBS: Body = { ...PING, logprobs: true, top_logprobs: 2 };

export const UNKNOWN_PARAM = 'relaycheck_unknown_parameter';
export const WITH_UNKNOWN_PARAM: Body = { ...PING, [UNKNOWN_PARAM]: true };

/** params.range: each out-of-range value on its own, by label. */
export const OUT_OF_RANGE: Readonly<Record<string, Body>> = {
  'temperature 3': { ...PING, temperature: 3 },
  'top_p 2': { ...PING, top_p: 2 },
  'n 0': { ...PING, n: 0 },
  'five stop strings': { ...PING, stop: ['s1', 's2', 's3', 's4', 's5'] },
};

// ---------------------------------------------------------------- structured output
/** Without JSON mode a model tends to fence or explain; with it the content is raw JSON. */
export const JSON_PROMPT = 'Describe a cat in JSON, in under ten words.';
/** `stream` omitted: the stream.default probe, and the baseline of both JSON probes. */
export const JSON_BASELINE: Body = { messages: [user(JSON_PROMPT)], temperature: 0, max_tokens: 60 };
export const JSON_OBJECT: Body = { ...JSON_BASELINE, stream: false, response_format: { type: 'json_object' } };
export const CAT_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, color: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'color', 'age'],
  additionalProperties: false,
} as const;
export const JSON_SCHEMA: Body = {
  ...JSON_BASELINE,
  stream: false,
  response_format: { type: 'json_schema', json_schema: { name: 'cat', strict: true, schema: CAT_SCHEMA } },
};

// ---------------------------------------------------------------- tools
export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as const;
/** A tool without parameters: its arguments must be "{}", never "". */
export const TIME_TOOL = {
  type: 'function',
  function: {
    name: 'get_server_time',
    description: 'Time on the server',
    parameters: { type: 'object', properties: {} },
  },
} as const;
export const TOOLS = [WEATHER_TOOL, TIME_TOOL];

/** Wants both tools: two calls when parallel calls are allowed. */
export const TOOLS_PROMPT = 'What is the weather in Paris, and what time is it on the server? Use the tools.';
export const TOOL_CALL: Body = {
  messages: [user(TOOLS_PROMPT)],
  tools: TOOLS,
  stream: false,
  temperature: 0,
  max_tokens: 60,
};
export const TOOL_CALL_STREAMED: Body = { ...TOOL_CALL, stream: true };
export const TOOL_CHOICE_NONE: Body = { ...TOOL_CALL, tool_choice: 'none' };
export const NO_PARALLEL_CALLS: Body = { ...TOOL_CALL, parallel_tool_calls: false };

/** Suits get_weather only; tool_choice names the other one. */
export const TOOL_CHOICE_NAMED: Body = {
  messages: [user('What is the weather in Paris?')],
  tools: TOOLS,
  tool_choice: { type: 'function', function: { name: TIME_TOOL.function.name } },
  stream: false,
  temperature: 0,
  max_tokens: 30,
};

/** Needs no tool: under auto the model answers in text. */
export const NO_TOOL_PROMPT = 'Reply with exactly: hello';
export const TOOL_CHOICE_AUTO_NO_TOOL: Body = {
  messages: [user(NO_TOOL_PROMPT)],
  tools: [TIME_TOOL],
  tool_choice: 'auto',
  stream: false,
  temperature: 0,
  max_tokens: 30,
};
export const TOOL_CHOICE_REQUIRED: Body = { ...TOOL_CHOICE_AUTO_NO_TOOL, tool_choice: 'required' };

/** What the tools "return" when a conversation is replayed. */
export function toolResult(name: unknown): string {
  return name === WEATHER_TOOL.function.name
    ? '{"city":"Paris","temperature_c":18,"sky":"cloudy"}'
    : '{"time":"12:00"}';
}

/** A tool call to replay when the relay made none (tools.history still needs one). */
export const MADE_UP_CALL = {
  id: 'call_relaycheck_0',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};

export function toolHistory(calls: readonly Record<string, unknown>[], content: null | ''): Body {
  return {
    messages: [
      user(TOOLS_PROMPT),
      { role: 'assistant', content, tool_calls: calls },
      ...calls.map((c) => ({
        role: 'tool',
        tool_call_id: c['id'],
        content: toolResult((c['function'] as { name?: unknown } | undefined)?.name),
      })),
    ],
    tools: TOOLS,
    stream: false,
    temperature: 0,
    max_tokens: 10,
  };
}

/** tools.history's code word: said only in the assistant's text beside its tool calls. */
export const CODE_WORD = 'PELICAN';
export const HISTORY_TEXT = `Let me check that with the tools. The code word is ${CODE_WORD}.`;
export const RECALL_QUESTION =
  'What is the code word you gave in your earlier message? Answer with the code word only.';

/**
 * A replayed tool turn whose assistant message says something beside its calls, then a
 * question only that text answers. `apart`: the same text in an assistant message of its own
 * before the calls (the control: text a relay keeps even when it drops text beside calls).
 */
export function toolHistoryWithText(calls: readonly Record<string, unknown>[], apart: boolean): Body {
  const assistant = apart
    ? [
        { role: 'assistant', content: HISTORY_TEXT },
        { role: 'assistant', content: null, tool_calls: calls },
      ]
    : [{ role: 'assistant', content: HISTORY_TEXT, tool_calls: calls }];
  return {
    messages: [
      user(TOOLS_PROMPT),
      ...assistant,
      ...calls.map((c) => ({
        role: 'tool',
        tool_call_id: c['id'],
        content: toolResult((c['function'] as { name?: unknown } | undefined)?.name),
      })),
      user(RECALL_QUESTION),
    ],
    tools: TOOLS,
    stream: false,
    temperature: 0,
    max_tokens: 10,
  };
}

/** TIME_TOOL without a `parameters` key (optional in OpenAI's schema): tools.no_params. */
export const TIME_TOOL_BARE = {
  type: 'function',
  function: { name: 'get_server_time', description: 'Time on the server' },
} as const;
/** TIME_TOOL with one optional parameter: the control, a tool no relay drops for lack of parameters. */
export const TIME_TOOL_WITH_PARAM = {
  type: 'function',
  function: {
    name: 'get_server_time',
    description: 'Time on the server',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
  },
} as const;
/** Suits get_server_time (and asks for tools, so it is called even where tool_choice is not honoured). */
export const TIME_PROMPT = 'What time is it on the server? Use the tools.';
const NAMED_TIME = { type: 'function', function: { name: TIME_TOOL.function.name } } as const;
/** A get_server_time variant offered beside get_weather, named by tool_choice. */
export function namedTimeTool(tool: typeof TIME_TOOL | typeof TIME_TOOL_BARE | typeof TIME_TOOL_WITH_PARAM): Body {
  return {
    messages: [user(TIME_PROMPT)],
    tools: [WEATHER_TOOL, tool],
    tool_choice: NAMED_TIME,
    stream: false,
    temperature: 0,
    max_tokens: 30,
  };
}
/** TOOL_CHOICE_NAMED with the named tool given a parameter: tool_choice.named's control. */
export const TOOL_CHOICE_NAMED_WITH_PARAM: Body = { ...TOOL_CHOICE_NAMED, tools: [WEATHER_TOOL, TIME_TOOL_WITH_PARAM] };
/** TOOL_CHOICE_REQUIRED with its tool given a parameter: tool_choice.required's control. */
export const TOOL_CHOICE_REQUIRED_WITH_PARAM: Body = { ...TOOL_CHOICE_REQUIRED, tools: [TIME_TOOL_WITH_PARAM] };

// ---------------------------------------------------------------- reasoning
/** Worth a little thought; the answer itself is not judged. */
export const REASONING_PROMPT = 'Is 1001 a prime number? Answer yes or no.';
/** Room for the reasoning (counted in the cap) and a short answer. */
export const REASONING_CAP = 300;
export function reasoningBody(
  effort: 'low' | 'high' | undefined,
  capParam: 'max_tokens' | 'max_completion_tokens',
): Body {
  return {
    messages: [user(REASONING_PROMPT)],
    ...(effort !== undefined ? { reasoning_effort: effort } : {}),
    stream: false,
    [capParam]: REASONING_CAP,
  };
}

/**
 * reasoning_effort with a value OpenAI refuses (400): a relay that forwards the parameter gets
 * the refusal, one that drops it is answered. Sent only when low and high came out flat; the
 * cap is tiny because only the status is judged.
 */
export const INVALID_EFFORT = 'relaycheck-invalid-effort';
export const INVALID_EFFORT_CAP = 16;
export function invalidEffortBody(capParam: 'max_tokens' | 'max_completion_tokens'): Body {
  return {
    messages: [user(REASONING_PROMPT)],
    reasoning_effort: INVALID_EFFORT,
    stream: false,
    [capParam]: INVALID_EFFORT_CAP,
  };
}

// ---------------------------------------------------------------- inputs
export const DEVELOPER_WORD = 'BANANA';
const INSTRUCTION = `Whatever the user writes, reply with exactly: ${DEVELOPER_WORD}`;
export function instructed(role: 'developer' | 'system'): Body {
  return {
    messages: [{ role, content: INSTRUCTION }, user('Hi! What can you do?')],
    stream: false,
    temperature: 0,
    max_tokens: 10,
  };
}

export const IMAGE_COLOUR = 'red';
/** Words that name the image's colour. */
export const IMAGE_COLOUR_WORDS = /\b(red|crimson|scarlet|rouge|rot|rojo)\b|红/i;
export const IMAGE_DATA_URL = solidPngDataUrl([255, 0, 0]);
export const IMAGE_QUESTION = 'What colour is this image? Answer with one word.';
export const WITH_IMAGE: Body = {
  messages: [
    user([
      { type: 'text', text: IMAGE_QUESTION },
      { type: 'image_url', image_url: { url: IMAGE_DATA_URL, detail: 'low' } },
    ]),
  ],
  stream: false,
  temperature: 0,
  max_tokens: 10,
};
/** The same message without the image part (same content-array shape). */
export const WITHOUT_IMAGE: Body = { ...WITH_IMAGE, messages: [user([{ type: 'text', text: IMAGE_QUESTION }])] };

// ---------------------------------------------------------------- usage against the tokenizer
/**
 * A plain-message prompt ~15 times longer than BASIC, for usage.tokenizer: a system passage in
 * six scripts (o200k_base counts it in ~200 tokens, cl100k_base in ~330, so a count from the
 * other family shows) and a user message with a `name` (the accounting's name token).
 */
export const TOKENIZER_PASSAGE = [
  'You check what a relay bills. Read this passage, then follow the user.',
  '中文：中转站按令牌计费，提示词的令牌数必须与模型的分词器一致。',
  '日本語：リレーはトークン数で課金します。プロンプトのトークン数はモデルのトークナイザーと一致する必要があります。',
  '한국어: 중계 서비스는 토큰 수로 요금을 청구하며, 프롬프트 토큰 수는 모델의 토크나이저와 일치해야 합니다.',
  'हिन्दी: रिले टोकन के हिसाब से बिल करता है, और प्रॉम्प्ट टोकन मॉडल के टोकनाइज़र से मेल खाने चाहिए।',
  'Русский: ретранслятор выставляет счёт за токены, и их число должно совпадать с токенизатором модели.',
].join('\n');
export const TOKENIZER_LONG: Body = {
  messages: [
    { role: 'system', content: TOKENIZER_PASSAGE },
    { role: 'user', name: 'relaycheck', content: 'Output exactly: OK' },
  ],
  stream: false,
  temperature: 0,
  max_tokens: 5,
};

// ---------------------------------------------------------------- errors
export const UNKNOWN_MODEL = 'relaycheck-no-such-model';
/** Cut off mid-array: not JSON. */
export const MALFORMED_JSON = '{"messages": [{"role": "user", "content": "Output exactly: OK"}], "max_tokens": 5,';
/** Sent in the target's auth scheme instead of the real key. */
export const WRONG_KEY = 'sk-relaycheck-wrong-key-0000000000';

// Requests the engine sends too (the preflight shares them with probes, byte for byte, so the
// session sends each once): they live here, below both, and the engine never reads probes/.
export const BASIC_REQUEST: RequestSpec = { label: 'basic', body: BASIC };
export const NO_KEY_REQUEST: RequestSpec = { label: 'no key', body: PING, auth: 'none', noRetry: true };
export const WRONG_KEY_REQUEST: RequestSpec = { label: 'wrong key', body: PING, auth: 'wrong', noRetry: true };
export const MODELS_REQUEST: RequestSpec = { label: 'models', method: 'GET', path: '/models' };
