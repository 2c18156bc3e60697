// Renders the HTML report and photographs it in headless Chromium at a laptop's size, to
// check by eye that it reads well. Not part of `npm test`; skips (exit 0) without Chromium.
//
//   npx tsx scripts/dev/screenshots/screenshot.ts [report.json] [--out DIR]
//
// Without a report it uses the sample (scripts/dev/screenshots/sample.ts). Writes DIR/report.png
// (1440×900, the first screen), report-evidence.png (a cell's evidence opened) and
// report-full.png (1440×1900, the whole matrix). DIR defaults to docs/screenshots.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadReportFile } from '../../cli/commands/report.js';
import { evaluateGate } from '../../../suites/report/gate/gate.js';
import { renderHtml } from '../../../suites/report/render/html.js';
import { sampleReport } from './sample.js';

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', c], { stdio: 'pipe' });
      return c;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

function shoot(chromium: string, url: string, png: string, size: string): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'relaycheck-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    `--screenshot=${png}`,
    `--window-size=${size}`,
    url,
  ];
  return new Promise((done, fail) => {
    execFile(chromium, args, { timeout: 60_000 }, (err, _stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (err) fail(new Error(`${chromium} failed: ${err.message}\n${stderr}`));
      else done();
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { out: { type: 'string', default: 'docs/screenshots' } },
  });
  const chromium = findChromium();
  if (!chromium) {
    process.stdout.write(
      'screenshot skipped: no chromium on PATH (Debian: apt-get install -y chromium; or set CHROMIUM=/path)\n',
    );
    return 0;
  }
  const report = positionals[0] ? loadReportFile(positionals[0]) : sampleReport();
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'relaycheck-html-'));
  const html = join(work, 'report.html');
  writeFileSync(html, renderHtml(report, { gate: evaluateGate(report) }));
  const url = pathToFileURL(html).href;
  // A cell worth opening: the first non-supported result with evidence.
  let cell = '';
  report.targets.some((t, i) =>
    t.results.some((r) => {
      if (r.verdict === 'supported' || r.evidence.length === 0 || !r.evidence.some((e) => e.response?.rawSse))
        return false;
      cell = `#t=${i}&f=${encodeURIComponent(r.feature)}`;
      return true;
    }),
  );
  const shots: [string, string, string][] = [
    [url, join(outDir, 'report.png'), '1440,900'],
    [url + cell, join(outDir, 'report-evidence.png'), '1440,900'],
    [url, join(outDir, 'report-full.png'), '1440,1900'],
  ];
  try {
    for (const [u, png, size] of shots) {
      await shoot(chromium, u, png, size);
      process.stdout.write(`wrote ${png}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`screenshot: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
