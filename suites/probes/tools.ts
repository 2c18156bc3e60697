// Tools: tools.call, tools.stream, tools.history, tools.no_params,
// tool_choice.{required,named,none}, parallel_tool_calls. The plain tool-call request is
// shared: it is tools.call's, the baseline of tool_choice.none and parallel_tool_calls, the
// non-streamed comparison of tools.stream, and the source of the call tools.history replays.
// A tool without parameters lost on the way is tools.no_params' finding; where it shows in
// another probe (tool_choice named or required, whose tool has none), that probe repeats its
// request with the tool given a parameter and names the cause in a warning.
import type { ReportVerdict } from '../../spec/generated/types.js';
import { schemaProblems } from './json-schema.js';
import {
  firstCalls,
  firstText,
  isObject,
  quote,
  readReply,
  streamChunks,
  unusable,
  type Completion,
  type Reply,
  type ToolCallView,
} from '../wire/read.js';
import {
  CODE_WORD,
  MADE_UP_CALL,
  NO_PARALLEL_CALLS,
  TIME_TOOL,
  TIME_TOOL_BARE,
  TIME_TOOL_WITH_PARAM,
  TOOL_CHOICE_NAMED_WITH_PARAM,
  TOOL_CHOICE_REQUIRED_WITH_PARAM,
  namedTimeTool,
  toolHistoryWithText,
  TOOL_CALL,
  TOOL_CALL_STREAMED,
  TOOL_CHOICE_AUTO_NO_TOOL,
  TOOL_CHOICE_NAMED,
  TOOL_CHOICE_NONE,
  TOOL_CHOICE_REQUIRED,
  TOOLS,
  WEATHER_TOOL,
  toolHistory,
} from '../wire/requests.js';
import { judgement, type Judgement, type Observed, type Probe, type RequestSpec, type Seen } from '../wire/types.js';

export const TOOL_CALL_REQUEST: RequestSpec = { label: 'tool call', body: TOOL_CALL };

const PARAMETERS: ReadonlyMap<string, unknown> = new Map(TOOLS.map((t) => [t.function.name, t.function.parameters]));

interface CallFinding {
  verdict: ReportVerdict;
  text: string;
}

/** Problems of one tool call: shape, name, arguments (a JSON-object string valid against the parameters). */
export function callFindings(call: ToolCallView, streamed: boolean): CallFinding[] {
  const out: CallFinding[] = [];
  const name = typeof call.name === 'string' ? call.name : undefined;
  if (typeof call.id !== 'string' || call.id === '')
    out.push({ verdict: 'broken', text: 'a call without an id (its result cannot be sent back)' });
  if (call.type !== 'function')
    out.push({ verdict: 'partial', text: `type is ${JSON.stringify(call.type) ?? 'missing'}, not "function"` });
  if (name === undefined) {
    out.push({ verdict: 'broken', text: 'a call without a function name' });
    return out;
  }
  if (!PARAMETERS.has(name)) {
    out.push({ verdict: 'broken', text: `a call to the undeclared function ${JSON.stringify(name)}` });
    return out;
  }
  const args = call.arguments;
  if (typeof args !== 'string') {
    out.push({
      verdict: 'broken',
      text: `${name}: arguments is a JSON ${Array.isArray(args) ? 'array' : typeof args}, not a JSON-encoded string`,
    });
    return out;
  }
  if (args.trim() === '') {
    out.push({ verdict: 'broken', text: `${name}: arguments is an empty string, JSON.parse fails (expected "{}")` });
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    const resent = /^\s*\{[\s\S]*\}\s*\{[\s\S]*\}\s*$/.test(args);
    out.push({
      verdict: 'broken',
      text: `${name}: ${streamed ? 'argument fragments concatenate to' : 'arguments is'} ${quote(args, 60)}, not one JSON object${resent ? ' (whole arguments resent in every delta?)' : ''}`,
    });
    return out;
  }
  if (!isObject(parsed)) {
    out.push({ verdict: 'broken', text: `${name}: arguments parse to ${JSON.stringify(parsed)}, not an object` });
    return out;
  }
  const problems = schemaProblems(PARAMETERS.get(name), parsed);
  if (problems.length > 0)
    out.push({
      verdict: 'partial',
      text: `${name}: arguments ${quote(args, 40)} do not match the parameters (${problems.join(', ')})`,
    });
  return out;
}

function describeCalls(calls: readonly ToolCallView[]): string {
  return calls
    .map((c) => `${String(c.name)}(${typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments)})`)
    .join(', ');
}

