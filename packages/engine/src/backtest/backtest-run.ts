import {
  isActiveStatus,
  isTerminalStatus,
  TooManyRunsError,
  type BacktestCell,
  type BacktestConfig,
  type BacktestMetrics,
  type BacktestStatus,
  type BacktestSummary,
  type Position,
} from '@tradingfloor/shared';
import type { Bar, MarketDataVendor } from '../data/vendor.js';
import { errorMessage } from '@tradingfloor/shared';
import type { RunEvent, RunManagerApi } from '../runs/run-manager-api.js';
import type { BacktestFiles } from './backtest-files.js';
import { renderBacktestReport } from './backtest-report.js';
import { cellOptions, positionContext } from './cell-request.js';
import { evaluateBacktest } from './evaluate-backtest.js';
import { simulate, type ExecutionRules, type Signal } from './simulator.js';

/** The benchmark alpha and beta are measured against, when the data has it. */
const BENCHMARK_TICKER = 'SPY';

export interface BacktestRunOptions {
  config: BacktestConfig;
  runs: RunManagerApi;
  vendor: MarketDataVendor;
  files: BacktestFiles;
  /** The cells as found (all queued for a new backtest; a resumed one keeps its completed cells). */
  cells: BacktestCell[];
  status: BacktestStatus;
  error?: string | null;
  metrics?: BacktestMetrics | null;
  updatedAt?: number;
  now: () => number;
  onChange(run: BacktestRun): void;
}

/** A fresh, queued cell. */
export const queuedCell = (ticker: string, date: string): BacktestCell => ({
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
});

/** What a user reads about the decisions' source: the offline model is never passed off as an LLM. */
function strategyLabel(config: Pick<BacktestConfig, 'llm_provider' | 'quick_think_llm' | 'deep_think_llm'>): string {
  if (config.llm_provider === 'offline') return 'TradingFloor agents — offline rule-based model (no LLM)';
  return `TradingFloor agents — ${config.llm_provider} ${config.quick_think_llm ?? 'default'} / ${config.deep_think_llm ?? 'default'}`;
}

/**
 * One backtest: schedules its cells as ordinary runs of the RunManager (signal mode: every cell independent, up
 * to `parallel` at once; portfolio mode: each ticker's dates in order, each run given the simulated position),
 * records each decision, and at the end simulates the decisions and the baselines and writes the results. Every
 * cell change rewrites `state.json`, so a killed backtest resumes with its finished cells kept.
 */
export class BacktestRun {
  readonly config: BacktestConfig;
  readonly cells: BacktestCell[];
  status: BacktestStatus;
  error: string | null;
  metrics: BacktestMetrics | null;
  private updatedAt: number;
  private stopping: 'canceled' | 'interrupted' | null = null;
  private readonly cellByRun = new Map<string, BacktestCell>();
  /** Runs finished so far (any run of the manager): a refused start retries once this moves. */
  private finishedCount = 0;
  private finishWaiters: Array<() => void> = [];
  private history = new Map<string, Bar[]>();

  constructor(private readonly o: BacktestRunOptions) {
    this.config = o.config;
    this.cells = o.cells;
    this.status = o.status;
    this.error = o.error ?? null;
    this.metrics = o.metrics ?? null;
    this.updatedAt = o.updatedAt ?? o.now();
  }

  get id(): string {
    return this.config.backtest_id;
  }

  get dir(): string {
    return this.o.files.dir;
  }

  summary(): BacktestSummary {
    const total = this.cells.length;
    const done = this.cells.filter((c) => c.status !== 'queued' && isTerminalStatus(c.status)).length;
    const failed = this.cells.filter((c) => c.status === 'error' || c.status === 'canceled').length;
    const running = this.cells.filter((c) => c.status !== 'queued' && isActiveStatus(c.status)).length;
    const { config } = this;
    return {
      backtest_id: this.id,
      status: this.status,
      mode: config.mode,
      tickers: config.tickers,
      from: config.from,
      to: config.to,
      every: config.every,
      provider: config.llm_provider,
      created_at: config.created_at,
      updated_at: this.updatedAt,
      progress: { total, done, failed, running, percent: total === 0 ? 100 : Math.round((done / total) * 1000) / 10 },
      error: this.error,
      results_path: this.dir,
    };
  }

