// Basics: chat.basic, auth, chat.metadata, usage.accounting, usage.tokenizer, models.list. The
// first four read one shared exchange (the basic request), so they cost one request together;
// usage.accounting also borrows the tool probes' plain tool call, a much longer prompt, and
// usage.tokenizer adds one long plain prompt, for OpenAI's model families only.
import type { ReportVerdict } from '../../spec/generated/types.js';
import {
  failure,
  isObject,
  isRefusal,
  quote,
  readReply,
  unusable,
  type Completion,
  type JsonObject,
} from '../wire/read.js';
import {
  BASIC,
  BASIC_REQUEST,
  MODELS_REQUEST,
  NO_KEY_REQUEST,
  TOKENIZER_LONG,
  TOOL_CALL,
  WRONG_KEY_REQUEST,
} from '../wire/requests.js';
import { FAMILY_MODELS, tokenizerFamily, type ChatMessageLike } from '../../spec/tokenizer.js';
import { TOOL_CALL_REQUEST } from './tools.js';
import { countsOf, judgeTokenizer, usageFindings, type TokenizerSample } from './usage.js';
import { judgement, worst, type Judgement, type Observed, type Probe, type RequestSpec } from '../wire/types.js';

const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];
/** Top-level fields of OpenAI's chat.completion; anything else is recorded as an extra. */
const OPENAI_RESPONSE_FIELDS = new Set([
  'id',
  'object',
  'created',
  'model',
  'choices',
  'usage',
  'system_fingerprint',
  'service_tier',
]);

/** The basic exchange as a completion, or the judgement for features that only read it. */
function basicCompletion(o: Observed | undefined, feature: string): Completion | Judgement {
  const reply = readReply(o, { stream: false });
  if (reply.kind === 'ok') return reply.completion;
  if (reply.kind === 'failed') return judgement('error', `${feature}: could not measure, ${reply.reason}`);
  return judgement('skipped', `${feature}: the basic request got no completion to read (see chat.basic)`);
}

export const chatBasic: Probe = {
  feature: 'chat.basic',
  needs: 'model',
  steps: [[BASIC_REQUEST]],
  judge(seen) {
    const reply = readReply(seen['basic'], { stream: false });
    if (reply.kind === 'refused' && reply.via2xx) {
      return judgement('broken', `HTTP ${reply.status} with an error body instead of a completion: ${reply.message}`);
    }
    if (reply.kind !== 'ok') {
      const u = unusable(reply, 'the basic chat request');
      return judgement(u.verdict, u.summary, { warnings: u.warnings });
    }
    const c = reply.completion;
    if (c.format === 'sse') return judgement('broken', 'a `stream: false` request was answered with an SSE stream');
    const broken: string[] = [];
    const partial: string[] = [];
    const warnings: string[] = [];
    if (c.top['object'] !== 'chat.completion')
      partial.push(`object is ${JSON.stringify(c.top['object'])}, not "chat.completion"`);
    const raw = (c.top['choices'] as unknown[])[0];
    const choice = c.choices[0];
    if (!choice || !isObject(raw)) broken.push('`choices` is empty');
    else {
      if (!isObject(raw['message'])) broken.push('choices[0] has no `message`');
      if (choice.role === undefined) partial.push('message.role is missing');
      else if (choice.role !== 'assistant')
        partial.push(`message.role is ${JSON.stringify(choice.role)}, not "assistant"`);
      if (typeof choice.contentRaw !== 'string')
        broken.push(`message.content is ${JSON.stringify(choice.contentRaw) ?? 'missing'}, not a string`);
      if (!FINISH_REASONS.includes(String(choice.finishReason)))
        partial.push(`finish_reason is ${JSON.stringify(choice.finishReason)}`);
      if (c.choices.length > 1) warnings.push(`${c.choices.length} choices although n was not set`);
    }
    const verdict: ReportVerdict = broken.length > 0 ? 'broken' : partial.length > 0 ? 'partial' : 'supported';
    const problems = [...broken, ...partial];
    const summary =
      verdict === 'supported'
        ? `HTTP 200 chat.completion: ${quote(choice!.content ?? '')} (finish_reason ${String(choice!.finishReason)})`
        : `the completion is off: ${problems.join('; ')}`;
    return judgement(verdict, summary, { warnings: [...warnings, ...reply.warnings] });
  },
};

/**
 * The snapshot suffix when `echoed` is `requested` pinned to a dated snapshot, as OpenAI
 * answers (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`, `gpt-4` → `gpt-4-0613`); else undefined.
 * Only a date is a snapshot: any other suffix names another model.
 */
