import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { computeIndicators, INDICATOR_CACHE_MAX, INDICATOR_NAMES, INDICATOR_WARMUP, indicatorsFor } from '../../src/data/indicators.js';
import type { Bar } from '../../src/data/vendor.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';

// Plain reference implementations of the textbook formulas, written independently of trading-signals.
const sma = (xs: number[], n: number, i: number) => xs.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n;

/** EMA seeded with the SMA of the first n values (the usual convention), smoothing 2 / (n + 1). */
function ema(xs: number[], n: number): (number | null)[] {
  const k = 2 / (n + 1);
  const out: (number | null)[] = xs.map(() => null);
  let value = sma(xs, n, n - 1);
  out[n - 1] = value;
  for (let i = n; i < xs.length; i++) out[i] = value = xs[i]! * k + value * (1 - k);
  return out;
}

/** Wilder's RSI: first averages are plain means of the first n gains / losses, then (prev·(n−1) + x) / n. */
function wilderRsi(closes: number[], n: number): (number | null)[] {
  const out: (number | null)[] = closes.map(() => null);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const g = Math.max(change, 0);
    const l = Math.max(-change, 0);
    if (i <= n) {
      gain += g / n;
      loss += l / n;
    } else {
      gain = (gain * (n - 1) + g) / n;
      loss = (loss * (n - 1) + l) / n;
    }
    if (i >= n) out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** Wilder's ATR: true range (high − low on the first bar), first value the mean of n ranges. */
function wilderAtr(bars: Bar[], n: number): (number | null)[] {
  const tr = bars.map((b, i) =>
    i === 0 ? b.high - b.low : Math.max(b.high - b.low, Math.abs(b.high - bars[i - 1]!.close), Math.abs(b.low - bars[i - 1]!.close)),
  );
  const out: (number | null)[] = bars.map(() => null);
  let value = sma(tr, n, n - 1);
  out[n - 1] = value;
  for (let i = n; i < bars.length; i++) out[i] = value = (value * (n - 1) + tr[i]!) / n;
  return out;
}

function referenceAt(bars: Bar[], i: number) {
  const closes = bars.map((b) => b.close);
  const mid = sma(closes, 20, i);
  const sd = Math.sqrt(closes.slice(i - 19, i + 1).reduce((a, c) => a + (c - mid) ** 2, 0) / 20);
  const window = bars.slice(i - 19, i + 1);
  const ema26 = ema(closes, 26);
  const macdLine = ema(closes, 12).map((v, k) => (v === null || ema26[k] === null ? null : v - ema26[k]!));
  const firstMacd = macdLine.findIndex((v) => v !== null);
  const signal = ema(macdLine.slice(firstMacd) as number[], 9);
  const typical = bars.map((b) => (b.high + b.low + b.close) / 3);
  let up = 0;
  let down = 0;
  for (let k = i - 13; k <= i; k++) {
    const flow = typical[k]! * bars[k]!.volume;
    if (typical[k]! > typical[k - 1]!) up += flow;
    else if (typical[k]! < typical[k - 1]!) down += flow;
  }
  return {
    sma_50: sma(closes, 50, i),
    sma_200: sma(closes, 200, i),
    ema_10: ema(closes, 10)[i]!,
    rsi: wilderRsi(closes, 14)[i]!,
    boll: { middle: mid, upper: mid + 2 * sd, lower: mid - 2 * sd },
    atr: wilderAtr(bars, 14)[i]!,
    vwma: window.reduce((a, b) => a + b.close * b.volume, 0) / window.reduce((a, b) => a + b.volume, 0),
    mfi: (100 * up) / (up + down),
    macd: { macd: macdLine[i]!, signal: signal[i - firstMacd]!, histogram: macdLine[i]! - signal[i - firstMacd]! },
  };
}

function expectMatchesReference(bars: Bar[], i: number) {
  const series = computeIndicators(bars);
  const ref = referenceAt(bars, i);
  for (const name of ['sma_50', 'sma_200', 'rsi', 'atr', 'vwma', 'mfi'] as const) expect(series[name][i]).toBeCloseTo(ref[name], 6);
  // EMA-based values converge whatever the seeding after hundreds of bars.
  expect(series.ema_10[i]).toBeCloseTo(ref.ema_10, 6);
  expect(series.macd[i]!.macd).toBeCloseTo(ref.macd.macd, 6);
  expect(series.macd[i]!.signal).toBeCloseTo(ref.macd.signal, 6);
  expect(series.macd[i]!.histogram).toBeCloseTo(ref.macd.histogram, 6);
  expect(series.boll[i]!.middle).toBeCloseTo(ref.boll.middle, 6);
  expect(series.boll[i]!.upper).toBeCloseTo(ref.boll.upper, 6);
  expect(series.boll[i]!.lower).toBeCloseTo(ref.boll.lower, 6);
}

describe.skipIf(!hasRealData('indicators on real AAPL data'))('indicators on real AAPL bars', () => {
  it('match known values and the reference formulas on 2024-03-28', async () => {
    const bars = await createCsvVendor({ dir: REAL_DATA_DIR }).bars('AAPL', { asOf: '2024-03-28' });
    const i = bars.length - 1;
    expect(bars[i]!.date).toBe('2024-03-28');
    const series = computeIndicators(bars);
    // Known values, computed once with a separate script over ohlcv/AAPL.csv from its first row.
    expect(series.sma_50[i]).toBeCloseTo(181.2792, 4);
    expect(series.sma_200[i]).toBeCloseTo(183.52095, 4);
    expect(series.rsi[i]).toBeCloseTo(42.41327, 4);
    expectMatchesReference(bars, i);
  });
});

describe('indicators on demo bars', () => {
  const vendor = createDemoVendor({ now: () => new Date(2026, 10, 27, 12) });

  it('match the reference formulas', async () => {
    const bars = await vendor.bars('STARK', { asOf: '2024-06-28' });
    expectMatchesReference(bars, bars.length - 1);
    expectMatchesReference(bars, bars.length - 100);
  });

  it('stay null until each indicator has enough history, then always have a value', async () => {
    const bars = await vendor.bars('ACME', { asOf: '2022-06-30' });
    const series = computeIndicators(bars);
    for (const name of INDICATOR_NAMES) {
      const values = series[name] as unknown[];
      const first = values.findIndex((v) => v !== null);
      expect(first, name).toBe(INDICATOR_WARMUP[name] - 1);
      expect(
        values.slice(first).every((v) => v !== null),
        name,
      ).toBe(true);
    }
  });

  it('from a bar on, gives every value the whole history gives, to the bit; the windowed ones only start in time for it', async () => {
    const bars = await vendor.bars('HOOLI', { asOf: '2024-06-28' });
    const whole = computeIndicators(bars);
    // A value written as JSON names its double exactly (the shortest text that reads back as it).
    const at = (series: ReturnType<typeof computeIndicators>, i: number) => JSON.stringify(INDICATOR_NAMES.map((name) => series[name][i]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bars.length - 1 }), (from) => {
        const part = computeIndicators(bars, from);
        for (let i = from; i < bars.length; i++) expect(at(part, i), `bar ${i} of ${bars.length}, from ${from}`).toBe(at(whole, i));
        // The 200-session average of a bar long before `from` was never computed.
        if (from >= 400) expect(part.sma_200[from - 200]).toBeNull();
      }),
      { numRuns: 25 },
    );
  });

  it('returns empty series for no bars', () => {
    expect(computeIndicators([]).rsi).toEqual([]);
  });
});

