// Generation controls: max_tokens, max_completion_tokens, stop, n, seed, logprobs,
// params.unknown, params.range. Where a parameter may be dropped silently, the judge
// compares with an answer the model gives without it, or uses a prompt whose answer is
// known ("Count from 1 to 50", "Output exactly: alpha beta gamma delta").
import type { ReportVerdict } from '../../spec/generated/types.js';
import {
  errorMessage,
  failure,
  firstText,
  isObject,
  isRefusal,
  quote,
  readReply,
  unusable,
  usageInt,
  type Reply,
} from '../wire/read.js';
import {
  AFTER_STOP_WORD,
  BASIC_REQUEST,
  CAP,
  COUNT_TO,
  LOGPROBS,
  MAX_COMPLETION_TOKENS,
  MAX_TOKENS,
  N_CHOICES,
  N_CHOICES_STREAMED,
  OUT_OF_RANGE,
  SEEDED,
  STOP_NON_STREAMED,
  STOP_WORD,
  UNKNOWN_PARAM,
  WITH_UNKNOWN_PARAM,
} from '../wire/requests.js';
import { STREAM_REQUEST } from './streaming.js';
import { judgement, type Judgement, type Probe, type RequestSpec, type Seen } from '../wire/types.js';

function notServed(reply: Exclude<Reply, { kind: 'ok' }>, what: string, decisive?: string): Judgement {
  const u = unusable(reply, what);
  return judgement(u.verdict, u.summary, { warnings: u.warnings, ...(decisive !== undefined ? { decisive } : {}) });
}

// ---------------------------------------------------------------- token caps

/** "1, 2, 3" is a beginning of the expected count (spacing aside). */
function isCountPrefix(text: string): boolean {
  const expected = Array.from({ length: COUNT_TO }, (_, i) => i + 1).join(',');
  const got = text.replace(/\s+/g, '');
  return got !== '' && expected.startsWith(got.replace(/,$/, ''));
}

/** The cap probes: a long known answer with a 5-token cap. */
export function judgeCap(seen: Seen, label: string, param: string): Judgement {
  const reply = readReply(seen[label], { stream: false });
  if (reply.kind !== 'ok') return notServed(reply, `the request with ${param} ${CAP}`);
  const choice = reply.completion.choices[0];
  const text = choice?.content ?? '';
  const finish = choice?.finishReason;
  const tokens = usageInt(reply.completion.usage, 'completion_tokens');
  const numbers: string[] = text.match(/\d+/g) ?? [];
  const reachedEnd = numbers.includes(String(COUNT_TO));
  const details = { completion_tokens: tokens ?? null, finish_reason: finish, content: text.slice(0, 200) };
  const warnings = [...reply.warnings];
  if (tokens === undefined) warnings.push('no usage.completion_tokens: judged from the text');
  if ((tokens !== undefined && tokens > CAP) || (tokens === undefined && reachedEnd)) {
    return judgement(
      'ignored',
      `${param} ${CAP} was not applied: ${tokens !== undefined ? `completion_tokens ${tokens}` : `the whole count came back`} (finish_reason ${JSON.stringify(finish)})`,
      { details, warnings },
    );
  }
  if (finish === 'length') {
    return judgement(
      'supported',
      `cut at ${tokens ?? '≤ ' + CAP} token(s) with finish_reason "length": ${quote(text, 40)}`,
      { details, warnings },
    );
  }
  if (isCountPrefix(text) && !reachedEnd) {
    return judgement(
      'partial',
      `cut at ${tokens ?? '≤ ' + CAP} token(s) (${quote(text, 40)}) but finish_reason is ${JSON.stringify(finish)}, not "length": the truncation is hidden`,
      { details, warnings },
    );
  }
  return judgement(
    'inconclusive',
    `the model answered ${quote(text, 40)} (finish_reason ${JSON.stringify(finish)}) within the cap, so the cap was never tested`,
    { details, warnings },
  );
}

export const maxTokens: Probe = {
  feature: 'max_tokens',
  needs: 'model',
  steps: [[{ label: 'max_tokens', body: MAX_TOKENS }]],
  judge: (seen) => judgeCap(seen, 'max_tokens', 'max_tokens'),
};

export const maxCompletionTokens: Probe = {
  feature: 'max_completion_tokens',
  needs: 'model',
  steps: [[{ label: 'max_completion_tokens', body: MAX_COMPLETION_TOKENS }]],
  judge: (seen) => judgeCap(seen, 'max_completion_tokens', 'max_completion_tokens'),
};

