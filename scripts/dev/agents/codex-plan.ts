// The pure half of `npm run agents:codex`: Codex's config.toml for an offline run against the
// mock, the two cases (their prompts, fixtures and checks), the summary of the mock's journal
// and of the events the tap saw, and the Markdown the run saves. The I/O is in codex.ts.
import type { Fixture } from '../../../mock-server/index.js';

/** The pinned Codex CLI: its npm package brings the platform binary as an optional dependency. */
export const CODEX_PACKAGE = '@openai/codex';
export const CODEX_VERSION = '0.171.0';

/** A reasoning model of the mock: its answers carry reasoning items, replayed encrypted next turn. */
export const CODEX_MODEL = 'mock-reasoner';
export const KEY_ENV = 'RELAYCHECK_MOCK_KEY';

export interface ConfigInput {
  baseUrl: string;
  model?: string;
  /** Give up on a stream silent this long (Codex's default is 5 minutes). */
  streamIdleTimeoutMs?: number;
}

/** TOML's basic string: quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `"${out}"`;
}

/**
 * CODEX_HOME/config.toml: the mock as the only provider, Responses on the wire, no retries
 * (a refusal shows at once), and everything that would reach another host switched off:
 * plugins (two outside lookups per run), update checks, analytics, feedback, OTel export.
 */
export function renderConfig({ baseUrl, model = CODEX_MODEL, streamIdleTimeoutMs }: ConfigInput): string {
  return [
    `model = ${tomlString(model)}`,
    'model_provider = "relaycheck"',
    'approval_policy = "never"',
    'sandbox_mode = "read-only"',
    'check_for_update_on_startup = false',
    '',
    '[model_providers.relaycheck]',
    'name = "relaycheck mock"',
    `base_url = ${tomlString(baseUrl)}`,
    `env_key = ${tomlString(KEY_ENV)}`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    ...(streamIdleTimeoutMs === undefined ? [] : [`stream_idle_timeout_ms = ${Math.round(streamIdleTimeoutMs)}`]),
    '',
    '[features]',
    'plugins = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    'trace_exporter = "none"',
    'metrics_exporter = "none"',
    '',
  ].join('\n');
}

export interface CodexCase {
  name: string;
  prompt: string;
  /** What the final message must contain for the case to pass. */
  expect: string;
  /** The function_call_output must carry this (the tool ran and its output came back). */
  toolOutputHas?: string;
}

/** The file the tool case reads, in the temporary workspace. */
export const NOTES_FILE = 'notes.txt';

export function codexCases(secret: string): CodexCase[] {
  return [
    { name: 'plain task', prompt: 'Output exactly: hello from codex', expect: 'hello from codex' },
    {
      name: 'tool task',
      prompt: `Read ${NOTES_FILE} and tell me the secret word.`,
      // The second turn is the mock's computed answer, which quotes the tool result: the secret is
      // random per run, so it can reach the final message only through the command's output.
      expect: secret,
      toolOutputHas: secret,
    },
  ];
}

/**
 * The tool case's first turn, scripted: a reasoning item (replayed encrypted next turn) and a
 * call to Codex's shell tool, `exec_command` (0.171's name; case (a)'s journal lists the tools).
 * `login: false` keeps the user's shell profile out of the output.
 */
