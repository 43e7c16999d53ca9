import type { PerformanceMetrics } from '@tradingfloor/shared';
import type { EquityPoint, Fill } from './simulator.js';

/** Trading days in a year, for annualising. */
const TRADING_DAYS_PER_YEAR = 252;

export interface MetricsOptions {
  /** Annual risk-free rate (0.05 = 5 %); the daily rate is rf / 252. */
  riskFreeRate: number;
  /** Benchmark closes by date (SPY), for alpha and beta; absent = both null. */
  benchmark?: ReadonlyMap<string, number>;
  /** Overrides the share of days invested (the portfolio uses its sleeves' mean). */
  exposure?: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Simple daily returns of consecutive points. */
function dailyReturns(equity: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) out.push(equity[i]! / equity[i - 1]! - 1);
  return out;
}

/** The deepest fall from a running peak, with the peak's, the trough's and the recovery's dates. */
export function maxDrawdown(points: readonly EquityPoint[]): {
  depth: number;
  peak: string | null;
  trough: string | null;
  recovery: string | null;
} {
  let peakValue = -Infinity;
  let peakDate: string | null = null;
  let best = { depth: 0, peak: null as string | null, trough: null as string | null, peakValue: 0 };
  for (const p of points) {
    if (p.equity > peakValue) {
      peakValue = p.equity;
      peakDate = p.date;
    }
    const depth = 1 - p.equity / peakValue;
    if (depth > best.depth) best = { depth, peak: peakDate, trough: p.date, peakValue };
  }
  const after = best.trough === null ? undefined : points.find((p) => p.date > best.trough! && p.equity >= best.peakValue);
  return { depth: best.depth, peak: best.peak, trough: best.trough, recovery: after?.date ?? null };
}

/**
 * Every metric of one equity curve (docs/backtest.md, "Metrics"). Returns are simple daily returns of the
 * close-to-close equity; annualised return = (1 + cumulative)^(252 / days) − 1; volatility = sample std × √252;
 * Sharpe = mean excess daily return / std × √252; Sortino = mean excess / downside deviation × √252 (downside
 * deviation = √(Σ min(0, r − rf)² / n)); Calmar = annualised return / max drawdown; alpha (annualised, Jensen)
 * and beta against the benchmark's daily close returns on the same dates.
 */
export function computeMetrics(points: readonly EquityPoint[], fills: readonly Fill[], options: MetricsOptions): PerformanceMetrics {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) throw new Error('metrics need at least one equity point');
  const equity = points.map((p) => p.equity);
  const returns = dailyReturns(equity);
  const n = returns.length;
  const rfDaily = options.riskFreeRate / TRADING_DAYS_PER_YEAR;
  const cumulative = last.equity / first.equity - 1;
  const annualized = n > 0 ? (1 + cumulative) ** (TRADING_DAYS_PER_YEAR / n) - 1 : 0;
  const std = sampleStd(returns);
  const excess = returns.map((r) => r - rfDaily);
  const meanExcess = n > 0 ? mean(excess) : 0;
  const downside = n > 0 ? Math.sqrt(excess.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / n) : 0;
  const dd = maxDrawdown(points);
  const closed = fills.filter((f) => f.pnl !== null);
  const traded = fills.reduce((a, f) => a + f.quantity * f.price, 0);
  const { alpha, beta } = alphaBeta(points, returns, rfDaily, options.benchmark);
  return {
    start_date: first.date,
    end_date: last.date,
    days: n,
    start_equity: first.equity,
    end_equity: last.equity,
    cumulative_return: cumulative,
    annualized_return: annualized,
    annualized_volatility: std * Math.sqrt(TRADING_DAYS_PER_YEAR),
    sharpe: std > 0 ? (meanExcess / std) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null,
    sortino: downside > 0 ? (meanExcess / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null,
    max_drawdown: dd.depth,
    max_drawdown_peak: dd.peak,
    max_drawdown_trough: dd.trough,
    max_drawdown_recovery: dd.recovery,
    calmar: dd.depth > 0 ? annualized / dd.depth : null,
    win_rate: closed.length > 0 ? closed.filter((f) => f.pnl! > 0).length / closed.length : null,
    round_trips: closed.length,
    trades: fills.length,
    exposure: options.exposure ?? points.filter((p) => p.position !== 0).length / points.length,
    turnover: traded / mean(equity),
    costs_paid: fills.reduce((a, f) => a + f.cost, 0),
    slippage_paid: fills.reduce((a, f) => a + f.slippage, 0),
    alpha,
    beta,
  };
}

/** Beta = cov(r, r_b) / var(r_b); alpha = (mean(r − rf) − beta · mean(r_b − rf)) × 252. Null without a benchmark on every date. */
function alphaBeta(
  points: readonly EquityPoint[],
  returns: readonly number[],
  rfDaily: number,
  benchmark?: ReadonlyMap<string, number>,
): { alpha: number | null; beta: number | null } {
  if (!benchmark || returns.length < 2) return { alpha: null, beta: null };
  const closes = points.map((p) => benchmark.get(p.date));
  if (closes.some((c) => c === undefined)) return { alpha: null, beta: null };
  const bench = dailyReturns(closes as number[]);
  const mr = mean(returns);
  const mb = mean(bench);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < returns.length; i++) {
    cov += (returns[i]! - mr) * (bench[i]! - mb);
    varB += (bench[i]! - mb) ** 2;
  }
  if (varB === 0) return { alpha: null, beta: null };
  const beta = cov / varB;
  const alpha = (mr - rfDaily - beta * (mb - rfDaily)) * TRADING_DAYS_PER_YEAR;
  return { alpha, beta };
}
