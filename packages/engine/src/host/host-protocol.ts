import type {
  ChangedNode,
  ContentPatch,
  Decision,
  ExecutionTree,
  InspectionRecord,
  Lesson,
  LimiterLayer,
  LogEntry,
  QueueSnapshot,
  RunConfig,
  RunSummary,
  RunUsage,
} from '@tradingfloor/shared';

/**
 * The one boundary for executing runs (DESIGN §8, docs/architecture.md "The engine host"). An *engine host*
 * executes runs; the server's RunManager sends it commands and builds its view of every live run from the
 * *run events* the host reports, and from nothing else. Three hosts implement it: in-process
 * (`ENGINE_THREADS=0`), engine worker threads (the default) and, next, queue workers on other machines.
 *
 * Everything here crosses a thread or a network: plain JSON data only (no functions, class instances, `Map`s
 * or `undefined` that matters), so `structuredClone` and `JSON.stringify` both carry it unchanged.
 */

/** What a resumed run is rebuilt from (all read from its results directory by the server). */
export interface RunRestore {
  /** `getPersistedSnapshot()` as saved in `state.json` (machine version already checked). */
  snapshot: unknown;
  /** Each agent's messages text, read back from `message_tool.log`. */
  messages: Record<string, string>;
  usage?: RunUsage;
  /** The lessons the run had been shown (`lessons.json`), if it got that far. */
  lessons?: Lesson[];
}

/** One run for a host to execute: the server has validated it and made its results directory. */
export interface HostRunSpec {
  runId: string;
  config: RunConfig;
  /** Its results directory (exists; a new run's is empty). */
  dir: string;
  createdAt: number;
  /** Resume an interrupted run from its snapshot instead of starting afresh; `logs` continue its numbering. */
  resume?: { restore: RunRestore; logs: LogEntry[] };
  /**
   * Open and announce the run but leave it `pending` until `release(runId)` (a `multitask: "enqueue"` run
   * waiting for an active run of its ticker and date). A cancel while it waits ends it `canceled`.
   */
  hold?: boolean;
}

/** How opening one run of a `start` went. A failed one was never announced (no `created` event). */
export type HostStartResult = { run_id: string; ok: true } | { run_id: string; ok: false; error: string };

/**
 * What a host reports, ordered per run: `created` first, then any number of `changed`, `log`, `inspection`
 * and `lessons`, then `finished` once the run's files are written. Log lines a stopped step writes late may
 * still follow `finished`; nothing else does.
 */
export type HostEvent =
  /** The run exists (its first `state.json` is written, or its resume is logged); its whole state once. */
  | {
      type: 'created';
      run_id: string;
      summary: RunSummary;
      config: RunConfig;
      tree: ExecutionTree;
      contents: Record<string, string>;
      usage: RunUsage;
      data_sources: Record<string, string>;
      /**
       * The run's buffered log, when it is announced again while executing (a queue-mode server re-attaching,
       * a takeover or a resume): the mirror starts from it instead of an empty log.
       */
      logs?: LogEntry[];
    }
  /**
   * Status, progress, tree, contents or usage changed. `tree_changes` and `contents` are what changed since the
   * run's previous event (the tree as a `status_patch_run` carries it, the texts as `content_patch_run` does);
   * `usage`, `decision`, `error` and `data_sources` come only when they changed.
   */
  | {
      type: 'changed';
      run_id: string;
      summary: RunSummary;
      tree_changes: ChangedNode[];
      contents: ContentPatch[];
      usage?: RunUsage;
      decision?: Decision | null;
      error?: string | null;
      data_sources?: Record<string, string>;
    }
  | { type: 'log'; run_id: string; entry: LogEntry }
  /** One record of the run actor's inspection stream; a resumed run starts a new `session` with seq 1. */
  | { type: 'inspection'; run_id: string; record: InspectionRecord; session: string }
  /** The lessons of the reflection memory the run's managers were shown (memory on). */
  | { type: 'lessons'; run_id: string; lessons: Lesson[] }
  /** Terminal (`completed`, `error`, `canceled`) or `interrupted`, with its files written: the final word. */
  | {
      type: 'finished';
      run_id: string;
      summary: RunSummary;
      decision: Decision | null;
      error: string | null;
      usage: RunUsage;
      data_sources: Record<string, string>;
    };

