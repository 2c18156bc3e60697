// Which tools a compliant model would call, computed from the request. Pure.
import type { ChatCompletionRequest, Tool, ToolCall } from '../../spec/generated/types.ts';
import { argumentsFor, extractHints } from '../core/json-instance.ts';
import { stableId, type Rng } from '../core/rng.ts';

/** Words too common to mean "this message is about that tool". */
const STOPWORDS = new Set(['the', 'and', 'for', 'get', 'set', 'with', 'from', 'this', 'that', 'what', 'your', 'you', 'are', 'can', 'please', 'given', 'current', 'return', 'returns']);

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

export interface ToolPlanInput {
  request: ChatCompletionRequest;
  userText: string;
  /** The last message is a tool result: under `auto`, answer it in text. */
  afterToolResult: boolean;
  rng: Rng;
  idSeed: string;
}

/** The calls to make, or null to answer in text. */
export function planToolCalls({ request, userText, afterToolResult, rng, idSeed }: ToolPlanInput): ToolCall[] | null {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return null;
  let chosen: Tool[];
  if (typeof choice === 'object') {
    chosen = tools.filter((t) => t.function.name === choice.function.name);
  } else if (choice === 'required') {
    const relevant = matchingTools(tools, userText);
    chosen = relevant.length > 0 ? relevant : tools.slice(0, 1);
  } else {
    if (afterToolResult) return null;
    chosen = matchingTools(tools, userText);
  }
  if (chosen.length === 0) return null;

  const parallel = request.parallel_tool_calls !== false;
  // "Weather in Paris and Tokyo" asks for one call per named value, as a real model does.
  const hints = extractHints(userText);
  const calls: ToolCall[] = [];
  for (const tool of chosen) {
    const perTool = parallel && takesString(tool) ? Math.min(Math.max(hints.length, 1), 4) : 1;
    for (let k = 0; k < perTool; k++) {
      const hint = hints[k];
      calls.push({
        id: `call_${stableId('', `${idSeed}:${calls.length}`, 24)}`,
        type: 'function',
        function: { name: tool.function.name, arguments: argumentsFor(tool.function.parameters, rng, hint === undefined ? userText : JSON.stringify(hint)) },
      });
    }
  }
  return parallel ? calls : calls.slice(0, 1);
}

function takesString(tool: Tool): boolean {
  const params = tool.function.parameters as { properties?: Record<string, { type?: unknown }>; required?: unknown } | undefined;
  const required = Array.isArray(params?.required) ? (params.required as unknown[]) : [];
  return required.some((name) => typeof name === 'string' && params?.properties?.[name]?.type === 'string');
}