// ---------------------------------------------------------------- stop

type StopOutcome =
  | { kind: 'honoured' | 'ignored' | 'included'; text: string }
  | { kind: 'undecided'; text: string; why: string }
  | { kind: 'unusable'; reply: Exclude<Reply, { kind: 'ok' }> };

function stopOutcome(reply: Reply, baselineSaysStopWord: boolean | undefined): StopOutcome {
  if (reply.kind !== 'ok') return { kind: 'unusable', reply };
  const text = firstText(reply.completion);
  const raw = reply.completion.choices[0]?.finishReason;
  // A stream without a finish chunk is stream.sse's finding, not stop's.
  const finish = reply.completion.format === 'sse' && (raw === null || raw === '') ? 'stop' : raw;
  // Stop sequences match exactly, case included: "Gamma" does not stop on "gamma", so a model
  // that capitalises shows nothing about the server (it is not `ignored`).
  const at = text.indexOf(STOP_WORD);
  if (at >= 0) return { kind: text.slice(at + STOP_WORD.length).trim() === '' ? 'included' : 'ignored', text };
  if (text.toLowerCase().includes(STOP_WORD))
    return {
      kind: 'undecided',
      text,
      why: `the model wrote "${STOP_WORD}" in another case, which a stop string does not match`,
    };
  if (baselineSaysStopWord === false)
    return { kind: 'undecided', text, why: `without stop the model did not say "${STOP_WORD}" either` };
  if (baselineSaysStopWord === undefined)
    return { kind: 'undecided', text, why: 'the answer without stop could not be read' };
  if (finish !== 'stop')
    return {
      kind: 'undecided',
      text,
      why: `the answer ended with finish_reason ${JSON.stringify(finish)} before reaching "${STOP_WORD}"`,
    };
  if (text.toLowerCase().includes(AFTER_STOP_WORD))
    return { kind: 'undecided', text, why: 'the answer skipped the stop string but went on' };
  return { kind: 'honoured', text };
}

export const stop: Probe = {
  feature: 'stop',
  needs: 'model',
  steps: [
    [
      { ...BASIC_REQUEST, label: 'without stop' },
      { label: 'with stop', body: STOP_NON_STREAMED },
      { ...STREAM_REQUEST, label: 'streamed with stop' },
    ],
  ],
  judge(seen) {
    const base = readReply(seen['without stop'], { stream: false });
    const baselineSays = base.kind === 'ok' ? firstText(base.completion).includes(STOP_WORD) : undefined;
    const plain = stopOutcome(readReply(seen['with stop'], { stream: false }), baselineSays);
    const streamed = stopOutcome(readReply(seen['streamed with stop'], { stream: true }), baselineSays);
    const details = {
      withoutStop: base.kind === 'ok' ? firstText(base.completion) : null,
      withStop: 'text' in plain ? plain.text : null,
      streamedWithStop: 'text' in streamed ? streamed.text : null,
    };
    if (plain.kind === 'unusable') return notServed(plain.reply, 'the request with stop', 'with stop');
    if (streamed.kind === 'unusable') {
      if (streamed.reply.kind === 'refused' && plain.kind === 'honoured') {
        return judgement(
          'partial',
          `stop works without streaming, but the streamed request was refused (HTTP ${streamed.reply.status}: ${streamed.reply.message})`,
          { details, decisive: 'streamed with stop' },
        );
      }
      return notServed(streamed.reply, 'the streamed request with stop', 'streamed with stop');
    }
    const included = [plain, streamed].find((o) => o.kind === 'included');
    if (included) {
      const where =
        plain.kind === 'included' && streamed.kind === 'included'
          ? ''
          : plain.kind === 'included'
            ? ' (not streamed)'
            : ' (streamed)';
      return judgement(
        'broken',
        `stop broken${where}: the output ${quote(included.text)} ends with the stop string "${STOP_WORD}"`,
        { details, decisive: plain.kind === 'included' ? 'with stop' : 'streamed with stop' },
      );
    }
    if (plain.kind === 'ignored' && streamed.kind === 'ignored') {
      return judgement(
        'ignored',
        `stop ignored: output contains "${STOP_WORD}" after the stop sequence (${quote(plain.text)})`,
        { details, decisive: 'with stop' },
      );
    }
    if (plain.kind === 'honoured' && streamed.kind === 'ignored') {
      return judgement(
        'partial',
        `stop honoured only without streaming: the stream ran past "${STOP_WORD}" (${quote(streamed.text)})`,
        { details, decisive: 'streamed with stop' },
      );
    }
    if (plain.kind === 'ignored' && streamed.kind === 'honoured') {
      return judgement(
        'partial',
        `stop honoured only when streaming: the non-streamed output contains "${STOP_WORD}" (${quote(plain.text)})`,
        { details, decisive: 'with stop' },
      );
    }
    if (plain.kind === 'honoured' && streamed.kind === 'honoured') {
      return judgement(
        'supported',
        `output ends before "${STOP_WORD}" (${quote(plain.text)}) with finish_reason stop, streamed and not`,
        { details, decisive: 'with stop' },
      );
    }
    const undecided = [plain, streamed].find((o) => o.kind === 'undecided') as Extract<
      StopOutcome,
      { kind: 'undecided' }
    >;
    return judgement('inconclusive', `cannot tell: ${undecided.why} (${quote(undecided.text)})`, {
      details,
      decisive: 'with stop',
    });
  },
};

