// The renderers of report.json, and writing them next to it.
import { join } from 'node:path';
import { prepareOutDir, writeFileNoFollow } from '../write.js';
import type { RelaycheckReport } from '../../../spec/generated/types.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import type { RenderOptions } from './base.js';
import { renderMarkdown } from './markdown.js';

export { renderHtml } from './html.js';
export { renderJunit, junitOutcome } from './junit.js';
export { renderMarkdown } from './markdown.js';
export type { RenderOptions } from './base.js';
export type { MarkdownOptions } from './markdown.js';
export { buildView, mergeReports } from './model.js';
export { VERDICTS, VERDICT_INFO, isMeasured, verdictRank } from './verdicts.js';

/**
 * The report formats, the one table: each format's name (also its CLI flag, `--md`), the
 * file it is written to next to report.json, and its renderer. Adding a format is a row here.
 */
export const FORMAT_TABLE = {
  md: { file: 'report.md', title: 'Markdown', render: renderMarkdown },
  html: { file: 'report.html', title: 'self-contained HTML', render: renderHtml },
  junit: { file: 'junit.xml', title: 'JUnit XML', render: renderJunit },
} as const satisfies Record<
  string,
  { file: string; title: string; render: (r: RelaycheckReport, o: RenderOptions) => string }
>;

export type ReportFormat = keyof typeof FORMAT_TABLE;

export const REPORT_FORMATS = Object.keys(FORMAT_TABLE) as readonly ReportFormat[];

/** The file each format is written to, next to report.json. */
export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = Object.fromEntries(
  REPORT_FORMATS.map((f) => [f, FORMAT_TABLE[f].file]),
) as Record<ReportFormat, string>;

export function renderReport(report: RelaycheckReport, format: ReportFormat, options: RenderOptions = {}): string {
  return FORMAT_TABLE[format].render(report, options);
}

/**
 * Writes `formats` (default all: report.md, report.html, junit.xml) into `outDir`, created
 * if needed; a symlink at a file's path is replaced, never written through.
 * `options.require` marks required features (and fails them in JUnit unless supported);
 * `options.gate` adds the gate's verdict to the Markdown and HTML. Returns the
 * paths written. Throws on an I/O error.
 */
export function writeReportFiles(
  report: RelaycheckReport,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
  options: RenderOptions = {},
): string[] {
  prepareOutDir(outDir);
  const written: string[] = [];
  for (const format of [...new Set(formats)]) {
    const path = join(outDir, REPORT_FILE_NAMES[format]);
    writeFileNoFollow(path, renderReport(report, format, options));
    written.push(path);
  }
  return written;
}
