// The renderers of report.json, and writing them next to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelaycheckReport } from '../../spec/generated/types.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown, type RenderOptions } from './markdown.ts';

export { renderHtml } from './html.ts';
export { renderJunit, junitOutcome } from './junit.ts';
export { renderMarkdown } from './markdown.ts';
export type { MarkdownOptions, RenderOptions } from './markdown.ts';
export { buildView, mergeReports } from './model.ts';
export { VERDICTS, VERDICT_INFO, isMeasured, verdictRank } from './verdicts.ts';

export type ReportFormat = 'md' | 'html' | 'junit';

export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'junit'];

/** The file each format is written to, next to report.json. */
export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  md: 'report.md',
  html: 'report.html',
  junit: 'junit.xml',
};

export function renderReport(report: RelaycheckReport, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report, options);
    case 'html':
      return renderHtml(report, options);
    case 'junit':
      return renderJunit(report, options);
  }
}

/**
 * Writes `formats` (default all: report.md, report.html, junit.xml) into `outDir`, created
 * if needed. `options.require` marks required features (and fails them in JUnit unless
 * supported); `options.gate` adds the gate's verdict to the Markdown and HTML. Returns the
 * paths written. Throws on an I/O error.
 */
export function writeReportFiles(
  report: RelaycheckReport,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
  options: RenderOptions = {},
): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of [...new Set(formats)]) {
    const path = join(outDir, REPORT_FILE_NAMES[format]);
    writeFileSync(path, renderReport(report, format, options));
    written.push(path);
  }
  return written;
}
