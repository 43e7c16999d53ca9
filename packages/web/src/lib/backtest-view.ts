import type { BacktestCell, EquityRow } from '@tradingfloor/shared';

/** The ticker key of the equal-weight portfolio in equity rows and metrics. */
export const PORTFOLIO = 'PORTFOLIO';

/** Colours of the series, strategy first; baselines the metrics do not know fall back to grey. */
const SERIES_COLORS: Record<string, string> = {
  strategy: '#1d5fd1',
  buy_and_hold: '#15202b',
  macd: '#c2410c',
  kdj_rsi: '#7c3aed',
  zmr: '#0f7a4f',
  sma_crossover: '#b45309',
};

export function seriesColor(series: string): string {
  return SERIES_COLORS[series] ?? '#7a8597';
}

/** Series in display order: the strategy, buy-and-hold, then the other baselines by name. */
export function orderSeries(names: Iterable<string>): string[] {
  const rank = (s: string) => (s === 'strategy' ? 0 : s === 'buy_and_hold' ? 1 : 2);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The ticker × date grid: tickers as rows, the union of their grid dates as columns, a cell per pair (or none). */
export interface CellGrid {
  tickers: string[];
  dates: string[];
  at(ticker: string, date: string): BacktestCell | undefined;
}

export function cellGrid(cells: readonly BacktestCell[], tickers: readonly string[]): CellGrid {
  const byKey = new Map(cells.map((c) => [`${c.ticker}|${c.date}`, c]));
  const dates = [...new Set(cells.map((c) => c.date))].sort();
  return { tickers: [...tickers], dates, at: (t, d) => byKey.get(`${t}|${d}`) };
}

/** A cell's look: completed cells by action (BUY / SELL / HOLD), others by status. */
export function cellTone(cell: BacktestCell): string {
  if (cell.status === 'completed') return cell.action ? `action-${cell.action.toLowerCase()}` : 'status-completed';
  return `status-${cell.status}`;
}

/** Words for a cell's tooltip and accessible name. */
export function cellLabel(cell: BacktestCell): string {
  const what = cell.status === 'completed' ? (cell.action ?? 'completed') : cell.status.replace('_', ' ');
  const conf = cell.confidence !== null ? `, confidence ${Math.round(cell.confidence * 100)}%` : '';
  const err = cell.error ? ` — ${cell.error}` : '';
  return `${cell.ticker} ${cell.date}: ${what}${conf}${err}`;
}

/** One line per series for a ticker (or the portfolio): dates and the chosen value, in date order. */
export function seriesLines(
  rows: readonly EquityRow[],
  ticker: string,
  value: 'equity' | 'drawdown',
): { dates: string[]; lines: Array<{ series: string; values: Array<number | null> }> } {
  const mine = rows.filter((r) => r.ticker === ticker);
  const dates = [...new Set(mine.map((r) => r.date))].sort();
  const index = new Map(dates.map((d, i) => [d, i]));
  const bySeries = new Map<string, Array<number | null>>();
  for (const r of mine) {
    let values = bySeries.get(r.series);
    if (!values) bySeries.set(r.series, (values = dates.map(() => null)));
    // Drawdown is drawn below zero so that a fall reads as a fall.
    values[index.get(r.date)!] = value === 'equity' ? r.equity : -r.drawdown;
  }
  return { dates, lines: orderSeries(bySeries.keys()).map((series) => ({ series, values: bySeries.get(series)! })) };
}

/** `12.34 %` for a fraction, `–` for null. */
export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

/** A ratio with two decimals, `–` for null. */
export function ratio(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2);
}
