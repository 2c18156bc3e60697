// Errors: errors.status (the status of non-streamed refusals), errors.envelope (the shape of
// every refusal body), errors.in_band (refusing a streamed request before SSE starts). The
// wrong-key and no-key requests are auth's; their refusals are judged here too.
import type { ReportVerdict } from '../../spec/generated/types.js';
import { errorMessage, failure, isObject, isRefusal, quote, readReply, streamChunks } from '../wire/read.js';
import { MALFORMED_JSON, NO_KEY_REQUEST, PING, UNKNOWN_MODEL, WRONG_KEY_REQUEST } from '../wire/requests.js';
import { judgement, worst, type Observed, type Probe, type RequestSpec } from '../wire/types.js';

export const UNKNOWN_MODEL_REQUEST: RequestSpec = {
  label: 'unknown model',
  body: PING,
  model: { id: UNKNOWN_MODEL },
  noRetry: true,
};
export const MALFORMED_REQUEST: RequestSpec = { label: 'malformed JSON', bodyRaw: MALFORMED_JSON, noRetry: true };
export const STREAMED_UNKNOWN_MODEL_REQUEST: RequestSpec = {
  label: 'streamed unknown model',
  body: { ...PING, stream: true },
  model: { id: UNKNOWN_MODEL },
  noRetry: true,
};

interface StatusCheck {
  label: string;
  what: string;
  expected: number;
  /** What a completion instead of a refusal means here; absent when it is another feature's finding. */
  served?: Finding;
}

const STATUS_CHECKS: readonly StatusCheck[] = [
  {
    label: 'unknown model',
    what: 'an unknown model',
    expected: 404,
    // The request names a model that does not exist and the relay answers with some other
    // one: the model id has no effect, and a mistyped id is never reported.
    served: {
      verdict: 'ignored',
      text: `HTTP 200 with a completion for the model id ${JSON.stringify(UNKNOWN_MODEL)}, which does not exist (served by some default model: a mistyped model id is never reported)`,
    },
  },
  { label: 'malformed JSON', what: 'malformed JSON', expected: 400 },
  { label: 'wrong key', what: 'a wrong key', expected: 401 },
];

interface Finding {
  verdict: ReportVerdict;
  text: string;
}

/** "a, b → same text; c → other text": findings that say the same thing, said once. */
function grouped(items: readonly { who: string; text: string }[], sep: string): string {
  const byText = new Map<string, string[]>();
  for (const { who, text } of items) byText.set(text, [...(byText.get(text) ?? []), who]);
  return [...byText].map(([text, whos]) => `${whos.join(', ')}${sep}${text}`).join('; ');
}

function statusFinding(check: StatusCheck, o: Observed | undefined, warnings: string[]): Finding | undefined {
  const failed = failure(o);
  if (failed !== undefined || !o)
    return { verdict: 'error', text: `could not be measured (${failed ?? 'no response'})` };
  const status = o.status!;
  if (status >= 200 && status < 300) {
    if (readReply(o, { stream: false }).kind === 'ok') {
      if (check.served) return check.served;
      // Not a refusal: for a wrong key that is auth's finding.
      warnings.push(`${check.what} was served a completion (not a refusal, so its status is not judged)`);
      return undefined;
    }
    const body =
      o.text.trim() === '' ? 'an empty body' : isRefusal(o) ? 'an error body' : 'a body that is not a completion';
    return { verdict: 'broken', text: `HTTP ${status} with ${body} (SDKs see success)` };
  }
  if (status >= 500)
    return { verdict: 'partial', text: `HTTP ${status} (expected ${check.expected}; clients retry 5xx as transient)` };
  if (status === check.expected) return { verdict: 'supported', text: `${status}` };
  if (status >= 400) return { verdict: 'partial', text: `HTTP ${status} (expected ${check.expected})` };
  return { verdict: 'broken', text: `HTTP ${status}` };
}

