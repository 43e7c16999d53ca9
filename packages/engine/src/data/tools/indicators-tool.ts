import { z } from 'zod';
import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import {
  indicatorsFor,
  INDICATOR_NAMES,
  INDICATOR_WARMUP,
  type BandsValue,
  type IndicatorName,
  type MacdValue,
} from '../indicators.js';
import { lowerBound } from '../select.js';
import { defineTool, intArg, type ToolContext } from './define-tool.js';
import { round, windowStart } from './format.js';

const Args = z.strictObject({
  indicators: z
    .array(z.enum(INDICATOR_NAMES))
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'an indicator is listed twice')
    .optional()
    .describe(`Which indicators to return (default: all): ${INDICATOR_NAMES.join(', ')}.`),
  lookback_days: intArg(1, 120, 20, 'Calendar days of indicator history ending on the trade date (1-120, default 20).'),
});

type Value = number | MacdValue | BandsValue;

function roundValue(value: Value): number | Record<string, number | null> | null {
  if (typeof value === 'number') return round(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
}

/**
 * `get_indicators`: technical indicators on daily closes, computed from the whole history up to the trade
 * date (so smoothed ones are warmed up) and reported for the window ending on it.
 */
export function indicatorsTool(ctx: ToolContext): DataTool {
  return defineTool(ctx, {
    name: 'get_indicators',
    description:
      'Technical indicators as of the trade date, each with its latest value and a dated series over the window: ' +
      'sma_50, sma_200 (simple moving averages), ema_10 (exponential), macd (12/26/9: macd, signal, histogram), rsi (14, Wilder), ' +
      'boll (Bollinger 20/2: middle, upper, lower), atr (14), vwma (20-day volume-weighted average), mfi (money flow index 14).',
    args: Args,
    async run({ indicators, lookback_days }, { vendor, ticker, tradeDate, signal }) {
      const bars = await vendor.bars(ticker, { asOf: tradeDate }, signal);
      const last = bars.at(-1);
      if (!last) throw new DataUnavailableError(`no ${ticker} price bars on or before ${tradeDate}`);
      const from = windowStart(tradeDate, lookback_days);
      // Bars come ascending: a binary search, not a scan of years of bars (none in the window: past the end).
      const first = lowerBound(bars, from);
      const start = first < bars.length ? first : -1;
      // Only the window and the latest value are read: the windowed indicators need no more history than that.
      const series = indicatorsFor(vendor.name, ticker, bars, start < 0 ? bars.length - 1 : start);
      const out: Record<string, unknown> = {};
      for (const name of indicators ?? INDICATOR_NAMES) {
        const values = series[name] as (Value | null)[];
        const latest = values.at(-1) ?? null;
        const points = start < 0 ? [] : bars.slice(start).map((b, i) => ({ date: b.date, value: values[start + i] ?? null }));
        const shaped = points.filter((p) => p.value !== null).map((p) => pointOf(p.date, p.value!));
        out[name] = {
          latest: latest === null ? null : roundValue(latest),
          series: shaped,
          ...(latest === null ? { note: warmupNote(name, bars.length, tradeDate) } : {}),
        };
      }
      return { ticker, as_of: tradeDate, last_close: round(last.close), indicators: out };
    },
  });
}

/** A series point: `{date, value}` for single-valued indicators, `{date, macd, signal, histogram}` and the like otherwise. */
function pointOf(date: string, value: Value): Record<string, unknown> {
  const rounded = roundValue(value);
  return typeof rounded === 'number' || rounded === null ? { date, value: rounded } : { date, ...rounded };
}

function warmupNote(name: IndicatorName, available: number, tradeDate: string): string {
  return `not computable: needs ${INDICATOR_WARMUP[name]} sessions of history, only ${available} available up to ${tradeDate}`;
}
