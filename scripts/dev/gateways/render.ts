// docs/GATEWAYS.md from the collected passes (the upstream unpaced, then paced): the gateways
// and their install facts, the verdict matrix (faithful mock first), what pacing changes, every
// verdict that differs from the faithful mock with what the mock's journal shows the gateway
// forwarded, and a closing note quoting the watched verdicts. Pure: data in, text out.
import type { Deviation, ExchangeTrace } from './forwarding.js';

export interface VerdictCell {
  verdict: string;
  summary: string;
}

export interface Transit {
  exchanges: number;
  notForwarded: number;
  changed: number;
  /** The labels of the exchanges with no journal entry. */
  notForwardedLabels: string[];
}

export interface DocGateway {
  name: string;
  package: string;
  version: string;
  control: boolean;
  notes: string[];
  install?: { installed: boolean; seconds: number; versions: Record<string, string>; packages: number };
  startSeconds?: number;
  runSeconds?: number;
  /** The listening sockets the check found, e.g. "127.0.0.1:4000". */
  sockets?: string[];
  /** Requests the mock received from the gateway during the run. */
  forwardedRequests?: number;
  /** Every exchange of the run traced through the journal: how many reached the mock unchanged. */
  transit?: Transit;
  /** Why it could not be measured (install, start or socket check failed). */
  error?: string;
  verdicts: Record<string, VerdictCell>;
  deviations: Deviation[];
}

/** One pass of the report: the upstream mock paced one way, the faithful run and every gateway. */
export interface PacingRun {
  pacing: { id: string; title: string; describe: string };
  faithful: { runSeconds: number; requests: number; transit: Transit; verdicts: Record<string, VerdictCell> };
  gateways: DocGateway[];
}

export interface GatewaysDoc {
  generatedAt: string;
  toolVersion: string;
  nodeVersion: string;
  features: string[];
  /** The passes, unpaced first. */
  runs: PacingRun[];
  /** Verdicts the closing note quotes from every pass. */
  watched: readonly { gateway: string; feature: string; why: string }[];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const secs = (s: number | undefined): string => (s === undefined ? '–' : `${s.toFixed(1)} s`);

function forwardedText(f: ExchangeTrace['forwarded']): { where: string; status: string; diff: string } {
  if (!f) return { where: 'nothing in the journal', status: '–', diff: '–' };
  const parts: string[] = [];
  if (f.dropped.length > 0) parts.push(`dropped ${f.dropped.map((d) => `\`${d}\``).join(', ')}`);
  if (f.changed.length > 0)
    parts.push(`changed ${f.changed.map((c) => `\`${c.field}\` ${c.sent} → ${c.forwarded}`).join('; ')}`);
  if (f.added.length > 0) parts.push(`added ${f.added.map((a) => `\`${a}\``).join(', ')}`);
  return {
    where: `${f.method} ${f.path}${f.stream ? ' stream' : ''}${f.auth ? '' : ' (no key header)'}`,
    status: String(f.status),
    diff: parts.length > 0 ? parts.join('; ') : 'as sent',
  };
}

export function renderDeviation(d: Deviation): string[] {
  const lines = [
    `#### \`${d.feature}\`: ${d.faithful.verdict} on the mock, **${d.verdict}** through the gateway`,
    '',
    `- gateway: ${cell(d.summary)}`,
    `- faithful mock: ${cell(d.faithful.summary)}`,
    '',
  ];
  if (d.trace.length === 0) return [...lines, 'No exchange in the evidence.', ''];
  lines.push(
    '| exchange | the suite sent | gateway answered | the mock received | mock answered | body forwarded vs sent |',
    '|---|---|---|---|---|---|',
  );
  for (const t of d.trace) {
    const f = forwardedText(t.forwarded);
    lines.push(
      `| ${cell(t.label)} | ${t.sent} | ${t.answered ?? 'no response'} | ${f.where} | ${f.status} | ${cell(f.diff)} |`,
    );
  }
  lines.push('');
  return lines;
}

/** One value per pass, "a · b" (a slash is already inside some values); a single pass shows one. */
const perRun = <T>(runs: readonly T[], f: (r: T) => string): string => runs.map(f).join(' · ');

/** A matrix cell: the verdict of each pass ("a → b" when pacing changes it), bold where it differs from the mock's. */
function matrixCell(runs: readonly PacingRun[], gateway: string, feature: string): string {
  const parts = runs.map((r) => {
    const g = r.gateways.find((x) => x.name === gateway);
    if (!g || g.error) return 'not measured';
    const v = g.verdicts[feature]?.verdict ?? '–';
    return v === (r.faithful.verdicts[feature]?.verdict ?? '–') ? v : `**${v}**`;
  });
  return new Set(parts).size === 1 ? parts[0]! : parts.join(' → ');
}

