import type { Action } from '@tradingfloor/shared';
import { SMA } from 'trading-signals';
import { computeIndicators } from '../data/indicators.js';
import type { Bar } from '../data/vendor.js';
import { computeKdj } from './kdj.js';
import type { Signal } from './simulator.js';

/** A rule-based strategy compared with the agents' decisions, over the same dates and execution rules. */
export interface Baseline {
  name: string;
  label: string;
  /**
   * One signal per grid date, from `history` (ascending bars, warm-up included); the value at date t reads only
   * bars up to t (every indicator is causal).
   */
  signals(history: readonly Bar[], dates: readonly string[]): Signal[];
}

const signal = (date: string, action: Action): Signal => ({ date, action, stop_loss: null, take_profit: null });

/** Maps each grid date to an action from the bar index of that date; dates without a bar are skipped. */
function perDate(history: readonly Bar[], dates: readonly string[], decide: (index: number) => Action): Signal[] {
  const index = new Map(history.map((b, i) => [b.date, i]));
  return dates.flatMap((date) => {
    const i = index.get(date);
    return i === undefined ? [] : [signal(date, decide(i))];
  });
}

/** Buy on the first grid date, then hold to the end. */
const buyAndHold: Baseline = {
  name: 'buy_and_hold',
  label: 'Buy and hold',
  signals: (_history, dates) => (dates[0] === undefined ? [] : [signal(dates[0], 'BUY')]),
};

/** MACD 12/26/9: BUY while the MACD line is above its signal line, SELL while below. */
const macd: Baseline = {
  name: 'macd',
  label: 'MACD (12/26/9)',
  signals(history, dates) {
    const series = computeIndicators(history).macd;
    return perDate(history, dates, (i) => {
      const m = series[i];
      if (!m || m.macd === m.signal) return 'HOLD';
      return m.macd > m.signal ? 'BUY' : 'SELL';
    });
  },
};

/**
 * KDJ (9,3,3) with RSI 14: each oversold reading (J < 20, RSI < 30) counts +1, each overbought one (J > 80,
 * RSI > 70) −1; a positive sum is BUY, a negative one SELL, zero HOLD.
 */
const kdjRsi: Baseline = {
  name: 'kdj_rsi',
  label: 'KDJ + RSI',
  signals(history, dates) {
    const kdj = computeKdj(history);
    const rsi = computeIndicators(history).rsi;
    return perDate(history, dates, (i) => {
      const j = kdj[i]?.j;
      const r = rsi[i];
      let score = 0;
      if (j !== undefined) score += (j < 20 ? 1 : 0) - (j > 80 ? 1 : 0);
      if (r !== null && r !== undefined) score += (r < 30 ? 1 : 0) - (r > 70 ? 1 : 0);
      return score > 0 ? 'BUY' : score < 0 ? 'SELL' : 'HOLD';
    });
  },
};

/**
 * Zero-mean reversion: z = (close − SMA 20) / σ 20 (from Bollinger 20/2: σ = (upper − middle) / 2). BUY below
 * −1 σ, SELL above +1 σ, otherwise HOLD.
 */
const zmr: Baseline = {
  name: 'zmr',
  label: 'ZMR (zero-mean reversion, 20 d, ±1σ)',
  signals(history, dates) {
    const boll = computeIndicators(history).boll;
    return perDate(history, dates, (i) => {
      const b = boll[i];
      const sigma = b ? (b.upper - b.middle) / 2 : 0;
      if (!b || sigma === 0) return 'HOLD';
      const z = (history[i]!.close - b.middle) / sigma;
      return z < -1 ? 'BUY' : z > 1 ? 'SELL' : 'HOLD';
    });
  },
};

/** SMA crossover 20/50: BUY while the 20-day SMA is above the 50-day one, SELL while below. */
const smaCrossover: Baseline = {
  name: 'sma_crossover',
  label: 'SMA crossover (20/50)',
  signals(history, dates) {
    const fast = new SMA(20);
    const slow = new SMA(50);
    const spread = history.map((b) => {
      fast.add(b.close);
      slow.add(b.close);
      return fast.isStable && slow.isStable ? fast.getResultOrThrow() - slow.getResultOrThrow() : null;
    });
    return perDate(history, dates, (i) => {
      const s = spread[i];
      return s === null || s === undefined || s === 0 ? 'HOLD' : s > 0 ? 'BUY' : 'SELL';
    });
  },
};

/** Every baseline, in the order reports list them. */
export const BASELINES: readonly Baseline[] = [buyAndHold, macd, kdjRsi, zmr, smaCrossover];
