import type {
  ChangedNode,
  Decision,
  ExecutionTree,
  LimiterLayer,
  LogEntry,
  Multitask,
  Position,
  QueueSnapshot,
  RunConfig,
  RunOptionsInput,
  RunStatus,
  RunSummary,
  RunUsage,
} from '@tradingfloor/shared';
import type { DataCoverage } from '../data/vendor.js';
import type { HostHealth } from '../host/host-protocol.js';
import type { InspectionPage } from '../machine/inspection-buffer.js';

/** Everything known about one run, as the server and CLI read it. */
export interface RunView {
  summary: RunSummary;
  config: RunConfig;
  /** Never mutated: a change makes a new tree that shares its unchanged nodes, so holding it is safe. */
  tree: ExecutionTree;
  /** Current text of every report / messages node, by node id. */
  contents: Record<string, string>;
  decision: Decision | null;
  error: string | null;
  usage: RunUsage;
  /**
   * Which market data vendor served each data kind (`prices`, `news`, …) of a live run, by vendor name. A
   * fallback chain reports the kinds answered so far; a single vendor serves every kind. A run read back from
   * disk gives its recorded source (a chain as `yahoo → csv`); absent for runs written before it was recorded.
   */
  dataSources?: Record<string, string>;
}

/** What the RunManager tells subscribers. Listeners run synchronously; they must not throw or block. */
export type RunEvent =
  | { type: 'created'; run_id: string; summary: RunSummary }
  /**
   * Status, progress, tree or contents changed: read `get(run_id)` for the new state. `tree_changes` are the
   * tree's changes since the run's previous `changed` event, as a `status_patch_run` carries them (empty: the
   * tree did not change); absent when not known (e.g. a resumed run replaced the entry): diff then.
   */
  | { type: 'changed'; run_id: string; summary: RunSummary; tree_changes?: ChangedNode[] }
  | { type: 'log'; run_id: string; entry: LogEntry }
  /** Reached completed | error | canceled; decision or error are final. Also sent for runs found on disk. */
  | { type: 'finished'; run_id: string; summary: RunSummary }
  /** Pruned from memory. */
  | { type: 'removed'; run_id: string };

/** One run to start: a ticker, the options shared by the batch, and the position held in it. */
export interface RunRequest {
  ticker: string;
  options: RunOptionsInput;
  position?: Position;
  /** When a run of the same ticker and trade date is active: refuse, wait for it, or start alongside (default). See `runs/multitask.ts`. */
  multitask?: Multitask;
}

