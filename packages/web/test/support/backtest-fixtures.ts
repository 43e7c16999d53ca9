import type {
  BacktestCell,
  BacktestMetrics,
  BacktestSummary,
  BacktestView,
  EquityRow,
  PerformanceMetrics,
  TradeRow,
} from '@tradingfloor/shared';

export const BT_ID = 'bt-20250131-100000-a1b2c3';
export const DATES = ['2025-01-27', '2025-01-28', '2025-01-29'];

export function btSummary(fields: Partial<BacktestSummary> = {}): BacktestSummary {
  return {
    backtest_id: BT_ID,
    status: 'running',
    mode: 'signal',
    tickers: ['ACME', 'GLOBEX'],
    from: DATES[0]!,
    to: DATES.at(-1)!,
    every: 1,
    provider: 'offline',
    created_at: Date.UTC(2025, 0, 31, 10),
    updated_at: Date.UTC(2025, 0, 31, 10),
    progress: { total: 6, done: 0, failed: 0, running: 0, percent: 0 },
    error: null,
    results_path: '/tmp/results/backtests/' + BT_ID,
    ...fields,
  };
}

export function cell(ticker: string, date: string, fields: Partial<BacktestCell> = {}): BacktestCell {
  return {
    ticker,
    date,
    status: 'queued',
    run_id: null,
    action: null,
    rating: null,
    confidence: null,
    stop_loss: null,
    take_profit: null,
    error: null,
    ...fields,
  };
}

/** A completed cell with its run id (`<TICKER>--<date>_10.00.00--<hex>`) and action. */
export const decided = (ticker: string, date: string, action: 'BUY' | 'SELL' | 'HOLD') =>
  cell(ticker, date, { status: 'completed', action, run_id: `${ticker}--${date}_10.00.00--abcdef`, confidence: 0.6 });

function perf(fields: Partial<PerformanceMetrics> = {}): PerformanceMetrics {
  return {
    start_date: DATES[0]!,
    end_date: DATES.at(-1)!,
    days: 3,
    start_equity: 100_000,
    end_equity: 101_000,
    cumulative_return: 0.01,
    annualized_return: 1.2,
    annualized_volatility: 0.2,
    sharpe: 1.5,
    sortino: null,
    max_drawdown: 0.02,
    max_drawdown_peak: DATES[0]!,
    max_drawdown_trough: DATES[1]!,
    max_drawdown_recovery: null,
    calmar: 60,
    win_rate: null,
    round_trips: 0,
    trades: 1,
    exposure: 0.66,
    turnover: 1,
    costs_paid: 1,
    slippage_paid: 0,
    alpha: null,
    beta: null,
    ...fields,
  };
}

export function btMetrics(): BacktestMetrics {
  const strategy = perf({ cumulative_return: 0.0123 });
  const bh = perf({ cumulative_return: -0.0456, sharpe: null });
  return {
    backtest_id: BT_ID,
    benchmark: null,
    series: {
      buy_and_hold: { label: 'Buy and hold', per_ticker: { ACME: bh, GLOBEX: bh }, portfolio: bh },
      strategy: {
        label: 'TradingFloor agents',
        per_ticker: { ACME: perf({ cumulative_return: 0.0789 }), GLOBEX: strategy },
        portfolio: strategy,
      },
    },
    cells: { total: 6, completed: 6, failed: 0 },
  };
}

export function btView(summary: BacktestSummary, cells: BacktestCell[], metrics: BacktestMetrics | null = null): BacktestView {
  return {
    summary,
    config: {
      backtest_id: BT_ID,
      tickers: summary.tickers,
      from: summary.from,
      to: summary.to,
      every: 1,
      mode: 'signal',
      parallel: 3,
      llm_provider: 'offline',
      offline_latency_ms: 0,
      memory: false,
      horizon: 5,
      capital: 100_000,
      cost_per_trade: 1,
      slippage_bps: 0,
      allow_short: false,
      risk_free_rate: 0,
      grid: Object.fromEntries(summary.tickers.map((t) => [t, DATES])),
      data_label: 'Demo data',
      created_at: summary.created_at,
    },
    cells,
    metrics,
  };
}

export function equityRows(): EquityRow[] {
  return ['strategy', 'buy_and_hold'].flatMap((series, s) =>
    ['ACME', 'GLOBEX', 'PORTFOLIO'].flatMap((ticker) =>
      DATES.map((date, i) => ({ date, series, ticker, equity: 100_000 + (s + 1) * i * 100, position: 0, drawdown: i === 1 ? 0.01 : 0 })),
    ),
  );
}

export function tradeRows(): TradeRow[] {
  return [
    {
      series: 'strategy',
      ticker: 'ACME',
      decision_date: DATES[0]!,
      date: DATES[1]!,
      side: 'buy',
      quantity: 10,
      price: 50,
      cost: 1,
      slippage: 0,
      reason: 'signal',
      pnl: null,
    },
    {
      series: 'strategy',
      ticker: 'GLOBEX',
      decision_date: DATES[1]!,
      date: DATES[2]!,
      side: 'sell',
      quantity: 5,
      price: 20,
      cost: 1,
      slippage: 0,
      reason: 'stop_loss',
      pnl: -12.5,
    },
    {
      series: 'buy_and_hold',
      ticker: 'ACME',
      decision_date: DATES[0]!,
      date: DATES[1]!,
      side: 'buy',
      quantity: 20,
      price: 50,
      cost: 1,
      slippage: 0,
      reason: 'signal',
      pnl: null,
    },
  ];
}
