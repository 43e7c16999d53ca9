import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  ConflictError,
  NotFoundError,
  type BacktestCell,
  type BacktestConfig,
  type BacktestSummary,
  type BacktestView,
  type EquityRow,
  type TradeRow,
} from '@tradingfloor/shared';
import type { MarketDataVendor } from '../data/vendor.js';
import type { RunManagerApi } from '../runs/run-manager-api.js';
import {
  BacktestFiles,
  readBacktestHistory,
  readEquityRows,
  readStoredBacktest,
  readTradeRows,
  type StoredBacktest,
} from './backtest-files.js';
import { formatBacktestId } from './backtest-grid.js';
import { BacktestRun, queuedCell } from './backtest-run.js';
import { resolveBacktest } from './resolve-backtest.js';

/** What the backtest manager tells subscribers: a backtest's summary after any change. */
export interface BacktestEvent {
  type: 'backtest_changed';
  summary: BacktestSummary;
}

export interface BacktestManagerOptions {
  /** The runs' manager: every cell is one of its ordinary runs, under its limits. */
  runs: RunManagerApi;
  /** Market data for the grid, the simulation and the baselines (the process vendor). */
  vendor: MarketDataVendor;
  resultsDir: string;
  now?: () => number;
}

/** The backtests' surface used by the server and the CLI. */
export type BacktestManagerApi = Pick<
  BacktestManager,
  'start' | 'resume' | 'list' | 'get' | 'cancel' | 'equity' | 'trades' | 'decisions' | 'whenDone' | 'subscribe' | 'interruptAll'
>;

/**
 * Starts, lists, cancels and resumes backtests (issue 14 §1). A backtest is validated completely before its
 * directory is made (bad input writes nothing); then `config.json` and `state.json` are written and the cells
 * run in the background. Backtests found on disk are listed; a running one found there was interrupted.
 */
export class BacktestManager {
  private readonly backtests = new Map<string, BacktestRun>();
  private readonly executions = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(event: BacktestEvent) => void>();
  private readonly now: () => number;

