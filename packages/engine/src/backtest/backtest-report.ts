import type { BacktestConfig, BacktestMetrics, PerformanceMetrics } from '@tradingfloor/shared';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);
const num = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/** One markdown table row of a series' headline metrics. */
function row(label: string, m: PerformanceMetrics): string {
  const dd = m.max_drawdown_trough ? `${pct(m.max_drawdown)} (${m.max_drawdown_peak} → ${m.max_drawdown_trough})` : pct(m.max_drawdown);
  return `| ${label} | ${pct(m.cumulative_return)} | ${pct(m.annualized_return)} | ${num(m.sharpe)} | ${num(m.sortino)} | ${dd} | ${num(m.calmar)} | ${pct(m.win_rate)} | ${m.trades} | ${pct(m.exposure)} | ${num(m.alpha)} | ${num(m.beta)} |`;
}

const HEAD =
  '| series | cumulative return | annualised return | Sharpe | Sortino | max drawdown | Calmar | win rate | trades | exposure | alpha | beta |\n' +
  '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |';

/** `report.md`: what was run, the execution rules, and every series side by side, portfolio first, then per ticker. */
export function renderBacktestReport(config: BacktestConfig, metrics: BacktestMetrics, strategyNote: string): string {
  const series = Object.entries(metrics.series);
  const lines = [
    `# Backtest ${config.backtest_id}`,
    '',
    `- Tickers: ${config.tickers.join(', ')} · ${config.from} → ${config.to} · every ${config.every} trading day(s) · ${config.mode} mode`,
    `- Decisions: ${strategyNote}`,
    `- Market data: ${config.data_label}`,
    `- Execution: a decision at the close of day t fills at the open of day t+1; ${config.cost_per_trade} per fill; slippage ${config.slippage_bps} bps; SELL = ${config.allow_short ? 'short' : 'flat'}; capital ${config.capital} per ticker, equal-weight portfolio; risk-free rate ${config.risk_free_rate}`,
    `- Cells: ${metrics.cells.completed} of ${metrics.cells.total} completed, ${metrics.cells.failed} failed (a failed cell counts as HOLD)`,
    `- Benchmark for alpha / beta: ${metrics.benchmark ?? 'none (no SPY data)'}`,
    '',
    '## Equal-weight portfolio',
    '',
    HEAD,
    ...series.map(([, s]) => row(s.label, s.portfolio)),
  ];
  for (const ticker of config.tickers) {
    lines.push('', `## ${ticker}`, '', HEAD);
    for (const [, s] of series) {
      const m = s.per_ticker[ticker];
      if (m) lines.push(row(s.label, m));
    }
  }
  lines.push('', 'Metric definitions and execution rules: docs/backtest.md. Not investment advice.', '');
  return lines.join('\n');
}
