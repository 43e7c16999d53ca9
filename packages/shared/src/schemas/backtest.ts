import { z } from 'zod';
import { ActionSchema } from './decision.js';
import { BacktestIdSchema, CassetteSchema, IsoDateSchema, RunOptionsSchema } from './run-config.js';
import { RunStatusSchema } from './run-status.js';
import { numberOrNumericText } from './numeric.js';

/**
 * `signal`: every (ticker, date) cell is independent (flat position), all may run at once — the TradingAgents
 * paper's protocol. `portfolio`: one ticker's dates run in order, each given the simulated position.
 */
export const BACKTEST_MODES = ['signal', 'portfolio'] as const;
export const BacktestModeSchema = z.enum(BACKTEST_MODES);
export type BacktestMode = z.infer<typeof BacktestModeSchema>;

/** Most cells one backtest may hold (tickers × grid dates). */
export const MAX_BACKTEST_CELLS = 5000;

/** Form posts send every value as a string; a comma list becomes an array. */
const csvList = (v: unknown) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter((s) => s !== '') : v);

/**
 * What a backtest is asked for: by `POST /backtests` and, from its flags, by `tradingfloor backtest`. Money is in
 * the account currency; `capital` is per ticker (the portfolio is the equal-weight sum of the sleeves).
 */
export const BacktestRequestSchema = z
  .object({
    tickers: z.preprocess(csvList, z.array(z.string()).min(1, 'name at least one ticker')),
    from: IsoDateSchema,
    to: IsoDateSchema,
    /** Every Nth trading day of each instrument's calendar, counted from `from`. */
    every: numberOrNumericText(z.number().int().min(1).max(250)).default(1),
    mode: BacktestModeSchema.default('signal'),
    /** Cells running at once (also bounded by the server's MAX_PARALLEL_RUNS and the LLM limiter). */
    parallel: numberOrNumericText(z.number().int().min(1).max(100)).default(3),
    llm_provider: RunOptionsSchema.shape.llm_provider,
    quick_think_llm: RunOptionsSchema.shape.quick_think_llm,
    deep_think_llm: RunOptionsSchema.shape.deep_think_llm,
    offline_latency_ms: RunOptionsSchema.shape.offline_latency_ms,
    memory: z.boolean().default(false),
    /** Trading days after a decision at which its outcome is judged (reflection memory). */
    horizon: numberOrNumericText(z.number().int().min(1).max(60)).default(5),
    capital: numberOrNumericText(z.number().positive().max(1e12)).default(100_000),
    /** Fixed cost of every fill. */
    cost_per_trade: numberOrNumericText(z.number().min(0).max(1e6)).default(1),
    /** Slippage against the fill price, in basis points (buys pay more, sells get less). */
    slippage_bps: numberOrNumericText(z.number().min(0).max(1000)).default(0),
    /** SELL opens a short instead of going flat. */
    allow_short: z.boolean().default(false),
    /** Annual risk-free rate for Sharpe, Sortino and alpha, e.g. 0.05. */
    risk_free_rate: numberOrNumericText(z.number().min(-1).max(1)).default(0),
    cassette: CassetteSchema.optional(),
  })
  .strict();
export type BacktestRequest = z.output<typeof BacktestRequestSchema>;
export type BacktestRequestInput = z.input<typeof BacktestRequestSchema>;

/** A checked backtest: the request resolved (models, tickers normalised) plus its id and date grid. */
export const BacktestConfigSchema = BacktestRequestSchema.extend({
  backtest_id: BacktestIdSchema,
  tickers: z.array(z.string()).min(1),
  /** Grid dates per ticker (trading days of its own calendar). */
  grid: z.record(z.string(), z.array(z.string())),
  /** Label of the market data, e.g. "csv files in ../shared/data". */
  data_label: z.string(),
  created_at: z.number(),
});
export type BacktestConfig = z.output<typeof BacktestConfigSchema>;

export const BACKTEST_STATUSES = ['running', 'completed', 'error', 'canceled', 'interrupted'] as const;
export const BacktestStatusSchema = z.enum(BACKTEST_STATUSES);
export type BacktestStatus = z.infer<typeof BacktestStatusSchema>;

/** One (ticker, date) cell of the grid and the run that decides it. */
export const BacktestCellSchema = z.object({
  ticker: z.string(),
  date: z.string(),
  status: z.union([RunStatusSchema, z.literal('queued')]),
  run_id: z.string().nullable(),
  action: ActionSchema.nullable(),
  rating: z.string().nullable(),
  confidence: z.number().nullable(),
  stop_loss: z.number().nullable(),
  take_profit: z.number().nullable(),
  error: z.string().nullable(),
});
export type BacktestCell = z.infer<typeof BacktestCellSchema>;

