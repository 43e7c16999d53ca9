import {
  EMPTY_USAGE,
  NotFoundError,
  TooManyRunsError,
  ValidationError,
  isActiveStatus,
  isTerminalStatus,
  type Decision,
  type RunStatus,
  type RunSummary,
} from '@tradingfloor/shared';
import type { RunEvent, RunManagerApi, RunRequest, RunView } from '@tradingfloor/engine';
import { deferred, type Deferred } from '../../../../../tests/support/deferred.js';

/**
 * A RunManager whose runs move only when the test says so, for the CLI's queue, signal and output logic.
 * It keeps the real contract: all-or-nothing start with the parallel limit, events, whenFinished, shutdown.
 * End-to-end tests use the engine's real RunManager.
 */
export class FakeRunManager implements RunManagerApi {
  readonly views = new Map<string, RunView>();
  /** Tickers of each start() call, in order. */
  readonly startCalls: string[][] = [];
  shutdownCalls = 0;
  /** Makes start() refuse a batch, e.g. to simulate a date outside the data. */
  refuse: ((requests: RunRequest[]) => Error | undefined) | undefined;
  /** Called after each successful start, e.g. to drive the runs to their end. */
  onStarted: ((summaries: RunSummary[]) => void) | undefined;
  readonly #listeners = new Set<(event: RunEvent) => void>();
  readonly #finished = new Map<string, Deferred<RunSummary>>();
  #clock = 1_000;
  #seq = 0;

  constructor(readonly maxParallelRuns: number) {}

  async start(requests: RunRequest[]): Promise<RunSummary[]> {
    const refusal = this.refuse?.(requests);
    if (refusal) throw refusal;
    const active = this.list().filter((s) => isActiveStatus(s.status)).length;
    if (active + requests.length > this.maxParallelRuns) throw new TooManyRunsError(`at most ${this.maxParallelRuns} runs at once`);
    this.startCalls.push(requests.map((r) => r.ticker));
    const summaries = requests.map((r) => this.#create(r));
    this.onStarted?.(summaries);
    return summaries;
  }

  #create(request: RunRequest): RunSummary {
    const run_id = `${request.ticker}--2024-03-28_10.00.00--${String(++this.#seq).padStart(6, '0')}`;
    const summary: RunSummary = {
      run_id,
      ticker: request.ticker,
      trade_date: request.options.trade_date ?? '2024-03-28',
      status: 'pending',
      overall_progress: 0,
      created_at: this.#clock,
      updated_at: this.#clock,
      current_phase: null,
      provider: 'offline',
      error: null,
      action: null,
      results_path: `/results/${request.ticker}/${this.#seq}`,
    };
    const phase = (id: string, name: string) => ({
      id,
      name,
      node_type: 'phase' as const,
      status: 'pending' as const,
      started_at: null,
      ended_at: null,
      duration_ms: null,
      children: [],
    });
    this.views.set(run_id, {
      summary,
      config: {
        ticker: request.ticker,
        trade_date: summary.trade_date,
        llm_provider: 'offline',
        quick_think_llm: 'offline-rules',
        deep_think_llm: 'offline-rules',
      } as RunView['config'],
      tree: [phase('analysts', 'Analyst Team'), phase('research_debate', 'Research Debate')],
      contents: {},
      decision: null,
      error: null,
      usage: { total: { ...EMPTY_USAGE }, by_agent: {}, by_model: {} },
    });
    this.#finished.set(run_id, deferred());
    this.#emit({ type: 'created', run_id, summary });
    return summary;
  }

  /** Moves a run forward (status, phase, progress) and tells the subscribers. */
  advance(runId: string, change: { status?: RunStatus; current_phase?: string | null; overall_progress?: number }): void {
    const view = this.#view(runId);
    this.#clock += 1_000;
    view.summary = { ...view.summary, ...change, updated_at: this.#clock };
    this.#emit({ type: 'changed', run_id: runId, summary: view.summary });
  }

  /** Ends a run: completed with a decision, or error / canceled. */
  finish(runId: string, status: 'completed' | 'error' | 'canceled', extra: { decision?: Decision; error?: string } = {}): void {
    const view = this.#view(runId);
    if (isTerminalStatus(view.summary.status)) return;
    this.#clock += 1_000;
    view.decision = extra.decision ?? null;
    view.error = extra.error ?? null;
    view.summary = {
      ...view.summary,
      status,
      overall_progress: status === 'completed' ? 100 : view.summary.overall_progress,
      current_phase: null,
      action: extra.decision?.action ?? null,
      error: extra.error ?? null,
      updated_at: this.#clock,
    };
    this.#emit({ type: 'finished', run_id: runId, summary: view.summary });
    this.#finished.get(runId)?.resolve(view.summary);
  }

  /** Run ids of one ticker's runs. */
  idsOf(ticker: string): string[] {
    return [...this.views.values()].filter((v) => v.summary.ticker === ticker).map((v) => v.summary.run_id);
  }

  #view(runId: string): RunView {
    const view = this.views.get(runId);
    if (!view) throw new NotFoundError(`unknown run ${runId}`);
    return view;
  }

  #emit(event: RunEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  get(runId: string): RunView | undefined {
    return this.views.get(runId);
  }
  list(filter?: { status?: RunStatus }): RunSummary[] {
    return [...this.views.values()].map((v) => v.summary).filter((s) => !filter?.status || s.status === filter.status);
  }
  cancel(runId: string): void {
    this.finish(runId, 'canceled', { error: 'canceled by user' });
  }
  logs(): undefined {
    return undefined;
  }
  prune(): string[] {
    return [];
  }
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  whenFinished(runId: string): Promise<RunSummary> {
    const waiter = this.#finished.get(runId);
    if (!waiter) return Promise.reject(new NotFoundError(`unknown run ${runId}`));
    return waiter.promise;
  }
  async shutdown(): Promise<void> {
    this.shutdownCalls += 1;
    for (const s of this.list()) if (isActiveStatus(s.status)) this.cancel(s.run_id);
  }
  limiterSnapshot() {
    return [];
  }
  async dataCoverage() {
    return { first_date: '2022-01-03', last_date: '2024-12-31', tickers: [], vendor: 'fake', label: 'fake data' };
  }
}

/** A date refusal like the engine's, for tests of exit code 2. */
export const outsideData = () => new ValidationError('trade date 1999-01-04 is outside the data (2022-01-03 … 2024-12-31)');
