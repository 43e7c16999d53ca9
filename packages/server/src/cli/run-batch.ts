import path from 'node:path';
import { deferred, errorMessage, isTerminalStatus, TooManyRunsError, type RunOptions, type RunSummary } from '@tradingfloor/shared';
import type { RunEvent, RunManagerApi } from '@tradingfloor/engine';
import { phaseLabel, queuedRow, type BatchRow } from './batch-row.js';
import type { RunOutcome } from './summary.js';

/** What a batch runs: tickers in order, the options they share, and how many run at once. */
export interface BatchPlan {
  tickers: string[];
  options: RunOptions;
  parallel: number;
}

function isFinal(row: BatchRow): boolean {
  return row.status !== 'queued' && isTerminalStatus(row.status);
}

/**
 * A queue of tickers feeding a RunManager: the first `parallel` start at once, and each run that finishes
 * frees a slot for the next ticker. It keeps one {@link BatchRow} per ticker up to date from the manager's
 * events and calls `onChange` after every update.
 */
export class RunBatch {
  /** One row per ticker, in the order given. */
  readonly rows: BatchRow[];
  readonly #manager: RunManagerApi;
  readonly #plan: BatchPlan;
  readonly #onChange: () => void;
  readonly #byRunId = new Map<string, BatchRow>();
  /** Tickers whose `start()` call is in flight: a `created` event for them is adopted by ticker. */
  readonly #launching = new Set<string>();
  readonly #queue: BatchRow[];
  readonly #done = deferred<void>();
  /** start() calls not yet settled; an interrupt waits for them so that no run is created after shutdown. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #interrupted = false;
  #unsubscribe: () => void = () => {};

  constructor(manager: RunManagerApi, plan: BatchPlan, onChange: () => void = () => {}) {
    this.#manager = manager;
    this.#plan = plan;
    this.#onChange = onChange;
    this.rows = plan.tickers.map(queuedRow);
    this.#queue = [...this.rows];
  }

  /** Resolves once every ticker has ended (completed, error or canceled). */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /**
   * Starts the first `parallel` runs. Throws what `RunManager.start` throws for them (a `ValidationError`
   * for a date outside the data, …) before anything runs, so the caller can report bad input.
   */
  async begin(): Promise<void> {
    this.#unsubscribe = this.#manager.subscribe((event) => this.#onEvent(event));
    const first = this.#queue.splice(0, this.#plan.parallel);
    try {
      await this.#launch(first);
    } catch (err) {
      this.#unsubscribe();
      throw err;
    }
    this.#settleIfDone();
  }

  /**
   * Ctrl-C: drops the queue (those tickers end as canceled, never started), cancels every active run through
   * `RunManager.shutdown()` (or, with `keep`, saves each and leaves it `interrupted` for a resume) and resolves
   * when all runs are settled and their files written.
   */
  async interrupt(options: { keep?: boolean } = {}): Promise<void> {
    this.#interrupted = true;
    this.#queue.length = 0;
    await Promise.allSettled([...this.#inFlight]);
    // Rows the interrupted start() call never created, and the queue, end without a run.
    for (const row of this.rows) {
      if (row.status === 'queued') Object.assign(row, { status: 'canceled', error: 'not started: the batch was interrupted' });
    }
    this.#onChange();
    await this.#manager.shutdown({ interrupt: options.keep === true });
    for (const row of this.rows) this.#refresh(row);
    this.#settleIfDone();
  }

  /** Stops listening to the manager. */
  close(): void {
    this.#unsubscribe();
  }

  /** Each ticker's ending, read from the manager (decision, usage, results path). */
  outcomes(): RunOutcome[] {
    return this.rows.map((row) => {
      const view = row.run_id ? this.#manager.get(row.run_id) : undefined;
      const resultsPath = view?.summary.results_path;
      return {
        run_id: row.run_id,
        ticker: row.ticker,
        trade_date: view?.summary.trade_date ?? null,
        status: view?.summary.status ?? row.status,
        decision: view?.decision ?? null,
        error: view?.error ?? row.error,
        results_path: resultsPath ? path.resolve(resultsPath) : null,
        usage: view?.usage ?? null,
      };
    });
  }

  /** Starts these rows' runs in one all-or-nothing call and watches each until it finishes. */
  async #launch(rows: BatchRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const row of rows) this.#launching.add(row.ticker);
    const started = this.#manager.start(rows.map((row) => ({ ticker: row.ticker, options: this.#plan.options })));
    this.#inFlight.add(started);
    let summaries: RunSummary[];
    try {
      summaries = await started;
    } finally {
      this.#inFlight.delete(started);
      for (const row of rows) this.#launching.delete(row.ticker);
    }
    for (const summary of summaries) {
      const row = this.rows.find((r) => r.ticker === summary.ticker && (r.run_id === null || r.run_id === summary.run_id));
      if (!row) continue;
      this.#adopt(row, summary);
      this.#manager.whenFinished(summary.run_id).then(
        () => this.#onRunFinished(row),
        () => this.#onRunFinished(row),
      );
    }
  }

  #adopt(row: BatchRow, summary: RunSummary): void {
    row.run_id = summary.run_id;
    this.#byRunId.set(summary.run_id, row);
    this.#apply(row, summary);
  }

  #onEvent(event: RunEvent): void {
    if (event.type === 'removed' || event.type === 'log') return;
    let row = this.#byRunId.get(event.run_id);
    // Events can arrive before start() resolves; a new run of a ticker being launched is ours.
    if (!row && event.type === 'created' && this.#launching.has(event.summary.ticker)) {
      row = this.rows.find((r) => r.ticker === event.summary.ticker && r.run_id === null);
      if (row) this.#adopt(row, event.summary);
      return;
    }
    if (row) this.#apply(row, event.summary);
  }

  #apply(row: BatchRow, summary: RunSummary): void {
    const view = this.#manager.get(summary.run_id);
    row.status = summary.status;
    row.progress = summary.overall_progress;
    row.phase = phaseLabel(view, summary.current_phase);
    row.started_at = summary.created_at;
    row.ended_at = isTerminalStatus(summary.status) ? summary.updated_at : null;
    row.action = summary.action;
    row.error = summary.error;
    this.#onChange();
    this.#settleIfDone();
  }

  #refresh(row: BatchRow): void {
    const view = row.run_id ? this.#manager.get(row.run_id) : undefined;
    if (view) this.#apply(row, view.summary);
  }

  #onRunFinished(row: BatchRow): void {
    this.#refresh(row);
    if (!this.#interrupted) void this.#startNext();
    this.#settleIfDone();
  }

  /** Starts the next queued ticker; a ticker the manager refuses ends as an error and the next one is tried. */
  async #startNext(): Promise<void> {
    const row = this.#queue.shift();
    if (!row) return;
    try {
      await this.#launch([row]);
    } catch (err) {
      const othersActive = this.rows.some((r) => r !== row && (r.status === 'pending' || r.status === 'in_progress'));
      if (err instanceof TooManyRunsError && othersActive && !this.#interrupted) {
        // The manager still counts a finishing run: wait for the next run to finish and try again.
        this.#queue.unshift(row);
        return;
      }
      row.status = this.#interrupted ? 'canceled' : 'error';
      row.error = errorMessage(err);
      this.#onChange();
      if (!this.#interrupted) void this.#startNext();
    }
    this.#settleIfDone();
  }

  #settleIfDone(): void {
    if (this.rows.every(isFinal)) this.#done.resolve();
  }
}