function finishFinding(finish: unknown): CallFinding | undefined {
  if (finish === 'tool_calls') return undefined;
  if (finish === 'stop')
    return {
      verdict: 'partial',
      text: 'finish_reason "stop" instead of "tool_calls" (clients gating on it miss the calls)',
    };
  return { verdict: 'partial', text: `finish_reason ${JSON.stringify(finish)} instead of "tool_calls"` };
}

function verdictOf(findings: readonly CallFinding[]): ReportVerdict {
  if (findings.some((f) => f.verdict === 'broken')) return 'broken';
  if (findings.some((f) => f.verdict === 'partial')) return 'partial';
  return 'supported';
}

function notServed(reply: Exclude<Reply, { kind: 'ok' }>, what: string, decisive?: string): Judgement {
  const u = unusable(reply, what);
  return judgement(u.verdict, u.summary, { warnings: u.warnings, ...(decisive !== undefined ? { decisive } : {}) });
}

/** The plain tool-call exchange's calls (undefined when it has no completion). */
function plainCalls(seen: Seen): ToolCallView[] | undefined {
  const reply = readReply(seen['tool call'], { stream: false });
  return reply.kind === 'ok' ? firstCalls(reply.completion) : undefined;
}

export const toolsCall: Probe = {
  feature: 'tools.call',
  needs: 'model',
  steps: [[TOOL_CALL_REQUEST]],
  judge(seen) {
    const reply = readReply(seen['tool call'], { stream: false });
    if (reply.kind !== 'ok') return notServed(reply, 'the tool-call request');
    const calls = firstCalls(reply.completion);
    if (calls.length === 0 && reply.completion.choices[0]?.finishReason === 'tool_calls')
      return judgement(
        'broken',
        `finish_reason "tool_calls" but the message carries no tool call (text ${quote(firstText(reply.completion))}): the calls were lost on the way`,
      );
    if (calls.length === 0) {
      return judgement(
        'inconclusive',
        `no tool call: the answer was text ${quote(firstText(reply.completion))} (the model did not use the tools, or the relay dropped them)`,
      );
    }
    const findings = [...calls.flatMap((c) => callFindings(c, false))];
    const finish = finishFinding(reply.completion.choices[0]?.finishReason);
    if (finish) findings.push(finish);
    const warnings = [...reply.warnings];
    const content = firstText(reply.completion);
    if (content.trim() !== '') warnings.push(`content ${quote(content, 40)} alongside the calls (usually null)`);
    const verdict = verdictOf(findings);
    const details = { calls: calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) };
    if (verdict === 'supported')
      return judgement('supported', `${calls.length} call(s): ${describeCalls(calls)}; finish_reason tool_calls`, {
        warnings,
        details,
      });
    return judgement(verdict, `tool calls deviate: ${findings.map((f) => f.text).join('; ')}`, { warnings, details });
  },
};

/** Delta-level problems of a streamed tool call: index, first-delta fields, ids, empty lists. */
export function toolDeltaFindings(o: Observed): { findings: CallFinding[]; deltas: number } {
  const findings: CallFinding[] = [];
  const firstOf = new Map<number, Record<string, unknown>>();
  const changedIds = new Set<number>();
  let deltas = 0;
  let firstIndex: number | undefined;
  for (const chunk of streamChunks(o)) {
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
    for (const choice of choices) {
      if (!isObject(choice) || !isObject(choice['delta'])) continue;
      const list = choice['delta']['tool_calls'];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        findings.push({ verdict: 'broken', text: '`delta.tool_calls` is not an array' });
        continue;
      }
      if (list.length === 0) {
        findings.push({
          verdict: 'partial',
          text: 'a delta with an empty `tool_calls` list (clients reading tool_calls[0] throw)',
        });
        continue;
      }
      for (const item of list) {
        deltas++;
        if (!isObject(item)) {
          findings.push({ verdict: 'broken', text: 'a tool_calls item that is not an object' });
          continue;
        }
        const index = item['index'];
        if (typeof index !== 'number' || !Number.isInteger(index)) {
          findings.push({
            verdict: 'broken',
            text: 'tool_calls deltas without an integer `index` (SDKs cannot reassemble the calls)',
          });
          continue;
        }
        firstIndex ??= index;
        const fn = isObject(item['function']) ? item['function'] : {};
        const first = firstOf.get(index);
        if (!first) {
          firstOf.set(index, item);
          if (typeof item['id'] !== 'string' || item['id'] === '')
            findings.push({ verdict: 'broken', text: `the first delta of index ${index} has no id` });
          if (typeof fn['name'] !== 'string')
            findings.push({ verdict: 'broken', text: `the first delta of index ${index} has no function name` });
          if (item['type'] !== 'function')
            findings.push({
              verdict: 'partial',
              text: `the first delta of index ${index} has no \`type: "function"\``,
            });
        } else if (
          item['id'] !== undefined &&
          item['id'] !== null &&
          item['id'] !== first['id'] &&
          !changedIds.has(index)
        ) {
          changedIds.add(index);
          findings.push({
            verdict: 'broken',
            text: `the id of call ${index} changes between deltas (${JSON.stringify(first['id'])} → ${JSON.stringify(item['id'])})`,
          });
        }
      }
    }
  }
  const indexes = [...firstOf.keys()].sort((a, b) => a - b);
  if (indexes.length > 0 && (indexes[0] !== 0 || indexes.some((v, i) => v !== i))) {
    findings.push({
      verdict: 'broken',
      text: `tool call indexes are ${indexes.join(', ')}, not 0..${indexes.length - 1} (clients index an array with them)`,
    });
  } else if (firstIndex !== undefined && firstIndex !== 0) {
    findings.push({ verdict: 'broken', text: `the first tool call has index ${firstIndex}, not 0` });
  }
  const unique = new Map(findings.map((f) => [f.text, f]));
  return { findings: [...unique.values()], deltas };
}

