// The aimock comparison as verdicts and a Markdown section. Pure.
import type { AimockResult, AimockRow } from './aimock.js';
import type { Verdict } from './verdict.js';
import { fmt } from './stats.js';

const isAimock = (name: string): boolean => name.startsWith('aimock');

/** relaycheck ÷ aimock for one row: per request for every relaycheck side, and per event. */
export function aimockRatios(row: AimockRow): Array<{ name: string; perRequest: number; perEvent: number }> {
  const peer = row.sides.find((s) => isAimock(s.name));
  if (!peer) return [];
  return row.sides
    .filter((s) => !isAimock(s.name))
    .map((s) => ({
      name: s.name,
      perRequest: s.summary.rps / peer.summary.rps,
      perEvent: (s.summary.rps * s.events) / (peer.summary.rps * peer.events),
    }));
}

const clean = (row: AimockRow): boolean => row.sides.every((s) => s.summary.errors + s.summary.non2xx === 0);

export function aimockVerdicts(a: AimockResult): Verdict[] {
  const out: Verdict[] = [];
  for (const row of a.rows) {
    const ratios = aimockRatios(row);
    if (row.kind === 'json') {
      const r = ratios[0]!;
      out.push({
        target: `vs aimock, non-streamed, c=${row.connections}: relaycheck ÷ aimock req/s > 1`,
        figure: r.perRequest.toFixed(3),
        pass: r.perRequest > 1 && clean(row),
      });
      continue;
    }
    const base = ratios.find((r) => r.name === 'relaycheck')!;
    const matched = ratios.find((r) => r.name !== 'relaycheck')!;
    out.push({
      target: `vs aimock, streamed per event (1 token/chunk vs 20 chars/chunk), c=${row.connections}: relaycheck ÷ aimock events/s > 1`,
      figure: base.perEvent.toFixed(3),
      pass: base.perEvent > 1 && clean(row),
    });
    out.push({
      target: `vs aimock, streamed per request, chunk counts matched (${a.matchedChunkTokens} tokens/chunk), c=${row.connections}: relaycheck ÷ aimock req/s > 1`,
      figure: matched.perRequest.toFixed(3),
      pass: matched.perRequest > 1 && clean(row),
    });
  }
  return out;
}

export function renderAimock(a: AimockResult): string[] {
  const L: string[] = [];
  L.push('## Against aimock');
  L.push('');
  L.push(`- ${a.describe}.`);
  L.push(
    `- The same prompt to both ("Count from 1 to 50.", the streamed bench request; without \`stream\` for the JSON answer). The`,
  );
  L.push(
    `  fixture's content is the mock's own answer (${a.contentChars} characters, ${a.completionTokens} tokens), so both send the same text.`,
  );
  L.push(
    `- Chunk sizes differ by design: the mock streams one token per delta (as OpenAI does), aimock 20 characters. A second`,
  );
  L.push(
    `  mock child with \`chunkTokens: ${a.matchedChunkTokens}\` sends about as many content chunks as aimock: that row compares per request.`,
  );
  L.push(
    `- One rotation per concurrency and answer kind (relaycheck / aimock / …), ${a.rounds} rounds of ${a.seconds} s after a warm-up; medians.`,
  );
  L.push('  "Events" are `data:` events per answer, `[DONE]` excluded; events/s = req/s × events.');
  L.push('');
  L.push(
    '| Concurrency | Answer | Server | Events / answer | Bytes / answer | req/s | events/s | CPU µs / req | **relaycheck ÷ aimock** (req/s) | (events/s) |',
  );
  L.push('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of a.rows) {
    const ratios = new Map(aimockRatios(row).map((r) => [r.name, r]));
    for (const s of row.sides) {
      const r = ratios.get(s.name);
      L.push(
        `| ${row.connections} | ${row.kind === 'json' ? 'JSON' : 'stream'} | ${s.name} | ${s.events} | ${fmt(s.bytes)} | ${fmt(s.summary.rps)} | ${fmt(s.summary.rps * s.events)} | ${fmt(s.summary.cpuUs)} | ${r ? `**${r.perRequest.toFixed(3)}**` : ''} | ${r && row.kind === 'stream' ? r.perEvent.toFixed(3) : ''} |`,
      );
    }
  }
  L.push('');
  return L;
}
