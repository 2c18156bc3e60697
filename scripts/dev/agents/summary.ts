// The pure half of `npm run agents:claude`: what the mock's journal and Claude Code's
// stream-json transcript say about one case, the verdict on it, and the Markdown that
// docs/AGENTS.md keeps. No I/O here: claude-code.ts gathers the inputs.

/** A journal entry as GET /__mock/journal lists it (only the fields read here). */
export interface JournalRow {
  seq: number;
  method: string;
  path: string;
  status: number;
  stream: boolean;
  bodyState: string;
  body: unknown;
}

/** One request, as the summary lists it. */
export interface RequestLine {
  seq: number;
  endpoint: string;
  status: number;
  stream: boolean;
  model?: string;
  /** Tools offered; undefined when the body was not read. */
  tools?: number;
  /** Body size in bytes when the journal kept only a summary of it (over its cap). */
  omittedBytes?: number;
  /** tool_result blocks in the request's history (parsed bodies only). */
  toolResults: string[];
}

export interface ToolCall {
  name: string;
  input: unknown;
}

export interface ToolResult {
  text: string;
  isError: boolean;
}

/** What Claude Code's transcript (--output-format stream-json --verbose) says. */
export interface Transcript {
  version?: string;
  model?: string;
  toolCalls: ToolCall[];
  toolResults: ToolResult[];
  answer?: string;
  isError: boolean;
  turns?: number;
  permissionDenials: number;
}

export interface CaseSummary {
  requests: RequestLine[];
  /** Requests per "METHOD path" (query string dropped). */
  endpoints: Record<string, number>;
  models: string[];
  statuses: Record<string, number>;
  streamed: number;
  unstreamed: number;
  transcript: Transcript;
  /** Outside hosts Claude Code tried to reach through the recording proxy. */
  outsideAttempts: string[];
}

/** What a case expects; every check is one line of its verdict. */
export interface CaseExpectation {
  /** At most this many requests to the mock ("a few"). */
  maxRequests: number;
  /** The tool calls, by name and in order, that the agent must make (empty: none). */
  toolCalls: string[];
  /** Text every successful tool result must contain (the file's token). */
  toolResultContains?: string;
  /** Text the final answer must contain. */
  answerContains?: string;
  /** Every /v1/messages request must ask for this model. */
  model?: string;
}

export interface Check {
  ok: boolean;
  what: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a tool_result's content: a string, or text blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
  return '';
}

function blocksOf(message: unknown): Record<string, unknown>[] {
  if (!isRecord(message) || !Array.isArray(message.content)) return [];
  return message.content.filter(isRecord);
}

export function requestLine(row: JournalRow): RequestLine {
  const body = isRecord(row.body) ? row.body : undefined;
  const line: RequestLine = {
    seq: row.seq,
    endpoint: `${row.method} ${row.path}`,
    status: row.status,
    stream: row.stream,
    toolResults: [],
  };
  if (typeof body?.model === 'string') line.model = body.model;
  if (row.bodyState === 'parsed' || row.bodyState === 'omitted')
    line.tools = Array.isArray(body?.tools) ? body.tools.length : 0;
  if (row.bodyState === 'omitted' && typeof body?.bytes === 'number') line.omittedBytes = body.bytes;
  if (row.bodyState === 'parsed' && Array.isArray(body?.messages))
    for (const message of body.messages)
      for (const block of blocksOf(message))
        if (block.type === 'tool_result') line.toolResults.push(resultText(block.content));
  return line;
}

/** Reads the stream-json lines Claude Code printed; lines that are not JSON are skipped. */
export function parseTranscript(stdout: string): Transcript {
  const t: Transcript = { toolCalls: [], toolResults: [], isError: true, permissionDenials: 0 };
  let sawResult = false;
  for (const raw of stdout.split('\n')) {
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isRecord(event)) continue;
    if (event.type === 'system' && event.subtype === 'init') {
      if (typeof event.claude_code_version === 'string') t.version = event.claude_code_version;
      if (typeof event.model === 'string') t.model = event.model;
    } else if (event.type === 'assistant') {
      for (const block of blocksOf(event.message))
        if (block.type === 'tool_use' && typeof block.name === 'string')
          t.toolCalls.push({ name: block.name, input: block.input });
    } else if (event.type === 'user') {
      for (const block of blocksOf(event.message))
        if (block.type === 'tool_result')
          t.toolResults.push({ text: resultText(block.content), isError: block.is_error === true });
    } else if (event.type === 'result') {
      sawResult = true;
      if (typeof event.result === 'string') t.answer = event.result;
      t.isError = event.is_error === true;
      if (typeof event.num_turns === 'number') t.turns = event.num_turns;
      if (Array.isArray(event.permission_denials)) t.permissionDenials = event.permission_denials.length;
    }
  }
  if (!sawResult) t.isError = true;
  return t;
}

