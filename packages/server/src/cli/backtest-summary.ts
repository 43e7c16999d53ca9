import path from 'node:path';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { BacktestCell, BacktestMetrics, BacktestSummary, PerformanceMetrics } from '@tradingfloor/shared';
import type { BatchRow } from './batch-row.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/**
 * The live rows of a backtest, one per ticker: cells done of total as the progress, the latest decided cell as
 * the phase (`14/60 · 2024-01-22 BUY`), running while any of its cells is queued or running.
 */
export function backtestRows(tickers: readonly string[], cells: readonly BacktestCell[], startedAt: number, now: number): BatchRow[] {
  return tickers.map((ticker) => {
    const mine = cells.filter((c) => c.ticker === ticker);
    const done = mine.filter((c) => c.status === 'completed' || c.status === 'error' || c.status === 'canceled');
    const latest = done
      .filter((c) => c.action !== null)
      .sort((a, b) => a.date.localeCompare(b.date))
      .at(-1);
    const failed = done.filter((c) => c.status !== 'completed').length;
    const finished = done.length === mine.length;
    const started = mine.some((c) => c.status !== 'queued');
    return {
      ticker,
      run_id: null,
      status: finished ? (failed > 0 ? 'error' : 'completed') : started ? 'in_progress' : 'pending',
      phase: `${done.length}/${mine.length}${latest ? ` · ${latest.date} ${latest.action}` : ''}${failed > 0 ? ` · ${failed} failed` : ''}`,
      progress: mine.length === 0 ? 100 : (done.length / mine.length) * 100,
      started_at: startedAt,
      ended_at: finished ? now : null,
      action: null,
      error: finished && failed > 0 ? `${failed} cell(s) failed` : null,
    };
  });
}

const row = (label: string, m: PerformanceMetrics) => [
  label,
  pct(m.cumulative_return),
  pct(m.annualized_return),
  num(m.sharpe),
  pct(m.max_drawdown),
  pct(m.win_rate),
  String(m.trades),
];

/** The end-of-backtest summary: every series' portfolio metrics side by side, then where the files are. */
export function renderBacktestSummary(
  summary: BacktestSummary,
  metrics: BacktestMetrics | null,
  options: { cwd: string; color?: boolean },
): string {
  const colors = pc.createColors(options.color ?? false);
  const rel = path.relative(options.cwd, summary.results_path);
  const where = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : summary.results_path;
  const lines: string[] = [];
  if (metrics) {
    const table = new Table({
      head: ['Series (equal-weight portfolio)', 'Cum. return', 'Ann. return', 'Sharpe', 'Max DD', 'Win rate', 'Trades'].map((h) =>
        colors.bold(h),
      ),
      style: { head: [], border: [], compact: true },
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    });
    for (const series of Object.values(metrics.series)) table.push(row(series.label, series.portfolio));
    lines.push(table.toString());
  }
  const { progress } = summary;
  const paint = summary.status === 'completed' ? colors.green : summary.status === 'error' ? colors.red : colors.yellow;
  lines.push(
    paint(`backtest ${summary.backtest_id} ${summary.status}: ${progress.done}/${progress.total} cells, ${progress.failed} failed`),
  );
  if (summary.error) lines.push(colors.red(summary.error));
  lines.push(`results: ${where}`);
  if (summary.status === 'interrupted' || summary.status === 'canceled')
    lines.push(`resume with: tradingfloor backtest --resume ${summary.backtest_id}`);
  return lines.join('\n');
}