const STREAMED = 'streamed tool call';
const FORCED_STREAMED = 'streamed tool call, required';
const FORCED_PLAIN = 'tool call, required';

/** Did the streamed exchange carry a tool call at all (calls, or any tool_calls delta)? */
function streamedCallsOf(o: Observed | undefined): { reply: Reply; calls: ToolCallView[]; deltas: number } {
  const reply = readReply(o, { stream: true });
  const calls = reply.kind === 'ok' ? firstCalls(reply.completion) : [];
  const deltas = o?.sse ? toolDeltaFindings(o).deltas : 0;
  return { reply, calls, deltas };
}

/** A stream ending with finish_reason tool_calls that carries no call: the relay lost the calls. */
function callsLost(reply: Reply): boolean {
  return reply.kind === 'ok' && reply.completion.choices[0]?.finishReason === 'tool_calls';
}

/**
 * Under tool_choice auto a text answer is the model's free choice: one text sample proves
 * nothing. When the streamed sample has no call, the same request is sent again with
 * tool_choice "required", streamed and not: only a forced call that comes unstreamed and not
 * streamed shows the stream dropping the tools.
 */
function needsForcing(seen: Seen): boolean {
  const s = streamedCallsOf(seen[STREAMED]);
  return s.reply.kind === 'ok' && s.calls.length === 0 && s.deltas === 0 && !callsLost(s.reply);
}

/** The judgement of a stream that carries tool calls (deltas and reassembled calls). */
function judgeStreamedCalls(o: Observed | undefined, label: string, warnings: string[], note: string): Judgement {
  const reply = readReply(o, { stream: true });
  if (reply.kind !== 'ok') return notServed(reply, 'the streamed tool-call request', label);
  if (o?.sse && !o.sse.chat.done) warnings.push('no [DONE] (judged by stream.sse)');
  const calls = firstCalls(reply.completion);
  const delta = o?.sse ? toolDeltaFindings(o) : { findings: [], deltas: 0 };
  // Reassembly problems are reported once, by the delta checks, when there are any.
  const findings = [...delta.findings];
  if (!findings.some((f) => f.verdict === 'broken')) findings.push(...calls.flatMap((c) => callFindings(c, true)));
  const finishReason = reply.completion.choices[0]?.finishReason;
  if (reply.completion.format === 'sse' && (finishReason === null || finishReason === ''))
    warnings.push('no finish_reason in the stream (judged by stream.sse)');
  else {
    const finish = finishFinding(finishReason);
    if (finish) findings.push(finish);
  }
  const verdict = verdictOf(findings);
  const details = {
    calls: calls.map((c) => ({ index: c.index, id: c.id, name: c.name, arguments: c.arguments })),
    toolCallDeltas: delta.deltas,
  };
  const opts = { warnings: [...reply.warnings, ...warnings], details, decisive: label };
  if (verdict === 'supported')
    return judgement(
      'supported',
      `${note}${calls.length} streamed call(s) reassemble: ${describeCalls(calls)}; indexes from 0, id/name first, finish_reason tool_calls`,
      opts,
    );
  return judgement(verdict, `${note}streamed tool calls deviate: ${findings.map((f) => f.text).join('; ')}`, opts);
}

