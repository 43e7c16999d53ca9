import { z } from 'zod';
import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import { defineTool, intArg, type ToolContext } from './define-tool.js';
import { round, windowStart } from './format.js';

const Args = z.strictObject({
  lookback_days: intArg(5, 400, 90, 'Calendar days of history ending on the trade date (5-400, default 90).'),
});

/** `get_price_history`: daily OHLCV bars of the window ending on the trade date, and a summary of them. */
export function priceHistoryTool(ctx: ToolContext): DataTool {
  return defineTool(ctx, {
    name: 'get_price_history',
    description:
      'Daily price bars (open, high, low, close, volume) of the instrument for the calendar days up to and including the trade date, ' +
      'plus a summary: first/last date, last close, change over the window in percent, highest high, lowest low, average volume.',
    args: Args,
    async run({ lookback_days }, { vendor, ticker, tradeDate, signal }) {
      const from = windowStart(tradeDate, lookback_days);
      const [bars, instrument] = await Promise.all([
        vendor.bars(ticker, { from, asOf: tradeDate }, signal),
        vendor.instrument(ticker, signal),
      ]);
      const first = bars[0];
      const last = bars.at(-1);
      if (!first || !last) throw new DataUnavailableError(`no ${ticker} price bars between ${from} and ${tradeDate}`);
      return {
        ticker,
        as_of: tradeDate,
        currency: instrument.currency,
        bars: bars.map((b) => ({
          date: b.date,
          open: round(b.open),
          high: round(b.high),
          low: round(b.low),
          close: round(b.close),
          volume: b.volume,
        })),
        summary: {
          first_date: first.date,
          last_date: last.date,
          last_close: round(last.close),
          change_pct: round((last.close / first.close - 1) * 100, 2),
          high: round(Math.max(...bars.map((b) => b.high))),
          low: round(Math.min(...bars.map((b) => b.low))),
          avg_volume: Math.round(bars.reduce((sum, b) => sum + b.volume, 0) / bars.length),
        },
      };
    },
  });
}