export function codexFixtures(): Fixture[] {
  return [
    {
      name: 'codex reads the notes',
      match: { userMessage: NOTES_FILE, hasToolResult: false, toolName: 'exec_command' },
      reply: {
        reasoning: `The user wants the secret word; I will read ${NOTES_FILE}.`,
        toolCalls: [{ name: 'exec_command', arguments: { cmd: `cat ${NOTES_FILE}`, login: false } }],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The summary of one case: what the journal holds (requests) and what the tap saw (events).

/** The journal entry fields the summary reads (GET /__mock/journal). */
export interface JournalLike {
  seq: number;
  method: string;
  path: string;
  status: number;
  bodyState: string;
  body: unknown;
}

export interface CaseSummary {
  requests: number;
  /** "POST /v1/responses → 200 ×2". */
  endpoints: string[];
  statuses: number[];
  /** Input item types replayed after the first message items, per request ("message" left out). */
  replayed: string[][];
  /** Tool types offered (first request), with counts, and the function tools' names. */
  toolTypes: Record<string, number>;
  functionTools: string[];
  /** Request fields of note as Codex sent them (first request). */
  fields: Record<string, unknown>;
  /** The SSE event types per streamed response, in order, deduplicated by run. */
  events: string[][];
  functionOutputs: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Consecutive repeats folded: `response.output_text.delta ×12`. */
export function foldRuns(names: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < names.length) {
    let j = i;
    while (j < names.length && names[j] === names[i]) j++;
    out.push(j - i > 1 ? `${names[i]} ×${j - i}` : names[i]!);
    i = j;
  }
  return out;
}

const NOTED_FIELDS = ['stream', 'store', 'include', 'reasoning', 'text', 'parallel_tool_calls', 'tool_choice'] as const;

export function summarise(entries: readonly JournalLike[], events: readonly string[][]): CaseSummary {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const key = `${e.method} ${e.path} → ${e.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const bodies = entries.map((e) => (isObject(e.body) ? e.body : {}));
  const first = bodies[0] ?? {};
  const toolTypes: Record<string, number> = {};
  const functionTools: string[] = [];
  for (const t of Array.isArray(first.tools) ? first.tools : []) {
    const type = isObject(t) && typeof t.type === 'string' ? t.type : '?';
    toolTypes[type] = (toolTypes[type] ?? 0) + 1;
    if (type === 'function' && isObject(t) && typeof t.name === 'string') functionTools.push(t.name);
  }
  const fields: Record<string, unknown> = {};
  for (const f of NOTED_FIELDS) if (f in first) fields[f] = first[f];
  if ('prompt_cache_key' in first) fields.prompt_cache_key = '(set)';
  const functionOutputs: string[] = [];
  const replayed = bodies.map((b) => {
    const items = Array.isArray(b.input) ? b.input.filter(isObject) : [];
    for (const i of items)
      if (i.type === 'function_call_output' && typeof i.output === 'string') functionOutputs.push(i.output);
    return items
      .filter((i) => i.type !== 'message')
      .map((i) => {
        const type = typeof i.type === 'string' ? i.type : '?';
        // A reasoning item comes back with its encrypted_content when store is false.
        return type === 'reasoning' && typeof i.encrypted_content === 'string' ? 'reasoning (encrypted_content)' : type;
      });
  });
  return {
    requests: entries.length,
    endpoints: [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)),
    statuses: entries.map((e) => e.status),
    replayed,
    toolTypes,
    functionTools,
    fields,
    events: events.map(foldRuns),
    functionOutputs,
  };
}

export interface CaseResult {
  case: CodexCase;
  exitCode: number | null;
  finalMessage: string;
  summary: CaseSummary;
  /** Outside connections Codex tried (through the refusing proxy). */
  outsideAttempts: string[];
}

/** Why a case failed, or [] when it passed. */
export function caseProblems(r: CaseResult): string[] {
  const problems: string[] = [];
  if (r.exitCode !== 0) problems.push(`codex exited with ${r.exitCode}`);
  if (!r.finalMessage.includes(r.case.expect)) problems.push(`the final message lacks "${r.case.expect}"`);
  const bad = r.summary.statuses.filter((s) => s !== 200);
  if (bad.length > 0) problems.push(`the mock answered ${bad.join(', ')}`);
  if (r.summary.requests === 0) problems.push('the mock received no request');
  if (r.case.toolOutputHas !== undefined && !r.summary.functionOutputs.some((o) => o.includes(r.case.toolOutputHas!)))
    problems.push('no function_call_output carried the file');
  if (r.outsideAttempts.length > 0) problems.push(`outside connections tried: ${r.outsideAttempts.join(', ')}`);
  return problems;
}

const inline = (v: unknown): string => JSON.stringify(v);

/** One case as Markdown-friendly text (also what the script prints). */
export function formatCase(r: CaseResult): string {
  const s = r.summary;
  const problems = caseProblems(r);
  const lines = [
    `### ${r.case.name}: ${problems.length === 0 ? 'passed' : `FAILED (${problems.join('; ')})`}`,
    '',
    `- prompt: ${inline(r.case.prompt)}`,
    `- endpoints: ${s.endpoints.join(', ') || '(none)'}`,
    `- tools offered: ${Object.entries(s.toolTypes)
      .map(([t, n]) => `${t} ×${n}`)
      .join(', ')} (functions: ${s.functionTools.join(', ')})`,
    `- request fields: ${Object.entries(s.fields)
      .map(([k, v]) => `${k}=${inline(v)}`)
      .join(', ')}`,
    ...s.replayed.map((items, i) => `- request ${i + 1} input items besides messages: ${items.join(', ') || '(none)'}`),
    ...s.events.map((ev, i) => `- response ${i + 1} events: ${ev.join(', ') || '(none seen)'}`),
    `- outside connections tried: ${r.outsideAttempts.length === 0 ? 'none' : r.outsideAttempts.join(', ')}`,
    `- codex exit code: ${r.exitCode}`,
    '- final message:',
    '',
    ...r.finalMessage
      .trimEnd()
      .split('\n')
      .map((l) => `      ${l}`),
    '',
  ];
  return lines.join('\n');
}
