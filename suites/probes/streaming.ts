// Streaming: stream.sse (framing: the one feature charged for SSE faults), stream.default,
// stream.include_usage, stream.integrity. stream.sse reads the streamed stop request (stop's
// own streamed half), so framing costs no extra request; stream.integrity adds one (the basic
// request streamed) and borrows the tool-call pair of tools.call and tools.stream.
import type { ReportVerdict } from '../../spec/generated/types.js';
import {
  errorMessage,
  failure,
  firstText,
  isObject,
  isRefusal,
  oneLine,
  quote,
  readReply,
  streamChunks,
  unusable,
  usageInt,
  type JsonObject,
} from '../wire/read.js';
import { judgeIntegrity, pickStreamedUsage, type ToolArgsPair, type UsageCounts } from '../wire/integrity.js';
import {
  ALPHA_PROMPT,
  BASIC_REQUEST,
  BASIC_STREAMED,
  BASIC_STREAMED_USAGE,
  JSON_BASELINE,
  STOP_STREAMED,
  STOP_STREAMED_USAGE,
  TOOL_CALL,
  TOOL_CALL_STREAMED,
} from '../wire/requests.js';
import { judgement, type Observed, type Probe, type RequestSpec } from '../wire/types.js';

export const STREAM_REQUEST: RequestSpec = { label: 'stream', body: STOP_STREAMED };
export const STREAM_USAGE_REQUEST: RequestSpec = { label: 'stream with include_usage', body: STOP_STREAMED_USAGE };
/** `stream` omitted; also the baseline of the JSON probes. */
export const STREAM_OMITTED_REQUEST: RequestSpec = { label: 'stream omitted', body: JSON_BASELINE };

/** Spec-legal SSE quirks that trip naive parsers: warnings, never a verdict. */
export function sseWarnings(o: Observed): string[] {
  const sse = o.sse;
  if (!sse) return [];
  const ob = sse.observations;
  const out: string[] = [];
  if (ob.comments > 0) out.push(`${ob.comments} SSE comment line(s) (spec-legal; naive parsers trip)`);
  if (ob.crlf > 0 || ob.cr > 0) out.push('CRLF/CR line endings (spec-legal)');
  if (ob.noSpaceAfterColon > 0) out.push('`data:` without a space after the colon (spec-legal)');
  if (ob.multiLineData > 0) out.push('JSON split over several `data:` lines (spec-legal)');
  if (ob.eventFields > 0) out.push('`event:` lines (spec-legal)');
  if (sse.chat.eventTypes.length > 0)
    out.push(`named events ${sse.chat.eventTypes.join(', ')} (clients listening for "message" miss them)`);
  if (ob.bom) out.push('a byte-order mark at the start');
  if (ob.unterminatedLast) out.push('the last event has no terminating blank line');
  if (ob.unknownFields > 0) out.push(`${ob.unknownFields} line(s) with an unknown SSE field`);
  if (sse.chat.afterDone > 0) out.push(`${sse.chat.afterDone} event(s) after [DONE]`);
  return out;
}

/**
 * Content deltas, each the whole text so far instead of the new part. A delta equal to the
 * text so far (a repeated finish chunk re-sending it, as one gateway does) does not clear
 * the stream; at least one delta must extend the previous one.
 */
export function cumulativeDeltas(deltas: readonly string[]): boolean {
  let acc = '';
  let grew = 0;
  for (const d of deltas) {
    if (acc !== '') {
      if (!d.startsWith(acc)) return false;
      if (d.length > acc.length) grew++;
    }
    acc = d;
  }
  return grew > 0;
}

