// The refusals OpenAI itself makes at runtime that its published schema does not express.
// A request generated from the schema is first brought inside them, so the leniency test
// only fails where the mock refuses what OpenAI would accept. One entry per rule, each
// naming the refusal (its OpenAI wording); docs/MOCK.md lists the same table.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RuntimeRule {
  /** What OpenAI refuses, in its words (or the mock's own documented bound). */
  refusal: string;
  apply(req: Obj, model: string): void;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const safeName = (v: unknown, i: number): string => (typeof v === 'string' && NAME.test(v) ? v : `fn_${i}`);

/** Gives every assistant tool call an answer and every tool message a call, as OpenAI requires. */
function pairToolMessages(messages: Obj[]): Obj[] {
  const out: Obj[] = [];
  let pending: string[] = [];
  let next = 0;
  const flush = () => {
    for (const id of pending) out.push({ role: 'tool', tool_call_id: id, content: 'done' });
    pending = [];
  };
  for (const m of messages) {
    if (m['role'] === 'tool') {
      if (pending.length === 0) {
        const id = `call_${next++}`;
        out.push({
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' } }],
        });
        pending.push(id);
      }
      out.push({ ...m, tool_call_id: pending.shift() });
      continue;
    }
    flush();
    if (m['role'] === 'assistant' && Array.isArray(m['tool_calls']) && m['tool_calls'].length > 0) {
      const calls = (m['tool_calls'] as unknown[]).filter(isObj).map((c) => ({ ...c, id: `call_${next++}` }));
      pending = calls.map((c) => c.id);
      out.push({ ...m, tool_calls: calls });
      continue;
    }
    out.push(m);
  }
  flush();
  return out;
}

export const RUNTIME_RULES: readonly RuntimeRule[] = [
  {
    refusal: "404 model_not_found: The model 'x' does not exist or you do not have access to it.",
    apply: (req, model) => void (req['model'] = model),
  },
  {
    refusal: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    apply: (req) => {
      if (req['stream'] !== true && req['stream_options'] != null) delete req['stream_options'];
    },
  },
  {
    refusal: "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.",
    apply: (req) => {
      if (req['top_logprobs'] != null) req['logprobs'] = true;
    },
  },
  {
    refusal: "Invalid 'max_tokens' / 'max_completion_tokens': integer below minimum value. Expected a value >= 1.",
    apply: (req) => {
      for (const k of ['max_tokens', 'max_completion_tokens'])
        if (typeof req[k] === 'number' && (req[k] as number) < 1) req[k] = 1;
    },
  },
  {
    refusal: "Invalid 'logit_bias': keys are token ids, values between -100 and 100.",
    apply: (req) => {
      if (isObj(req['logit_bias'])) req['logit_bias'] = { '50256': -100 };
    },
  },
  {
    refusal:
      "Invalid 'tools[i].function.name' / 'json_schema.name': string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'.",
    apply: (req) => {
      const tools = Array.isArray(req['tools']) ? (req['tools'] as unknown[]) : [];
      tools.forEach((t, i) => {
        if (isObj(t) && isObj(t['function'])) t['function']['name'] = safeName(t['function']['name'], i);
      });
      const fns = Array.isArray(req['functions']) ? (req['functions'] as unknown[]) : [];
      fns.forEach((f, i) => {
        if (isObj(f)) f['name'] = safeName(f['name'], i);
      });
      const rf = req['response_format'];
      if (isObj(rf) && isObj(rf['json_schema'])) rf['json_schema']['name'] = safeName(rf['json_schema']['name'], 0);
    },
  },
  {
    refusal:
      "Invalid value for 'tool_choice' / 'parallel_tool_calls': only allowed when 'tools' are specified; a named choice names one of them.",
    apply: (req) => {
      const tools = Array.isArray(req['tools']) ? (req['tools'] as unknown[]).filter(isObj) : [];
      if (tools.length === 0) {
        delete req['tool_choice'];
        delete req['parallel_tool_calls'];
        return;
      }
      const choice = req['tool_choice'];
      if (isObj(choice) && isObj(choice['function'])) {
        const fn = tools.find((t) => isObj(t['function']));
        if (fn) choice['function']['name'] = (fn['function'] as Obj)['name'];
        else delete req['tool_choice'];
      }
    },
  },
  {
    refusal:
      "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'.",
    apply: (req) => {
      if (Array.isArray(req['messages'])) req['messages'] = pairToolMessages(req['messages'] as Obj[]);
    },
  },
  {
    refusal:
      "An image part's 'image_url.url' must be an image OpenAI can read: an http(s) or data URL (an empty one is refused).",
    apply: (req) => {
      for (const m of Array.isArray(req['messages']) ? (req['messages'] as Obj[]) : []) {
        for (const p of Array.isArray(m['content']) ? (m['content'] as Obj[]) : []) {
          if (isObj(p['image_url'])) p['image_url']['url'] = 'https://example.com/cat.png';
        }
      }
    },
  },
  {
    refusal: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    apply: (req) => {
      const rf = req['response_format'];
      if (isObj(rf) && rf['type'] === 'json_object' && Array.isArray(req['messages']))
        (req['messages'] as Obj[]).unshift({ role: 'system', content: 'Answer in JSON.' });
    },
  },
  {
    refusal: "The mock's own bound (limits.maxN, default 16; OpenAI's is 128): Invalid 'n'.",
    apply: (req) => {
      if (typeof req['n'] === 'number' && (req['n'] as number) > 16) req['n'] = 16;
    },
  },
];

/**
 * Where the mock is still stricter than OpenAI, and not because OpenAI refuses: custom
 * (free-form input) tools. The mock cannot answer with a custom tool call, and the generated
 * `Tool` type is read by code outside the completion engine; docs/MOCK.md lists the gap.
 * The mock refuses these with 400 in OpenAI's words.
 */
export const MOCK_GAPS: readonly RuntimeRule[] = [
  {
    refusal: "Custom tools: 'tools[i]' of type custom, 'tool_choice' of type custom, custom tool calls in 'messages'.",
    apply: (req) => {
      if (Array.isArray(req['tools'])) req['tools'] = (req['tools'] as Obj[]).filter((t) => t['type'] !== 'custom');
      if (isObj(req['tool_choice']) && req['tool_choice']['type'] === 'custom') delete req['tool_choice'];
      for (const m of Array.isArray(req['messages']) ? (req['messages'] as Obj[]) : []) {
        if (Array.isArray(m['tool_calls']))
          m['tool_calls'] = (m['tool_calls'] as Obj[]).filter((c) => c['type'] !== 'custom');
      }
    },
  },
];

export function normalise(request: Obj, model: string): Obj {
  const req = structuredClone(request);
  for (const rule of [...MOCK_GAPS, ...RUNTIME_RULES]) rule.apply(req, model);
  return req;
}
