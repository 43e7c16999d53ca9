import {
  diffTree,
  checkTicker,
  ConflictError,
  deferred,
  EMPTY_USAGE,
  formatRunId,
  isActiveStatus,
  isTerminalStatus,
  NotFoundError,
  TooManyRunsError,
  ValidationError,
  type ChartData,
  type Decision,
  type ExecutionTree,
  type LimiterLayer,
  type LogEntry,
  type RunStatus,
  type RunSummary,
  type Severity,
  type TreeNode,
  type Deferred,
} from '@tradingfloor/shared';
import path from 'node:path';
import type { RunEvent, RunManagerApi, RunRequest, RunView } from '@tradingfloor/engine';

const node = (id: string, name: string, node_type: TreeNode['node_type'], children: TreeNode[] = []): TreeNode => ({
  id,
  name,
  node_type,
  status: 'pending',
  started_at: null,
  ended_at: null,
  duration_ms: null,
  children,
});

/** A small tree of the real shape: phases → agents → report / messages. */
function fakeTree(): ExecutionTree {
  const agent = (id: string, name: string) =>
    node(id, name, 'agent', [node(`${id}.report`, 'Report', 'report'), node(`${id}.messages`, 'Messages', 'messages')]);
  return [
    node('analysts', 'Analyst Team', 'phase', [agent('analysts.market', 'Market Analyst'), agent('analysts.news', 'News Analyst')]),
    node('trader', 'Trader', 'phase', [agent('trader.trader', 'Trader')]),
  ];
}

/** A decision whose text can carry anything (e.g. an XSS payload). */
export function fakeDecision(ticker: string, rawText: string): Decision {
  return {
    version: 1,
    ticker,
    trade_date: '2024-01-05',
    rating: 'Buy',
    action: 'BUY',
    position_action: 'open_long',
    summary: 'Buy on strength.',
    confidence: 0.7,
    confidence_basis: 'stated',
    rationale: ['trend up'],
    risk_metrics: { entry_price: 100, stop_loss: 95, take_profit: 110, reward_risk: 2 },
    notes: [],
    raw_text: rawText,
  };
}

interface FakeRun {
  view: RunView;
  logs: LogEntry[];
  lastLogSeq: number;
  finished: Deferred<RunSummary>;
}

/** What a test may set on the fake; every field has a default. */
export interface FakeRunManagerOptions {
  maxParallelRuns?: number;
  logBufferMaxLines?: number;
  /** The data coverage `dataCoverage()` reports and `start()` checks trade dates against. */
  coverage?: { first_date: string; last_date: string; tickers: string[]; vendor?: string; label?: string };
  /** Where the runs' results directories are said to be (`results_path`). */
  resultsDir?: string;
}

const DEFAULT_TRADE_DATE = '2024-01-05';

/**
 * The one in-memory RunManagerApi of the server and CLI tests: its runs move only when a test says so
 * (`create`, `update`, `setContent`, `log`, `finish`), so hub, route and CLI tests control every event
 * deterministically. It keeps the real contract where tests lean on it: all-or-nothing `start` under the
 * parallel limit, events to subscribers, `whenFinished`, `cancel` refusing finished runs, `shutdown`.
 * End-to-end tests use the engine's real RunManager.
 */
export class FakeRunManager implements RunManagerApi {
  readonly runs = new Map<string, FakeRun>();
  /** Every successful `start()` batch, in order. */
  readonly started: RunRequest[][] = [];
  shutdownCalls = 0;
  /** Makes `start()` refuse a batch, e.g. to simulate a date outside the data. */
  refuse: ((requests: RunRequest[]) => Error | undefined) | undefined;
  /** Called after each successful `start()`, e.g. to drive the runs to their end. */
  onStarted: ((summaries: RunSummary[]) => void) | undefined;
  /** The fake's clock in epoch ms; each change moves it on. */
  clock = Date.UTC(2024, 0, 5, 12, 0, 0);
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private counter = 0;

  constructor(private readonly options: FakeRunManagerOptions = {}) {}

  /** The tickers of each successful `start()` batch, in order. */
  get startedTickers(): string[][] {
    return this.started.map((batch) => batch.map((r) => r.ticker));
  }

