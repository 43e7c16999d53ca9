import { renderChartSvg } from './chart-svg.js';
import { demoteHeadings, neutraliseHtml, tableCell } from './markdown-text.js';
import { decisionFacts, type RunReport } from './run-report.js';

/** A two-row Markdown table of `facts` (labels as the header). */
function factsTable(facts: Array<{ label: string; value: string }>): string {
  return [
    `| ${facts.map((f) => tableCell(f.label)).join(' | ')} |`,
    `| ${facts.map(() => '---').join(' | ')} |`,
    `| ${facts.map((f) => tableCell(f.value)).join(' | ')} |`,
  ].join('\n');
}

/** Model text placed under a heading of level `level`: its own headings go below, raw HTML is neutralised. */
const modelText = (markdown: string, level: number) => neutraliseHtml(demoteHeadings(markdown.trim(), level + 1));

/**
 * The run's report as one Markdown document: title, banner, decision, the chart (an inline SVG image as a
 * `data:` URI, so the file stays self-contained), every report part and the provenance table. Model text keeps
 * its Markdown, with its headings pushed below the document's and raw HTML escaped.
 */
export function renderReportMarkdown(report: RunReport): string {
  const out: string[] = [];
  const d = report.decision;
  out.push(`# ${report.ticker} · ${report.tradeDate}${d ? ` · ${d.action}` : ''}`);
  out.push(`TradingFloor run report · run \`${report.runId}\` · generated ${report.generatedAt}`);
  out.push('> Not investment advice. Written by TradingFloor agents; check the provenance below for the model and the data.');
  if (report.banner) out.push(`> **Incomplete report (${report.status}).** ${tableCell(report.banner)}`);

  out.push('## Decision');
  if (d) {
    out.push(factsTable(decisionFacts(d)));
    if (d.summary.trim() !== '') out.push(neutraliseHtml(d.summary.trim()));
    if (d.rationale.length > 0) out.push(`**Rationale**\n\n${d.rationale.map((r) => `- ${tableCell(r)}`).join('\n')}`);
    out.push(`*Confidence basis:* ${tableCell(d.confidence_basis)}`);
    if (d.notes.length > 0) out.push(`*Parser notes:* ${tableCell(d.notes.join('; '))}`);
  } else {
    out.push('No decision was reached.');
  }

  out.push('## Price chart');
  if (report.chart) {
    const svg = Buffer.from(renderChartSvg(report.chart, d?.risk_metrics ?? null), 'utf8').toString('base64');
    out.push(`![${report.ticker} daily prices up to ${report.tradeDate}](data:image/svg+xml;base64,${svg})`);
    out.push(
      `*${tableCell(report.chart.data_label)}: ${report.chart.bars.length} sessions up to ${report.tradeDate}, SMA 50 / 200, Bollinger bands, RSI.*`,
    );
  } else {
    out.push(`No chart: ${tableCell(report.chartNote ?? 'no prices')}.`);
  }

  for (const part of report.parts) {
    out.push(`## ${part.title}`);
    for (const section of part.sections) {
      out.push(`### ${tableCell(section.title)}`);
      out.push(modelText(section.markdown, 3));
    }
  }

  out.push('## Provenance');
  out.push(
    ['| | |', '| --- | --- |', ...report.provenance.map((row) => `| ${tableCell(row.label)} | ${tableCell(row.value)} |`)].join('\n'),
  );
  return `${out.join('\n\n')}\n`;
}
