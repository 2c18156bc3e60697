// /v1/responses in the bench as verdicts and a Markdown section. Pure.
import type { ResponsesResult } from './responses.js';
import { fmt } from './stats.js';
import type { ConcurrencyResult } from './throughput.js';
import type { Verdict } from './verdict.js';

const clean = (t: ConcurrencyResult): boolean => t.mock.errors + t.mock.non2xx === 0;

/** Judged at 50 connections (the issue's c=50); the other concurrencies are reported. */
export const JUDGED_CONNECTIONS = 50;

export function responsesVerdicts(r: ResponsesResult): Verdict[] {
  const out: Verdict[] = [];
  for (const [label, part] of [
    ['non-streamed', r.json],
    ['streamed', r.stream],
  ] as const) {
    for (const t of part.throughput.filter((x) => x.connections === JUDGED_CONNECTIONS))
      out.push({
        target: `/v1/responses ${label}, c=${t.connections}: mock/bare ≥ ${part.target}`,
        figure: t.ratio.toFixed(3),
        pass: t.ratio >= part.target && clean(t),
      });
  }
  if (r.aimock && 'rows' in r.aimock) {
    for (const row of r.aimock.rows.filter((x) => x.connections === JUDGED_CONNECTIONS)) {
      const ratio = row.mock.rps / row.aimock.rps;
      out.push({
        target: `/v1/responses vs aimock, ${row.kind === 'json' ? 'non-streamed' : `streamed (${r.aimock.matchedChunkTokens} tokens/chunk)`}, c=${row.connections}: relaycheck ÷ aimock req/s > 1`,
        figure: ratio.toFixed(3),
        pass: ratio > 1 && row.mock.errors + row.mock.non2xx + row.aimock.errors + row.aimock.non2xx === 0,
      });
    }
  } else if (r.aimock) {
    out.push({ target: '/v1/responses vs aimock', figure: r.aimock.error, pass: false });
  }
  return out;
}

const row = (t: ConcurrencyResult): string =>
  `| ${t.connections} | ${fmt(t.mock.rps)} | ${t.mock.p50} / ${t.mock.p99} | ${fmt(t.bare.rps)} | ${t.bare.p50} / ${t.bare.p99} | **${t.ratio.toFixed(3)}** | ${t.pairedRatio.toFixed(3)} | ${t.floorRatio === undefined ? '–' : t.floorRatio.toFixed(3)} | ${fmt(t.mock.cpuUs)} / ${t.floor ? fmt(t.floor.cpuUs) : '–'} / ${fmt(t.bare.cpuUs)} | ${t.mock.errors + t.mock.non2xx} |`;

/** The plumbing floor's sentence for one kind of answer at the judged concurrency, if it was measured. */
function floorSentence(label: string, part: ResponsesResult['json'] | ResponsesResult['stream']): string[] {
  const t = part.throughput.find((x) => x.connections === JUDGED_CONNECTIONS);
  if (!t?.floor || t.floorRatio === undefined) return [];
  const verdict =
    t.floorRatio < part.target
      ? `below the target of ${part.target}: no mock that reads and journals its request can meet it on this machine`
      : `${(t.floorRatio - part.target).toFixed(3)} above the target of ${part.target}: what computing the answer may cost to meet it`;
  return [
    `- ${label}, c=${t.connections}: the plumbing floor scores ${t.floorRatio.toFixed(3)} of bare (${fmt(t.floor.cpuUs)} µs CPU per request against bare's ${fmt(t.bare.cpuUs)}), ${verdict}; the mock scores ${t.ratio.toFixed(3)} (${fmt(t.mock.cpuUs)} µs).`,
  ];
}

export function renderResponses(r: ResponsesResult): string[] {
  const L: string[] = ['## Throughput (/v1/responses)', ''];
  L.push(
    `The chat prompts as Responses requests (\`instructions\` + \`input\`): non-streamed "Output exactly: …" (${r.json.requestBytes}-byte`,
    `request, ${fmt(r.json.bodyBytes)}-byte answer) and streamed "Count from 1 to 50." (${r.stream.requestBytes}-byte request,`,
    `${r.stream.events} events, ${fmt(r.stream.bodyBytes)} bytes). The bare server replays the mock's exact bytes; ${r.rounds} rounds of`,
    `${r.seconds} s per side, alternating; judged at c=${JUDGED_CONNECTIONS}: non-streamed ≥ ${r.json.target}, streamed ≥ ${r.stream.target}.`,
    '',
    '',
    "The plumbing floor (`serve-plumbing-floor.ts`) is the mock's own request path with nothing computed: its server",
    'settings, journal, body reader (size, nesting and deadline checks, decoding, JSON.parse) and reply path, replaying',
    "the same bytes. It is the most any mock that reads its request can score; the mock's distance below it is the",
    'answer itself (translation, checks, plan, render, serialisation, the response store).',
    '',
    '| Concurrency | Mock req/s | Mock p50 / p99 | Bare req/s | Bare p50 / p99 | **Ratio** | Paired ratio | Floor ÷ bare | Mock / floor / bare CPU µs per req | Mock errors |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  L.push('| **non-streamed** | | | | | | | | | |', ...r.json.throughput.map(row));
  L.push('| **streamed** | | | | | | | | | |', ...r.stream.throughput.map(row), '');
  const floors = [...floorSentence('Non-streamed', r.json), ...floorSentence('Streamed', r.stream)];
  if (floors.length > 0) L.push(...floors, '');
  if (r.aimock && 'rows' in r.aimock) {
    L.push(
      `Against aimock's \`/v1/responses\` per request (${r.aimock.describe}); streamed, the mock child sends`,
      `${r.aimock.matchedChunkTokens} tokens per delta, about aimock's chunk count.`,
      '',
      '| Concurrency | Answer | relaycheck req/s (events) | aimock req/s (events) | **relaycheck ÷ aimock** |',
      '| ---: | --- | ---: | ---: | ---: |',
    );
    for (const a of r.aimock.rows)
      L.push(
        `| ${a.connections} | ${a.kind === 'json' ? 'JSON' : 'stream'} | ${fmt(a.mock.rps)} (${a.mockEvents}) | ${fmt(a.aimock.rps)} (${a.aimockEvents}) | **${(a.mock.rps / a.aimock.rps).toFixed(3)}** |`,
      );
    L.push('');
  } else if (r.aimock) {
    L.push(`Against aimock's \`/v1/responses\`: could not run (${r.aimock.error}).`, '');
  }
  return L;
}