  /**
   * Stops scheduling and cancels the cells' runs in flight. `interrupted` (Ctrl-C, shutdown) and `canceled` (the
   * user) both leave the backtest resumable.
   */
  stop(kind: 'canceled' | 'interrupted'): void {
    if (this.status !== 'running') return;
    this.stopping ??= kind;
    // An interrupt comes with the process stopping: the run manager leaves the cells in flight `interrupted`
    // (resumable), so they are not canceled here.
    for (const cell of kind === 'canceled' ? this.cells : []) {
      if (cell.run_id && cell.status !== 'queued' && isActiveStatus(cell.status)) {
        try {
          this.o.runs.cancel(cell.run_id);
        } catch {
          // Already finished or gone: nothing to stop.
        }
      }
    }
    this.wakeWaiters();
  }

  /** Runs the backtest to its end; resolves (never rejects) once the final state is written. */
  async execute(): Promise<void> {
    const unsubscribe = this.o.runs.subscribe((event) => this.onRunEvent(event));
    try {
      await this.loadHistory();
      if (this.config.mode === 'signal') {
        // Date-major order, so every ticker moves forward together.
        const queue = this.cells
          .filter((c) => c.status !== 'completed')
          .sort((a, b) => a.date.localeCompare(b.date) || a.ticker.localeCompare(b.ticker));
        await pool(queue, this.config.parallel, (cell) => this.runCell(cell, undefined));
      } else {
        await pool([...this.config.tickers], this.config.parallel, (ticker) => this.runTicker(ticker));
      }
      if (this.stopping) this.status = this.stopping;
      else {
        await this.writeResults();
        this.status = 'completed';
      }
    } catch (error) {
      this.status = this.stopping ?? 'error';
      this.error = this.stopping ? null : errorMessage(error);
    } finally {
      unsubscribe();
      this.changed();
      await this.persist().catch(() => {});
      await this.o.files.flush();
    }
  }

  private async loadHistory(): Promise<void> {
    for (const ticker of this.config.tickers) this.history.set(ticker, await this.o.vendor.bars(ticker, { asOf: this.config.to }));
  }

  private rules(): ExecutionRules {
    const { capital, cost_per_trade, slippage_bps, allow_short } = this.config;
    return { capital, cost_per_trade, slippage_bps, allow_short };
  }

  /** The decided cells of a ticker as signals, in date order (failed cells decide nothing: HOLD). */
  private signalsOf(ticker: string, before?: string): Signal[] {
    return this.cells
      .filter((c) => c.ticker === ticker && c.status === 'completed' && c.action !== null && (before === undefined || c.date < before))
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((c) => ({ date: c.date, action: c.action!, stop_loss: c.stop_loss, take_profit: c.take_profit }));
  }

  /** Portfolio mode: one ticker's dates in order, each run told what the simulation holds at that day's close. */
  private async runTicker(ticker: string): Promise<void> {
    const dates = this.config.grid[ticker] ?? [];
    for (const cell of this.cells.filter((c) => c.ticker === ticker).sort((a, b) => a.date.localeCompare(b.date))) {
      if (this.stopping) return;
      if (cell.status === 'completed') continue;
      const held = simulate(this.history.get(ticker) ?? [], this.signalsOf(ticker, cell.date), this.rules(), {
        from: dates[0] ?? cell.date,
        to: cell.date,
      });
      await this.runCell(cell, positionContext(held.final));
    }
  }