const forcedStreamed = { ...TOOL_CALL_STREAMED, tool_choice: 'required' };
const forcedPlain = { ...TOOL_CALL, tool_choice: 'required' };

export const toolsStream: Probe = {
  feature: 'tools.stream',
  needs: 'model',
  steps: [
    [{ label: STREAMED, body: TOOL_CALL_STREAMED }, TOOL_CALL_REQUEST],
    (seen) =>
      needsForcing(seen)
        ? [
            { label: FORCED_STREAMED, body: forcedStreamed },
            { label: FORCED_PLAIN, body: forcedPlain },
          ]
        : [],
  ],
  judge(seen) {
    const auto = streamedCallsOf(seen[STREAMED]);
    if (auto.reply.kind !== 'ok') return notServed(auto.reply, 'the streamed tool-call request', STREAMED);
    const autoText = quote(firstText(auto.reply.completion));
    if (auto.calls.length > 0 || auto.deltas > 0) return judgeStreamedCalls(seen[STREAMED], STREAMED, [], '');
    if (callsLost(auto.reply))
      return judgement(
        'broken',
        `the stream ends with finish_reason "tool_calls" but carries no tool call (text ${autoText}): the calls were lost on the way`,
        { warnings: auto.reply.warnings, decisive: STREAMED },
      );
    const plain = plainCalls(seen);
    const autoStory =
      plain === undefined
        ? `under tool_choice auto the model answered in text in the streamed sample (${autoText}); the non-streamed one got no completion`
        : plain.length > 0
          ? `under tool_choice auto the model answered in text in the streamed sample (${autoText}); the non-streamed one called ${plain.map((c) => String(c.name)).join(', ')}`
          : `under tool_choice auto the model answered in text streamed (${autoText}) and unstreamed`;
    const forced = streamedCallsOf(seen[FORCED_STREAMED]);
    if (seen[FORCED_STREAMED] === undefined)
      return judgement('inconclusive', `${autoStory}, and no forced request was made`, { decisive: STREAMED });
    if (forced.reply.kind !== 'ok') {
      const why =
        forced.reply.kind === 'refused'
          ? `was refused (HTTP ${forced.reply.status}: ${forced.reply.message})`
          : `failed (${forced.reply.reason})`;
      return judgement('inconclusive', `${autoStory}; the same stream with tool_choice "required" ${why}`, {
        decisive: FORCED_STREAMED,
      });
    }
    if (forced.calls.length > 0 || forced.deltas > 0)
      return judgeStreamedCalls(
        seen[FORCED_STREAMED],
        FORCED_STREAMED,
        [`${autoStory}; judged on the same stream with tool_choice "required"`],
        'with tool_choice "required": ',
      );
    if (callsLost(forced.reply))
      return judgement(
        'broken',
        `the stream with tool_choice "required" ends with finish_reason "tool_calls" but carries no tool call: the calls were lost on the way`,
        { decisive: FORCED_STREAMED },
      );
    const forcedPlainReply = readReply(seen[FORCED_PLAIN], { stream: false });
    const forcedPlainCalls = forcedPlainReply.kind === 'ok' ? firstCalls(forcedPlainReply.completion) : [];
    const forcedText = quote(firstText(forced.reply.completion));
    if (forcedPlainCalls.length > 0)
      return judgement(
        'ignored',
        `with stream: true the tools have no effect: forced with tool_choice "required", the streamed answer was text ${forcedText} while the same request unstreamed called ${forcedPlainCalls.map((c) => String(c.name)).join(', ')} (under auto too, the stream answered in text)`,
        { decisive: FORCED_STREAMED },
      );
    const unstreamed =
      forcedPlainReply.kind === 'ok'
        ? 'the unstreamed request with "required" made none either: the relay may not honour tool_choice (see tool_choice.required) or the model does not use the tools'
        : `the unstreamed request with "required", the comparison, got no completion (${forcedPlainReply.kind === 'refused' ? `HTTP ${forcedPlainReply.status}` : forcedPlainReply.reason})`;
    return judgement(
      'inconclusive',
      `no tool call streamed even with tool_choice "required" (${forcedText}), and ${unstreamed}`,
      { decisive: FORCED_STREAMED },
    );
  },
};

/** The calls to replay: the relay's own when it made some, else a made-up one. */
function callsToReplay(seen: Seen): Record<string, unknown>[] {
  const calls = plainCalls(seen) ?? [];
  const usable = calls.filter((c) => typeof c.id === 'string' && c.id !== '' && typeof c.name === 'string');
  if (usable.length === 0) return [MADE_UP_CALL];
  return usable.map((c) => ({
    id: c.id,
    type: 'function',
    function: {
      name: c.name,
      arguments:
        typeof c.arguments === 'string' && c.arguments.trim() !== ''
          ? c.arguments
          : JSON.stringify(c.arguments ?? {}) || '{}',
    },
  }));
}