// ---------------------------------------------------------------- n

function choiceIndexes(reply: Reply): number[] | undefined {
  return reply.kind === 'ok' ? reply.completion.choices.map((c) => c.index) : undefined;
}

export const n: Probe = {
  feature: 'n',
  needs: 'model',
  steps: [
    [
      { label: 'n 2', body: N_CHOICES },
      { label: 'n 2 streamed', body: N_CHOICES_STREAMED },
    ],
  ],
  judge(seen) {
    const plain = readReply(seen['n 2'], { stream: false });
    const streamed = readReply(seen['n 2 streamed'], { stream: true });
    if (plain.kind !== 'ok' && streamed.kind !== 'ok') return notServed(plain, 'n 2', 'n 2');
    const rawCount =
      plain.kind === 'ok' && Array.isArray(plain.completion.top['choices'])
        ? plain.completion.top['choices'].length
        : undefined;
    const outcome = (reply: Reply, count?: number): 'two' | 'one' | 'odd' | 'unusable' => {
      const idx = choiceIndexes(reply);
      if (!idx) return 'unusable';
      if (count !== undefined && count !== idx.length) return 'odd';
      if (idx.length === 2 && idx[0] === 0 && idx[1] === 1) return 'two';
      if (idx.length === 1) return 'one';
      return 'odd';
    };
    const a = outcome(plain, rawCount);
    const b = outcome(streamed);
    const details = { choices: choiceIndexes(plain) ?? null, streamedChoices: choiceIndexes(streamed) ?? null };
    if (a === 'odd' || b === 'odd') {
      return judgement(
        'broken',
        `choice indexes are off: ${JSON.stringify(details.choices)} (not streamed), ${JSON.stringify(details.streamedChoices)} (streamed); expected [0,1]`,
        { details, decisive: a === 'odd' ? 'n 2' : 'n 2 streamed' },
      );
    }
    if (a === 'unusable') {
      if (plain.kind === 'refused' && b === 'two')
        return judgement(
          'partial',
          `n 2 works streamed but the non-streamed request was refused (HTTP ${plain.status})`,
          { details, decisive: 'n 2' },
        );
      return notServed(plain as Exclude<Reply, { kind: 'ok' }>, 'n 2', 'n 2');
    }
    if (b === 'unusable') {
      if (streamed.kind === 'refused' && a === 'two')
        return judgement(
          'partial',
          `n 2 works without streaming but the streamed request was refused (HTTP ${streamed.status}: ${streamed.message})`,
          { details, decisive: 'n 2 streamed' },
        );
      if (a === 'one' && streamed.kind === 'refused')
        return judgement(
          'ignored',
          `n 2 gave one choice, and the streamed request was refused (HTTP ${streamed.status})`,
          { details, decisive: 'n 2' },
        );
      return notServed(streamed as Exclude<Reply, { kind: 'ok' }>, 'n 2 streamed', 'n 2 streamed');
    }
    if (a === 'two' && b === 'two')
      return judgement('supported', 'n 2 gave choices 0 and 1, streamed (deltas told apart by index) and not', {
        details,
        decisive: 'n 2 streamed',
      });
    if (a === 'one' && b === 'one')
      return judgement('ignored', 'n 2 accepted but a single choice came back, streamed and not', {
        details,
        decisive: 'n 2',
      });
    return judgement(
      'partial',
      a === 'two'
        ? 'n 2 works without streaming, but the stream carries a single choice'
        : 'n 2 works streamed, but the non-streamed answer has a single choice',
      {
        details,
        decisive: a === 'two' ? 'n 2 streamed' : 'n 2',
      },
    );
  },
};

