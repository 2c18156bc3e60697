// The gateway report's pure parts on synthetic input: the journal tracing (what a gateway
// forwarded vs what the suite sent), the optimal pairing, and the matrix/deviation renderer.
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../../mock-server/index.js';
import type { ReportExchange, ReportResult, ReportTarget } from '../../../../spec/generated/types.js';
import { assignMinCost } from '../../../../scripts/dev/gateways/assign.js';
import { deviations, diffBodies, traceReport } from '../../../../scripts/dev/gateways/forwarding.js';
import { renderGatewaysMarkdown, type GatewaysDoc } from '../../../../scripts/dev/gateways/render.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(T0 + ms).toISOString();
const MSG = [{ role: 'user', content: 'Say alpha' }];

function exchange(label: string, body: Record<string, unknown>, status: number, at: number): ReportExchange {
  return {
    label,
    request: { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions', headers: {}, body },
    response: { status, headers: {}, body: {}, truncated: false, bytes: 2 },
    timing: { startedAt: iso(at), ms: 10, totalMs: 10 },
    attempts: 1,
  };
}

function entry(seq: number, body: Record<string, unknown>, status: number, at: number): JournalEntry {
  return {
    seq,
    at: iso(at),
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { authorization: '[REDACTED]' },
    body,
    bodyState: 'parsed',
    status,
    stream: body.stream === true,
    authPresent: true,
  };
}

const result = (feature: string, verdict: ReportResult['verdict'], evidence: ReportExchange[]): ReportResult => ({
  feature,
  verdict,
  summary: `${feature} ${verdict}`,
  evidence,
  reproduce: '',
});

const target = (name: string, results: ReportResult[]): ReportTarget => ({
  name,
  baseUrl: 'http://127.0.0.1:1/v1',
  model: 'm',
  usage: { requests: 0, promptTokens: 0, completionTokens: 0 } as ReportTarget['usage'],
  durationMs: 1,
  results,
});

describe('diffBodies', () => {
  it('names dropped, added and changed fields; the routing alias of `model` is not a change', () => {
    const d = diffBodies(
      { model: 'mock/m', messages: MSG, n: 2, top_p: 2 },
      { model: 'm', messages: MSG, top_p: 1, stream_options: { include_usage: true } },
      (id) => id.replace('mock/', ''),
    );
    expect(d).toEqual({
      dropped: ['n'],
      added: ['stream_options: {"include_usage":true}'],
      changed: [{ field: 'top_p', sent: '2', forwarded: '1' }],
    });
  });
});

describe('traceReport', () => {
  it('pairs best overall: a request the mock never journaled (refused before its body) gets nothing', () => {
    // "control" and "wrong key" send the same body; the gateway dropped the unknown
    // parameter of a third, so its forwarded body equals theirs. Only two were journaled.
    const control = exchange('control', { model: 'm', messages: MSG }, 200, 0);
    const wrongKey = exchange('wrong key', { model: 'm', messages: MSG }, 401, 5);
    const unknown = exchange('unknown parameter', { model: 'm', messages: MSG, x_unknown: true }, 200, 6);
    const journal = [entry(1, { model: 'm', messages: MSG }, 200, 8), entry(2, { model: 'm', messages: MSG }, 200, 9)];
    const traces = traceReport(target('gw', [result('a', 'supported', [control, wrongKey, unknown])]), journal);
    const byLabel = Object.fromEntries([...traces.values()].map((t) => [t.label, t]));
    expect(byLabel['control']!.forwarded).toMatchObject({ status: 200, dropped: [], added: [], changed: [] });
    expect(byLabel['unknown parameter']!.forwarded).toMatchObject({ dropped: ['x_unknown'] });
    expect(byLabel['wrong key']!.forwarded).toBeNull();
  });

  it('ignores journal entries recorded outside the exchange', () => {
    const ex = exchange('late', { model: 'm', messages: MSG }, 200, 0);
    const traces = traceReport(target('gw', [result('a', 'supported', [ex])]), [
      entry(1, { model: 'm', messages: MSG }, 200, 60_000),
    ]);
    expect([...traces.values()][0]!.forwarded).toBeNull();
  });
});

describe('assignMinCost', () => {
  it('finds the cheapest overall assignment, not the greedy one', () => {
    // Greedy would give row 0 column 0 (1) and row 1 column 1 (100): 101. Best: 2 + 2.
    expect(
      assignMinCost([
        [1, 2],
        [2, 100],
      ]),
    ).toEqual([1, 0]);
  });
});

describe('renderGatewaysMarkdown', () => {
  const sent = exchange('logprobs', { model: 'm', messages: MSG, logprobs: true }, 200, 0);
  const faithful = target('mock', [result('chat.basic', 'supported', []), result('logprobs', 'supported', [sent])]);
  const gw = target('gw', [result('chat.basic', 'supported', []), result('logprobs', 'ignored', [sent])]);
  const devs = deviations(faithful, gw, [entry(1, { model: 'm', messages: MSG }, 200, 3)]);
  const cells = (t: ReportTarget) =>
    Object.fromEntries(t.results.map((r) => [r.feature, { verdict: r.verdict, summary: r.summary }]));
  const transit = { exchanges: 1, notForwarded: 0, changed: 0, notForwardedLabels: [] };
  const gwDoc = {
    name: 'gw',
    package: 'gw-pkg',
    version: '1.0.0',
    control: false,
    notes: ['a note'],
    install: { installed: true, seconds: 2.5, versions: { 'gw-pkg': '1.0.0' }, packages: 3 },
    startSeconds: 0.5,
    runSeconds: 0.4,
    sockets: ['127.0.0.1:5000'],
    transit: { ...transit, changed: 1 },
    verdicts: cells(gw),
    deviations: devs,
  };
  const ctl = {
    name: 'ctl',
    package: 'ctl-pkg',
    version: '2.0.0',
    control: true,
    notes: ['the control'],
    verdicts: cells(faithful),
    deviations: [],
  };
  const faithfulRun = { runSeconds: 1, requests: 1, transit, verdicts: cells(faithful) };
  const unpaced = { id: 'unpaced', title: 'unpaced', describe: 'at once' };
  const doc: GatewaysDoc = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    toolVersion: '0.0.0',
    nodeVersion: '20',
    features: ['chat.basic', 'logprobs'],
    runs: [{ pacing: unpaced, faithful: faithfulRun, gateways: [gwDoc, ctl] }],
    watched: [],
  };
  const md = renderGatewaysMarkdown(doc);

  it('puts the faithful mock first in the matrix and marks the verdicts that differ', () => {
    expect(md).toContain('| feature | mock | gw | ctl |');
    expect(md).toContain('| `chat.basic` | supported | supported | supported |');
    expect(md).toContain('| `logprobs` | supported | **ignored** | supported |');
    expect(md).toContain('3 of 4 gateway verdicts equal the faithful mock');
  });

  it("shows each deviation with its summaries and what the mock's journal shows was forwarded", () => {
    expect(devs).toHaveLength(1);
    expect(md).toContain('#### `logprobs`: supported on the mock, **ignored** through the gateway');
    expect(md).toContain('- gateway: logprobs ignored');
    expect(md).toContain(
      '| logprobs | POST /v1/chat/completions | 200 | POST /v1/chat/completions | 200 | dropped `logprobs` |',
    );
  });

  it('states the install facts, and that the control shows no deviation', () => {
    expect(md).toContain(
      '| gw | `gw-pkg@1.0.0` | gw-pkg@1.0.0 | 2.5 s | 3 | 0.5 s | 0.4 s | 127.0.0.1:5000 | 1 / 0 of 1 | 1 |',
    );
    expect(md).toMatch(/### ctl \(control\) \(unpaced\)\n\nNo deviation: the control changes nothing/);
  });
});

describe('renderGatewaysMarkdown, two passes', () => {
  const cell = (verdict: string, summary = verdict) => ({ verdict, summary });
  const transit = { exchanges: 1, notForwarded: 0, changed: 0, notForwardedLabels: [] };
  const faithful = { runSeconds: 1, requests: 1, transit, verdicts: { 'stream.integrity': cell('supported') } };
  const gateway = (verdict: string, summary: string, runSeconds: number) => ({
    name: 'nullplatform',
    package: '@nullplatform/llm-gateway',
    version: '2.0.11',
    control: false,
    notes: ['a note'],
    runSeconds,
    verdicts: { 'stream.integrity': cell(verdict, summary) },
    deviations: [
      {
        feature: 'stream.integrity',
        faithful: cell('supported'),
        verdict,
        summary,
        trace: [],
      },
    ],
  });
  const md = renderGatewaysMarkdown({
    generatedAt: '2026-01-01T00:00:00.000Z',
    toolVersion: '0.0.0',
    nodeVersion: '20',
    features: ['stream.integrity'],
    runs: [
      {
        pacing: { id: 'unpaced', title: 'unpaced', describe: 'at once' },
        faithful,
        gateways: [gateway('partial', 'usage disagrees', 0.4)],
      },
      {
        pacing: { id: 'paced', title: 'paced', describe: 'like a real model' },
        faithful,
        gateways: [gateway('broken', 'the streamed text "alphalpha" re-sends', 2.5)],
      },
    ],
    watched: [{ gateway: 'nullplatform', feature: 'stream.integrity', why: 'its replayed deltas' }],
  });

  it('states both passes, and each value of a gateway per pass', () => {
    expect(md).toContain('| unpaced | at once | 1.0 s | 1 | 0 of 1 |');
    expect(md).toContain('| paced | like a real model | 1.0 s | 1 | 0 of 1 |');
    expect(md).toMatch(/\| nullplatform \| `@nullplatform\/llm-gateway@2\.0\.11` \|.*\| 0\.4 s · 2\.5 s \|/);
  });
  it('shows a verdict pacing changes as "unpaced → paced", and lists it', () => {
    expect(md).toContain('| `stream.integrity` | supported | **partial** → **broken** |');
    expect(md).toContain(
      '| nullplatform | `stream.integrity` | partial: usage disagrees | broken: the streamed text "alphalpha" re-sends |',
    );
  });
  it('closes by quoting the watched verdict of both passes', () => {
    const note = md.slice(md.indexOf('## Closing note'));
    expect(note).toContain('`stream.integrity` through **nullplatform**, the check for its replayed deltas:');
    expect(note).toContain('- unpaced: **partial**: usage disagrees');
    expect(note).toContain('- paced: **broken**: the streamed text "alphalpha" re-sends');
  });
});