/** Framing problems of a chat stream (stream.sse's judgement, pure). */
export function framingProblems(o: Observed): { broken: string[]; partial: string[]; chunks: number } {
  const broken: string[] = [];
  const partial: string[] = [];
  const sse = o.sse!;
  if (o.contentType !== 'text/event-stream')
    partial.push(`Content-Type is ${JSON.stringify(o.contentType || '(none)')}, not text/event-stream`);
  if (sse.chat.nonJson.length > 0) broken.push(`data that is not JSON: ${quote(sse.chat.nonJson[0]!, 40)}`);
  if (sse.chat.errorEvents.length > 0)
    broken.push(`an error event in the stream: ${oneLine(JSON.stringify(sse.chat.errorEvents[0]), 80)}`);
  const raw = sse.chat.chunks;
  const chunks = streamChunks(o);
  if (raw.length !== chunks.length) broken.push('data events that are JSON but not objects');
  if (!sse.chat.done) broken.push('no `data: [DONE]` at the end');
  if (chunks.length === 0) {
    broken.push('no chunk');
    return { broken, partial, chunks: 0 };
  }
  if (chunks.some((c) => c['object'] !== 'chat.completion.chunk'))
    partial.push('chunks without `object: "chat.completion.chunk"`');
  const ids = new Set(chunks.map((c) => JSON.stringify(c['id'])));
  if (ids.size > 1) partial.push(`${ids.size} different chunk ids in one stream`);

  // Per choice: role first, incremental deltas, exactly one finish_reason.
  const perChoice = new Map<number, { deltas: JsonObject[]; finishes: unknown[] }>();
  for (const chunk of chunks) {
    const choices = chunk['choices'];
    if (!Array.isArray(choices)) {
      if (!isObject(chunk['usage'])) broken.push('a chunk without a `choices` array');
      continue;
    }
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
      const entry = perChoice.get(index) ?? { deltas: [], finishes: [] };
      perChoice.set(index, entry);
      entry.deltas.push(isObject(choice['delta']) ? choice['delta'] : {});
      entry.finishes.push(choice['finish_reason']);
    }
  }
  if (perChoice.size === 0) broken.push('no chunk carries a choice');
  for (const [index, { deltas, finishes }] of perChoice) {
    const which = perChoice.size > 1 ? ` (choice ${index})` : '';
    if (deltas[0]?.['role'] !== 'assistant') partial.push(`the first delta has no \`role: "assistant"\`${which}`);
    const set = finishes.filter((f) => f !== null && f !== undefined);
    if (set.some((f) => f === ''))
      broken.push(`\`finish_reason: ""\` instead of null on ${set.filter((f) => f === '').length} chunk(s)${which}`);
    const real = set.filter((f) => f !== '');
    if (real.length === 0) broken.push(`no chunk carries a finish_reason${which}`);
    else if (real.length > 1) partial.push(`finish_reason sent ${real.length} times${which}`);
    const texts = deltas.map((d) => d['content']).filter((t): t is string => typeof t === 'string' && t !== '');
    if (cumulativeDeltas(texts))
      broken.push(`each content delta repeats the whole text so far${which}: concatenation duplicates it`);
  }
  return { broken: [...new Set(broken)], partial: [...new Set(partial)], chunks: chunks.length };
}

export const streamSse: Probe = {
  feature: 'stream.sse',
  needs: 'model',
  steps: [[STREAM_REQUEST]],
  judge(seen) {
    const o = seen['stream'];
    if (!o || o.status === null) return judgement('error', `could not measure: ${failure(o) ?? 'no response'}`);
    if (o.status >= 300 || (isRefusal(o) && !o.sse)) {
      const reply = readReply(o, { stream: true });
      if (reply.kind !== 'ok') {
        const u = unusable(reply, 'the streamed request');
        return judgement(u.verdict, u.summary, { warnings: u.warnings });
      }
    }
    if (o.error?.kind === 'stream-too-long')
      return judgement('broken', `the stream never ended: ${o.error.message}, no [DONE] (clients hang)`);
    if (o.error?.kind === 'timeout') return judgement('error', `could not measure: ${o.error.message}`);
    if (o.error?.kind === 'too-large')
      return judgement('broken', `the stream was larger than the read cap: ${o.error.message}`);
    const cut = o.error?.kind === 'network' ? [`the connection was cut mid-stream (${o.error.message})`] : [];
    if (!o.sse) {
      const reply = readReply(o, { stream: true });
      if (reply.kind === 'ok')
        return judgement('broken', '`stream: true` was answered with a single JSON body, not SSE');
      return judgement(
        'broken',
        `\`stream: true\` was answered with HTTP ${o.status} ${o.contentType || '(no content type)'}, not SSE: ${quote(o.text, 60)}`,
      );
    }
    const { broken, partial, chunks } = framingProblems(o);
    broken.unshift(...cut);
    const warnings = sseWarnings(o);
    const extra = new Set<string>();
    for (const c of streamChunks(o))
      for (const k of Object.keys(c))
        if (!['id', 'object', 'created', 'model', 'choices', 'usage', 'system_fingerprint', 'service_tier'].includes(k))
          extra.add(k);
    if (extra.size > 0) warnings.push(`extra chunk fields (informational): ${[...extra].join(', ')}`);
    const details = { chunks, observations: o.sse.observations };
    if (broken.length > 0)
      return judgement('broken', `the stream breaks clients: ${[...broken, ...partial].join('; ')}`, {
        warnings,
        details,
      });
    if (partial.length > 0)
      return judgement('partial', `the stream deviates: ${partial.join('; ')}`, { warnings, details });
    return judgement(
      'supported',
      `${chunks} chunk(s) of text/event-stream, one id, role first, one finish_reason, then [DONE]`,
      { warnings, details },
    );
  },
};

