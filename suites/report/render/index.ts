// The renderers of report.json, and writing them next to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelaycheckReport } from '../../../spec/generated/types.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown, type RenderOptions } from './markdown.js';

export { renderHtml } from './html.js';
export { renderJunit, junitOutcome } from './junit.js';
export { renderMarkdown } from './markdown.js';
export type { MarkdownOptions, RenderOptions } from './markdown.js';
export { buildView, mergeReports } from './model.js';
export { VERDICTS, VERDICT_INFO, isMeasured, verdictRank } from './verdicts.js';

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