/** The RunManager's public surface, used by the server and the CLI. */
export interface RunManagerApi {
  /**
   * Starts runs, all or nothing: validates every request (ticker syntax, a ticker the data has, trade date a
   * real past date within the data coverage, provider known) and the `MAX_PARALLEL_RUNS` limit before
   * creating any run; records where each run's data comes from in its config (`data_source`). Throws
   * `ValidationError` / `TooManyRunsError`; `ConflictError` when a request with `multitask: 'reject'` meets an
   * active run of its ticker and trade date. Returns the new runs' summaries (status `pending`); an `enqueue`d
   * run stays `pending` until the active runs of its ticker and date have finished.
   */
  start(requests: RunRequest[]): Promise<RunSummary[]>;
  /** Validates requests as `start()` would, creating nothing; returns the resolved configs. Optional. */
  check?(requests: RunRequest[]): Promise<RunConfig[]>;
  get(runId: string): RunView | undefined;
  list(filter?: { status?: RunStatus }): RunSummary[];
  /** `NotFoundError` for an unknown id, `ConflictError` for a finished run; idempotent while canceling. */
  cancel(runId: string): void;
  /** The run's log ring buffer, oldest first, and the highest seq it has produced. */
  logs(runId: string): { entries: LogEntry[]; last_seq: number } | undefined;
  /** Removes finished runs older than `maxAgeMs` from memory; returns their ids. */
  prune(maxAgeMs: number): string[];
  subscribe(listener: (event: RunEvent) => void): () => void;
  /** Resolves with the summary once the run is terminal. */
  whenFinished(runId: string): Promise<RunSummary>;
  /**
   * Takes no more work (`ShuttingDownError`, 503) and ends every active run; resolves when all are settled and
   * their files written. Runs are canceled, or with `interrupt: true` saved and left `interrupted` for a resume.
   */
  shutdown(options?: { interrupt?: boolean }): Promise<void>;
  limiterSnapshot(): LimiterLayer[];
  /** Queue mode only (absent otherwise): the queue's job counts and the workers alive, for `/metrics`. */
  queueSnapshot?(): Promise<QueueSnapshot>;
  /** Queue mode only (absent otherwise): whether Redis answers, for `/healthz`. */
  hostHealth?(): Promise<HostHealth>;
  dataCoverage(): Promise<DataCoverage & { vendor: string; label: string }>;
  /** Every instrument with its own date range (offline data only; null for online chains). Optional. */
  instruments?(): Promise<import('@tradingfloor/shared').InstrumentInfo[] | null>;
  /**
   * Refuses, with a `ValidationError` naming them, tickers the data does not have (see `start`), without
   * starting anything: the CLI checks its whole batch before the first run. Optional.
   */
  checkTickers?(requests: RunRequest[]): Promise<void>;
  /** The price chart of a run (bars up to its trade date and indicators); `NotFoundError` for an unknown id. */
  chart(runId: string): Promise<import('@tradingfloor/shared').ChartData>;
  /**
   * Resumes an `interrupted` run from its persisted snapshot (docs/architecture.md, "Resuming interrupted
   * runs"). `NotFoundError` for an unknown id, `ConflictError` when the run is not interrupted or its snapshot
   * is unusable (it is then marked `error`).
   * Optional: managers without durable runs leave it out (the server answers 409).
   */
  resume?(runId: string, overrides?: { memory?: boolean; cassette?: import('@tradingfloor/shared').Cassette | null }): Promise<RunSummary>;
  /** Every lesson of the reflection memory stored for a ticker (`GET /memory`). Optional. */
  memory?(ticker: string): Promise<import('@tradingfloor/shared').Lesson[]>;
  /** The lessons a run's managers were shown; undefined for an unknown id. Optional. */
  runLessons?(runId: string): Promise<{ memory: boolean; lessons: import('@tradingfloor/shared').Lesson[] } | undefined>;
  /**
   * Every run's status and phase timings (its tree's phase nodes), for `/metrics/phases`, without reading
   * runs evicted from memory back from disk. Optional: without it every run's full view is read.
   */
  phaseSamples?(): Array<{ status: RunStatus; tree: import('@tradingfloor/shared').ExecutionTree }>;
  /** A page of the run actor's inspection records after `afterSeq`; undefined for an unknown id. Optional. */
  inspect?(runId: string, query?: { afterSeq?: number; limit?: number }): InspectionPage | undefined;
  /** Every new inspection record of every live run, as it is made, with the session it belongs to. Optional. */
  subscribeInspection?(listener: (runId: string, record: InspectionRecord, session: string) => void): () => void;
}

type InspectionRecord = import('@tradingfloor/shared').InspectionRecord;

/**
 * What a RunManager is built from. The server and CLI build these from the environment
 * (`createEngineDeps`); tests inject fakes.
 */
export interface EngineDeps {
  vendor: import('../data/vendor.js').MarketDataVendor;
  /** The raw provider a run uses (the offline model takes the run's `offline_latency_ms`). */
  providerFor(config: RunConfig): import('../providers/provider.js').LlmProvider;
  /** Default quick/deep model names of a provider, used when the run config names none. */
  defaultModels(provider: RunConfig['llm_provider']): { quick: string; deep: string };
  /**
   * Wraps a run's provider with the concurrency limiter, retries (logged WARN) and usage accounting.
   * Absent = the raw provider is used and usage is counted from each response.
   */
  wrapProvider?(
    inner: import('../providers/provider.js').LlmProvider,
    run: { runId: string; log: import('../logs/log-sink.js').LogSink },
  ): import('../providers/provider.js').LlmProvider;
  /** Price of a model in USD per million tokens, or null when unknown (usage is then tokens only). */
  priceOf?(model: string): { input: number; output: number } | null;
  limiterSnapshot?(): LimiterLayer[];
  /**
   * The vendor one run reads (its `data_vendors` chain, or the process chain logging into the run's log).
   * Absent = every run reads `vendor`. May throw `ValidationError` for a bad `data_vendors`.
   */
  vendorForRun?(config: RunConfig, log: import('../logs/log-sink.js').LogSink): import('../data/vendor.js').MarketDataVendor;
  /**
   * Where a new run's market data comes from (vendor chain per kind, absolute `DATA_DIR`), recorded in its
   * `config.json` as `data_source`; `vendorForRun` then builds the run's vendor from that record, on resume
   * too. Absent = nothing is recorded and every run reads what the environment gives.
   */
  dataSourceFor?(config: RunConfig): Promise<import('@tradingfloor/shared').RunDataSource>;
  /** The market data vendors and whether each is configured, for `/config/providers`. */
  dataVendors?(): import('../data/vendor-registry.js').DataVendorInfo[];
  /** Clock in epoch ms; defaults to Date.now. */
  now?(): number;
  /** Model turns with tools each analyst gets (`LLM_MAX_TOOL_TURNS`); absent = 6. */
  maxToolTurns?: number;
}