// ---------------------------------------------------------------- seed

export const seed: Probe = {
  feature: 'seed',
  needs: 'model',
  steps: [
    [
      { label: 'seeded', body: SEEDED, repeat: 1 },
      { label: 'seeded again', body: SEEDED, repeat: 2 },
    ],
  ],
  judge(seen) {
    const a = readReply(seen['seeded'], { stream: false });
    const b = readReply(seen['seeded again'], { stream: false });
    if (a.kind !== 'ok') return notServed(a, 'the seeded request', 'seeded');
    if (b.kind !== 'ok') {
      if (b.kind === 'refused')
        return judgement(
          'partial',
          `the first seeded request was served, the identical second one refused (HTTP ${b.status}: ${b.message})`,
          { decisive: 'seeded again' },
        );
      return notServed(b, 'the second seeded request', 'seeded again');
    }
    const ta = firstText(a.completion);
    const tb = firstText(b.completion);
    const fa = a.completion.top['system_fingerprint'] ?? null;
    const fb = b.completion.top['system_fingerprint'] ?? null;
    const identical = ta === tb;
    const details = { identical, answers: [ta, tb], system_fingerprint: [fa, fb] };
    return judgement(
      'supported',
      `seed accepted; two identical seeded requests (temperature 1) gave ${identical ? 'the same answer' : 'different answers'}${fa !== null ? `, system_fingerprint ${String(fa)}${fb !== fa ? `/${String(fb)}` : ''}` : ''} (informational: determinism is not guaranteed)`,
      { details, decisive: 'seeded' },
    );
  },
};

// ---------------------------------------------------------------- logprobs

export const logprobs: Probe = {
  feature: 'logprobs',
  needs: 'model',
  steps: [[{ label: 'logprobs', body: LOGPROBS }]],
  judge(seen) {
    const reply = readReply(seen['logprobs'], { stream: false });
    if (reply.kind !== 'ok') return notServed(reply, 'logprobs true, top_logprobs 2');
    const lp = reply.completion.choices[0]?.logprobs;
    if (lp === null || lp === undefined)
      return judgement('ignored', '`logprobs` is null although logprobs: true was asked');
    if (!isObject(lp) || !Array.isArray(lp['content']))
      return judgement('broken', `logprobs is ${quote(JSON.stringify(lp), 60)}, without a \`content\` array`);
    const entries = lp['content'];
    if (entries.length === 0) {
      return firstText(reply.completion) === ''
        ? judgement('inconclusive', 'the answer was empty, so there is no token to report')
        : judgement('partial', 'logprobs.content is empty although the answer has text');
    }
    const problems = new Set<string>();
    for (const e of entries) {
      if (!isObject(e) || typeof e['token'] !== 'string' || typeof e['logprob'] !== 'number')
        problems.add('entries without token/logprob');
      else if (!Array.isArray(e['top_logprobs'])) problems.add('entries without top_logprobs');
      else if (e['top_logprobs'].length !== 2)
        problems.add(`top_logprobs of length ${e['top_logprobs'].length} (asked 2)`);
    }
    if (problems.size > 0) return judgement('partial', `logprobs deviate: ${[...problems].join('; ')}`);
    return judgement('supported', `${entries.length} token(s), each with logprob and 2 top_logprobs`);
  },
};

// ---------------------------------------------------------------- unknown and out-of-range parameters

type RefusalOutcome =
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'accepted' }
  | { kind: 'error'; text: string }
  | { kind: 'broken'; text: string };

/** For probes that expect a refusal: any error body counts, whatever its status. */
function refusalOutcome(seen: Seen, label: string): RefusalOutcome {
  const o = seen[label];
  const failed = failure(o);
  if (failed !== undefined || !o) return { kind: 'error', text: failed ?? 'no response' };
  if (isRefusal(o)) return { kind: 'refused', status: o.status!, message: errorMessage(o) };
  const reply = readReply(o, { stream: false });
  if (reply.kind === 'ok') return { kind: 'accepted' };
  return { kind: 'broken', text: reply.kind === 'invalid' ? reply.reason : `HTTP ${o.status}` };
}

