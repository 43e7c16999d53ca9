import type { ChartBar, ChartPoint } from '../api/chart-data.js';

/** Sorts by date and keeps the last row of any repeated date: the chart library needs strictly rising times. */
function byUniqueDate<T extends { date: string }>(rows: readonly T[]): T[] {
  const byDate = new Map<string, T>();
  for (const r of rows) byDate.set(r.date, r);
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Bars as candlestick points. */
export function candlePoints(bars: readonly ChartBar[]): Array<{ time: string; open: number; high: number; low: number; close: number }> {
  return byUniqueDate(bars).map((b) => ({ time: b.date, open: b.open, high: b.high, low: b.low, close: b.close }));
}

/** An indicator series as line points (empty when the server did not send it). */
export function linePoints(points: readonly ChartPoint[] | undefined): Array<{ time: string; value: number }> {
  return byUniqueDate(points ?? []).map((p) => ({ time: p.date, value: p.value }));
}

/** A MACD histogram, green above zero and red below. */
export function histogramPoints(
  points: readonly ChartPoint[] | undefined,
  up: string,
  down: string,
): Array<{ time: string; value: number; color: string }> {
  return linePoints(points).map((p) => ({ ...p, color: p.value >= 0 ? up : down }));
}