export const toolsHistory: Probe = {
  feature: 'tools.history',
  needs: 'model',
  steps: [
    [TOOL_CALL_REQUEST],
    (seen) => {
      const calls = callsToReplay(seen);
      return [
        { label: 'history, content null', body: toolHistory(calls, null) },
        { label: 'history, content ""', body: toolHistory(calls, '') },
        { label: HISTORY_TEXT_LABEL, body: toolHistoryWithText(calls, false) },
      ];
    },
    // The code word missing: said in a message of its own, does the model repeat it?
    (seen) => {
      const reply = readReply(seen[HISTORY_TEXT_LABEL], { stream: false });
      return reply.kind === 'ok' && !saysCodeWord(reply.completion)
        ? [{ label: HISTORY_APART_LABEL, body: toolHistoryWithText(callsToReplay(seen), true) }]
        : [];
    },
  ],
  judge(seen) {
    const warnings: string[] = [];
    if ((plainCalls(seen) ?? []).length === 0)
      warnings.push('the tool-call request made no call, so a made-up call was replayed');
    const withNull = readReply(seen['history, content null'], { stream: false });
    const withEmpty = readReply(seen['history, content ""'], { stream: false });
    for (const [reply, label] of [
      [withNull, 'history, content null'],
      [withEmpty, 'history, content ""'],
    ] as const) {
      if (reply.kind === 'failed' || reply.kind === 'invalid')
        return notServed(reply, `the replay with ${label.slice(9)}`, label);
    }
    if (withNull.kind === 'refused') {
      const alsoEmpty = withEmpty.kind === 'refused' ? '; with content "" too' : '; content "" works';
      return judgement(
        'rejected',
        `replaying an assistant tool call with content null was refused (HTTP ${withNull.status}: ${withNull.message})${alsoEmpty}`,
        { warnings, decisive: 'history, content null' },
      );
    }
    if (withEmpty.kind === 'refused') {
      return judgement(
        'partial',
        `content null works, but content "" was refused (HTTP ${withEmpty.status}: ${withEmpty.message})`,
        { warnings, decisive: 'history, content ""' },
      );
    }
    return judgeHistoryText(seen, warnings);
  },
};

const HISTORY_TEXT_LABEL = 'history, assistant text';
const HISTORY_APART_LABEL = 'history, text apart';
const CODE_WORD_RE = new RegExp(`\\b${CODE_WORD}\\b`, 'i');
const saysCodeWord = (c: Completion): boolean => CODE_WORD_RE.test(firstText(c));

/**
 * The replays work; does the assistant's text beside its tool calls reach the model? Asked
 * for a code word said only there, the model must repeat it. When it does not, the same text
 * in a message of its own tells the relay (the text beside calls dropped, new-api#6615) from
 * a model that does not answer.
 */
function judgeHistoryText(seen: Seen, warnings: string[]): Judgement {
  const replays = 'a tool call and its result replay with content null and with content ""';
  const beside = readReply(seen[HISTORY_TEXT_LABEL], { stream: false });
  if (beside.kind === 'refused')
    return judgement(
      'partial',
      `content null and "" replay, but an assistant message with text beside its tool_calls was refused (HTTP ${beside.status}: ${beside.message})`,
      { warnings, decisive: HISTORY_TEXT_LABEL },
    );
  if (beside.kind !== 'ok') return notServed(beside, 'the replay with assistant text', HISTORY_TEXT_LABEL);
  const answer = quote(firstText(beside.completion), 40);
  if (saysCodeWord(beside.completion))
    return judgement(
      'supported',
      `${replays}; the assistant's text beside its tool_calls reached the model (it repeated the code word said only there)`,
      { warnings, decisive: HISTORY_TEXT_LABEL },
    );
  const apart = readReply(seen[HISTORY_APART_LABEL], { stream: false });
  if (apart.kind === 'ok' && saysCodeWord(apart.completion))
    return judgement(
      'partial',
      `${replays}, but the assistant's text beside its tool_calls is lost: asked for the code word said only there, the model answered ${answer}; said in an assistant message of its own, it repeated it (the relay drops content next to tool_calls)`,
      { warnings, decisive: HISTORY_TEXT_LABEL },
    );
  const control =
    apart.kind === 'ok'
      ? `nor when it was said in a message of its own (${quote(firstText(apart.completion), 40)})`
      : 'and the control replay got no completion';
  return judgement(
    'inconclusive',
    `${replays}, but the model did not repeat the code word said beside its tool_calls (${answer}), ${control}: whether that text reaches the model cannot be told`,
    { warnings, decisive: HISTORY_TEXT_LABEL },
  );
}