  async start(requests: RunRequest[]): Promise<RunSummary[]> {
    const refusal = this.refuse?.(requests);
    if (refusal) throw refusal;
    const lastDate = this.options.coverage?.last_date ?? '2024-12-31';
    for (const r of requests) {
      const check = checkTicker(r.ticker);
      if (!check.ok) throw new ValidationError(check.reason);
      if (r.options.trade_date !== undefined && r.options.trade_date > lastDate) {
        throw new ValidationError(`trade_date ${r.options.trade_date} is after the data's last date`);
      }
    }
    const active = this.list().filter((r) => isActiveStatus(r.status)).length;
    const max = this.options.maxParallelRuns ?? 5;
    if (active + requests.length > max)
      throw new TooManyRunsError(`${active} runs active; starting ${requests.length} more exceeds MAX_PARALLEL_RUNS=${max}`);
    this.started.push(requests);
    const summaries = requests.map((r) => this.create(r.ticker, r.options.trade_date ?? DEFAULT_TRADE_DATE));
    this.onStarted?.(summaries);
    return summaries;
  }

  /** Adds a run directly (e.g. a finished run "from disk"). */
  create(ticker: string, tradeDate = DEFAULT_TRADE_DATE, status: RunStatus = 'pending'): RunSummary {
    const short = (this.counter++).toString(16).padStart(6, '0');
    const runId = formatRunId(ticker, new Date(this.clock), short);
    const summary: RunSummary = {
      run_id: runId,
      ticker,
      trade_date: tradeDate,
      status,
      overall_progress: 0,
      created_at: this.clock,
      updated_at: this.clock,
      current_phase: null,
      provider: 'offline',
      error: null,
      action: null,
      // Like the engine: the absolute results directory, laid out as <ticker>/<run time>.
      results_path: path.join(this.options.resultsDir ?? '/results', ticker, runId.split('--')[1]!),
    };
    const view: RunView = {
      summary,
      config: {
        ticker,
        trade_date: tradeDate,
        analysts: ['market', 'news'],
        memory: false,
        max_debate_rounds: 1,
        max_risk_discuss_rounds: 1,
        llm_provider: 'offline',
        quick_think_llm: 'q',
        deep_think_llm: 'd',
        offline_latency_ms: 0,
        sequential_analysts: false,
      },
      tree: fakeTree(),
      contents: {},
      decision: null,
      error: null,
      usage: { total: EMPTY_USAGE, by_agent: {}, by_model: {} },
    };
    this.runs.set(runId, { view, logs: [], lastLogSeq: 0, finished: deferred<RunSummary>() });
    this.emit({ type: 'created', run_id: runId, summary });
    return summary;
  }

  /** Replaces the run's view immutably (like the engine: a new tree object per change) and emits `changed`;
   * with `carry` the event carries the tree's changes, as the real RunManager's do. */
  update(
    runId: string,
    change: {
      status?: RunStatus;
      progress?: number;
      phase?: string | null;
      node?: { id: string; status: TreeNode['status'] };
      /** A node new to the tree, appended to `parent`'s children (as the engine adds a tool call). */
      add?: { parent: string; node: TreeNode };
    },
    options: { carry?: boolean } = {},
  ): void {
    const run = this.must(runId);
    const summary = { ...run.view.summary, updated_at: ++this.clock };
    if (change.status) summary.status = change.status;
    if (change.progress !== undefined) summary.overall_progress = change.progress;
    if (change.phase !== undefined) summary.current_phase = change.phase;
    let tree = run.view.tree;
    if (change.node) {
      const target = change.node;
      const patch = (nodes: TreeNode[]): TreeNode[] =>
        nodes.map((n) =>
          n.id === target.id
            ? { ...n, status: target.status, started_at: n.started_at ?? this.clock }
            : { ...n, children: patch(n.children) },
        );
      tree = patch(tree);
    }
    if (change.add) {
      const { parent, node: added } = change.add;
      const insert = (nodes: TreeNode[]): TreeNode[] =>
        nodes.map((n) => (n.id === parent ? { ...n, children: [...n.children, added] } : { ...n, children: insert(n.children) }));
      tree = insert(tree);
    }
    const before = run.view.tree;
    run.view = { ...run.view, summary, tree };
    this.emit({ type: 'changed', run_id: runId, summary, ...(options.carry ? { tree_changes: diffTree(before, tree) } : {}) });
  }

  setContent(runId: string, nodeId: string, text: string): void {
    const run = this.must(runId);
    run.view = { ...run.view, contents: { ...run.view.contents, [nodeId]: text } };
    this.emit({ type: 'changed', run_id: runId, summary: run.view.summary });
  }

