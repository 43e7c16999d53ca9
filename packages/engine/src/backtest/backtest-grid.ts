import type { Bar } from '../data/vendor.js';

/** Every `every`th trading day (bar date) in `[from, to]`, starting with the first one. */
export function gridDates(bars: readonly Bar[], from: string, to: string, every: number): string[] {
  return bars
    .filter((b) => b.date >= from && b.date <= to)
    .filter((_, i) => i % every === 0)
    .map((b) => b.date);
}

/** A backtest id `bt-<YYYYMMDD>-<HHMMSS>-<hex>` from a UTC time and random hex. */
export function formatBacktestId(at: Date, hex: string): string {
  const iso = at.toISOString();
  return `bt-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${hex}`;
}
