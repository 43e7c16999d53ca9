import { renderMarkdownSafe } from '../render/markdown-html.js';
import { renderChartSvg } from './chart-svg.js';
import { escapeHtml } from './escape-html.js';
import { demoteHeadings } from './markdown-text.js';
import { decisionFacts, type RunReport } from './run-report.js';

const ACTION_COLOUR: Record<string, string> = { BUY: '#1a7f37', SELL: '#cf222e', HOLD: '#9a6700' };

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 980px; padding: 24px 28px 48px; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
header { border-bottom: 2px solid #d0d7de; margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 16px; margin: 20px 0 6px; }
h4, h5, h6 { font-size: 14px; margin: 14px 0 4px; }
.meta { color: #57606a; font-size: 13px; margin: 0 0 12px; }
.disclaimer { color: #57606a; font-size: 13px; }
.banner { border: 1px solid #d4a72c; background: #fff8c5; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.action { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: 700; letter-spacing: 0.04em; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.facts td { font-variant-numeric: tabular-nums; }
.provenance th { width: 32%; }
.report { border-left: 3px solid #d0d7de; padding-left: 14px; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
figure { margin: 8px 0; }
figcaption { color: #57606a; font-size: 13px; }
nav ol { columns: 2; font-size: 14px; }
a { color: #0969da; }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  figure, table, .banner { break-inside: avoid; }
  .part { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Untrusted model markdown under a heading of `level`: its headings go below ours, then markdown-it + sanitize-html. */
const modelHtml = (markdown: string, level: number) => renderMarkdownSafe(demoteHeadings(markdown.trim(), level + 1));

function decisionHtml(report: RunReport): string {
  const d = report.decision;
  if (!d) return '<p>No decision was reached.</p>';
  const facts = decisionFacts(d);
  const rows = [
    `<table class="facts"><thead><tr>${facts.map((f) => `<th scope="col">${escapeHtml(f.label)}</th>`).join('')}</tr></thead>`,
    `<tbody><tr>${facts.map((f) => `<td>${escapeHtml(f.value)}</td>`).join('')}</tr></tbody></table>`,
  ].join('');
  const parts = [rows];
  if (d.summary.trim() !== '') parts.push(`<p><strong>${escapeHtml(d.summary.trim())}</strong></p>`);
  if (d.rationale.length > 0) parts.push(`<h3>Rationale</h3><ul>${d.rationale.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`);
  parts.push(`<p class="meta">Confidence basis: ${escapeHtml(d.confidence_basis)}</p>`);
  if (d.notes.length > 0) parts.push(`<p class="meta">Parser notes: ${escapeHtml(d.notes.join('; '))}</p>`);
  return parts.join('\n');
}

function chartHtml(report: RunReport): string {
  if (!report.chart) return `<p>No chart: ${escapeHtml(report.chartNote ?? 'no prices')}.</p>`;
  const caption = `${report.chart.data_label}: ${report.chart.bars.length} sessions up to ${report.tradeDate}; candles (hollow = up day), SMA 50, SMA 200, Bollinger bands, the decision's entry / stop / target, and RSI (14).`;
  return `<figure>${renderChartSvg(report.chart, report.decision?.risk_metrics ?? null)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/**
 * The run's report as one self-contained, printable HTML page: inline CSS with a print stylesheet, the chart
 * as inline SVG, no script and no external resource (a Content-Security-Policy meta tag forbids both, should
 * anything slip through). Model text is rendered with markdown-it (raw HTML off) and sanitised with
 * sanitize-html; everything else is escaped.
 */
export function renderReportHtml(report: RunReport): string {
  const d = report.decision;
  const title = `${report.ticker} · ${report.tradeDate}${d ? ` · ${d.action}` : ''} — TradingFloor report`;
  const toc = [
    ['decision', 'Decision'],
    ['chart', 'Price chart'],
    ...report.parts.map((p) => [p.id, p.title]),
    ['provenance', 'Provenance'],
  ];
  const body: string[] = [];
  body.push(
    `<header><h1>${escapeHtml(report.ticker)} · ${escapeHtml(report.tradeDate)}${
      d ? ` <span class="action" style="background:${ACTION_COLOUR[d.action] ?? '#57606a'}">${escapeHtml(d.action)}</span>` : ''
    }</h1>`,
    `<p class="meta">TradingFloor run report · run <code>${escapeHtml(report.runId)}</code> · status ${escapeHtml(report.status)} · generated ${escapeHtml(report.generatedAt)}</p>`,
    '<p class="disclaimer">Not investment advice. Written by TradingFloor agents; the provenance at the end names the model and the data.</p></header>',
  );
  if (report.banner)
    body.push(
      `<div class="banner" role="note"><strong>Incomplete report (${escapeHtml(report.status)}).</strong> ${escapeHtml(report.banner)}</div>`,
    );
  body.push(
    `<nav aria-label="Contents"><ol>${toc.map(([id, name]) => `<li><a href="#${id}">${escapeHtml(name!)}</a></li>`).join('')}</ol></nav>`,
  );
  body.push(`<section id="decision"><h2>Decision</h2>${decisionHtml(report)}</section>`);
  body.push(`<section id="chart"><h2>Price chart</h2>${chartHtml(report)}</section>`);
  for (const part of report.parts) {
    const sections = part.sections.map(
      (s) => `<article><h3>${escapeHtml(s.title)}</h3><div class="report">${modelHtml(s.markdown, 3)}</div></article>`,
    );
    body.push(`<section id="${part.id}" class="part"><h2>${escapeHtml(part.title)}</h2>${sections.join('\n')}</section>`);
  }
  const rows = report.provenance.map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`).join('');
  body.push(`<section id="provenance"><h2>Provenance</h2><table class="provenance"><tbody>${rows}</tbody></table></section>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