/** Verdicts of one gateway that pacing changes: feature, then each pass's cell. */
function pacingChanges(runs: readonly PacingRun[], gateway: string, features: readonly string[]): string[] {
  return features.filter((f) => {
    const vs = runs.map((r) => r.gateways.find((g) => g.name === gateway)).filter((g) => g && !g.error);
    return vs.length === runs.length && new Set(vs.map((g) => g!.verdicts[f]?.verdict)).size > 1;
  });
}

function renderDeviations(run: PacingRun, before: PacingRun | undefined): string[] {
  const out: string[] = [];
  for (const g of run.gateways) {
    out.push(`### ${g.name}${g.control ? ' (control)' : ''} (${run.pacing.title})`, '');
    if (g.error) {
      out.push(`Not measured: ${cell(g.error)}`, '');
      continue;
    }
    // After the first pass, only what that pass did not already show (same verdict and summary).
    const earlier = before?.gateways.find((x) => x.name === g.name);
    const shown = g.deviations.filter(
      (d) =>
        !earlier?.deviations.some((e) => e.feature === d.feature && e.verdict === d.verdict && e.summary === d.summary),
    );
    const repeated = g.deviations.length - shown.length;
    if (g.deviations.length === 0) {
      out.push(
        g.control
          ? 'No deviation: the control changes nothing, so the harness itself adds no difference.'
          : 'No deviation.',
        '',
      );
      continue;
    }
    if (g.control)
      out.push('**The control deviates: the harness (launch, forwarding or the run) is wrong, not the gateways.**', '');
    if (repeated > 0)
      out.push(
        `${repeated} deviation(s) as in the ${before!.pacing.title} pass (same verdict and summary), not repeated.`,
        '',
      );
    for (const d of shown) out.push(...renderDeviation(d));
  }
  return out;
}