export const streamDefault: Probe = {
  feature: 'stream.default',
  needs: 'model',
  steps: [[STREAM_OMITTED_REQUEST]],
  judge(seen) {
    const o = seen['stream omitted'];
    if (o?.sse) {
      return judgement(
        'broken',
        `without \`stream\`, the answer was an SSE stream (${o.sse.events.length} events): SDKs making a non-streamed call cannot read it`,
      );
    }
    const reply = readReply(o, { stream: false });
    if (reply.kind !== 'ok') {
      const u = unusable(reply, 'the request without `stream`');
      return judgement(u.verdict, u.summary, { warnings: u.warnings });
    }
    const warnings = o!.contentType.includes('json')
      ? []
      : [`Content-Type is ${JSON.stringify(o!.contentType)}, not application/json`];
    if (reply.completion.top['object'] !== 'chat.completion')
      warnings.push(`object is ${JSON.stringify(reply.completion.top['object'])}`);
    return judgement('supported', 'without `stream`, the answer is one JSON chat.completion body', { warnings });
  },
};

interface UsageFinding {
  verdict: ReportVerdict;
  text: string;
}

/** The index of the first chunk with a choice that carries a finish_reason, or -1. */
function finishChunkAt(chunks: readonly JsonObject[]): number {
  return chunks.findIndex(
    (c) =>
      Array.isArray(c['choices']) &&
      c['choices'].some((ch) => isObject(ch) && ch['finish_reason'] != null && ch['finish_reason'] !== ''),
  );
}

/** Where usage sits in a stream that asked for it. */
function askedUsage(o: Observed): UsageFinding {
  const chunks = streamChunks(o);
  const hasChoices = (c: JsonObject): boolean => Array.isArray(c['choices']) && c['choices'].length > 0;
  const finishAt = finishChunkAt(chunks);
  const withUsage = chunks.map((c, i) => ({ c, i })).filter(({ c }) => isObject(c['usage']));
  if (withUsage.length === 0)
    return { verdict: 'ignored', text: 'no usage in the stream although stream_options.include_usage was true' };
  if (withUsage.some(({ c }) => !Array.isArray(c['choices']))) {
    return {
      verdict: 'broken',
      text: `the usage chunk has \`choices: ${JSON.stringify(withUsage.find(({ c }) => !Array.isArray(c['choices']))!.c['choices']) ?? 'missing'}\` instead of [] (clients iterating choices throw)`,
    };
  }
  const separate = withUsage.filter(({ c, i }) => !hasChoices(c) && (finishAt === -1 || i > finishAt));
  const onContent = withUsage.filter(({ c }) => hasChoices(c));
  const onFinish = onContent.filter(({ i }) => i === finishAt);
  if (onContent.length > 1)
    return {
      verdict: 'partial',
      text: `usage on ${onContent.length} content chunks instead of null (clients summing usage overcount)`,
    };
  if (onFinish.length === 1 && separate.length > 0)
    return {
      verdict: 'partial',
      text: 'usage on the finish chunk and again in a separate chunk (clients adding both double count)',
    };
  if (onFinish.length === 1)
    return { verdict: 'partial', text: 'usage on the finish chunk instead of a separate `choices: []` chunk after it' };
  if (onContent.length === 1)
    return { verdict: 'partial', text: 'usage on a content chunk instead of a separate `choices: []` chunk' };
  if (separate.length > 1) return { verdict: 'partial', text: `${separate.length} usage chunks instead of one` };
  if (separate.length === 0) return { verdict: 'partial', text: 'the usage chunk comes before the finish chunk' };
  return { verdict: 'supported', text: 'one `choices: []` chunk with usage after the finish chunk' };
}

