import type { Bar, FundamentalsSnapshot, NewsItem } from './vendor.js';

/** Index of the first element whose date is >= `date` in an ascending list (binary search). */
export function lowerBound(rows: readonly { date: string }[], date: string): number {
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

/** Whether each headline list seen is in ascending date order (vendors keep their lists; checked once per list). */
const ascendingLists = new WeakMap<readonly NewsItem[], boolean>();

function isAscending(items: readonly NewsItem[]): boolean {
  let ascending = ascendingLists.get(items);
  if (ascending === undefined) {
    ascending = items.every((n, i) => i === 0 || items[i - 1]!.date <= n.date);
    ascendingLists.set(items, ascending);
  }
  return ascending;
}

/** Headlines dated in `[from, asOf]` (by their publication date), newest first. */
export function selectNews(items: readonly NewsItem[], from: string, asOf: string): NewsItem[] {
  // A list in date order (the demo market's, a dataset's) is cut by binary search: the same headlines in the
  // same order as the filter finds them, without reading years of headlines for a window of days.
  const window = isAscending(items)
    ? items.slice(lowerBound(items, from), lowerBound(items, `${asOf}\u0000`))
    : items.filter((n) => n.date >= from && n.date <= asOf);
  return window.sort((a, b) => b.published_at.localeCompare(a.published_at));
}
