// Structured output: response_format json_object and json_schema. Both compare with the same
// prompt sent without response_format (the stream.default request, shared), so "the model
// wrote raw JSON anyway" is told apart from "the relay enforced it".
import { schemaProblems } from './json-schema.js';
import { firstText, isObject, parseJson, quote, readReply, unfence, unusable } from '../wire/read.js';
import { CAT_SCHEMA, JSON_OBJECT, JSON_SCHEMA } from '../wire/requests.js';
import { STREAM_OMITTED_REQUEST } from './streaming.js';
import { judgement, type Judgement, type Probe, type Seen } from '../wire/types.js';

export type JsonContent =
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'other-json'; value: unknown }
  | { kind: 'fenced'; value: unknown }
  | { kind: 'truncated' }
  | { kind: 'prose' };

/** What a client's JSON.parse(content) meets. */
export function jsonContent(text: string, finishReason: unknown): JsonContent {
  const trimmed = text.trim();
  const parsed = parseJson(trimmed);
  if (parsed.ok)
    return isObject(parsed.value)
      ? { kind: 'object', value: parsed.value }
      : { kind: 'other-json', value: parsed.value };
  const inner = unfence(trimmed);
  if (inner !== undefined) {
    const p = parseJson(inner);
    if (p.ok) return { kind: 'fenced', value: p.value };
  }
  if (finishReason === 'length' && /^(```[a-z]*\s*)?[{[]/.test(trimmed)) return { kind: 'truncated' };
  return { kind: 'prose' };
}

const BASELINE = 'without response_format';

/** The baseline's content as JSON, when it could be read. */
function baseline(seen: Seen): JsonContent | undefined {
  const reply = readReply(seen[BASELINE], { stream: false, streamOmitted: true });
  if (reply.kind !== 'ok') return undefined;
  return jsonContent(firstText(reply.completion), reply.completion.choices[0]?.finishReason);
}

function rawJsonStart(b: JsonContent | undefined): boolean {
  return b !== undefined && (b.kind === 'object' || b.kind === 'other-json' || b.kind === 'truncated');
}

function judgeJson(seen: Seen, label: string, what: string, validate?: (value: unknown) => string[]): Judgement {
  const reply = readReply(seen[label], { stream: false });
  if (reply.kind !== 'ok') {
    const u = unusable(reply, what);
    return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: label });
  }
  const text = firstText(reply.completion);
  const content = jsonContent(text, reply.completion.choices[0]?.finishReason);
  const base = baseline(seen);
  const warnings = [...reply.warnings];
  if (!base) warnings.push('the same request without response_format could not be read, so there is no comparison');
  const details = { content: text.slice(0, 300) };
  const opts = { warnings, details, decisive: label };
  switch (content.kind) {
    case 'fenced':
      return judgement(
        'broken',
        `content is JSON inside a markdown code fence: JSON.parse(content) fails (${quote(text, 50)})`,
        opts,
      );
    case 'truncated':
      return judgement('inconclusive', `the JSON was cut at max_tokens before it ended (${quote(text, 50)})`, opts);
    case 'prose':
      return judgement('ignored', `content is not JSON: ${quote(text)} (response_format had no effect)`, opts);
    case 'other-json':
    case 'object': {
      const problems = validate ? validate(content.value) : content.kind === 'object' ? [] : ['not an object'];
      if (problems.length > 0) {
        return judgement(
          validate ? 'broken' : 'partial',
          `content parses but ${validate ? 'does not match the schema' : 'is not a JSON object'}: ${problems.join(', ')} (${quote(text, 50)})`,
          opts,
        );
      }
      const baseAlso =
        rawJsonStart(base) && (!validate || (base!.kind === 'object' && validate(base!.value).length === 0));
      if (baseAlso) {
        return judgement(
          'inconclusive',
          `content ${quote(text, 40)} parses, but the model answers with ${validate ? 'schema-valid' : 'raw'} JSON even without response_format, so this run cannot show the relay honours it`,
          { ...opts, decisive: BASELINE },
        );
      }
      return judgement(
        'supported',
        `content parses as ${validate ? 'schema-valid ' : ''}JSON as is: ${quote(text, 60)}${base ? `; without response_format it was ${base.kind === 'fenced' ? 'fenced' : base.kind === 'prose' ? 'prose' : 'other'}` : ''}`,
        opts,
      );
    }
  }
}

export const jsonObject: Probe = {
  feature: 'response_format.json_object',
  needs: 'model',
  steps: [
    [
      { label: 'json_object', body: JSON_OBJECT },
      { ...STREAM_OMITTED_REQUEST, label: BASELINE },
    ],
  ],
  judge: (seen) => judgeJson(seen, 'json_object', 'response_format json_object'),
};

export const jsonSchema: Probe = {
  feature: 'response_format.json_schema',
  needs: 'model',
  steps: [
    [
      { label: 'json_schema', body: JSON_SCHEMA },
      { ...STREAM_OMITTED_REQUEST, label: BASELINE },
    ],
  ],
  judge: (seen) =>
    judgeJson(seen, 'json_schema', 'response_format json_schema', (value) => schemaProblems(CAT_SCHEMA, value)),
};