describe('indicatorsFor', () => {
  const barsOf = (n: number, shift = 0): Bar[] =>
    Array.from({ length: n }, (_, i) => {
      const close = 100 + Math.sin(i / 7) * 5 + shift;
      return { date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), open: close, high: close + 1, low: close - 1, close, adj_close: close, volume: 1000 + i };
    });

  it('computes a history once and gives the same series as computeIndicators', () => {
    const bars = barsOf(260);
    const first = indicatorsFor('test', 'CACHE1', bars);
    expect(first).toEqual(computeIndicators(bars));
    expect(indicatorsFor('test', 'CACHE1', [...bars])).toBe(first);
  });

  it('computes again for another history, ticker or vendor', () => {
    const bars = barsOf(260);
    const series = indicatorsFor('test', 'CACHE2', bars);
    expect(indicatorsFor('test', 'CACHE2', bars.slice(0, 250))).not.toBe(series);
    expect(indicatorsFor('test', 'CACHE2', barsOf(260, 1))).not.toBe(series);
    expect(indicatorsFor('test', 'OTHER', bars)).not.toBe(series);
    expect(indicatorsFor('other', 'CACHE2', bars)).not.toBe(series);
  });

  it('keeps a series per first bar read: the whole history and a window of it are different entries', () => {
    const bars = barsOf(300);
    const whole = indicatorsFor('test', 'CACHE3', bars);
    const window = indicatorsFor('test', 'CACHE3', bars, 280);
    expect(window).not.toBe(whole);
    expect(window.sma_200.slice(280)).toEqual(whole.sma_200.slice(280));
    expect(window.sma_200[250]).toBeNull();
    expect(whole.sma_200[250]).not.toBeNull();
    expect(indicatorsFor('test', 'CACHE3', bars, 280)).toBe(window);
  });

  it('keeps at most INDICATOR_CACHE_MAX histories', () => {
    const bars = barsOf(30);
    const oldest = indicatorsFor('test', 'EVICT0', bars);
    for (let i = 1; i <= INDICATOR_CACHE_MAX; i++) indicatorsFor('test', `EVICT${i}`, bars);
    expect(indicatorsFor('test', 'EVICT0', bars)).not.toBe(oldest);
  });
});
