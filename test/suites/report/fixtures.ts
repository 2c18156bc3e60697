// Small reports built in code for the renderer, gate and `relaycheck report` tests: three
// targets, every verdict, and evidence full of hostile strings.
import { featureIds } from '../../../spec/features.js';
import type {
  RelaycheckReport,
  ReportExchange,
  ReportResult,
  ReportTarget,
  ReportVerdict,
} from '../../../spec/generated/types.js';

export const HOSTILE = '</script><img src=x onerror=alert(1)>';
export const CDATA_END = 'x]]>y';
export const CONTROLS = 'bell\u0007nul\u0000esc\u001b[31m';
export const CJK = '你好，世界 — こんにちは';
export const LONE_SURROGATE = 'half\uD800pair';

export function curl(path = '/chat/completions', body: unknown = { model: 'm', messages: [] }): string {
  return `curl -sS https://relay.example/v1${path} \\\n  -H "Authorization: Bearer $RELAYCHECK_API_KEY" \\\n  -H 'content-type: application/json' \\\n  --data-raw '${JSON.stringify(body)}'`;
}

export function exchange(
  extra: { sse?: string; body?: unknown; label?: string; status?: number } = {},
): ReportExchange {
  const streaming = extra.sse !== undefined;
  const body = extra.body ?? { choices: [{ message: { role: 'assistant', content: `${CJK} ${HOSTILE}` } }] };
  return {
    label: extra.label ?? 'baseline',
    request: {
      method: 'POST',
      url: 'https://relay.example/v1/chat/completions',
      headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
      body: { model: 'm', stream: streaming, messages: [{ role: 'user', content: `say ${HOSTILE}` }] },
    },
    response: {
      status: extra.status ?? 200,
      headers: {
        'content-type': streaming ? 'text/event-stream' : 'application/json',
        'x-evil': HOSTILE,
      },
      body: streaming ? null : body,
      bodyKind: streaming ? 'sse' : typeof body === 'string' ? 'text' : 'json',
      ...(streaming ? { rawSse: extra.sse } : {}),
      truncated: false,
      bytes: 321,
    },
    timing: { ms: 120, totalMs: 150 },
    attempts: 1,
  };
}

export function result(
  feature: string,
  verdict: ReportVerdict,
  summary?: string,
  evidence?: ReportExchange[],
): ReportResult {
  return {
    feature,
    verdict,
    summary: summary ?? `${feature} is ${verdict}`,
    evidence: evidence ?? [exchange()],
    reproduce: verdict === 'skipped' ? '' : curl(),
  };
}

export function target(
  name: string,
  verdicts: Record<string, ReportVerdict> = {},
  extra: Partial<ReportTarget> & {
    summaries?: Record<string, string>;
    evidence?: Record<string, ReportExchange[]>;
  } = {},
): ReportTarget {
  const { summaries = {}, evidence = {}, ...rest } = extra;
  return {
    name,
    baseUrl: `https://${name.replace(/[^a-z0-9-]/gi, '') || 'relay'}.example/v1`,
    model: 'gpt-4o-mini',
    usage: { requests: 57, promptTokens: 12345, completionTokens: 2345 },
    durationMs: 71_500,
    results: featureIds().map((id) => result(id, verdicts[id] ?? 'supported', summaries[id], evidence[id])),
    ...rest,
  };
}

export function report(targets: ReportTarget[]): RelaycheckReport {
  return {
    schemaVersion: 1,
    generatedAt: '2025-06-01T03:12:00.000Z',
    tool: { name: 'relaycheck', version: '0.1.0' },
    targets,
  };
}

/** Verdicts of the three fixture targets (everything else supported). */
export const VERDICTS_A: Record<string, ReportVerdict> = {
  'stream.sse': 'partial',
  'tools.call': 'broken',
  seed: 'ignored',
  'params.unknown': 'rejected',
  logprobs: 'inconclusive',
  n: 'error',
  'vision.image_url': 'skipped',
};
export const VERDICTS_B: Record<string, ReportVerdict> = {
  'reasoning.content': 'broken',
  'reasoning.effort': 'ignored',
  'response_format.json_schema': 'partial',
  'tools.stream': 'error',
};
export const VERDICTS_C: Record<string, ReportVerdict> = {};

/**
 * The main fixture: relay-a (required features, every verdict), relay-b (hostile evidence), relay-c (all supported,
 * CJK name).
 */
export function fixtureReport(): RelaycheckReport {
  const hostileSse = `data: {"choices":[{"delta":{"content":"${HOSTILE} ${CDATA_END} ${CJK}"}}]}\n\n: ${CONTROLS}\n\ndata: [DONE]\n\n`;
  return report([
    target('relay-a', VERDICTS_A, {
      require: ['chat.basic', 'stream.sse'],
      reasoningModel: 'o3-mini',
      summaries: {
        'tools.call': `tool call arguments are not JSON: ${HOSTILE} ${CDATA_END} ${CONTROLS} ${LONE_SURROGATE}`,
        'stream.sse': 'stream ends without data: [DONE]',
      },
    }),
    target('relay-b', VERDICTS_B, {
      summaries: {
        'reasoning.content': `reasoning leaked into content: ${CJK} | pipe *star* [link](https://evil.example)`,
      },
      evidence: {
        'reasoning.content': [exchange({ sse: hostileSse, label: `stream ${HOSTILE}` })],
        'tools.stream': [exchange({ status: 502, body: `${HOSTILE} ${CDATA_END} ${CONTROLS}` })],
      },
    }),
    target('中转-c', VERDICTS_C, { visionModel: 'gpt-4o' }),
  ]);
}