export function snapshotSuffix(requested: string, echoed: string): string | undefined {
  if (!echoed.startsWith(`${requested}-`)) return undefined;
  const suffix = echoed.slice(requested.length + 1);
  // YYYY-MM-DD, YYYYMMDD or MMDD, with a real month and day: `qwen-1234` is another model.
  if (!/^(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/.test(suffix)) return undefined;
  const mmdd = suffix.replaceAll('-', '').slice(-4);
  const month = Number(mmdd.slice(0, 2));
  const day = Number(mmdd.slice(2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? suffix : undefined;
}

export const chatMetadata: Probe = {
  feature: 'chat.metadata',
  needs: 'model',
  steps: [[BASIC_REQUEST]],
  judge(seen, ctx) {
    const c = basicCompletion(seen['basic'], 'chat.metadata');
    if (!('top' in c)) return c;
    const { id, created, model } = c.top;
    const broken: string[] = [];
    const partial: string[] = [];
    if (typeof id !== 'string') partial.push(`id is ${JSON.stringify(id) ?? 'missing'}, not a string`);
    else if (id === '') partial.push('id is an empty string');
    if (typeof created !== 'number' || !Number.isInteger(created))
      broken.push(`created is ${JSON.stringify(created) ?? 'missing'}, not an integer`);
    else if (created >= 1e11) broken.push(`created is ${created}: milliseconds, not seconds`);
    else if (created < 1e9) partial.push(`created is ${created}: not a Unix time in seconds`);
    const snapshot = typeof model === 'string' ? snapshotSuffix(ctx.model, model) : undefined;
    if (model !== ctx.model && snapshot === undefined)
      partial.push(`model is ${JSON.stringify(model) ?? 'missing'}, not the requested ${JSON.stringify(ctx.model)}`);
    const extraFields = Object.keys(c.top).filter((k) => !OPENAI_RESPONSE_FIELDS.has(k));
    const details: Record<string, unknown> = {
      id,
      created,
      model,
      system_fingerprint: c.top['system_fingerprint'] ?? null,
    };
    if (snapshot !== undefined) details['snapshot'] = snapshot;
    if (extraFields.length > 0) details['extraFields'] = Object.fromEntries(extraFields.map((k) => [k, c.top[k]]));
    const warnings =
      extraFields.length > 0 ? [`extra top-level fields (informational): ${extraFields.join(', ')}`] : [];
    const problems = [...broken, ...partial];
    if (problems.length === 0) {
      return judgement(
        'supported',
        `id ${quote(String(id), 40)}, created ${String(created)} (seconds), model ${quote(String(model), 40)} ${snapshot !== undefined ? `(the requested ${JSON.stringify(ctx.model)} as its dated snapshot ${snapshot})` : 'as requested'}`,
        { details, warnings },
      );
    }
    return judgement(broken.length > 0 ? 'broken' : 'partial', `metadata off: ${problems.join('; ')}`, {
      details,
      warnings,
    });
  },
};

/** A second exchange with a much longer prompt (the tool definitions count), borrowed from the tool probes. */
const USAGE_COMPARISON: RequestSpec = { ...TOOL_CALL_REQUEST };

export const usageAccounting: Probe = {
  feature: 'usage.accounting',
  needs: 'model',
  steps: [[BASIC_REQUEST, USAGE_COMPARISON]],
  judge(seen) {
    const c = basicCompletion(seen['basic'], 'usage.accounting');
    if (!('top' in c)) return c;
    const usage = c.usage;
    if (!usage) return judgement('partial', 'the completion has no `usage`: token counts are missing');
    const details: Record<string, unknown> = { usage };
    const counts = countsOf(usage);
    if ('missing' in counts)
      return judgement('partial', `usage lacks integer ${counts.missing.join(', ')}`, { details });
    const samples = [{ sample: { what: 'the basic request', body: BASIC, completion: c }, counts }];
    const warnings: string[] = [];
    const other = readReply(seen[USAGE_COMPARISON.label], { stream: false });
    const otherCounts = other.kind === 'ok' ? countsOf(other.completion.usage) : undefined;
    if (other.kind === 'ok' && otherCounts && !('missing' in otherCounts)) {
      samples.push({
        sample: { what: `the ${USAGE_COMPARISON.label} request`, body: TOOL_CALL, completion: other.completion },
        counts: otherCounts,
      });
      details['comparison'] = other.completion.usage;
    } else
      warnings.push(
        `the ${USAGE_COMPARISON.label} request gave no usable usage, so the counts could not be compared across prompts`,
      );
    const findings = usageFindings(samples);
    if (findings.length > 0) {
      const verdict = worst(...findings.map((f) => f.verdict));
      return judgement(verdict, findings.map((f) => f.text).join('; '), { details, warnings, decisive: 'basic' });
    }
    const { prompt: p, completion: k, total: t } = counts;
    const extras = ['prompt_tokens_details', 'completion_tokens_details'].filter((d) => isObject(usage[d]));
    const compared =
      samples.length > 1 ? `; prompt ${samples[1]!.counts.prompt} for the longer ${USAGE_COMPARISON.label} prompt` : '';
    return judgement(
      'supported',
      `prompt ${p} + completion ${k} = total ${t}${extras.length > 0 ? ` (with ${extras.join(', ')})` : ''}${compared}`,
      { details, warnings, decisive: 'basic' },
    );
  },
};

const TOKENIZER_LONG_REQUEST: RequestSpec = { label: 'long plain prompt', body: TOKENIZER_LONG };

export const usageTokenizer: Probe = {
  feature: 'usage.tokenizer',
  needs: 'model',
  // The long prompt only where there is a tokenizer to compare with: other models cost nothing.
  steps: [(_seen, ctx) => (tokenizerFamily(ctx.model) ? [BASIC_REQUEST, TOKENIZER_LONG_REQUEST] : [BASIC_REQUEST])],
  judge(seen, ctx) {
    const family = tokenizerFamily(ctx.model);
    if (!family)
      return judgement(
        'skipped',
        `no public tokenizer for ${JSON.stringify(ctx.model)} (known: ${Object.values(FAMILY_MODELS).join('; ')}): its counts are judged by usage.accounting only`,
      );
    const c = basicCompletion(seen['basic'], 'usage.tokenizer');
    if (!('top' in c)) return c;
    const samples: TokenizerSample[] = [];
    const warnings: string[] = [];
    for (const [label, body, what] of [
      ['basic', BASIC, 'the basic request'],
      [TOKENIZER_LONG_REQUEST.label, TOKENIZER_LONG, `the ${TOKENIZER_LONG_REQUEST.label}`],
    ] as const) {
      const reply =
        label === 'basic' ? { kind: 'ok' as const, completion: c } : readReply(seen[label], { stream: false });
      const billed = reply.kind === 'ok' ? countsOf(reply.completion.usage) : undefined;
      if (billed && !('missing' in billed))
        samples.push({ what, messages: body['messages'] as ChatMessageLike[], billed: billed.prompt });
      else warnings.push(`${what} gave no integer prompt_tokens to compare (see usage.accounting)`);
    }
    if (samples.length === 0)
      return judgement(
        'inconclusive',
        'no integer prompt_tokens to compare with the tokenizer (see usage.accounting)',
        {
          warnings,
        },
      );
    const v = judgeTokenizer(ctx.model, family, samples);
    return judgement(v.verdict, v.summary, {
      warnings: [...v.warnings, ...warnings],
      details: v.details,
      decisive: samples.length > 1 ? TOKENIZER_LONG_REQUEST.label : 'basic',
    });
  },
};

type AuthOutcome = 'refused' | 'served' | 'error';

function authOutcome(o: Observed | undefined): { outcome: AuthOutcome; text: string } {
  const failed = failure(o);
  if (failed !== undefined || !o) return { outcome: 'error', text: failed ?? 'no response' };
  if (readReply(o, { stream: false }).kind === 'ok')
    return { outcome: 'served', text: `HTTP ${o.status} with a completion` };
  return { outcome: 'refused', text: isRefusal(o) ? `HTTP ${o.status}` : `HTTP ${o.status} without a completion` };
}

export const auth: Probe = {
  feature: 'auth',
  needs: 'model',
  steps: [[BASIC_REQUEST, NO_KEY_REQUEST, WRONG_KEY_REQUEST]],
  judge(seen) {
    const basic = readReply(seen['basic'], { stream: false });
    if (basic.kind === 'failed')
      return judgement('error', `could not measure: the keyed request failed, ${basic.reason}`, { decisive: 'basic' });
    if (basic.kind === 'refused' && (basic.status === 401 || basic.status === 403)) {
      return judgement(
        'error',
        `the configured key was refused (HTTP ${basic.status}: ${basic.message}); check the key and --auth`,
        { decisive: 'basic' },
      );
    }
    if (basic.kind === 'invalid')
      return judgement(
        'error',
        `could not measure: the keyed request got no usable answer (${basic.reason}; see chat.basic)`,
        { decisive: 'basic' },
      );
    if (basic.kind === 'refused') {
      return judgement(
        'inconclusive',
        `the request with the key was refused too (HTTP ${basic.status}: ${basic.message}), so refusals without it prove nothing`,
        { decisive: 'basic' },
      );
    }
    const warnings: string[] = [];
    const noKey = authOutcome(seen['no key']);
    const wrongKey = authOutcome(seen['wrong key']);
    const details = { noKey: noKey.text, wrongKey: wrongKey.text };
    if (noKey.outcome === 'error' || wrongKey.outcome === 'error') {
      return judgement(
        'error',
        `could not measure: ${noKey.outcome === 'error' ? `no key: ${noKey.text}` : `wrong key: ${wrongKey.text}`}`,
        { details, warnings },
      );
    }
    if (noKey.outcome === 'refused' && wrongKey.outcome === 'refused') {
      return judgement('supported', `the key is required: no key → ${noKey.text}, wrong key → ${wrongKey.text}`, {
        details,
        warnings,
        decisive: 'wrong key',
      });
    }
    if (noKey.outcome === 'served' && wrongKey.outcome === 'served') {
      return judgement(
        'ignored',
        'requests without a key and with a wrong key were both served: the key is not checked',
        { details, warnings, decisive: 'no key' },
      );
    }
    const served = noKey.outcome === 'served' ? 'no key' : 'wrong key';
    return judgement(
      'partial',
      `a request with ${served === 'no key' ? 'no key' : 'a wrong key'} was served (the other was refused)`,
      { details, warnings, decisive: served },
    );
  },
};

function modelEntryProblems(entry: unknown): string[] {
  if (!isObject(entry)) return ['an entry is not an object'];
  const out: string[] = [];
  if (typeof entry['id'] !== 'string') out.push('`id` missing');
  if (entry['object'] !== 'model') out.push('`object: "model"` missing');
  if (typeof entry['created'] !== 'number')
    out.push(`\`created\` missing${'created_at' in entry ? ' (`created_at` instead)' : ''}`);
  // The same line chat.metadata draws: 1e11 seconds is the year 5138, so it is milliseconds.
  else if (entry['created'] >= 1e11) out.push('`created` in milliseconds, not seconds');
  if (typeof entry['owned_by'] !== 'string') out.push('`owned_by` missing');
  return out;
}

export const modelsList: Probe = {
  feature: 'models.list',
  needs: 'model',
  steps: [[MODELS_REQUEST]],
  judge(seen, ctx) {
    const o = seen['models'];
    const failed = failure(o);
    if (failed !== undefined || !o)
      return judgement('error', `GET /models: could not measure, ${failed ?? 'no response'}`);
    const status = o.status!;
    if (status >= 500) return judgement('error', `GET /models answered HTTP ${status}`);
    if (status >= 400)
      return judgement('rejected', `GET /models answered HTTP ${status}: the model list is not served`);
    const body = o.json;
    let data: unknown[];
    const partial: string[] = [];
    if (isObject(body) && Array.isArray(body['data'])) {
      data = body['data'];
      if (body['object'] !== 'list') partial.push('`object: "list"` missing');
    } else if (Array.isArray(body)) {
      data = body;
      partial.push('a bare array instead of {object: "list", data: [...]}');
    } else {
      return judgement('broken', `GET /models answered HTTP ${status} without a \`data\` list: ${quote(o.text, 80)}`);
    }
    const entryProblems = [...new Set(data.flatMap(modelEntryProblems))];
    if (entryProblems.length > 0) partial.push(`entries: ${entryProblems.join(', ')}`);
    const ids = data.filter(isObject).map((e: JsonObject) => e['id']);
    const warnings: string[] = [];
    if (data.length === 0) partial.push('the list is empty');
    else if (!ids.includes(ctx.model)) partial.push(`the model under test ${JSON.stringify(ctx.model)} is not listed`);
    for (const [role, id] of Object.entries(ctx.models)) {
      if (role !== 'model' && id !== undefined && data.length > 0 && !ids.includes(id))
        warnings.push(`the ${role} ${JSON.stringify(id)} is not listed`);
    }
    const details = { count: data.length, ids: ids.slice(0, 50) };
    if (partial.length > 0)
      return judgement('partial', `the model list deviates: ${partial.join('; ')}`, { details, warnings });
    return judgement(
      'supported',
      `${data.length} model(s) in OpenAI's shape, ${JSON.stringify(ctx.model)} among them`,
      { details, warnings },
    );
  },
};
