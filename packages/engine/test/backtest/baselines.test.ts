import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../src/backtest/baselines.js';
import { computeKdj } from '../../src/backtest/kdj.js';
import type { Bar } from '../../src/data/vendor.js';

const day = (i: number) => new Date(Date.UTC(2023, 0, 2) + i * 86_400_000).toISOString().slice(0, 10);
/** Bars from closes; high/low ±1 around the close, open at the close. */
const barsOf = (closes: number[]): Bar[] =>
  closes.map((close, i) => ({ date: day(i), open: close, high: close + 1, low: close - 1, close, adj_close: close, volume: 1000 }));
const baseline = (name: string) => BASELINES.find((b) => b.name === name)!;
/** The action a baseline takes on the last bar of `closes`. */
const lastAction = (name: string, closes: number[]) => {
  const bars = barsOf(closes);
  return baseline(name).signals(bars, [bars.at(-1)!.date])[0]?.action;
};
const flat = (n: number, v = 100) => Array.from({ length: n }, () => v);
const ramp = (n: number, from: number, step: number) => Array.from({ length: n }, (_, i) => from + (i + 1) * step);

describe('computeKdj', () => {
  it('matches a hand computation (period 3, smoothing 3, seeded at 50)', () => {
    const bars: Bar[] = [
      [10, 8, 9],
      [11, 9, 10],
      [12, 10, 11],
      [12, 9, 9],
    ].map(([high, low, close], i) => ({ date: day(i), open: close!, high: high!, low: low!, close: close!, adj_close: close!, volume: 1 }));
    const kdj = computeKdj(bars, 3, 3);
    expect(kdj.slice(0, 2)).toEqual([null, null]);
    // RSV 75 → K 58.3333, D 52.7778, J 69.4444; then RSV 0 → K 38.8889, D 48.1481, J 20.3704.
    expect(kdj[2]!.k).toBeCloseTo(58.33333, 4);
    expect(kdj[2]!.d).toBeCloseTo(52.77778, 4);
    expect(kdj[2]!.j).toBeCloseTo(69.44444, 4);
    expect(kdj[3]!.k).toBeCloseTo(38.88889, 4);
    expect(kdj[3]!.d).toBeCloseTo(48.14815, 4);
    expect(kdj[3]!.j).toBeCloseTo(20.37037, 4);
  });
});

describe('baselines', () => {
  it('lists the five baselines of the paper', () => {
    expect(BASELINES.map((b) => b.name)).toEqual(['buy_and_hold', 'macd', 'kdj_rsi', 'zmr', 'sma_crossover']);
  });

  it('buy and hold buys on the first grid date only', () => {
    const bars = barsOf(flat(5));
    expect(baseline('buy_and_hold').signals(bars, [bars[2]!.date, bars[3]!.date])).toEqual([
      { date: bars[2]!.date, action: 'BUY', stop_loss: null, take_profit: null },
    ]);
  });

  it('MACD: HOLD while flat (line = signal = 0), BUY after a jump up, SELL after a drop', () => {
    expect(lastAction('macd', flat(60))).toBe('HOLD');
    expect(lastAction('macd', [...flat(60), ...ramp(5, 100, 4)])).toBe('BUY');
    expect(lastAction('macd', [...flat(60), ...ramp(5, 100, -4)])).toBe('SELL');
    // Not warmed up (fewer than 34 closes): no opinion.
    expect(lastAction('macd', ramp(20, 100, 1))).toBe('HOLD');
  });

  it('KDJ + RSI: a steady fall is oversold on both (BUY), a steady rise overbought on both (SELL), a zig-zag is neutral', () => {
    expect(lastAction('kdj_rsi', ramp(30, 200, -2))).toBe('BUY');
    expect(lastAction('kdj_rsi', ramp(30, 100, 2))).toBe('SELL');
    // 100, 101, 100, …: RSI near 50, the close always mid-range of the 9-day window.
    expect(
      lastAction(
        'kdj_rsi',
        Array.from({ length: 30 }, (_, i) => 100 + (i % 2)),
      ),
    ).toBe('HOLD');
  });

  it('ZMR: more than 1σ below the 20-day mean is BUY, above is SELL, near it HOLD', () => {
    // 19 closes at 100 and one at 110: mean 100.5, σ = √(95 / 20) = 2.18, z = 4.36.
    expect(lastAction('zmr', [...flat(19), 110])).toBe('SELL');
    expect(lastAction('zmr', [...flat(19), 90])).toBe('BUY');
    expect(lastAction('zmr', [...flat(18), 101, 100])).toBe('HOLD');
    expect(lastAction('zmr', flat(25))).toBe('HOLD');
  });

  it('SMA crossover: BUY when the 20-day average is above the 50-day one, SELL below', () => {
    expect(lastAction('sma_crossover', [...flat(50), ...ramp(10, 100, 1)])).toBe('BUY');
    expect(lastAction('sma_crossover', [...flat(50), ...ramp(10, 100, -1)])).toBe('SELL');
    expect(lastAction('sma_crossover', flat(60))).toBe('HOLD');
    expect(lastAction('sma_crossover', ramp(40, 100, 1))).toBe('HOLD');
  });

  it('reads only bars up to each date (no look-ahead): adding later bars never changes an earlier signal', () => {
    const closes = [...flat(60), ...ramp(10, 100, 3), ...ramp(10, 130, -3)];
    const bars = barsOf(closes);
    const dates = bars.slice(40, 70).map((b) => b.date);
    for (const b of BASELINES) expect(b.signals(bars.slice(0, 70), dates)).toEqual(b.signals(bars, dates));
  });
});
