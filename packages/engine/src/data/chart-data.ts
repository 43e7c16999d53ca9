import { DataUnavailableError, type ChartData } from '@tradingfloor/shared';
import { addDays } from './dates.js';
import { indicatorsFor, INDICATOR_WARMUP } from './indicators.js';
import type { MarketDataVendor } from './vendor.js';

/** Calendar days of bars the chart shows before the trade date. */
const CHART_DAYS = 365;
// Calendar days fetched before the window so that SMA 200 is warmed up on its first day (sessions ≈ 5/7 of days).
const WARMUP_DAYS = Math.ceil((INDICATOR_WARMUP.sma_200 * 7) / 5) + 10;

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The price chart of a run: about a year of daily bars up to the trade date (never after it) and the
 * indicators the market analyst reads, computed over a longer history so the first points are warmed up.
 * When the data has no prices for it, the chart has no bars and `unavailable` says why.
 */
export async function buildChartData(vendor: MarketDataVendor, ticker: string, tradeDate: string, signal?: AbortSignal): Promise<ChartData> {
  const windowStart = addDays(tradeDate, -CHART_DAYS);
  let bars;
  try {
    bars = await vendor.bars(ticker, { from: addDays(windowStart, -WARMUP_DAYS), asOf: tradeDate }, signal);
  } catch (error) {
    // No prices is an answer, not a failure: the chart is empty and says why (a client shows "no chart").
    if (!(error instanceof DataUnavailableError)) throw error;
    return { ticker, trade_date: tradeDate, data_label: vendor.label, bars: [], indicators: {}, unavailable: error.message };
  }
  const series = indicatorsFor(vendor.name, ticker, bars);
  const first = bars.findIndex((b) => b.date >= windowStart);
  const from = first < 0 ? bars.length : first;
  const points = <T>(values: readonly (T | null)[], pick: (v: T) => number) =>
    bars.slice(from).flatMap((bar, i) => {
      const v = values[from + i];
      return v === null || v === undefined ? [] : [{ date: bar.date, value: round(pick(v)) }];
    });
  const same = (v: number) => v;
  return {
    ticker,
    trade_date: tradeDate,
    data_label: vendor.label,
    bars: bars.slice(from).map(({ date, open, high, low, close, volume }) => ({ date, open, high, low, close, volume })),
    indicators: {
      sma_50: points(series.sma_50, same),
      sma_200: points(series.sma_200, same),
      ema_10: points(series.ema_10, same),
      boll_upper: points(series.boll, (b) => b.upper),
      boll_middle: points(series.boll, (b) => b.middle),
      boll_lower: points(series.boll, (b) => b.lower),
      rsi: points(series.rsi, same),
      macd: points(series.macd, (m) => m.macd),
      macd_signal: points(series.macd, (m) => m.signal),
      macd_hist: points(series.macd, (m) => m.histogram),
    },
  };
}
