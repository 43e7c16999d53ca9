import { describe, expect, it } from 'vitest';
import { computeMetrics, maxDrawdown } from '../../src/backtest/metrics.js';
import { equalWeightPortfolio } from '../../src/backtest/portfolio.js';
import type { EquityPoint, Fill } from '../../src/backtest/simulator.js';

const points = (values: number[], positions: number[] = values.map(() => 1)): EquityPoint[] =>
  values.map((equity, i) => ({ date: `2024-01-0${i + 1}`, equity, position: positions[i]! }));
const fill = (price: number, quantity: number, pnl: number | null, cost = 1, slippage = 0): Fill => ({
  decision_date: '2024-01-01',
  date: '2024-01-02',
  side: 'buy',
  quantity,
  price,
  cost,
  slippage,
  reason: 'signal',
  pnl,
});

// Hand-computed for equity 100 → 110 → 99 → 108.9: daily returns +10 %, −10 %, +10 % (mean 1/30, sample
// std 0.1154701), benchmark 100 → 105 → 100 → 105.
describe('computeMetrics', () => {
  const curve = points([100, 110, 99, 108.9], [0, 5, 5, 0]);
  const fills = [fill(20, 5, null, 1, 0.5), fill(21.78, 5, 6.9), fill(10, 2, -3)];
  const m = computeMetrics(curve, fills, { riskFreeRate: 0, benchmark: new Map(curve.map((p, i) => [p.date, [100, 105, 100, 105][i]!])) });

  it('returns, volatility, Sharpe, Sortino', () => {
    expect(m.days).toBe(3);
    expect(m.cumulative_return).toBeCloseTo(0.089, 10);
    expect(m.annualized_return).toBeCloseTo(1.089 ** 84 - 1, 6);
    expect(m.annualized_volatility).toBeCloseTo(1.8330302779823366, 10);
    expect(m.sharpe).toBeCloseTo(4.582575694955848, 10);
    expect(m.sortino).toBeCloseTo(9.165151389911701, 10);
  });

  it('max drawdown with its dates, Calmar', () => {
    expect(m.max_drawdown).toBeCloseTo(0.1, 12);
    expect([m.max_drawdown_peak, m.max_drawdown_trough, m.max_drawdown_recovery]).toEqual(['2024-01-02', '2024-01-03', null]);
    expect(m.calmar).toBeCloseTo((1.089 ** 84 - 1) / 0.1, 3);
    expect(maxDrawdown(points([100, 120, 90, 121])).recovery).toBe('2024-01-04');
  });

  it('win rate over closed round trips, trades, exposure, turnover, costs', () => {
    expect(m.win_rate).toBe(0.5);
    expect(m.round_trips).toBe(2);
    expect(m.trades).toBe(3);
    expect(m.exposure).toBe(0.5);
    // (100 + 108.9 + 20) / mean equity 104.475
    expect(m.turnover).toBeCloseTo(228.9 / 104.475, 10);
    expect(m.costs_paid).toBe(3);
    expect(m.slippage_paid).toBe(0.5);
  });

  it('alpha and beta against the benchmark; null without one', () => {
    expect(m.beta).toBeCloseTo(2.0487804878048763, 10);
    expect(m.alpha).toBeCloseTo(-0.6146341463414448, 10);
    const none = computeMetrics(curve, [], { riskFreeRate: 0 });
    expect([none.alpha, none.beta, none.win_rate]).toEqual([null, null, null]);
  });

  it('a risk-free rate lowers the excess return', () => {
    const rf = computeMetrics(curve, [], { riskFreeRate: 0.0252 });
    expect(rf.sharpe).toBeCloseTo(4.5688279678709804, 10);
    expect(rf.sortino).toBeCloseTo(9.12852740833363, 10);
  });

  it('a flat curve has no Sharpe, Sortino or Calmar', () => {
    const flat = computeMetrics(points([100, 100, 100], [0, 0, 0]), [], { riskFreeRate: 0 });
    expect([flat.sharpe, flat.sortino, flat.calmar, flat.max_drawdown, flat.exposure]).toEqual([null, null, null, 0, 0]);
  });
});

describe('equalWeightPortfolio', () => {
  it('sums the sleeves, carrying a sleeve without a bar on some date forward', () => {
    const a = points([100, 110, 120]);
    const b = [
      { date: '2024-01-01', equity: 100, position: 1 },
      { date: '2024-01-03', equity: 90, position: 1 },
    ];
    expect(equalWeightPortfolio([a, b])).toEqual([
      { date: '2024-01-01', equity: 200, position: 0 },
      { date: '2024-01-02', equity: 210, position: 0 },
      { date: '2024-01-03', equity: 210, position: 0 },
    ]);
  });
});
