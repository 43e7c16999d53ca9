import { ATR, BollingerBands, EMA, MACD, MFI, RSI, SMA, VWMA } from 'trading-signals';
import type { Bar } from './vendor.js';

/** The indicators the market analyst can ask for, with the standard parameters. */
export const INDICATOR_NAMES = ['sma_50', 'sma_200', 'ema_10', 'macd', 'rsi', 'boll', 'atr', 'vwma', 'mfi'] as const;
export type IndicatorName = (typeof INDICATOR_NAMES)[number];

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}
export interface BandsValue {
  middle: number;
  upper: number;
  lower: number;
}

/** Each indicator's value per bar (same index as the bars), null while it is still warming up. */
export interface IndicatorSeries {
  sma_50: (number | null)[];
  sma_200: (number | null)[];
  ema_10: (number | null)[];
  /** MACD 12/26/9 on closes. */
  macd: (MacdValue | null)[];
  /** RSI 14 with Wilder's smoothing. */
  rsi: (number | null)[];
  /** Bollinger bands 20 / 2 standard deviations. */
  boll: (BandsValue | null)[];
  /** ATR 14 with Wilder's smoothing. */
  atr: (number | null)[];
  /** Volume-weighted moving average of closes, 20 sessions. */
  vwma: (number | null)[];
  /** Money flow index 14. */
  mfi: (number | null)[];
}

/** Sessions of history each indicator needs before its first value. */
export const INDICATOR_WARMUP: Record<IndicatorName, number> = {
  sma_50: 50,
  sma_200: 200,
  ema_10: 10,
  macd: 26 + 9 - 1,
  rsi: 15,
  boll: 20,
  atr: 14,
  vwma: 20,
  mfi: 15,
};

/**
 * Computes every indicator over `bars` (ascending) with `trading-signals`, feeding the whole history so
 * the smoothed ones (EMA, MACD, RSI, ATR) are warmed up. Values are reported only once the library calls
 * the indicator stable, so an EMA never shows a half-seeded number.
 */
export function computeIndicators(bars: readonly Bar[]): IndicatorSeries {
  const sma50 = new SMA(50);
  const sma200 = new SMA(200);
  const ema10 = new EMA(10);
  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  const rsi = new RSI(14);
  const boll = new BollingerBands(20, 2);
  const atr = new ATR(14);
  const vwma = new VWMA(20);
  const mfi = new MFI(14);
  const out: IndicatorSeries = { sma_50: [], sma_200: [], ema_10: [], macd: [], rsi: [], boll: [], atr: [], vwma: [], mfi: [] };
  const stable = <T>(indicator: { isStable: boolean; getResult(): T | null }): T | null =>
    indicator.isStable ? indicator.getResult() : null;
  for (const bar of bars) {
    const candle = { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
    for (const indicator of [sma50, sma200, ema10, macd, rsi, boll]) indicator.add(bar.close);
    for (const indicator of [atr, vwma, mfi]) indicator.add(candle);
    out.sma_50.push(stable(sma50));
    out.sma_200.push(stable(sma200));
    out.ema_10.push(stable(ema10));
    // The MACD line exists after 26 closes, but its signal EMA needs 9 MACD values more.
    const m = macd.signal.isStable ? macd.getResult() : null;
    out.macd.push(m ? { macd: m.macd, signal: m.signal, histogram: m.histogram } : null);
    out.rsi.push(stable(rsi));
    const b = stable(boll);
    out.boll.push(b ? { middle: b.middle, upper: b.upper, lower: b.lower } : null);
    out.atr.push(stable(atr));
    out.vwma.push(stable(vwma));
    out.mfi.push(stable(mfi));
  }
  return out;
}

/** Series kept by {@link indicatorsFor}; a few instruments × dates, each a few hundred KB at most. */
export const INDICATOR_CACHE_MAX = 64;
const cache = new Map<string, IndicatorSeries>();

/**
 * {@link computeIndicators}, remembered per (vendor, ticker, bar history): many runs of one instrument
 * and trade date (and the chart) compute the series once. The key names the history by its length, its
 * first and last bars, so a vendor that serves more or other bars gets a new entry. Bounded (LRU).
 * Callers must not mutate the returned series.
 */
export function indicatorsFor(vendor: string, ticker: string, bars: readonly Bar[]): IndicatorSeries {
  const first = bars[0];
  const last = bars.at(-1);
  if (!first || !last) return computeIndicators(bars);
  const key = [vendor, ticker, bars.length, first.date, first.close, last.date, last.open, last.high, last.low, last.close, last.volume].join('|');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const series = computeIndicators(bars);
  cache.set(key, series);
  if (cache.size > INDICATOR_CACHE_MAX) cache.delete(cache.keys().next().value!);
  return series;
}