export const errorsStatus: Probe = {
  feature: 'errors.status',
  needs: 'model',
  steps: [[UNKNOWN_MODEL_REQUEST, MALFORMED_REQUEST, WRONG_KEY_REQUEST]],
  judge(seen) {
    const warnings: string[] = [];
    const findings = STATUS_CHECKS.map((c) => ({ check: c, finding: statusFinding(c, seen[c.label], warnings) }));
    const judged = findings.filter((f): f is { check: StatusCheck; finding: Finding } => f.finding !== undefined);
    if (judged.length === 0)
      return judgement('inconclusive', 'no request was refused, so no error status could be judged', { warnings });
    const verdict = worst(...judged.map((f) => f.finding.verdict));
    const bad = judged.filter((f) => f.finding.verdict !== 'supported');
    const decisive = (bad[0] ?? judged[0]!).check.label;
    const details = Object.fromEntries(STATUS_CHECKS.map((c) => [c.label, seen[c.label]?.status ?? null]));
    const say = (list: typeof judged): string =>
      grouped(
        list.map((f) => ({ who: f.check.what, text: f.finding.text })),
        ' → ',
      );
    if (verdict === 'supported')
      return judgement('supported', `fitting statuses: ${say(judged)}`, { warnings, details, decisive });
    return judgement(verdict, say(bad), { warnings, details, decisive });
  },
};

/** What is wrong with one refusal body, as a finding. */
export function envelopeFinding(o: Observed, expectedCode?: string): Finding {
  if (o.text.trim() === '') return { verdict: 'broken', text: 'an empty body' };
  const body = o.json;
  if (body === undefined) return { verdict: 'broken', text: `a non-JSON body ${quote(o.text, 40)}` };
  if (Array.isArray(body)) return { verdict: 'partial', text: 'the envelope is wrapped in an array' };
  if (!isObject(body)) return { verdict: 'broken', text: `a JSON ${typeof body} instead of an object` };
  if (!('error' in body)) {
    if (body['object'] === 'error' || 'message' in body)
      return { verdict: 'partial', text: 'error fields at the top level instead of inside `error`' };
    return { verdict: 'broken', text: `no \`error\` field: ${quote(JSON.stringify(body), 60)}` };
  }
  const e = body['error'];
  if (!isObject(e)) return { verdict: 'partial', text: `\`error\` is a ${typeof e}, not an object` };
  const problems: string[] = [];
  if (typeof e['message'] !== 'string') problems.push('no string `message`');
  if (typeof e['type'] !== 'string') problems.push('no string `type`');
  if (!('param' in e)) problems.push('no `param`');
  if (!('code' in e)) problems.push('no `code`');
  else if (typeof e['code'] === 'number') problems.push(`a numeric \`code\` (${e['code']})`);
  else if (e['code'] === '<nil>') problems.push('`code: "<nil>"`');
  else if (e['code'] !== null && typeof e['code'] !== 'string')
    problems.push(`\`code\` is ${JSON.stringify(e['code'])}`);
  else if (expectedCode !== undefined && e['code'] !== expectedCode)
    problems.push(`\`code\` ${JSON.stringify(e['code'])} (expected ${expectedCode})`);
  if (typeof e['message'] === 'string' && stackTrace(e['message']))
    problems.push('the message carries a stack trace with file paths (an information leak)');
  if (problems.length > 0) return { verdict: 'partial', text: problems.join(', ') };
  return { verdict: 'supported', text: 'OpenAI envelope' };
}

/** A JavaScript (or Python) stack frame naming a file: what a gateway leaks when it passes its exception on. */
export function stackTrace(message: string): boolean {
  return /\n\s+at .*[/\\][^\s()]+:\d+:\d+/.test(message) || /File "[^"]*[/\\][^"]+", line \d+/.test(message);
}

const ENVELOPE_SOURCES: readonly { label: string; what: string; code?: string }[] = [
  { label: 'unknown model', what: 'unknown model', code: 'model_not_found' },
  { label: 'malformed JSON', what: 'malformed JSON' },
  { label: 'no key', what: 'no key' },
  { label: 'wrong key', what: 'wrong key' },
];