  /** Runs one cell as an ordinary run and records its decision. */
  private async runCell(cell: BacktestCell, position: Position | undefined): Promise<void> {
    const request = {
      ticker: cell.ticker,
      options: { ...cellOptions(this.config, this.id), trade_date: cell.date },
      ...(position ? { position } : {}),
    };
    let runId: string | undefined;
    while (runId === undefined) {
      if (this.stopping) return;
      const seen = this.finishedCount;
      try {
        const [summary] = await this.o.runs.start([request]);
        runId = summary!.run_id;
        Object.assign(cell, { ...queuedCell(cell.ticker, cell.date), run_id: runId, status: summary!.status });
      } catch (error) {
        // The global limits are shared with every other run: wait for any run to finish, then try again.
        if (error instanceof TooManyRunsError) await this.runFinishedSince(seen);
        else {
          Object.assign(cell, { status: 'error', error: errorMessage(error) });
          this.cellChanged();
          return;
        }
      }
    }
    this.cellByRun.set(runId, cell);
    this.cellChanged();
    await this.o.runs.whenFinished(runId).catch(() => undefined);
    const view = this.o.runs.get(runId);
    const decision = view?.decision ?? null;
    Object.assign(cell, {
      status: view?.summary.status ?? 'error',
      action: decision?.action ?? null,
      rating: decision?.rating ?? null,
      confidence: decision?.confidence ?? null,
      stop_loss: decision?.risk_metrics.stop_loss ?? null,
      take_profit: decision?.risk_metrics.take_profit ?? null,
      error: view?.error ?? (view ? null : 'run disappeared before it finished'),
    });
    this.cellChanged();
  }

  private async writeResults(): Promise<void> {
    const benchmark = await this.benchmark();
    const decisions = new Map(this.config.tickers.map((t) => [t, this.signalsOf(t)]));
    const evaluation = evaluateBacktest({
      tickers: this.config.tickers,
      grid: this.config.grid,
      to: this.config.to,
      rules: this.rules(),
      riskFreeRate: this.config.risk_free_rate,
      history: this.history,
      decisions,
      strategyLabel: strategyLabel(this.config),
      benchmark,
    });
    const completed = this.cells.filter((c) => c.status === 'completed').length;
    const metrics: BacktestMetrics = {
      backtest_id: this.id,
      benchmark: benchmark ? BENCHMARK_TICKER : null,
      series: evaluation.metrics,
      cells: { total: this.cells.length, completed, failed: this.cells.length - completed },
    };
    const report = renderBacktestReport(this.config, metrics, strategyLabel(this.config));
    await this.o.files.writeResults({ metrics, trades: evaluation.trades, equity: evaluation.equity, report });
    this.metrics = metrics;
  }

  /** SPY closes up to `to`, or null when the data has none. */
  private async benchmark(): Promise<Map<string, number> | null> {
    try {
      const bars = await this.o.vendor.bars(BENCHMARK_TICKER, { from: this.config.from, asOf: this.config.to });
      return bars.length > 0 ? new Map(bars.map((b) => [b.date, b.close])) : null;
    } catch {
      return null;
    }
  }

  private onRunEvent(event: RunEvent): void {
    if (event.type === 'finished') {
      this.finishedCount += 1;
      this.wakeWaiters();
    }
    if (event.type !== 'changed' && event.type !== 'finished') return;
    const cell = this.cellByRun.get(event.run_id);
    // Only status moves matter here; the final decision is read once the run has finished.
    if (!cell || cell.status === event.summary.status || isTerminalStatus(event.summary.status)) return;
    cell.status = event.summary.status;
    this.changed();
  }

  private runFinishedSince(seen: number): Promise<void> {
    if (this.finishedCount !== seen || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.finishWaiters.push(resolve));
  }

  private wakeWaiters(): void {
    const waiters = this.finishWaiters;
    this.finishWaiters = [];
    waiters.forEach((wake) => wake());
  }

  private cellChanged(): void {
    this.changed();
    void this.persist().catch(() => {
      // A failed write is retried by the next cell's; the final state is awaited in execute().
    });
  }

  private changed(): void {
    this.updatedAt = this.o.now();
    this.o.onChange(this);
  }

  private persist(): Promise<void> {
    return this.o.files.writeState({
      status: this.status,
      error: this.error,
      updated_at: this.updatedAt,
      cells: this.cells.map((c) => ({ ...c })),
    });
  }
}

/** Runs `work` over `items` with at most `limit` at once, in order. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
