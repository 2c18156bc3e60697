// `relaycheck/report`: the renderers of report.json (Markdown, HTML, JUnit, the terminal
// table), reading and merging reports, and the CI gate.
export * from './render/index.js';
export { buildReport, writeReport, renderTable, progressLine, REPORT_FILE } from './report-file.js';
export * from './gate/index.js';
export * from './files.js';
export { compareSurfaces, crossDifferences, type CrossCatalogue } from './cross-protocol.js';
export type {
  RelaycheckReport,
  ReportCrossAspect,
  ReportResult,
  ReportTarget,
  ReportVerdict,
} from '../../spec/generated/types.js';
