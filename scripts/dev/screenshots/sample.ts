// A made-up but plausible report (three relays, every verdict) for the screenshot script
// and the docs: `npx tsx scripts/dev/screenshots/sample.ts > sample-report.json`. Deterministic.
// The hosts are placeholders (*.example); nothing here is ever contacted.
import { pathToFileURL } from 'node:url';
import { featureById, features } from '../../../spec/features.js';
import type {
  RelaycheckReport,
  ReportExchange,
  ReportResult,
  ReportTarget,
  ReportVerdict,
} from '../../../spec/generated/types.js';

interface Finding {
  verdict: ReportVerdict;
  summary: string;
  sse?: string;
  status?: number;
  body?: unknown;
}

const SSE_MISSING_DONE =
  'data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1748747520,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
  'data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1748747520,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"alpha beta"},"finish_reason":null}]}\n\n' +
  'data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1748747520,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';

const SSE_REASONING_IN_CONTENT =
  'data: {"id":"c1","object":"chat.completion.chunk","created":1748747521,"model":"deepseek-r1","choices":[{"index":0,"delta":{"role":"assistant","content":"<think>\\n17 × 3 = 51"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","created":1748747521,"model":"deepseek-r1","choices":[{"index":0,"delta":{"content":"</think>\\n51"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","created":1748747521,"model":"deepseek-r1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
  'data: [DONE]\n\n';

const FINDINGS: Record<string, Record<string, Finding>> = {
  'relay-a': {
    'stream.include_usage': {
      verdict: 'partial',
      summary: 'usage arrives on the finish chunk, not on a separate chunk with empty choices',
    },
    'params.unknown': {
      verdict: 'rejected',
      summary: 'an unknown parameter is refused with 400 invalid_request_error (OpenAI ignores none either)',
      status: 400,
    },
    logprobs: { verdict: 'ignored', summary: 'logprobs: true accepted, but choices[0].logprobs is null' },
    seed: {
      verdict: 'inconclusive',
      summary: 'the two seeded answers differ, but the model is not deterministic even with a seed',
    },
    'vision.image_url': { verdict: 'skipped', summary: 'no visionModel configured' },
  },
  'relay-b': {
    'stream.sse': {
      verdict: 'partial',
      summary: 'the stream ends without data: [DONE]; clients that wait for it hang until the timeout',
      sse: SSE_MISSING_DONE,
    },
    'chat.metadata': { verdict: 'partial', summary: 'created is in milliseconds (13 digits), not seconds' },
    'tools.stream': {
      verdict: 'broken',
      summary: 'tool call arguments arrive whole in one delta without an index; the OpenAI SDK drops them',
    },
    parallel_tool_calls: {
      verdict: 'ignored',
      summary: 'parallel_tool_calls: false accepted, yet two tool calls came back',
    },
    'reasoning.content': {
      verdict: 'broken',
      summary: 'reasoning is inlined in content between <think> tags instead of reasoning_content',
      sse: SSE_REASONING_IN_CONTENT,
    },
    'reasoning.effort': {
      verdict: 'ignored',
      summary: 'reasoning_effort "low" and "high" used the same number of reasoning tokens (1,204)',
    },
    n: { verdict: 'rejected', summary: 'n: 2 refused with 400 "n is not supported"', status: 400 },
    max_completion_tokens: {
      verdict: 'error',
      summary: 'timeout after 60 s, 3 attempts (502, 502, timeout)',
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    },
  },
  'relay-c': {
    'errors.status': {
      verdict: 'broken',
      summary: 'an invalid key gets 200 with {"error": ...} in the body instead of 401',
      body: { error: { message: '无效的令牌 (invalid token)', type: 'new_api_error' } },
    },
    'errors.envelope': { verdict: 'partial', summary: 'error.code is a number (401), OpenAI sends a string or null' },
    'errors.in_band': {
      verdict: 'partial',
      summary: 'a refused streamed request answers 200 text/event-stream with an error event',
    },
    'tool_choice.required': {
      verdict: 'ignored',
      summary: 'tool_choice "required" accepted, the model answered in text',
    },
    'tool_choice.named': {
      verdict: 'ignored',
      summary: 'the named function was not called (the model answered in text)',
    },
    stop: { verdict: 'ignored', summary: 'stop ["gamma"] ignored: the output continues past "gamma"' },
    'response_format.json_schema': {
      verdict: 'partial',
      summary: 'valid JSON, but the schema\'s required key "unit" is missing (strict: true)',
    },
    logprobs: { verdict: 'rejected', summary: 'logprobs refused with 400 "unsupported parameter"', status: 400 },
    seed: { verdict: 'ignored', summary: 'the same seed gave two different answers (temperature 0)' },
    'reasoning.content': { verdict: 'skipped', summary: 'no reasoningModel configured' },
    'reasoning.effort': { verdict: 'skipped', summary: 'no reasoningModel configured' },
    'messages.developer_role': {
      verdict: 'rejected',
      summary: 'role "developer" refused with 400 "invalid role"',
      status: 400,
    },
    'vision.image_url': {
      verdict: 'inconclusive',
      summary: 'the model described the image but did not say the colour asked for',
    },
  },
};