export function renderGatewaysMarkdown(doc: GatewaysDoc): string {
  const runs = doc.runs;
  const names = runs[0]?.gateways.map((g) => g.name) ?? [];
  const passes = perRun(runs, (r) => r.pacing.title);
  const out: string[] = [
    '# Real gateways in front of the mock',
    '',
    '<!-- Generated by `npm run gateways` (scripts/dev/gateways/): do not edit by hand. -->',
    '',
    `Generated ${doc.generatedAt} by relaycheck ${doc.toolVersion} on Node ${doc.nodeVersion}.`,
    '',
    'Each gateway is installed from npm at a pinned version into `.cache/gateways/<name>/`, started on',
    '127.0.0.1 in front of a fresh faithful mock (the `openai` profile), and checked in the kernel socket',
    'list (/proc/net/tcp, tcp6) to listen on 127.0.0.1 only before the suite sends it anything. The suite',
    'runs through it as `npm start` runs it (every feature, concurrency 4). The **mock** column is the',
    'same suite sent directly to the mock: the faithful reference. For every verdict that differs from it,',
    "the mock's journal (every request it received) shows what the gateway forwarded: the journal is the",
    'ground truth. `llm-debugger` is the control, a plain proxy that must change nothing.',
    '',
    '"Nothing in the journal" means the gateway did not forward the request, or the mock refused it before',
    'reading its body (a wrong key, malformed JSON), which its journal does not record. A forwarded body is',
    "compared with the one the suite sent, field by field; `model` after the gateway's routing alias",
    '(`mock/mock-model` is `mock-model`).',
    '',
    '## Two passes: the upstream unpaced, and paced like a real model',
    '',
    'A gateway meets a real upstream one network read at a time. Unpaced, the mock writes a whole stream at',
    'once and a gateway reads it in one or two reads; paced, each event comes in a read of its own, and',
    'gateways that mishandle a read boundary show it. Everything is measured in both passes.',
    '',
    '| pass | upstream mock | faithful run | requests the mock journaled | exchanges differing from what the suite sent (must be 0) |',
    '|---|---|---|---|---|',
  ];
  for (const r of runs) {
    const ft = r.faithful.transit;
    out.push(
      `| ${r.pacing.title} | ${r.pacing.describe} | ${secs(r.faithful.runSeconds)} | ${r.faithful.requests} | ${ft.changed} of ${ft.exchanges} |`,
    );
  }
  const ft = runs[0]?.faithful.transit;
  if (ft)
    out.push(
      '',
      `${ft.notForwarded} exchanges are not in the journal even sent directly (${ft.notForwardedLabels.join(', ') || 'none'}), ` +
        'so "nothing in the journal" for those says nothing about a gateway.',
    );
  out.push(
    '',
    '## Gateways',
    '',
    `Where a cell has two values (a · b), they are the ${runs.map((r) => r.pacing.title).join(' · ')} passes.`,
    '',
    `| gateway | package | resolved versions | install | packages | start | suite run | listening | exchanges: changed / not forwarded | verdicts ≠ mock |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const name of names) {
    const gs = runs.map((r) => r.gateways.find((g) => g.name === name)!);
    const g = gs[0]!;
    const versions = g.install
      ? Object.entries(g.install.versions)
          .map(([p, v]) => `${p}@${v}`)
          .join(', ')
      : '–';
    const install = g.install ? `${secs(g.install.seconds)}${g.install.installed ? '' : ' (cached)'}` : '–';
    out.push(
      `| ${g.name}${g.control ? ' (control)' : ''} | \`${g.package}@${g.version}\` | ${versions} | ${install} | ${g.install?.packages ?? '–'} | ${perRun(gs, (x) => secs(x.startSeconds))} | ${perRun(gs, (x) => secs(x.runSeconds))} | ${perRun(gs, (x) => x.sockets?.join(', ') ?? '–')} | ${perRun(gs, (x) => (x.transit ? `${x.transit.changed} / ${x.transit.notForwarded} of ${x.transit.exchanges}` : '–'))} | ${perRun(gs, (x) => (x.error ? 'not measured' : String(x.deviations.length)))} |`,
    );
  }
  out.push('');
  for (const name of names) {
    const gs = runs.map((r) => r.gateways.find((g) => g.name === name)!);
    const errors = gs.map((x, i) => (x.error ? ` **Not measured (${runs[i]!.pacing.title}): ${cell(x.error)}**` : ''));
    out.push(`- **${name}**: ${gs[0]!.notes.join('; ')}.${errors.join('')}`);
  }
  out.push('', '## Verdict matrix', '');
  out.push(
    `Bold: differs from the faithful mock. \`a → b\`: the verdict of the ${passes} passes, when pacing changes it.`,
    '',
  );
  out.push(`| feature | mock | ${names.join(' | ')} |`);
  out.push(`|---|---|${names.map(() => '---').join('|')}|`);
  for (const feature of doc.features) {
    const refs = [...new Set(runs.map((r) => r.faithful.verdicts[feature]?.verdict ?? '–'))].join(' → ');
    out.push(`| \`${feature}\` | ${refs} | ${names.map((n) => matrixCell(runs, n, feature)).join(' | ')} |`);
  }
  out.push('');
  for (const r of runs) {
    const measured = r.gateways.filter((g) => !g.error);
    const same = measured.reduce(
      (n, g) => n + doc.features.filter((f) => g.verdicts[f]?.verdict === r.faithful.verdicts[f]?.verdict).length,
      0,
    );
    out.push(
      `${r.pacing.title}: ${same} of ${measured.length * doc.features.length} gateway verdicts equal the faithful mock's.`,
      '',
    );
  }
  if (runs.length > 1) {
    out.push('## What pacing changes', '');
    const rows: string[] = [];
    for (const name of names)
      for (const f of pacingChanges(runs, name, doc.features)) {
        const cells = runs.map((r) => {
          const v = r.gateways.find((g) => g.name === name)!.verdicts[f];
          return v ? `${v.verdict}: ${cell(v.summary)}` : '–';
        });
        rows.push(`| ${name} | \`${f}\` | ${cells.join(' | ')} |`);
      }
    if (rows.length === 0) out.push('No verdict changes between the passes.', '');
    else
      out.push(
        `| gateway | feature | ${runs.map((r) => r.pacing.title).join(' | ')} |`,
        `|---|---|${runs.map(() => '---').join('|')}|`,
        ...rows,
        '',
      );
  }
  out.push('## Verdicts that differ from the faithful mock', '');
  runs.forEach((r, i) => out.push(...renderDeviations(r, runs[i - 1])));
  if (doc.watched.length > 0) {
    out.push('## Closing note', '');
    for (const w of doc.watched) {
      const quotes = runs.map((r) => {
        const g = r.gateways.find((x) => x.name === w.gateway);
        const v = g && !g.error ? g.verdicts[w.feature] : undefined;
        return `- ${r.pacing.title}: ${v ? `**${v.verdict}**: ${cell(v.summary)}` : 'not measured'}`;
      });
      out.push(`\`${w.feature}\` through **${w.gateway}**, the check for ${w.why}:`, '', ...quotes, '');
    }
  }
  out.push(
    '## Run it',
    '',
    '```sh',
    'npm run gateways                 # installs what the cache lacks, runs both passes, writes this file and docs/gateways/',
    'npm run gateways -- --only portkey,llm-debugger',
    'npm run gateways -- --pacing paced    # one pass only (unpaced or paced)',
    '```',
    '',
    'Per gateway, `docs/gateways/<name>.json` is its report (spec/report.schema.yaml) and `<name>.md` its',
    'Markdown rendering, from the unpaced pass; `<name>.paced.*` from the paced one; `docs/gateways/mock.*`',
    'is the faithful run.',
    '',
  );
  return out.join('\n');
}
