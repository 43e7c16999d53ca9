import type { EquityRow, StrategyMetrics, TradeRow } from '@tradingfloor/shared';
import type { Bar } from '../data/vendor.js';
import { BASELINES } from './baselines.js';
import { computeMetrics } from './metrics.js';
import { equalWeightPortfolio } from './portfolio.js';
import { simulate, type EquityPoint, type ExecutionRules, type Signal, type SimulationResult } from './simulator.js';

/** The name of our own strategy's series in metrics, equity and trades. */
const STRATEGY_SERIES = 'strategy';
/** The ticker column of the portfolio's equity rows. */
const PORTFOLIO = 'PORTFOLIO';

export interface EvaluationInput {
  tickers: readonly string[];
  /** Grid dates per ticker. */
  grid: Readonly<Record<string, readonly string[]>>;
  to: string;
  rules: ExecutionRules;
  riskFreeRate: number;
  /** Each ticker's bars up to `to`, with the history before the first grid date the indicators warm up on. */
  history: ReadonlyMap<string, readonly Bar[]>;
  /** The agents' decisions per ticker. */
  decisions: ReadonlyMap<string, readonly Signal[]>;
  strategyLabel: string;
  /** Benchmark closes by date (SPY), when its data exists. */
  benchmark: ReadonlyMap<string, number> | null;
}

export interface Evaluation {
  /** By series: `strategy`, then every baseline's name. */
  metrics: Record<string, StrategyMetrics>;
  equity: EquityRow[];
  trades: TradeRow[];
}

const withDrawdown = (points: readonly EquityPoint[], series: string, ticker: string): EquityRow[] => {
  let peak = -Infinity;
  return points.map((p) => {
    peak = Math.max(peak, p.equity);
    return { date: p.date, series, ticker, equity: p.equity, position: p.position, drawdown: 1 - p.equity / peak };
  });
};

/**
 * Runs our decisions and every baseline through the same simulator over the same dates, and measures each per
 * ticker and as the equal-weight portfolio. Pure.
 */
export function evaluateBacktest(input: EvaluationInput): Evaluation {
  const strategies: Array<{
    name: string;
    label: string;
    signalsOf: (ticker: string, bars: readonly Bar[], dates: readonly string[]) => readonly Signal[];
  }> = [
    { name: STRATEGY_SERIES, label: input.strategyLabel, signalsOf: (ticker) => input.decisions.get(ticker) ?? [] },
    ...BASELINES.map((b) => ({
      name: b.name,
      label: b.label,
      signalsOf: (_t: string, bars: readonly Bar[], dates: readonly string[]) => b.signals(bars, dates),
    })),
  ];
  const metrics: Record<string, StrategyMetrics> = {};
  const equity: EquityRow[] = [];
  const trades: TradeRow[] = [];
  const options = { riskFreeRate: input.riskFreeRate, ...(input.benchmark ? { benchmark: input.benchmark } : {}) };
  for (const strategy of strategies) {
    const runs: Array<{ ticker: string; result: SimulationResult }> = [];
    for (const ticker of input.tickers) {
      const bars = input.history.get(ticker) ?? [];
      const dates = input.grid[ticker] ?? [];
      if (dates.length === 0) continue;
      const result = simulate(bars, strategy.signalsOf(ticker, bars, dates), input.rules, { from: dates[0]!, to: input.to });
      runs.push({ ticker, result });
      equity.push(...withDrawdown(result.points, strategy.name, ticker));
      trades.push(...result.fills.map((f) => ({ series: strategy.name, ticker, ...f })));
    }
    const perTicker: StrategyMetrics['per_ticker'] = {};
    for (const { ticker, result } of runs) perTicker[ticker] = computeMetrics(result.points, result.fills, options);
    const portfolio = equalWeightPortfolio(runs.map((r) => r.result.points));
    equity.push(...withDrawdown(portfolio, strategy.name, PORTFOLIO));
    const exposures = Object.values(perTicker).map((m) => m.exposure);
    metrics[strategy.name] = {
      label: strategy.label,
      per_ticker: perTicker,
      portfolio: computeMetrics(
        portfolio,
        runs.flatMap((r) => r.result.fills),
        { ...options, exposure: exposures.reduce((a, b) => a + b, 0) / Math.max(1, exposures.length) },
      ),
    };
  }
  return { metrics, equity, trades };
}
