// Which tools a compliant model would call, computed from the request. Pure.
import type { ChatCompletionRequest, Tool, ToolCall } from '../../spec/generated/types.js';
import { argumentsFor, extractHints } from '../core/json-instance.js';
import { stableId, type Rng } from '../core/rng.js';

/** Tool calls in one response, over all its choices (at least one per choice). */
export const MAX_CALLS_PER_RESPONSE = 32;

/** Words too common to mean "this message is about that tool". */
const STOPWORDS = new Set([
  'the',
  'and',
  'for',
  'get',
  'set',
  'with',
  'from',
  'this',
  'that',
  'what',
  'your',
  'you',
  'are',
  'can',
  'please',
  'given',
  'current',
  'return',
  'returns',
]);

function words(text: string): Set<string> {
  const out = new Set<string>();
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  for (const w of spaced.split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3 && !STOPWORDS.has(w)) out.add(w);
  return out;
}

/** A tool is relevant when the user's message shares a word with its name or description. */
export function matchingTools(tools: readonly Tool[], userText: string): Tool[] {
  const said = words(userText);
  return tools.filter((t) => [...words(`${t.function.name} ${t.function.description ?? ''}`)].some((w) => said.has(w)));
}

// Under `auto` a tool is called only when the user asks for one. Agents (Claude Code: 24
// tools with long descriptions) share words with any question, and a mock that called a
// tool on a shared word made them run Bash "what car to buy".
/** Text the client adds to a user turn (Claude Code's <system-reminder> blocks): not the user's words. */
const CLIENT_NOTES = /<system-reminder>[\s\S]*?(<\/system-reminder>|$)/g;
/** "use the tools", "call a tool": any tool, the relevant ones chosen by shared words. */
const ASKS_FOR_TOOLS = /\b(?:use|call|using)\s+(?:the\s+|your\s+|a\s+|any\s+|some\s+)?tools?\b/i;
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The tools the user's message asks for by name: the exact name (case-sensitive, a whole
 * word) after use/call/using/run/invoke, or before "tool" ("use get_weather", "call the
 * Read tool"). A name alone is not a request: "Read this" or "Write a poem" call nothing.
 */
export function namedTools(tools: readonly Tool[], userText: string): Tool[] {
  return tools.filter((t) => {
    const name = escapeRegex(t.function.name);
    const edge = '(?![\\w-])';
    return new RegExp(
      `(?:\\b(?:[Uu]se|[Cc]all|[Uu]sing|[Rr]un|[Ii]nvoke)\\s+(?:the\\s+)?${name}${edge})|(?:(?<![\\w-])${name}\\s+tools?\\b)`,
    ).test(userText);
  });
}

/** The tools an unforced (`auto`) turn calls: those named, else the relevant ones when tools are asked for. */
export function askedTools(tools: readonly Tool[], userText: string): Tool[] {
  const said = userText.replace(CLIENT_NOTES, ' ');
  const named = namedTools(tools, said);
  if (named.length > 0) return named;
  return ASKS_FOR_TOOLS.test(said) ? matchingTools(tools, said) : [];
}

export interface ToolPlanInput {
  request: ChatCompletionRequest;
  userText: string;
  /** The last message is a tool result: under `auto`, answer it in text. */
  afterToolResult: boolean;
  rng: Rng;
  idSeed: string;
  /** The generation budget of each call's arguments (MockLimits.maxSchemaNodes). */
  maxSchemaNodes?: number;
  /**
   * selectTools(request, userText, afterToolResult), when the caller already has it (it is the same for every choice).
   */
  selection?: ToolSelection | null;
}

/** The tools a compliant model would call for this request, and the values the user named. */
export interface ToolSelection {
  chosen: Tool[];
  /** extractHints(userText), the first few: one call per named value. */
  hints: string[];
}

/** Hints that matter: at most this many calls per tool. */
const CALLS_PER_TOOL = 4;

/** Which tools to call, or null to answer in text. Pure and rng-free: one per request, whatever `n`. */
export function selectTools(
  request: ChatCompletionRequest,
  userText: string,
  afterToolResult: boolean,
): ToolSelection | null {
  let tools = request.tools ?? [];
  let choice = request.tool_choice ?? 'auto';
  if (typeof choice === 'object' && choice.type === 'allowed_tools') {
    // allowed_tools narrows the tools, then behaves as its mode (auto or required).
    const allowed = new Set(choice.allowed_tools.tools.map(referencedName));
    tools = tools.filter((t) => allowed.has(t.function.name));
    choice = choice.allowed_tools.mode;
  }
  if (tools.length === 0 || choice === 'none') return null;
  let chosen: Tool[];
  if (typeof choice === 'object') {
    const name = choice.function.name;
    chosen = tools.filter((t) => t.function.name === name);
  } else if (choice === 'required') {
    const relevant = matchingTools(tools, userText);
    chosen = relevant.length > 0 ? relevant : tools.slice(0, 1);
  } else {
    if (afterToolResult) return null;
    chosen = askedTools(tools, userText);
  }
  if (chosen.length === 0) return null;
  // "Weather in Paris and Tokyo" asks for one call per named value, as a real model does.
  return { chosen, hints: extractHints(userText, CALLS_PER_TOOL) };
}

/** The function name of an allowed_tools entry ({type: function, function: {name}} or {type: function, name}). */
function referencedName(ref: Record<string, unknown>): string | undefined {
  const fn = ref['function'];
  const name = typeof fn === 'object' && fn !== null ? (fn as Record<string, unknown>)['name'] : ref['name'];
  return typeof name === 'string' ? name : undefined;
}

/** The calls to make, or null to answer in text. */
export function planToolCalls({
  request,
  userText,
  afterToolResult,
  rng,
  idSeed,
  maxSchemaNodes,
  selection,
}: ToolPlanInput): ToolCall[] | null {
  const selected = selection === undefined ? selectTools(request, userText, afterToolResult) : selection;
  if (!selected) return null;
  const { chosen, hints } = selected;
  const parallel = request.parallel_tool_calls !== false;
  const calls: ToolCall[] = [];
  // Each call's arguments are generated from a schema: bounded, like a real model's turn.
  const most = parallel ? Math.max(1, Math.floor(MAX_CALLS_PER_RESPONSE / (request.n ?? 1))) : 1;
  for (const tool of chosen) {
    const perTool = parallel && takesString(tool) ? Math.min(Math.max(hints.length, 1), CALLS_PER_TOOL) : 1;
    for (let k = 0; k < perTool && calls.length < most; k++) {
      const hint = hints[k];
      // No hint at all: the user's text names nothing (extractHints found nothing in it), so
      // there is nothing to give the generator.
      calls.push({
        id: `call_${stableId('', `${idSeed}:${calls.length}`, 24)}`,
        type: 'function',
        function: {
          name: tool.function.name,
          arguments: argumentsFor(
            tool.function.parameters,
            rng,
            hint === undefined ? undefined : JSON.stringify(hint),
            maxSchemaNodes,
          ),
        },
      });
    }
  }
  return calls;
}

function takesString(tool: Tool): boolean {
  const params = tool.function.parameters as
    { properties?: Record<string, { type?: unknown }>; required?: unknown } | undefined;
  const required = Array.isArray(params?.required) ? (params.required as unknown[]) : [];
  return required.some((name) => typeof name === 'string' && params?.properties?.[name]?.type === 'string');
}
