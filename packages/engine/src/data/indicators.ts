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
 * The windowed indicators and how many bars their value at a bar depends on (that bar and those before it).
 * trading-signals computes each of them from the window alone at every bar (SMA and Bollinger average and
 * spread the window's closes, VWMA and MFI sum over its candles; MFI compares each typical price with the one
 * before, hence 14 + 1), so a value is the same, to the bit, whatever came before its window. The smoothed
 * ones (EMA, MACD, RSI, ATR) carry all of the history and are always fed all of it.
 */
const WINDOW_BARS = { sma_50: 50, sma_200: 200, boll: 20, vwma: 20, mfi: 15 } as const satisfies Partial<Record<IndicatorName, number>>;

/**
 * Computes every indicator over `bars` (ascending) with `trading-signals`, feeding the whole history to the
 * smoothed ones (EMA, MACD, RSI, ATR) so they are warmed up. Values are reported only once the library calls
 * the indicator stable, so an EMA never shows a half-seeded number.
 *
 * `from`: the first bar whose values the caller reads (default 0: all). The windowed indicators
 * ({@link WINDOW_BARS}) are then fed only the bars their values from there on depend on, and are null before
 * those; every value at `from` or after is the one the whole history gives. They are most of the work: over
 * 1536 bars ~2.4 of ~3.7 ms (SMA 200 alone 0.45), and a tool call reads a few weeks of a history of years.
 */
export function computeIndicators(bars: readonly Bar[], from = 0): IndicatorSeries {
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
  /** The first bar a windowed indicator is fed. */
  const firstFed = (name: keyof typeof WINDOW_BARS): number => Math.max(0, from - WINDOW_BARS[name] + 1);
  const fed = { sma_50: firstFed('sma_50'), sma_200: firstFed('sma_200'), boll: firstFed('boll'), vwma: firstFed('vwma'), mfi: firstFed('mfi') };
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const candle = { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
    ema10.add(bar.close);
    macd.add(bar.close);
    rsi.add(bar.close);
    atr.add(candle);
    out.sma_50.push(i < fed.sma_50 ? null : (sma50.add(bar.close), stable(sma50)));
    out.sma_200.push(i < fed.sma_200 ? null : (sma200.add(bar.close), stable(sma200)));
    out.ema_10.push(stable(ema10));
    // The MACD line exists after 26 closes, but its signal EMA needs 9 MACD values more.
    const m = macd.signal.isStable ? macd.getResult() : null;
    out.macd.push(m ? { macd: m.macd, signal: m.signal, histogram: m.histogram } : null);
    out.rsi.push(stable(rsi));
    const b = i < fed.boll ? null : (boll.add(bar.close), stable(boll));
    out.boll.push(b ? { middle: b.middle, upper: b.upper, lower: b.lower } : null);
    out.atr.push(stable(atr));
    out.vwma.push(i < fed.vwma ? null : (vwma.add(candle), stable(vwma)));
    out.mfi.push(i < fed.mfi ? null : (mfi.add(candle), stable(mfi)));
  }
  return out;
}

/** Series kept by {@link indicatorsFor}; a few instruments × dates, each a few hundred KB at most. */
export const INDICATOR_CACHE_MAX = 64;
const cache = new Map<string, IndicatorSeries>();

/**
 * {@link computeIndicators}, remembered per (vendor, ticker, bar history, `from`): many runs of one instrument
 * and trade date compute the series once (the chart, which reads the whole series, has its own entry). The
 * key names the history by its length, its first and last bars, so a vendor that serves more or other bars
 * gets a new entry. Bounded (LRU). Callers must not mutate the returned series.
 */
export function indicatorsFor(vendor: string, ticker: string, bars: readonly Bar[], from = 0): IndicatorSeries {
  const first = bars[0];
  const last = bars.at(-1);
  if (!first || !last) return computeIndicators(bars, from);
  const key = [vendor, ticker, bars.length, first.date, first.close, last.date, last.open, last.high, last.low, last.close, last.volume, from].join('|');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const series = computeIndicators(bars, from);
  cache.set(key, series);
  if (cache.size > INDICATOR_CACHE_MAX) cache.delete(cache.keys().next().value!);
  return series;
}