const TARGETS = [
  {
    name: 'relay-a',
    baseUrl: 'https://relay-a.example/v1',
    model: 'gpt-4o-mini',
    reasoningModel: 'o3-mini',
    require: ['chat.basic', 'stream.sse', 'tools.call'],
  },
  {
    name: 'relay-b',
    baseUrl: 'https://relay-b.example/openai/v1',
    model: 'gpt-4o-mini',
    reasoningModel: 'deepseek-r1',
    visionModel: 'gpt-4o',
    require: ['chat.basic', 'stream.sse'],
  },
  {
    name: 'relay-c',
    baseUrl: 'https://relay-c.example/v1',
    model: 'claude-3-5-haiku',
    visionModel: 'claude-3-5-haiku',
  },
];

function exchangeFor(
  target: (typeof TARGETS)[number],
  feature: string,
  finding: Finding | undefined,
  i: number,
): ReportExchange {
  const stream = finding?.sse !== undefined || feature.startsWith('stream.');
  const model =
    featureById(feature).needs === 'reasoning-model' ? (target.reasoningModel ?? target.model) : target.model;
  const body = {
    model,
    stream,
    messages: [{ role: 'user', content: 'Output exactly: alpha beta' }],
    ...(feature === 'stop' ? { stop: ['gamma'] } : {}),
  };
  const status = finding?.status ?? 200;
  const ok = status < 300;
  return {
    label: 'baseline',
    request: {
      method: 'POST',
      url: `${target.baseUrl}/chat/completions`,
      headers: {
        authorization: 'Bearer [REDACTED]',
        'content-type': 'application/json',
        'user-agent': 'relaycheck/0.1.0',
      },
      body,
    },
    response: {
      status,
      headers: {
        'content-type': finding?.sse ? 'text/event-stream' : 'application/json',
        date: 'Sun, 01 Jun 2025 03:12:00 GMT',
        'x-request-id': `req_${(1000 + i).toString(16)}`,
      },
      body: finding?.sse
        ? null
        : (finding?.body ??
          (ok
            ? {
                id: `chatcmpl-${i}`,
                object: 'chat.completion',
                created: 1748747520,
                model,
                choices: [{ index: 0, message: { role: 'assistant', content: 'alpha beta' }, finish_reason: 'stop' }],
                usage: { prompt_tokens: 14, completion_tokens: 3, total_tokens: 17 },
              }
            : {
                error: {
                  message: finding?.summary ?? 'refused',
                  type: 'invalid_request_error',
                  param: null,
                  code: null,
                },
              })),
      bodyKind: finding?.sse ? 'sse' : typeof finding?.body === 'string' ? 'text' : 'json',
      ...(finding?.sse ? { rawSse: finding.sse } : {}),
      truncated: false,
      bytes: finding?.sse?.length ?? 250,
    },
    timing: { ms: 380 + ((i * 137) % 900), firstByteMs: 210 + ((i * 53) % 300), totalMs: 380 + ((i * 137) % 900) },
    attempts: 1,
  };
}

function curlFor(ex: ReportExchange): string {
  const stream = (ex.request.body as { stream?: boolean }).stream === true;
  return [
    `curl -sS${stream ? ' -N' : ''} ${ex.request.url}`,
    `-H "Authorization: Bearer $RELAYCHECK_API_KEY"`,
    `-H 'content-type: application/json'`,
    `--data-raw '${JSON.stringify(ex.request.body)}'`,
  ].join(' \\\n  ');
}

export function sampleReport(): RelaycheckReport {
  let n = 0;
  const targets: ReportTarget[] = TARGETS.map((t, ti) => {
    const results: ReportResult[] = features().map((f) => {
      const finding = FINDINGS[t.name]?.[f.id];
      const verdict = finding?.verdict ?? 'supported';
      const ex = exchangeFor(t, f.id, finding, n++);
      return {
        feature: f.id,
        verdict,
        summary: finding?.summary ?? `${f.title}: as OpenAI documents it`,
        evidence: verdict === 'skipped' ? [] : [ex],
        reproduce: verdict === 'skipped' ? '' : curlFor(ex),
        ...(f.id === 'chat.metadata' && t.name === 'relay-a' ? { warnings: ['system_fingerprint is null'] } : {}),
      };
    });
    return {
      ...t,
      usage: { requests: 61 + ti * 9, promptTokens: 18_420 + ti * 2_311, completionTokens: 3_904 + ti * 977 },
      durationMs: 84_000 + ti * 23_500,
      results,
    };
  });
  return {
    schemaVersion: 1,
    generatedAt: '2025-06-01T03:12:00.000Z',
    tool: { name: 'relaycheck', version: '0.1.0' },
    targets,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(sampleReport(), null, 2)}\n`);
}
