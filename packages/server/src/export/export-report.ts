import { ConflictError, errorMessage, isActiveStatus, type ChartData } from '@tradingfloor/shared';
import type { RunView } from '@tradingfloor/engine';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';
import { buildRunReport, reportFileName } from './run-report.js';

/** The formats a run's report is exported in. */
export const REPORT_FORMATS = ['md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** An exported report: the document, its media type and the file name to save it under. */
export interface ExportedReport {
  body: string;
  contentType: string;
  fileName: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = { md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' };

/**
 * Exports a run's whole report (`GET /runs/:id/report.md|html`, `tradingfloor export`). Only a run that has
 * stopped is exported: a pending or running one is a `ConflictError` (409), since its report is still being
 * written; a run that failed, was canceled or interrupted is exported with a banner saying it is incomplete.
 * A chart that cannot be built does not stop the export: the document says why it has none.
 */
export async function exportRunReport(
  view: RunView,
  chart: () => Promise<ChartData>,
  format: ReportFormat,
  context: { version: string; now: Date },
): Promise<ExportedReport> {
  const { summary } = view;
  if (isActiveStatus(summary.status)) {
    throw new ConflictError(
      `run ${summary.run_id} is ${summary.status.replace('_', ' ')}; its report can be exported once it has finished`,
    );
  }
  let chartInput: { data: ChartData } | { unavailable: string };
  try {
    chartInput = { data: await chart() };
  } catch (error) {
    chartInput = { unavailable: `the chart could not be built: ${errorMessage(error)}` };
  }
  const report = buildRunReport(view, { chart: chartInput, version: context.version, now: context.now });
  const body = format === 'md' ? renderReportMarkdown(report) : renderReportHtml(report);
  return { body, contentType: CONTENT_TYPES[format], fileName: reportFileName(report, format) };
}