  appendContent(runId: string, nodeId: string, text: string): void {
    this.setContent(runId, nodeId, (this.must(runId).view.contents[nodeId] ?? '') + text);
  }

  log(runId: string, message: string, severity: Severity = 'INFO', source = 'agent', agentId: string | null = null): LogEntry {
    const run = this.must(runId);
    const ts = ++this.clock;
    const entry: LogEntry = { seq: ++run.lastLogSeq, ts, iso: new Date(ts).toISOString(), severity, source, agent_id: agentId, message };
    run.logs.push(entry);
    const max = this.options.logBufferMaxLines ?? 250;
    if (run.logs.length > max) run.logs.splice(0, run.logs.length - max);
    this.emit({ type: 'log', run_id: runId, entry });
    return entry;
  }

  /** Ends a run (once, like the engine: a finished run stays as it ended): completed with a decision, or error / canceled. */
  finish(runId: string, status: 'completed' | 'error' | 'canceled', decision: Decision | null = null, error: string | null = null): void {
    const run = this.must(runId);
    if (isTerminalStatus(run.view.summary.status)) return;
    const summary: RunSummary = {
      ...run.view.summary,
      status,
      overall_progress: status === 'completed' ? 100 : run.view.summary.overall_progress,
      current_phase: null,
      action: decision?.action ?? null,
      rating: decision?.rating ?? null,
      confidence: decision?.confidence ?? null,
      error,
      updated_at: ++this.clock,
    };
    run.view = { ...run.view, summary, decision, error };
    this.emit({ type: 'finished', run_id: runId, summary });
    run.finished.resolve(summary);
  }

  /** Run ids of one ticker's runs, oldest first. */
  idsOf(ticker: string): string[] {
    return this.list()
      .filter((s) => s.ticker === ticker)
      .map((s) => s.run_id);
  }

  get(runId: string): RunView | undefined {
    return this.runs.get(runId)?.view;
  }

  list(filter?: { status?: RunStatus }): RunSummary[] {
    return [...this.runs.values()].map((r) => r.view.summary).filter((s) => filter?.status === undefined || s.status === filter.status);
  }

  cancel(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) throw new NotFoundError(`Run not found: ${runId}`);
    if (isTerminalStatus(run.view.summary.status)) throw new ConflictError(`run ${runId} is already ${run.view.summary.status}`);
    this.finish(runId, 'canceled');
  }

  logs(runId: string): { entries: LogEntry[]; last_seq: number } | undefined {
    const run = this.runs.get(runId);
    return run ? { entries: [...run.logs], last_seq: run.lastLogSeq } : undefined;
  }

  prune(maxAgeMs: number): string[] {
    const removed: string[] = [];
    for (const [id, run] of this.runs) {
      if (isTerminalStatus(run.view.summary.status) && this.clock - run.view.summary.updated_at > maxAgeMs) {
        this.runs.delete(id);
        removed.push(id);
        this.emit({ type: 'removed', run_id: id });
      }
    }
    return removed;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  whenFinished(runId: string): Promise<RunSummary> {
    const run = this.runs.get(runId);
    if (!run) return Promise.reject(new NotFoundError(`Run not found: ${runId}`));
    return run.finished.promise;
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls += 1;
    for (const s of this.list()) if (isActiveStatus(s.status)) this.cancel(s.run_id);
  }

  limiterSnapshot(): LimiterLayer[] {
    return [{ key: 'global', limit: 8, effective_limit: 8, in_use: 1, waiting: 2 }];
  }

  async dataCoverage() {
    const coverage = this.options.coverage ?? { first_date: '2023-01-02', last_date: '2024-12-31', tickers: ['ACME', 'GLOBEX'] };
    return { vendor: 'demo', label: 'demo data (generated, fictional companies)', ...coverage };
  }

  async chart(runId: string): Promise<ChartData> {
    const { summary } = this.must(runId).view;
    const bar = { date: summary.trade_date, open: 10, high: 11, low: 9, close: 10.5, volume: 1000 };
    return {
      ticker: summary.ticker,
      trade_date: summary.trade_date,
      data_label: 'fake data',
      bars: [bar],
      indicators: { rsi: [{ date: bar.date, value: 55 }] },
    };
  }

  private must(runId: string): FakeRun {
    const run = this.runs.get(runId);
    if (!run) throw new NotFoundError(`Run not found: ${runId}`);
    return run;
  }

  private emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
}