// ---------------------------------------------------------------- tools.no_params

const NO_PARAMS_BARE = 'no parameters key, named';
const NO_PARAMS_EMPTY = 'empty parameters, named';
const NO_PARAMS_CONTROL = 'with a parameter, named';
const TIME = TIME_TOOL.function.name;

/** The reply and whether it called get_server_time. */
function timeCalled(o: Observed | undefined): { reply: Reply; called: boolean } {
  const reply = readReply(o, { stream: false });
  return { reply, called: reply.kind === 'ok' && firstCalls(reply.completion).some((c) => c.name === TIME) };
}

/** A completion or a refusal: an answer a control request can be compared with. */
const answered = (reply: Reply): boolean => reply.kind === 'ok' || reply.kind === 'refused';

/** What came instead of the call, for a summary. */
function insteadOf(reply: Reply): string {
  if (reply.kind === 'refused') return `a refusal (HTTP ${reply.status}: ${reply.message})`;
  if (reply.kind !== 'ok') return 'no completion';
  const calls = firstCalls(reply.completion);
  return calls.length > 0 ? describeCalls(calls) : `text ${quote(firstText(reply.completion), 40)}`;
}

export const toolsNoParams: Probe = {
  feature: 'tools.no_params',
  needs: 'model',
  steps: [
    [
      { label: NO_PARAMS_BARE, body: namedTimeTool(TIME_TOOL_BARE) },
      { label: NO_PARAMS_EMPTY, body: namedTimeTool(TIME_TOOL) },
    ],
    (seen) => {
      const both = [timeCalled(seen[NO_PARAMS_BARE]), timeCalled(seen[NO_PARAMS_EMPTY])];
      // A control only for an answer that did not call: nothing to compare with a failed exchange.
      return both.every((b) => b.called) || both.some((b) => !answered(b.reply))
        ? []
        : [{ label: NO_PARAMS_CONTROL, body: namedTimeTool(TIME_TOOL_WITH_PARAM) }];
    },
  ],
  judge(seen) {
    const bare = timeCalled(seen[NO_PARAMS_BARE]);
    const empty = timeCalled(seen[NO_PARAMS_EMPTY]);
    for (const [r, label] of [
      [bare.reply, NO_PARAMS_BARE],
      [empty.reply, NO_PARAMS_EMPTY],
    ] as const)
      if (r.kind === 'failed' || r.kind === 'invalid') return notServed(r, `the request naming ${TIME}`, label);
    if (bare.called && empty.called) {
      // The arguments' shape ("" for {}) is tools.call's finding.
      const warnings = [bare, empty].flatMap(({ reply }) =>
        reply.kind === 'ok'
          ? firstCalls(reply.completion)
              .filter((c) => c.name === TIME)
              .flatMap((c) => callFindings(c, false).map((f) => `${f.text} (judged by tools.call)`))
          : [],
      );
      return judgement(
        'supported',
        `${TIME}, offered beside ${WEATHER_TOOL.function.name} without a parameters key and with an empty object schema, was called both times`,
        { warnings, decisive: NO_PARAMS_BARE },
      );
    }
    const lost = [
      ...(bare.called ? [] : [{ form: 'without a `parameters` key', reply: bare.reply, label: NO_PARAMS_BARE }]),
      ...(empty.called ? [] : [{ form: 'with an empty object schema', reply: empty.reply, label: NO_PARAMS_EMPTY }]),
    ];
    const story = lost.map((l) => `${l.form} it got ${insteadOf(l.reply)}`).join('; ');
    const control = timeCalled(seen[NO_PARAMS_CONTROL]);
    if (!control.called)
      return judgement(
        'inconclusive',
        `tool_choice named ${TIME}: ${story}; given a parameter it was not called either (${insteadOf(control.reply)}), so tool_choice is not honoured here (see tool_choice.named) and a tool without parameters cannot be judged`,
        { decisive: NO_PARAMS_CONTROL },
      );
    const refused = lost.every((l) => l.reply.kind === 'refused');
    return judgement(
      refused ? 'rejected' : 'ignored',
      `a tool without parameters is ${refused ? 'refused' : 'silently dropped'}: tool_choice named ${TIME}, and ${story}, while the same tool with one parameter was called (agents' no-argument tools vanish: new-api#6859)`,
      { decisive: lost[0]!.label },
    );
  },
};