export function summarize(rows: JournalRow[], transcript: Transcript, outsideAttempts: string[]): CaseSummary {
  const requests = rows.map(requestLine);
  const endpoints: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const models = new Set<string>();
  for (const r of requests) {
    const key = r.endpoint.split('?')[0]!;
    endpoints[key] = (endpoints[key] ?? 0) + 1;
    statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
    if (r.model !== undefined) models.add(r.model);
  }
  return {
    requests,
    endpoints,
    models: [...models].sort(),
    statuses,
    streamed: requests.filter((r) => r.stream).length,
    unstreamed: requests.filter((r) => !r.stream).length,
    transcript,
    outsideAttempts,
  };
}

const isMessages = (r: RequestLine): boolean => r.endpoint.split('?')[0] === 'POST /v1/messages';

export function judge(summary: CaseSummary, expect: CaseExpectation): Check[] {
  const { requests, transcript } = summary;
  const calls = transcript.toolCalls.map((c) => c.name);
  const checks: Check[] = [
    {
      ok: summary.outsideAttempts.length === 0,
      what: `no attempt to reach a host beyond loopback (${summary.outsideAttempts.join(', ') || 'none'})`,
    },
    { ok: requests.some(isMessages), what: 'the mock received POST /v1/messages' },
    {
      ok: requests.every((r) => r.status >= 200 && r.status < 300),
      what: `every request answered 2xx (${JSON.stringify(summary.statuses)})`,
    },
    {
      ok: requests.length <= expect.maxRequests,
      what: `at most ${expect.maxRequests} requests (${requests.length})`,
    },
    {
      ok: calls.join(',') === expect.toolCalls.join(','),
      what: `tool calls [${expect.toolCalls.join(', ')}] (made: [${calls.join(', ')}])`,
    },
    { ok: !transcript.isError && (transcript.answer ?? '').trim() !== '', what: 'Claude Code ended with an answer' },
  ];
  if (expect.toolResultContains !== undefined) {
    const needle = expect.toolResultContains;
    checks.push({
      ok:
        transcript.toolResults.length > 0 && transcript.toolResults.every((r) => !r.isError && r.text.includes(needle)),
      what: `the tool result holds the file's token ${needle}`,
    });
  }
  if (expect.answerContains !== undefined)
    checks.push({
      ok: (transcript.answer ?? '').includes(expect.answerContains),
      what: `the answer mentions ${expect.answerContains}`,
    });
  if (expect.model !== undefined) {
    const model = expect.model;
    checks.push({
      ok: requests.filter(isMessages).every((r) => r.model === model),
      what: `every /v1/messages request asks for ${model}`,
    });
  }
  return checks;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const short = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One case as Markdown: the request log in summary, the transcript's gist and the checks. */
export function renderCase(title: string, summary: CaseSummary, checks: Check[]): string {
  const t = summary.transcript;
  const out = [
    `### ${title}: ${checks.every((c) => c.ok) ? 'pass' : 'FAIL'}`,
    '',
    `- requests: ${summary.requests.length} (${Object.entries(summary.endpoints)
      .map(([e, n]) => `${e} × ${n}`)
      .join(', ')}); streamed ${summary.streamed}, not streamed ${summary.unstreamed}`,
    `- models: ${summary.models.join(', ') || 'none'}; statuses: ${Object.entries(summary.statuses)
      .map(([s, n]) => `${s} × ${n}`)
      .join(', ')}`,
    `- tool calls made: ${t.toolCalls.map((c) => `${c.name} ${short(JSON.stringify(c.input), 100)}`).join('; ') || 'none'}; permission denials: ${t.permissionDenials}`,
    `- answer (${t.turns ?? '?'} turn(s)${t.isError ? ', an error' : ''}): ${cell(short(t.answer ?? '(none)'))}`,
    '',
    '| # | endpoint | status | stream | model | tools offered | body | tool results in history |',
    '|---|---|---|---|---|---|---|---|',
    ...summary.requests.map(
      (r) =>
        `| ${r.seq} | \`${r.endpoint}\` | ${r.status} | ${r.stream} | ${r.model ?? ''} | ${r.tools ?? ''} | ${
          r.omittedBytes !== undefined ? `${r.omittedBytes} B (over the journal's cap)` : 'kept'
        } | ${r.toolResults.length === 0 ? '' : cell(short(r.toolResults.join(' / '), 80))} |`,
    ),
    '',
    ...checks.map((c) => `- [${c.ok ? 'x' : ' '}] ${c.what}`),
    '',
  ];
  return out.join('\n');
}
