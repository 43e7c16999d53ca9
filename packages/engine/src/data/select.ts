import type { Bar, FundamentalsSnapshot, NewsItem } from './vendor.js';

/** Index of the first element whose date is >= `date` in an ascending list (binary search). */
function lowerBound(rows: readonly { date: string }[], date: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bars with `from <= date <= asOf` from an ascending list. */
export function selectBars(bars: readonly Bar[], from: string | undefined, asOf: string): Bar[] {
  const start = from === undefined ? 0 : lowerBound(bars, from);
  // upper bound of asOf = lower bound of the day after, found as the first date > asOf.
  let end = lowerBound(bars, asOf);
  while (end < bars.length && bars[end]!.date <= asOf) end++;
  return bars.slice(start, end);
}

/** Snapshots filed on or before `asOf`, newest filing first. */
export function selectFundamentals(snapshots: readonly FundamentalsSnapshot[], asOf: string): FundamentalsSnapshot[] {
  return snapshots
    .filter((s) => s.filed <= asOf)
    .sort((a, b) => (a.filed === b.filed ? b.period_end.localeCompare(a.period_end) : b.filed.localeCompare(a.filed)));
}

/** Headlines dated in `[from, asOf]` (by their publication date), newest first. */
export function selectNews(items: readonly NewsItem[], from: string, asOf: string): NewsItem[] {
  return items.filter((n) => n.date >= from && n.date <= asOf).sort((a, b) => b.published_at.localeCompare(a.published_at));
}