export const errorsEnvelope: Probe = {
  feature: 'errors.envelope',
  needs: 'model',
  steps: [[UNKNOWN_MODEL_REQUEST, MALFORMED_REQUEST, NO_KEY_REQUEST, WRONG_KEY_REQUEST]],
  judge(seen) {
    const judged: { label: string; who: string; finding: Finding }[] = [];
    const warnings: string[] = [];
    const failures: string[] = [];
    for (const source of ENVELOPE_SOURCES) {
      const o = seen[source.label];
      const failed = failure(o);
      if (failed !== undefined) failures.push(`${source.what}: ${failed}`);
      // Any answer that is not a completion is a refusal here, whatever its status.
      if (!o || failed !== undefined || readReply(o, { stream: false }).kind === 'ok') continue;
      const finding = envelopeFinding(o, source.code);
      judged.push({ label: source.label, who: source.what, finding });
      if (/request.?id|req_?id|\(request id/i.test(errorMessage(o)))
        warnings.push(`the ${source.what} message carries a request id (messages are free text; informational)`);
    }
    if (judged.length === 0 && failures.length > 0)
      return judgement('error', `could not measure: ${failures[0]}`, { warnings });
    if (judged.length === 0)
      return judgement('inconclusive', 'no refusal came back, so no error body could be judged', { warnings });
    const verdict = worst(...judged.map((j) => j.finding.verdict));
    const bad = judged.filter((j) => j.finding.verdict !== 'supported');
    const decisive = (bad[0] ?? judged[0]!).label;
    if (verdict === 'supported') {
      return judgement(
        'supported',
        `${judged.length} refusal(s) in OpenAI's {"error": {message, type, param, code}} envelope${judged.some((j) => j.label === 'unknown model') ? ', model_not_found for the unknown model' : ''}`,
        { warnings, decisive },
      );
    }
    return judgement(
      verdict,
      `error bodies deviate: ${grouped(
        bad.map((j) => ({ who: j.who, text: j.finding.text })),
        ': ',
      )}`,
      { warnings, decisive },
    );
  },
};

export const errorsInBand: Probe = {
  feature: 'errors.in_band',
  needs: 'model',
  // The non-streamed twin is errors.status's request: comparing costs nothing.
  steps: [[STREAMED_UNKNOWN_MODEL_REQUEST, UNKNOWN_MODEL_REQUEST]],
  judge(seen) {
    const o = seen['streamed unknown model'];
    if (!o || o.status === null) return judgement('error', `could not measure: ${failure(o) ?? 'no response'}`);
    const status = o.status;
    if (status < 200 || status >= 300) {
      // The status itself is errors.status's business; a streamed refusal that gets another
      // status than its non-streamed twin is this feature's (a gateway answered 500 here).
      const twin = seen['unknown model']?.status;
      if (typeof twin === 'number' && twin >= 400 && twin !== status)
        return judgement(
          'partial',
          `HTTP ${status} before any SSE, but HTTP ${twin} for the same request not streamed: clients see another error class when they stream${status >= 500 ? ' (and retry a 5xx as transient)' : ''}`,
        );
      return judgement('supported', `HTTP ${status} before any SSE: ${errorMessage(o)}`);
    }
    if (o.sse) {
      if (o.sse.chat.errorEvents.length > 0 && streamChunks(o).length === 0) {
        return judgement(
          'partial',
          `HTTP ${status}, then an SSE stream holding \`data: {"error": ...}\`: clients get a generic error without status`,
        );
      }
      if (readReply(o, { stream: true }).kind === 'ok') {
        return judgement(
          'inconclusive',
          'the relay streamed a completion for the unknown model (a fallback model?), so no refusal could be observed',
        );
      }
      return judgement(
        'broken',
        `HTTP ${status} with a stream that carries neither chunks nor an error${o.error ? ` (${o.error.message})` : ''}`,
      );
    }
    if (o.text.trim() === '')
      return judgement(
        'broken',
        `HTTP ${status} with an empty body for a refused stream: clients read an empty stream`,
      );
    if (readReply(o, { stream: true }).kind === 'ok') {
      return judgement(
        'inconclusive',
        'the relay answered the unknown model with a completion (a fallback model?), so no refusal could be observed',
      );
    }
    return judgement(
      'broken',
      `HTTP ${status} with a JSON body where SSE was expected (${errorMessage(o)}): clients read an empty stream`,
    );
  },
};