/**
 * An engine host: executes runs and reports their events. Commands go down; the queries only the executing
 * side can answer go down too (the limiter's state). Everything a server can answer from disk or its own
 * market data vendor (validation, charts, instruments, data coverage, memory) stays on the server.
 */
export interface EngineHost {
  /** Which host this is, for logs and `/metrics` (`in-process`, `threads`, …). */
  readonly kind: string;
  /**
   * Opens every run at once (concurrently); each begins as soon as it is opened, after its `created` event.
   * Resolves with how each went, in request order, once all are opened. A queue host resolves once they are
   * queued, each announced by a `created` of its own (`pending`, `queue_position`); the worker that opens a run
   * later sends a second `created` for it, which replaces the announced state.
   */
  start(runs: HostRunSpec[]): Promise<HostStartResult[]>;
  /**
   * Cancels a run: in-flight model calls are aborted at once. A host that can tell at once (in-process) throws
   * `ConflictError` for a run that already ended otherwise; a remote host ignores a cancel that comes too late.
   */
  cancel(runId: string): void;
  /** Lets a run opened with `hold` begin; nothing for a run that is not held (or has ended meanwhile). */
  release(runId: string): void;
  /**
   * Stops a run for a later resume (a graceful stop): its snapshot is saved and its calls aborted. Resolves
   * once its files are written (its `finished` event, status `interrupted`, has been reported).
   */
  interrupt(runId: string, reason: string): Promise<void>;
  /** Resolves once every file write asked for so far (of `runId`, or of every run) is done. */
  flush(runId?: string): Promise<void>;
  /** Every event of every run, in order per run. Listeners must not throw or block. */
  subscribe(listener: (event: HostEvent) => void): () => void;
  /**
   * Queue hosts only: the runs accepted and still waiting for a worker. A host that has it limits the runs
   * executing at once itself (`MAX_PARALLEL_RUNS` cluster-wide), and the RunManager caps this count with
   * `MAX_QUEUED_RUNS` instead of refusing starts beyond `MAX_PARALLEL_RUNS`.
   */
  waitingRuns?(): number;
  /** The LLM concurrency limiter's layers, across everything this host runs (`/metrics/concurrency`). */
  limiterSnapshot(): LimiterLayer[];
  /**
   * True when runs execute outside this process and go on when it stops (a queue-mode server with a stable
   * identity): a graceful stop leaves them running instead of interrupting them, and the next start re-attaches
   * them (`reattach`).
   */
  readonly outlivesServer?: boolean;
  /**
   * Announces again the runs of this server from before it started: those still waiting on the queue as
   * `pending` with their positions, those still executing with a fresh `created` event each (with its log),
   * and resolves once they have been (or a bound passed) with the ids of every run the host holds, announced
   * or not (a worker that did not answer in time): none may be listed from disk as `interrupted`. Called by
   * `RunManager.loadHistory` before it reads the results directory.
   */
  reattach?(): Promise<string[]>;
  /** Releases what the host holds (worker threads) once its runs have ended. */
  close(): Promise<void>;
  /** Queue mode only: the queue's job counts and the workers alive (`/metrics`). Resolves even when Redis is down (`error` says so). */
  queueSnapshot?(): Promise<QueueSnapshot>;
  /** Hosts with a service behind them (queue mode: Redis) only: whether it answers, and how fast. Never rejects. */
  health?(): Promise<HostHealth>;
}

/** How the service behind a host answers: one round trip's time, or why it does not. */
export type HostHealth = { ok: true; rtt_ms: number } | { ok: false; error: string };