  constructor(private readonly options: BacktestManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Lists the backtests under `<resultsDir>/backtests/`; ones left `running` by a stopped process become `interrupted`. */
  async loadHistory(): Promise<void> {
    for (const stored of await readBacktestHistory(this.options.resultsDir)) {
      if (!this.backtests.has(stored.config.backtest_id)) this.backtests.set(stored.config.backtest_id, this.fromStored(stored));
    }
  }

  /** Validates and starts a backtest; `ValidationError` (nothing written) for bad input. */
  async start(input: unknown): Promise<BacktestSummary> {
    const today = new Date(this.now()).toISOString().slice(0, 10);
    const resolved = await resolveBacktest(input, { vendor: this.options.vendor, runs: this.options.runs, today });
    const created = this.now();
    const config: BacktestConfig = {
      ...resolved,
      backtest_id: formatBacktestId(new Date(created), randomBytes(3).toString('hex')),
      created_at: created,
    };
    const files = await BacktestFiles.create(this.options.resultsDir, config.backtest_id);
    const cells = config.tickers.flatMap((t) => (config.grid[t] ?? []).map((d) => queuedCell(t, d)));
    const run = this.newRun(config, files, cells);
    try {
      await files.writeConfig(config);
      await files.writeState({ status: 'running', error: null, updated_at: created, cells });
    } catch (error) {
      await rm(files.dir, { recursive: true, force: true });
      throw error;
    }
    return this.launch(run);
  }

  /**
   * Continues an interrupted or canceled backtest (`--resume`, after Ctrl-C or a kill): completed cells are kept,
   * the others run again. `NotFoundError` / `ConflictError` (running or completed).
   */
  async resume(backtestId: string): Promise<BacktestSummary> {
    let existing = this.backtests.get(backtestId);
    if (!existing) {
      await this.loadHistory();
      existing = this.backtests.get(backtestId);
    }
    if (!existing) throw new NotFoundError(`no backtest with id "${backtestId}" in ${this.options.resultsDir}`);
    if (existing.status === 'running' || existing.status === 'completed')
      throw new ConflictError(`backtest ${backtestId} is ${existing.status}; only an interrupted, canceled or failed one can be resumed`);
    const stored = await readStoredBacktest(existing.dir);
    if (!stored) throw new ConflictError(`backtest ${backtestId} cannot be resumed: its config.json is unreadable`);
    const cells = this.cellsToResume(stored);
    return this.launch(this.newRun(stored.config, new BacktestFiles(stored.dir), cells));
  }

  list(): BacktestSummary[] {
    return [...this.backtests.values()].map((b) => b.summary()).sort((a, b) => a.created_at - b.created_at);
  }

  get(backtestId: string): BacktestView | undefined {
    const run = this.backtests.get(backtestId);
    if (!run) return undefined;
    return { summary: run.summary(), config: run.config, cells: run.cells.map((c) => ({ ...c })), metrics: run.metrics };
  }

  /** The cells and their decisions (`decisions.csv` as rows). */
  decisions(backtestId: string): BacktestCell[] {
    return this.require(backtestId).cells.map((c) => ({ ...c }));
  }

  /** Equity rows of every series (empty until the backtest has completed). */
  equity(backtestId: string): Promise<EquityRow[]> {
    return readEquityRows(this.require(backtestId).dir);
  }

  trades(backtestId: string): Promise<TradeRow[]> {
    return readTradeRows(this.require(backtestId).dir);
  }

  /** Cancels a running backtest (it stays resumable). `ConflictError` when it is not running. */
  cancel(backtestId: string): BacktestSummary {
    const run = this.require(backtestId);
    if (run.status !== 'running')
      throw new ConflictError(`backtest ${backtestId} is ${run.status}; only a running backtest can be canceled`);
    run.stop('canceled');
    return run.summary();
  }

  /** Resolves with the summary once the backtest has stopped running and its files are written. */
  async whenDone(backtestId: string): Promise<BacktestSummary> {
    const run = this.require(backtestId);
    await this.executions.get(backtestId);
    return run.summary();
  }

  /** Ctrl-C or shutdown: every running backtest stops as `interrupted` (resumable); resolves once all are written. */
  async interruptAll(): Promise<void> {
    for (const run of this.backtests.values()) run.stop('interrupted');
    await Promise.all(this.executions.values());
  }

  subscribe(listener: (event: BacktestEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private require(backtestId: string): BacktestRun {
    const run = this.backtests.get(backtestId);
    if (!run) throw new NotFoundError(`no backtest with id "${backtestId}"`);
    return run;
  }

  private newRun(config: BacktestConfig, files: BacktestFiles, cells: BacktestCell[]): BacktestRun {
    return new BacktestRun({
      config,
      runs: this.options.runs,
      vendor: this.options.vendor,
      files,
      cells,
      status: 'running',
      now: this.now,
      onChange: (r) => this.emit(r),
    });
  }

  private launch(run: BacktestRun): BacktestSummary {
    this.backtests.set(run.id, run);
    const execution = run.execute().finally(() => this.executions.delete(run.id));
    this.executions.set(run.id, execution);
    this.emit(run);
    return run.summary();
  }

  /** Completed cells stay; every other cell (queued, failed, canceled, cut off) runs again. */
  private cellsToResume(stored: StoredBacktest): BacktestCell[] {
    const done = new Map((stored.state?.cells ?? []).filter((c) => c.status === 'completed').map((c) => [`${c.ticker}|${c.date}`, c]));
    return stored.config.tickers.flatMap((t) => (stored.config.grid[t] ?? []).map((d) => done.get(`${t}|${d}`) ?? queuedCell(t, d)));
  }

  private fromStored(stored: StoredBacktest): BacktestRun {
    const saved = stored.state;
    const status = stored.metrics ? 'completed' : saved && saved.status !== 'running' ? saved.status : 'interrupted';
    return new BacktestRun({
      config: stored.config,
      runs: this.options.runs,
      vendor: this.options.vendor,
      files: new BacktestFiles(stored.dir),
      // A cell that was running when the process stopped is not running any more.
      cells: (saved?.cells ?? this.cellsToResume(stored)).map((c) =>
        c.status === 'pending' || c.status === 'in_progress' ? { ...c, status: 'interrupted' } : c,
      ),
      status,
      error: saved?.error ?? null,
      metrics: stored.metrics,
      updatedAt: saved?.updated_at ?? stored.config.created_at,
      now: this.now,
      onChange: (r) => this.emit(r),
    });
  }

  private emit(run: BacktestRun): void {
    const event: BacktestEvent = { type: 'backtest_changed', summary: run.summary() };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's fault must not stop the backtest.
      }
    }
  }
}