/**
 * Where a forced call did not come: the same request with the named tool given a parameter.
 * Called then, the tool's lack of parameters was the cause (tools.no_params' finding).
 */
function controlCalled(seen: Seen, label: string): boolean {
  return timeCalled(seen[label]).called;
}
const NAMED_CONTROL = 'named, with a parameter';
const REQUIRED_CONTROL = 'required, with a parameter';
const NO_PARAMS_WARNING = `the relay drops tools without parameters (see tools.no_params)`;

export const toolChoiceRequired: Probe = {
  feature: 'tool_choice.required',
  needs: 'model',
  steps: [
    [{ label: 'required', body: TOOL_CHOICE_REQUIRED }],
    (seen) => {
      const reply = readReply(seen['required'], { stream: false });
      if (reply.kind === 'ok' && firstCalls(reply.completion).length > 0)
        return [{ label: 'auto', body: TOOL_CHOICE_AUTO_NO_TOOL }];
      // Its only tool has no parameters: given one, is the call forced?
      return answered(reply) ? [{ label: REQUIRED_CONTROL, body: TOOL_CHOICE_REQUIRED_WITH_PARAM }] : [];
    },
    (seen) => (controlCalled(seen, REQUIRED_CONTROL) ? [{ label: 'auto', body: TOOL_CHOICE_AUTO_NO_TOOL }] : []),
  ],
  judge(seen) {
    const reply = readReply(seen['required'], { stream: false });
    if (reply.kind !== 'ok' && !controlCalled(seen, REQUIRED_CONTROL))
      return notServed(reply, 'tool_choice "required"', 'required');
    let calls = reply.kind === 'ok' ? firstCalls(reply.completion) : [];
    const warnings: string[] = [];
    if (calls.length === 0 && controlCalled(seen, REQUIRED_CONTROL)) {
      // tools.no_params' finding: judged on the control, the cause shown here.
      warnings.push(`${NO_PARAMS_WARNING}: its only tool, ${TIME}, was called under "required" once given a parameter`);
      const control = readReply(seen[REQUIRED_CONTROL], { stream: false });
      calls = control.kind === 'ok' ? firstCalls(control.completion) : [];
    }
    if (calls.length === 0 && reply.kind === 'ok') {
      return judgement(
        'ignored',
        `no tool call under tool_choice "required": the answer was text ${quote(firstText(reply.completion))}`,
        { decisive: 'required' },
      );
    }
    const auto = readReply(seen['auto'], { stream: false });
    if (auto.kind !== 'ok')
      return judgement('inconclusive', `a call came (${describeCalls(calls)}) but the comparison under auto failed`, {
        warnings,
        decisive: 'auto',
      });
    if (firstCalls(auto.completion).length > 0) {
      return judgement(
        'inconclusive',
        'the model calls a tool for this prompt even under auto, so "required" made no visible difference',
        { warnings, decisive: 'auto' },
      );
    }
    return judgement(
      'supported',
      `tool_choice "required" forced a call (${describeCalls(calls)}); under auto the answer was text`,
      { warnings, decisive: warnings.length > 0 ? REQUIRED_CONTROL : 'required' },
    );
  },
};