export const streamIncludeUsage: Probe = {
  feature: 'stream.include_usage',
  needs: 'model',
  steps: [[STREAM_REQUEST, STREAM_USAGE_REQUEST]],
  judge(seen) {
    const asked = seen['stream with include_usage'];
    const reply = readReply(asked, { stream: true });
    if (reply.kind !== 'ok') {
      const u = unusable(reply, 'the stream with stream_options.include_usage');
      return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: 'stream with include_usage' });
    }
    if (!asked?.sse)
      return judgement('inconclusive', 'the request with include_usage was not answered as a stream (see stream.sse)', {
        decisive: 'stream with include_usage',
      });
    const warnings: string[] = [];
    // Neither a finish chunk nor [DONE]: the stream was cut where usage would come.
    const chunks = streamChunks(asked);
    if (!asked.sse.chat.done && finishChunkAt(chunks) === -1 && !chunks.some((c) => isObject(c['usage'])))
      return judgement(
        'inconclusive',
        'the stream ended with neither a finish chunk nor [DONE] (a cut, judged by stream.sse), before usage could come',
        { decisive: 'stream with include_usage' },
      );
    if (!asked.sse.chat.done) warnings.push('no [DONE] (judged by stream.sse)');
    const findings: UsageFinding[] = [askedUsage(asked)];
    const plain = seen['stream'];
    if (plain?.sse) {
      const unasked = streamChunks(plain).filter((c) => isObject(c['usage']));
      if (unasked.length > 0) {
        findings.push({
          verdict: 'partial',
          text: `usage sent although not asked (${unasked.length} chunk(s)${unasked.some((c) => Array.isArray(c['choices']) && c['choices'].length === 0) ? ', including a `choices: []` chunk' : ''})`,
        });
      }
    } else {
      warnings.push(
        `the stream without include_usage could not be read: ${failure(plain) ?? (plain ? `HTTP ${plain.status} ${errorMessage(plain)}` : 'not made')}`,
      );
    }
    const order: ReportVerdict[] = ['broken', 'ignored', 'partial', 'supported'];
    const verdict = order.find((v) => findings.some((f) => f.verdict === v)) ?? 'supported';
    const bad = findings.filter((f) => f.verdict !== 'supported');
    const summary =
      bad.length === 0 ? `${findings[0]!.text}; no usage when not asked` : bad.map((f) => f.text).join('; ');
    const decisive = findings[0]!.verdict === 'supported' && bad.length > 0 ? 'stream' : 'stream with include_usage';
    return judgement(verdict, summary, { warnings, decisive });
  },
};

export const INTEGRITY_STREAM_REQUEST: RequestSpec = { label: 'basic streamed', body: BASIC_STREAMED_USAGE };
/** Sent only when the relay refuses stream_options (stream.include_usage's finding): the text is still judged. */
const INTEGRITY_PLAIN_STREAM: RequestSpec = { label: 'basic streamed, no stream_options', body: BASIC_STREAMED };
/** Byte-identical to tools.call's and tools.stream's first requests: shared, not sent again. */
const INTEGRITY_TOOLS: RequestSpec = { label: 'tool call', body: TOOL_CALL };
const INTEGRITY_TOOLS_STREAMED: RequestSpec = { label: 'streamed tool call', body: TOOL_CALL_STREAMED };

/** The content deltas of choice 0, in order, as a client concatenates them. */
function contentDeltas(chunks: readonly JsonObject[]): string[] {
  const out: string[] = [];
  for (const c of chunks)
    for (const ch of Array.isArray(c['choices']) ? c['choices'] : [])
      if (
        isObject(ch) &&
        (ch['index'] ?? 0) === 0 &&
        isObject(ch['delta']) &&
        typeof ch['delta']['content'] === 'string'
      )
        out.push(ch['delta']['content']);
  return out;
}

/**
 * Each streamed tool call's argument fragments, by tool-call index as the SDK accumulates them,
 * paired with the non-streamed call of the same name. Nothing when a delta has no integer index
 * (tools.stream's fault, the SDK cannot pair fragments then).
 */
function toolArgPairs(streamed: Observed | undefined, plain: Observed | undefined): ToolArgsPair[] {
  const reply = readReply(plain, { stream: false });
  if (!streamed?.sse || reply.kind !== 'ok') return [];
  const calls = new Map<number, { name: string | undefined; fragments: string[] }>();
  for (const c of streamChunks(streamed))
    for (const ch of Array.isArray(c['choices']) ? c['choices'] : []) {
      if (!isObject(ch) || (ch['index'] ?? 0) !== 0 || !isObject(ch['delta'])) continue;
      const items = ch['delta']['tool_calls'];
      if (!Array.isArray(items)) continue;
      for (const t of items) {
        if (!isObject(t) || typeof t['index'] !== 'number') return [];
        const fn = isObject(t['function']) ? t['function'] : {};
        const call = calls.get(t['index']) ?? { name: undefined, fragments: [] };
        calls.set(t['index'], call);
        if (call.name === undefined && typeof fn['name'] === 'string') call.name = fn['name'];
        if (typeof fn['arguments'] === 'string') call.fragments.push(fn['arguments']);
      }
    }
  const references = (reply.completion.choices[0]?.toolCalls ?? []).filter(
    (t) => typeof t.name === 'string' && typeof t.arguments === 'string',
  );
  const pairs: ToolArgsPair[] = [];
  for (const call of calls.values()) {
    const at = references.findIndex((r) => r.name === call.name);
    if (call.name === undefined || at === -1) continue;
    pairs.push({ name: call.name, fragments: call.fragments, reference: references[at]!.arguments as string });
    references.splice(at, 1);
  }
  return pairs;
}