export const BacktestProgressSchema = z.object({
  total: z.number().int(),
  /** Cells finished (completed, error or canceled). */
  done: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
  /** 0..100. */
  percent: z.number(),
});
export type BacktestProgress = z.infer<typeof BacktestProgressSchema>;

/** What lists of backtests show (`GET /backtests`, `backtest_update`). Times are epoch ms. */
export const BacktestSummarySchema = z.object({
  backtest_id: z.string(),
  status: BacktestStatusSchema,
  mode: BacktestModeSchema,
  tickers: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  every: z.number().int(),
  provider: z.string(),
  created_at: z.number(),
  updated_at: z.number(),
  progress: BacktestProgressSchema,
  error: z.string().nullable(),
  results_path: z.string(),
});
export type BacktestSummary = z.infer<typeof BacktestSummarySchema>;

/** Performance of one equity curve. Ratios are fractions (0.05 = 5 %); null where undefined (no variance, no trades). */
export const PerformanceMetricsSchema = z.object({
  start_date: z.string(),
  end_date: z.string(),
  days: z.number().int(),
  start_equity: z.number(),
  end_equity: z.number(),
  cumulative_return: z.number(),
  annualized_return: z.number(),
  annualized_volatility: z.number(),
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  max_drawdown: z.number(),
  max_drawdown_peak: z.string().nullable(),
  max_drawdown_trough: z.string().nullable(),
  max_drawdown_recovery: z.string().nullable(),
  calmar: z.number().nullable(),
  /** Winning round trips / closed round trips. */
  win_rate: z.number().nullable(),
  round_trips: z.number().int(),
  /** Fills (each buy or sell execution). */
  trades: z.number().int(),
  /** Share of days a position was held at the close. */
  exposure: z.number(),
  /** Traded notional / average equity. */
  turnover: z.number(),
  costs_paid: z.number(),
  slippage_paid: z.number(),
  alpha: z.number().nullable(),
  beta: z.number().nullable(),
});
export type PerformanceMetrics = z.infer<typeof PerformanceMetricsSchema>;

/** A strategy's metrics per ticker and for the equal-weight portfolio. */
export const StrategyMetricsSchema = z.object({
  label: z.string(),
  per_ticker: z.record(z.string(), PerformanceMetricsSchema),
  portfolio: PerformanceMetricsSchema,
});
export type StrategyMetrics = z.infer<typeof StrategyMetricsSchema>;

/** `metrics.json`: our strategy (key `strategy`) and every baseline, by series name. */
export const BacktestMetricsSchema = z.object({
  backtest_id: z.string(),
  benchmark: z.string().nullable(),
  series: z.record(z.string(), StrategyMetricsSchema),
  cells: z.object({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
});
export type BacktestMetrics = z.infer<typeof BacktestMetricsSchema>;

/** `GET /backtests/:id`. */
export const BacktestViewSchema = z.object({
  summary: BacktestSummarySchema,
  config: BacktestConfigSchema,
  cells: z.array(BacktestCellSchema),
  metrics: BacktestMetricsSchema.nullable(),
});
export type BacktestView = z.infer<typeof BacktestViewSchema>;

/** One row of `equity.csv` / `GET /backtests/:id/equity`: a series' equity at a day's close. */
export const EquityRowSchema = z.object({
  date: z.string(),
  series: z.string(),
  /** A ticker, or `PORTFOLIO` for the equal-weight sum. */
  ticker: z.string(),
  equity: z.number(),
  /** Shares held at the close (negative = short); 0 for the portfolio. */
  position: z.number(),
  drawdown: z.number(),
});
export type EquityRow = z.infer<typeof EquityRowSchema>;

/** One fill of `trades.csv` / `GET /backtests/:id/trades`. */
export const TradeRowSchema = z.object({
  series: z.string(),
  ticker: z.string(),
  /** The decision date that asked for it (for stop / take-profit exits: the fill date). */
  decision_date: z.string(),
  date: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  price: z.number(),
  cost: z.number(),
  slippage: z.number(),
  reason: z.enum(['signal', 'stop_loss', 'take_profit']),
  /** Profit of the round trip this fill closes, net of its costs; null for an opening fill. */
  pnl: z.number().nullable(),
});
export type TradeRow = z.infer<typeof TradeRowSchema>;

/** Query of `GET /backtests/:id/equity` and `/trades`: only one series and / or one ticker (`PORTFOLIO` for the portfolio). */
export const BacktestRowsQuerySchema = z
  .object({ series: z.string().min(1).max(50).optional(), ticker: z.string().min(1).max(20).optional() })
  .strict();
export type BacktestRowsQuery = z.output<typeof BacktestRowsQuerySchema>;

export const BacktestStartResponseSchema = z.object({ backtest_id: z.string(), status: BacktestStatusSchema });
export const BacktestListResponseSchema = z.object({ backtests: z.array(BacktestSummarySchema) });