export const toolChoiceNamed: Probe = {
  feature: 'tool_choice.named',
  needs: 'model',
  steps: [
    [{ label: 'named', body: TOOL_CHOICE_NAMED }],
    // The named tool has no parameters: not called, is it called once given one?
    (seen) => {
      const named = timeCalled(seen['named']);
      return named.called || !answered(named.reply)
        ? []
        : [{ label: NAMED_CONTROL, body: TOOL_CHOICE_NAMED_WITH_PARAM }];
    },
  ],
  judge(seen) {
    const reply = readReply(seen['named'], { stream: false });
    const named = TIME_TOOL.function.name;
    // tools.no_params' finding: judged on the control, the cause shown here.
    const control = controlCalled(seen, NAMED_CONTROL) ? readReply(seen[NAMED_CONTROL], { stream: false }) : undefined;
    if (control?.kind === 'ok') {
      const calls = firstCalls(control.completion);
      const others = calls.filter((c) => c.name !== named);
      return judgement(
        others.length > 0 ? 'partial' : 'supported',
        `the named ${named} was called although the prompt suits ${WEATHER_TOOL.function.name}, once given a parameter${others.length > 0 ? `, but so was ${describeCalls(others)}` : ''}`,
        {
          warnings: [`${NO_PARAMS_WARNING}: without parameters the named ${named} got ${insteadOf(reply)}`],
          decisive: NAMED_CONTROL,
        },
      );
    }
    if (reply.kind !== 'ok') return notServed(reply, 'tool_choice naming a function', 'named');
    const calls = firstCalls(reply.completion);
    const names = calls.map((c) => c.name);
    const warnings =
      reply.completion.choices[0]?.finishReason === 'stop'
        ? ['finish_reason "stop" on a forced call (OpenAI does this too)']
        : [];
    if (!names.includes(named)) {
      return judgement(
        'ignored',
        calls.length > 0
          ? `tool_choice named ${named} but ${describeCalls(calls)} was called`
          : `tool_choice named ${named} but no call came (text ${quote(firstText(reply.completion))})`,
        { warnings, decisive: 'named' },
      );
    }
    if (names.some((n) => n !== named)) {
      return judgement(
        'partial',
        `${named} was called, but so was ${names
          .filter((n) => n !== named)
          .map(String)
          .join(', ')}`,
        { warnings, decisive: 'named' },
      );
    }
    return judgement(
      'supported',
      `the named ${named} was called although the prompt suits ${WEATHER_TOOL.function.name}`,
      { warnings, decisive: 'named' },
    );
  },
};

function baselineCalls(seen: Seen): { calls?: ToolCallView[]; completion?: Completion } {
  const reply = readReply(seen['tool call'], { stream: false });
  return reply.kind === 'ok' ? { calls: firstCalls(reply.completion), completion: reply.completion } : {};
}

export const toolChoiceNone: Probe = {
  feature: 'tool_choice.none',
  needs: 'model',
  steps: [[{ label: 'none', body: TOOL_CHOICE_NONE }, TOOL_CALL_REQUEST]],
  judge(seen) {
    const reply = readReply(seen['none'], { stream: false });
    if (reply.kind !== 'ok') return notServed(reply, 'tool_choice "none"', 'none');
    const calls = firstCalls(reply.completion);
    if (calls.length > 0)
      return judgement('ignored', `tool_choice "none" still produced ${describeCalls(calls)}`, { decisive: 'none' });
    const base = baselineCalls(seen);
    if (!base.calls)
      return judgement(
        'inconclusive',
        'text came under "none", but the same request under auto failed, so there is nothing to compare',
        { decisive: 'none' },
      );
    if (base.calls.length === 0)
      return judgement(
        'inconclusive',
        'the model makes no call for this prompt even under auto, so "none" made no visible difference',
        { decisive: 'tool call' },
      );
    return judgement(
      'supported',
      `text under "none" (${quote(firstText(reply.completion), 40)}) where auto called ${base.calls.map((c) => String(c.name)).join(', ')}`,
      { decisive: 'none' },
    );
  },
};

export const parallelToolCalls: Probe = {
  feature: 'parallel_tool_calls',
  needs: 'model',
  steps: [[{ label: 'parallel_tool_calls false', body: NO_PARALLEL_CALLS }, TOOL_CALL_REQUEST]],
  judge(seen) {
    const reply = readReply(seen['parallel_tool_calls false'], { stream: false });
    if (reply.kind !== 'ok') return notServed(reply, 'parallel_tool_calls false', 'parallel_tool_calls false');
    const calls = firstCalls(reply.completion);
    if (calls.length > 1)
      return judgement(
        'ignored',
        `parallel_tool_calls false still gave ${calls.length} calls: ${describeCalls(calls)}`,
        { decisive: 'parallel_tool_calls false' },
      );
    const base = baselineCalls(seen);
    if (!base.calls)
      return judgement(
        'inconclusive',
        `${calls.length} call(s) with the flag, but the same request without it failed`,
        { decisive: 'parallel_tool_calls false' },
      );
    if (base.calls.length < 2) {
      // The prompt wants get_server_time too: its absence may be tools.no_params' finding.
      const lost =
        base.calls.some((c) => c.name === WEATHER_TOOL.function.name) && !base.calls.some((c) => c.name === TIME);
      return judgement(
        'inconclusive',
        `without the flag the model made ${base.calls.length} call(s), so limiting to one made no visible difference${lost ? ` (${TIME}, which has no parameters, was not called: if tools.no_params finds it dropped, that is why)` : ''}`,
        { decisive: 'tool call' },
      );
    }
    return judgement(
      'supported',
      `${calls.length} call with parallel_tool_calls false, ${base.calls.length} without it`,
      { decisive: 'parallel_tool_calls false' },
    );
  },
};