const usageCounts = (usage: JsonObject | undefined): UsageCounts => ({
  prompt: usageInt(usage, 'prompt_tokens'),
  completion: usageInt(usage, 'completion_tokens'),
});

export const streamIntegrity: Probe = {
  feature: 'stream.integrity',
  needs: 'model',
  steps: [
    [BASIC_REQUEST, INTEGRITY_STREAM_REQUEST, INTEGRITY_TOOLS, INTEGRITY_TOOLS_STREAMED],
    (seen) =>
      readReply(seen[INTEGRITY_STREAM_REQUEST.label], { stream: true }).kind === 'refused'
        ? [INTEGRITY_PLAIN_STREAM]
        : [],
  ],
  judge(seen) {
    const fallback = seen[INTEGRITY_PLAIN_STREAM.label] !== undefined;
    const decisive = fallback ? INTEGRITY_PLAIN_STREAM.label : INTEGRITY_STREAM_REQUEST.label;
    // What this builds on failed: error when nothing could be read, skipped when the answer is
    // no completion (chat.basic's and stream.sse's findings), as the other borrowing probes do.
    const plain = readReply(seen[BASIC_REQUEST.label], { stream: false });
    if (plain.kind === 'failed')
      return judgement('error', `could not measure: the non-streamed request failed, ${plain.reason}`, {
        decisive: BASIC_REQUEST.label,
      });
    if (plain.kind !== 'ok')
      return judgement('skipped', 'the basic request got no completion to read (see chat.basic)', {
        decisive: BASIC_REQUEST.label,
      });
    const o = seen[decisive];
    const streamed = readReply(o, { stream: true });
    if (streamed.kind === 'failed')
      return judgement('error', `could not measure: the streamed request failed, ${streamed.reason}`, { decisive });
    if (streamed.kind !== 'ok' || !o?.sse)
      return judgement(
        'skipped',
        `the streamed request got no completion to read as a stream (see stream.sse and stream.include_usage): ${streamed.kind === 'ok' ? 'a single JSON body' : streamed.kind === 'refused' ? `HTTP ${streamed.status} ${oneLine(streamed.message, 80)}` : streamed.reason}`,
        { decisive },
      );
    const warnings: string[] = fallback
      ? ['the request with stream_options was refused (see stream.include_usage): the text compared without usage']
      : [];
    let deltas = contentDeltas(streamed.completion.chunks);
    // Cumulative deltas are stream.sse's finding: read them as meant (the last is the text).
    if (cumulativeDeltas(deltas.filter((d) => d !== ''))) {
      warnings.push('each content delta repeats the whole text so far (judged by stream.sse); read as cumulative');
      deltas = deltas.filter((d) => d !== '').slice(-1);
    }
    const nonStreamedUsage = usageCounts(plain.completion.usage);
    const picked = pickStreamedUsage(
      streamed.completion.chunks.filter((c) => isObject(c['usage'])).map((c) => usageCounts(c['usage'] as JsonObject)),
      nonStreamedUsage,
    );
    if (picked.others > 0)
      warnings.push(
        `${picked.others} other usage object(s) in the stream with other counts (where usage goes is judged by stream.include_usage)`,
      );
    const result = judgeIntegrity({
      deltas,
      reference: firstText(plain.completion),
      toolArgs: toolArgPairs(seen[INTEGRITY_TOOLS_STREAMED.label], seen[INTEGRITY_TOOLS.label]),
      streamedUsage: picked.usage,
      nonStreamedUsage,
      promptChars: ALPHA_PROMPT.length,
    });
    return judgement(result.verdict, result.summary, {
      warnings: [...warnings, ...result.warnings],
      details: result.details,
      decisive,
    });
  },
};
