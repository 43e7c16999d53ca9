import { isIsoDate } from '../dates.js';
import { VendorBadResponseError, VendorNoDataError } from '../online/vendor-errors.js';
import type { Bar } from '../vendor.js';
import { avNumber } from './alphavantage-client.js';

/**
 * Bars from a `TIME_SERIES_DAILY_ADJUSTED` answer, ascending. Alpha Vantage gives raw (unadjusted) OHLC and
 * volume plus each day's split coefficient; ours are split-adjusted like every other vendor's, so prices
 * are divided (and volumes multiplied) by the product of the splits after each day. `adj_close` is theirs.
 */
export function parseDailyAdjusted(body: Record<string, unknown>, symbol: string): Bar[] {
  const series = body['Time Series (Daily)'];
  if (series === undefined) throw new VendorBadResponseError('alphavantage', `no "Time Series (Daily)" in the answer for ${symbol}`);
  if (typeof series !== 'object' || series === null)
    throw new VendorBadResponseError('alphavantage', `"Time Series (Daily)" is not an object`);
  const days = Object.entries(series as Record<string, Record<string, unknown>>)
    .filter(([date]) => isIsoDate(date))
    .sort(([a], [b]) => b.localeCompare(a)); // newest first, to accumulate later splits
  if (days.length === 0) throw new VendorNoDataError('alphavantage', `no daily bars for ${symbol}`);
  const bars: Bar[] = [];
  let factor = 1;
  for (const [date, row] of days) {
    const open = avNumber(row['1. open']);
    const high = avNumber(row['2. high']);
    const low = avNumber(row['3. low']);
    const close = avNumber(row['4. close']);
    const adj = avNumber(row['5. adjusted close']);
    const volume = avNumber(row['6. volume']);
    if (open === null || high === null || low === null || close === null || volume === null)
      throw new VendorBadResponseError('alphavantage', `bar ${date} of ${symbol} lacks a price or the volume`);
    const px = (v: number) => (factor === 1 ? v : Math.round((v / factor) * 1e6) / 1e6);
    bars.push({
      date,
      open: px(open),
      high: px(high),
      low: px(low),
      close: px(close),
      adj_close: adj ?? px(close),
      volume: Math.round(volume * factor),
    });
    // A split on this day changes the prices of the days before it.
    const split = avNumber(row['8. split coefficient']);
    if (split !== null && split > 0) factor *= split;
  }
  return bars.reverse();
}