/** A refusal only means something when the same kind of request is served without the bad value. */
function controlProblem(seen: Seen): Judgement | undefined {
  const control = readReply(seen['control'], { stream: false });
  if (control.kind === 'ok') return undefined;
  if (control.kind === 'failed')
    return judgement('error', `could not measure: the plain request failed, ${control.reason}`, {
      decisive: 'control',
    });
  return judgement(
    'inconclusive',
    `the plain request was not served either (${control.kind === 'refused' ? `HTTP ${control.status}: ${control.message}` : control.reason}), so a refusal here proves nothing`,
    { decisive: 'control' },
  );
}

const CONTROL_REQUEST: RequestSpec = { ...BASIC_REQUEST, label: 'control' };

const LABEL = 'unknown parameter';

export const paramsUnknown: Probe = {
  feature: 'params.unknown',
  needs: 'model',
  steps: [[{ label: LABEL, body: WITH_UNKNOWN_PARAM, noRetry: true }, CONTROL_REQUEST]],
  judge(seen) {
    const r = refusalOutcome(seen, LABEL);
    if (r.kind === 'refused') {
      const control = controlProblem(seen);
      if (control) return control;
    }
    switch (r.kind) {
      case 'error':
        return judgement('error', `could not measure: ${r.text}`, { decisive: LABEL });
      case 'broken':
        return judgement(
          'broken',
          `the request with an unknown field got neither a completion nor a refusal: ${r.text}`,
          { decisive: LABEL },
        );
      case 'accepted':
        return judgement(
          'ignored',
          `the unknown field ${UNKNOWN_PARAM} was accepted silently (a typo'd option would do nothing)`,
          { decisive: LABEL },
        );
      case 'refused':
        return judgement('supported', `refused with HTTP ${r.status}: ${r.message}`, {
          warnings: r.message.includes(UNKNOWN_PARAM) ? [] : ['the error message does not name the unknown field'],
          decisive: LABEL,
        });
    }
  },
};

const RANGE_REQUESTS: RequestSpec[] = Object.entries(OUT_OF_RANGE).map(([label, body]) => ({
  label,
  body,
  noRetry: true,
}));

export const paramsRange: Probe = {
  feature: 'params.range',
  needs: 'model',
  steps: [[...RANGE_REQUESTS, CONTROL_REQUEST]],
  judge(seen) {
    const outcomes = RANGE_REQUESTS.map((r) => ({ label: r.label, outcome: refusalOutcome(seen, r.label) }));
    if (outcomes.some((o) => o.outcome.kind === 'refused')) {
      const control = controlProblem(seen);
      if (control) return control;
    }
    const details = Object.fromEntries(
      outcomes.map(({ label, outcome }) => [
        label,
        outcome.kind === 'refused' ? `refused (HTTP ${outcome.status})` : outcome.kind,
      ]),
    );
    const errored = outcomes.find((o) => o.outcome.kind === 'error');
    if (errored)
      return judgement('error', `could not measure ${errored.label}: ${(errored.outcome as { text: string }).text}`, {
        details,
        decisive: errored.label,
      });
    const broken = outcomes.find((o) => o.outcome.kind === 'broken');
    if (broken)
      return judgement(
        'broken',
        `${broken.label}: neither a completion nor a refusal (${(broken.outcome as { text: string }).text})`,
        { details, decisive: broken.label },
      );
    const accepted = outcomes.filter((o) => o.outcome.kind === 'accepted').map((o) => o.label);
    let verdict: ReportVerdict = 'supported';
    if (accepted.length === outcomes.length) verdict = 'ignored';
    else if (accepted.length > 0) verdict = 'partial';
    const decisive = accepted[0] ?? outcomes[0]!.label;
    if (verdict === 'supported')
      return judgement('supported', `all refused: ${outcomes.map((o) => o.label).join(', ')}`, { details, decisive });
    if (verdict === 'ignored')
      return judgement('ignored', `every out-of-range value was accepted: ${accepted.join(', ')}`, {
        details,
        decisive,
      });
    return judgement(
      'partial',
      `accepted: ${accepted.join(', ')}; refused: ${outcomes
        .filter((o) => o.outcome.kind === 'refused')
        .map((o) => o.label)
        .join(', ')}`,
      { details, decisive },
    );
  },
};
