import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  ConflictError,
  EngineUnavailableError,
  formatRunId,
  isActiveStatus,
  NotFoundError,
  ShuttingDownError,
  TooManyRunsError,
  ValidationError,
  errorMessage,
  type ChartData,
  type InstrumentInfo,
  type Lesson,
  type LimiterLayer,
  type QueueSnapshot,
  type LogEntry,
  type RunConfig,
  type RunStatus,
  type RunSummary,
} from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import type { DataCoverage } from '../data/vendor.js';
import { DEFAULT_LOG_BUFFER_MAX_LINES } from '../logs/run-log.js';
import { sweepTempFiles } from '../results/sweep-temp-files.js';
import { readResultsHistory, readRunDirectorySync } from '../results/read-history.js';
import { RunDirectories } from '../results/run-directories.js';
import { RUN_FILES, writeFirstFiles } from '../results/run-files.js';
import { AGENT_STEPS } from '../machine/agent-steps.js';
import type { InspectionPage, InspectionRecord } from '../machine/inspection-buffer.js';
import type { EngineHost, HostEvent, HostHealth, HostRunSpec, RunRestore } from '../host/host-protocol.js';
import { InProcessHost } from './in-process-host.js';
import { RunMirror } from './run-mirror.js';
import { checkResumable, stateFileProblem } from './resume-check.js';
import { readAgentMessages } from '../results/read-messages.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { RunSteps } from '../machine/provide-run.js';
import type { RunEntry } from './run-entry.js';
import { StoredRunEntry } from './stored-run.js';
import { RunEviction } from './run-eviction.js';
import { resolveRunConfigs } from './validate-requests.js';
import { buildChartData } from '../data/chart-data.js';
import { discardLog } from '../logs/log-sink.js';
import { listInstruments, refuseMissingTickers, requestedInstruments } from './instrument-ranges.js';
import { LessonStore } from '../memory/lesson-store.js';
import type { EngineDeps, RunEvent, RunManagerApi, RunRequest, RunView } from './run-manager-api.js';
import { newBatchId } from './batch-id.js';
import { resolveCassettes, resumedConfig, type ResumeOverrides } from './run-cassettes.js';
import { readUsedLessons } from './run-lessons.js';
import { writeErrorLog } from './run-persistence.js';
import { providersFor } from './run-providers.js';
import { beginWhenFree, MultitaskGate, type ActiveRunRef } from './multitask.js';

export type { ResumeOverrides };

/** Default `RUNS_IN_MEMORY`: finished runs kept whole in memory. */
const DEFAULT_RUNS_IN_MEMORY = 100;

/** Default `MAX_PARALLEL_RUNS`. */
export const DEFAULT_MAX_PARALLEL_RUNS = 5;

/** Default `MAX_QUEUED_RUNS` (queue mode). */
const DEFAULT_MAX_QUEUED_RUNS = 1000;

export interface RunManagerOptions {
  deps: EngineDeps;
  /** Root of `results/<TICKER>/<timestamp>/`. */
  resultsDir: string;
  /** Active (pending + running) runs allowed at once; default 5. A queue host keeps it as the runs executing on all its workers instead. */
  maxParallelRuns?: number;
  /** Queue mode: runs allowed to wait on the queue for a worker (`MAX_QUEUED_RUNS`); default 1000. */
  maxQueuedRuns?: number;
  /** Log entries kept in memory per run; default 250. */
  logBufferMaxLines?: number;
  /** Send `log` events to subscribers; default true (entries are buffered and written either way). */
  enableLogStream?: boolean;
  /** The agent functions, data tools and decision parser; the real ones by default. Tests inject fakes. */
  steps?: RunSteps;
  /**
   * The engine host that executes the runs (`openRunManager` picks it from `ENGINE_THREADS`); default: an
   * in-process host over `deps` and `steps`. The manager closes it at the end of `shutdown()`.
   */
  host?: EngineHost;
  /** An extra inspection observer for every run actor, e.g. the Stately inspector (`connectStatelyInspector`). */
  inspect?: (event: InspectionEvent) => void;
  /** Inspection records kept in memory per run (default `DEFAULT_INSPECTION_MAX`). */
  inspectionMax?: number;
  /**
   * Finished runs kept whole in memory (default {@link DEFAULT_RUNS_IN_MEMORY}); older finished runs keep
   * only their summary, and their tree, contents, decision, usage and logs are read from disk when asked for.
   */
  runsInMemory?: number;
}


/** How one interrupted run fared in `resumeInterrupted()`. */
export interface ResumeOutcome {
  run_id: string;
  /** The run's status afterwards: `in_progress`/`pending` when resumed, else unchanged (`interrupted`) or `error`. */
  status: RunStatus;
  /** Why it was not resumed. */
  error: string | null;
}

/**
 * Creates, tracks, cancels and prunes runs (docs/architecture.md, "The RunManager"). Each run is an XState actor wrapped in a
 * `LiveRun`; runs found on disk by `loadHistory()` are listed read-only. Node is single-threaded, but the
 * interleavings are defined: cancel before the start → canceled without any step; during a phase →
 * canceled at once, the in-flight call aborted, files written; after another end → `ConflictError`; a
 * second cancel → no-op.
 */
export class RunManager implements RunManagerApi {
  private readonly entries = new Map<string, RunEntry>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly inspectionListeners = new Set<(runId: string, record: InspectionRecord, session: string) => void>();
  /** Runs whose resume is under way (reading files, restoring the actor). */
  private readonly resuming = new Set<string>();
  private readonly maxParallelRuns: number;
  private readonly maxQueuedRuns: number;
  private readonly logBufferMaxLines: number;
  private readonly now: () => number;
  /** Slots held by `start()` calls still creating their runs, so concurrent calls cannot overshoot the limit. */
  private reserved = 0;
  private closing = false;
  /** `start()` and `resume()` calls under way: a shutdown waits for them, so no run it creates is missed. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly runsInMemory: number;
  /** Replaces the oldest finished runs beyond `runsInMemory` by lighter entries. */
  private readonly eviction: RunEviction;
  /** The reflection memory of this results directory (`<results>/memory/`). */
  private readonly lessonStore: LessonStore;
  /** Executes the runs; every live run's entry is a mirror of its events. */
  private readonly host: EngineHost;
  /** What a run's mirror starts with besides its `created` event (a resumed run's log and lessons). */
  private readonly seeds = new Map<string, { logs?: LogEntry[]; lessons?: Lesson[] | null }>();
  /** The `multitask` rule of start requests: same ticker and trade date as an active run. */
  private readonly multitask = new MultitaskGate();
  /** The host's queue and its workers; set only when the host has a queue (queue mode), else absent. */
  readonly queueSnapshot?: () => Promise<QueueSnapshot>;
  /** Whether the service behind the host (queue mode: Redis) answers; absent for embedded hosts. */
  readonly hostHealth?: () => Promise<HostHealth>;
  /** Makes the results directories of new runs, many at once. */
  private readonly runDirectories: RunDirectories;

  constructor(private readonly options: RunManagerOptions) {
    this.maxParallelRuns = options.maxParallelRuns ?? DEFAULT_MAX_PARALLEL_RUNS;
    this.maxQueuedRuns = options.maxQueuedRuns ?? DEFAULT_MAX_QUEUED_RUNS;
    this.logBufferMaxLines = options.logBufferMaxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES;
    if (!Number.isInteger(this.maxParallelRuns) || this.maxParallelRuns < 1)
      throw new ConfigError(`MAX_PARALLEL_RUNS must be a whole number ≥ 1, got ${this.maxParallelRuns}`);
    if (!Number.isInteger(this.maxQueuedRuns) || this.maxQueuedRuns < 1)
      throw new ConfigError(`MAX_QUEUED_RUNS must be a whole number ≥ 1, got ${this.maxQueuedRuns}`);
    if (!Number.isInteger(this.logBufferMaxLines) || this.logBufferMaxLines < 1)
      throw new ConfigError(`LOG_BUFFER_MAX_LINES must be a whole number ≥ 1, got ${this.logBufferMaxLines}`);
    this.runsInMemory = options.runsInMemory ?? DEFAULT_RUNS_IN_MEMORY;
    if (!Number.isInteger(this.runsInMemory) || this.runsInMemory < 1)
      throw new ConfigError(`RUNS_IN_MEMORY must be a whole number ≥ 1, got ${this.runsInMemory}`);
    this.now = options.deps.now ?? Date.now;
    this.eviction = new RunEviction(this.entries, this.runsInMemory, this.logBufferMaxLines);
    this.lessonStore = new LessonStore(options.resultsDir);
    this.runDirectories = new RunDirectories(options.resultsDir);
    this.host =
      options.host ??
      new InProcessHost({
        deps: options.deps,
        steps: options.steps ?? AGENT_STEPS,
        logBufferMaxLines: this.logBufferMaxLines,
        // The run's mirror keeps its log lines (and is seeded with a resumed run's): none are kept twice.
        keepLogs: false,
        now: this.now,
        lessonStore: this.lessonStore,
        ...(options.inspect ? { inspect: options.inspect } : {}),
        ...(options.inspectionMax !== undefined ? { inspectionMax: options.inspectionMax } : {}),
      });
    this.host.subscribe((event) => this.onHostEvent(event));
    // Left absent for embedded hosts, so `/metrics` and `/healthz` keep their embedded shape there.
    const host = this.host;
    if (host.queueSnapshot) this.queueSnapshot = () => host.queueSnapshot!();
    if (host.health) this.hostHealth = () => host.health!();
  }

  start(requests: RunRequest[]): Promise<RunSummary[]> {
    return this.track(this.startRuns(requests));
  }

  private async startRuns(requests: RunRequest[]): Promise<RunSummary[]> {
    if (this.closing) throw new ShuttingDownError('the server is shutting down; no new runs are started');
    const { deps } = this.options;
    const resolved = await this.resolve(requests);
    // Every run of one request shares a batch id (the board groups and filters by it).
    const batchId = newBatchId(new Date(this.now()));
    const batched = resolved.map((config) => ({ ...config, batch_id: config.batch_id ?? batchId }));
    // Where each run's data comes from is recorded in its config.json, so a resume reads the same source.
    const configs = deps.dataSourceFor
      ? await Promise.all(batched.map(async (config) => ({ ...config, data_source: await deps.dataSourceFor!(config) })))
      : batched;
    // Only checked here: the host builds each run's provider itself.
    providersFor(configs, (config) => this.options.deps.providerFor(config));
    this.checkRoom(configs.length, 'starting');
    const admission = this.multitask.admit(
      configs.map((c, i) => ({ ticker: c.ticker, tradeDate: c.trade_date, multitask: requests[i]?.multitask ?? 'allow' })),
      this.activeRuns(),
    );
    this.reserved += configs.length;
    try {
      const specs = await this.createRunDirectories(configs);
      // An enqueued run is opened and listed at once but held `pending` until the active runs of its ticker
      // and date have finished.
      const held = specs.map((_, i) => (admission.waits[i]?.length ?? 0) > 0);
      // The host opens them all at once; each is announced (`created`) and begins as soon as it is open.
      const results = await this.host.start(specs.map((spec, i) => (held[i] ? { ...spec, hold: true } : spec)));
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) await this.undoStart(specs, failed);
      admission.created(specs.map((spec) => this.entries.get(spec.runId)?.finished ?? Promise.resolve()));
      specs.forEach((spec, i) => {
        if (held[i]) beginWhenFree({ begin: () => this.host.release(spec.runId) }, admission.waits[i] ?? []);
      });
      return specs.map((spec) => this.entries.get(spec.runId)!.summary());
    } catch (error) {
      admission.abandoned();
      throw error;
    } finally {
      this.reserved -= configs.length;
    }
  }

  /**
   * Checks run requests exactly as `start()` does (configs, dates against the data, providers) without creating
   * anything; returns the resolved configs. Throws `ValidationError` naming every problem.
   */
  async check(requests: RunRequest[]): Promise<RunConfig[]> {
    const configs = await this.resolve(requests);
    providersFor(configs, (config) => this.options.deps.providerFor(config));
    return configs;
  }

  private async resolve(requests: RunRequest[]): Promise<RunConfig[]> {
    const { deps } = this.options;
    if (!Array.isArray(requests)) throw new ValidationError('runs must be requested as a list');
    const coverage = await deps.vendor.coverage();
    const { ranges, missing } = await requestedInstruments(deps.vendor, requests);
    refuseMissingTickers(missing, coverage.tickers);
    const configs = resolveRunConfigs(requests, {
      coverage,
      rangeOf: (ticker) => ranges.get(ticker),
      dataLabel: deps.vendor.label,
      today: new Date(this.now()).toISOString().slice(0, 10),
      defaultModels: (provider) => deps.defaultModels(provider),
    });
    await resolveCassettes(configs);
    return configs;
  }

  get(runId: string): RunView | undefined {
    return this.entries.get(runId)?.view();
  }

  list(filter: { status?: RunStatus } = {}): RunSummary[] {
    return [...this.entries.values()]
      .map((e) => e.summary())
      .filter((s) => filter.status === undefined || s.status === filter.status)
      .sort((a, b) => a.created_at - b.created_at || a.run_id.localeCompare(b.run_id));
  }

  cancel(runId: string): void {
    this.entryOf(runId).cancel();
  }

  logs(runId: string): { entries: LogEntry[]; last_seq: number } | undefined {
    return this.entries.get(runId)?.logs();
  }

  prune(maxAgeMs: number): string[] {
    if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
      throw new ValidationError(`prune age must be a non-negative number of milliseconds, got ${maxAgeMs}`);
    const cutoff = this.now() - maxAgeMs;
    const removed: string[] = [];
    for (const [runId, entry] of this.entries) {
      // An interrupted run waits to be resumed: it stays listed however old it is.
      const summary = entry.summary();
      if (!entry.isFinished() || summary.status === 'interrupted' || summary.updated_at > cutoff) continue;
      this.entries.delete(runId);
      this.eviction.forget(runId);
      removed.push(runId);
      this.emit({ type: 'removed', run_id: runId });
    }
    return removed;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  whenFinished(runId: string): Promise<RunSummary> {
    const entry = this.entries.get(runId);
    return entry ? entry.finished : Promise.reject(new NotFoundError(`no run with id "${runId}"`));
  }

  /**
   * Stops taking work (`start` and `resume` throw `ShuttingDownError`) and ends every active run, then
   * resolves once all are settled and their files written. By default each is canceled for good;
   * `interrupt: true` (a graceful stop of the server) aborts their calls but saves each one for a resume and
   * leaves it `interrupted` instead.
   */
  async shutdown(options: { interrupt?: boolean } = {}): Promise<void> {
    this.closing = true;
    // Starts and resumes under way finish creating their runs first (they do not begin them any more).
    await Promise.allSettled([...this.inFlight]);
    if (options.interrupt && this.host.outlivesServer) {
      // Queue mode: the runs execute on workers and go on without this server; the next one re-attaches them.
      await this.host.close();
      return;
    }
    const entries = [...this.entries.values()];
    const stopping: Array<Promise<unknown>> = [];
    for (const entry of entries) {
      if (!isActiveStatus(entry.status())) continue;
      if (options.interrupt) stopping.push(entry.interrupt('the server stopped'));
      else {
        try {
          entry.cancel();
        } catch (error) {
          // Its end is being saved (ConflictError): it finishes as it would have.
          if (!(error instanceof ConflictError)) throw error;
        }
      }
    }
    await Promise.all(stopping);
    await Promise.all(entries.map((e) => e.finished));
    await this.host.flush();
    await this.host.close();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** The run actor's recent inspection events (docs/architecture.md, "Inspection"); empty for runs found on disk, undefined for unknown ids. */
  inspection(runId: string): InspectionRecord[] | undefined {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    return entry.inspectionRecords();
  }

  /** A page of the run actor's inspection records after `afterSeq`; undefined for unknown ids. */
  inspect(runId: string, query: { afterSeq?: number; limit?: number } = {}): InspectionPage | undefined {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    return entry.inspectionPage(query.afterSeq ?? 0, query.limit);
  }

  /** Every new inspection record of every live run, as it is made, with its buffer's session. Listeners must not throw or block. */
  subscribeInspection(listener: (runId: string, record: InspectionRecord, session: string) => void): () => void {
    this.inspectionListeners.add(listener);
    return () => this.inspectionListeners.delete(listener);
  }

  /**
   * Resumes an `interrupted` run (found unfinished on disk) from its `state.json`: the actor is restored in
   * its saved state and continues; finished steps are not redone, steps that were in flight start again.
   * `NotFoundError` for an unknown id; `ConflictError` when the run is not interrupted, or when its snapshot
   * turns out unusable (the run is then marked `error` with the reason and `error.log` written);
   * `TooManyRunsError` at `MAX_PARALLEL_RUNS`; `ValidationError` when its provider is not configured now.
   */
  resume(runId: string, overrides: ResumeOverrides = {}): Promise<RunSummary> {
    return this.track(this.resumeRun(runId, overrides));
  }

  private async resumeRun(runId: string, overrides: ResumeOverrides): Promise<RunSummary> {
    if (this.closing) throw new ShuttingDownError('the server is shutting down; no runs are resumed');
    const found = this.entryOf(runId);
    const entry = found.interrupted() ?? this.interruptedOnDisk(found);
    if (entry === null || this.resuming.has(runId)) {
      const status = this.resuming.has(runId) ? 'being resumed' : found.status();
      throw new ConflictError(`run ${runId} is ${status}; only an interrupted run can be resumed`);
    }
    this.checkRoom(1, 'resuming');
    const { stored } = entry;
    const check = checkResumable(stored);
    if (!check.ok) {
      await this.markUnresumable(entry, check.reason);
      throw new ConflictError(check.reason);
    }
    // Marked before the first await, so a second resume of the same run is refused at once.
    this.reserved += 1;
    this.resuming.add(runId);
    let config: RunConfig;
    try {
      config = await resumedConfig(stored.config, overrides);
      providersFor([config], (c) => this.options.deps.providerFor(c));
    } catch (error) {
      this.reserved -= 1;
      this.resuming.delete(runId);
      throw error;
    }
    try {
      const restore: RunRestore = { snapshot: check.snapshot, messages: await readAgentMessages(stored.dir) };
      if (stored.state?.usage) restore.usage = stored.state.usage;
      const lessons = await readUsedLessons(stored.dir);
      if (lessons) restore.lessons = lessons;
      // The resumed run's config.json says what it now runs with (memory, cassette).
      if (config !== stored.config) await writeFileAtomic(join(stored.dir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
      this.seeds.set(runId, { logs: stored.logs, lessons: restore.lessons ?? null });
      const spec: HostRunSpec = { runId, config, dir: stored.dir, createdAt: stored.createdAt, resume: { restore, logs: stored.logs } };
      const [result] = await this.host.start([spec]);
      if (!result!.ok) throw new Error(result!.error);
    } catch (error) {
      this.seeds.delete(runId);
      const reason = `cannot resume: the saved snapshot does not fit the run machine: ${errorMessage(error)}`;
      await this.markUnresumable(entry, reason);
      throw new ConflictError(reason);
    } finally {
      this.reserved -= 1;
      this.resuming.delete(runId);
    }
    // Its mirror replaced the stored entry when the host announced it.
    return this.entries.get(runId)!.summary();
  }

  /**
   * A live view that ended `interrupted` (a queue worker stopped it, or its job vanished) is resumable at once,
   * from what is on disk now, without a restart of the server.
   */
  private interruptedOnDisk(found: RunEntry): StoredRunEntry | null {
    const live = found.mirror();
    if (!live || !live.isFinished() || live.status() !== 'interrupted') return null;
    const dir = live.summary().results_path;
    try {
      const entry = new StoredRunEntry(readRunDirectorySync(dir, live.config.ticker, this.logBufferMaxLines), this.logBufferMaxLines);
      if (entry.interrupted() === null) return null;
      // The live view is swapped for the stored one, as a restart would list it (an unusable snapshot is then marked there).
      this.entries.set(found.runId, entry);
      return entry;
    } catch {
      return null;
    }
  }

  /** Every lesson of the reflection memory stored for `ticker`, in the order they were settled. */
  async memory(ticker: string): Promise<Lesson[]> {
    return this.lessonStore.read(ticker);
  }

  /**
   * The lessons a run's managers were shown: from the live run, else from its `lessons.json`. Empty when the run
   * has memory off or has not reached its research manager; undefined for an unknown id.
   */
  async runLessons(runId: string): Promise<{ memory: boolean; lessons: Lesson[] } | undefined> {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    const view = entry.view();
    const lessons = entry.lessons() ?? (await readUsedLessons(view.summary.results_path)) ?? [];
    return { memory: view.config.memory, lessons };
  }

  /** Resumes every `interrupted` run (`RESUME_INTERRUPTED=1`), oldest first; one that cannot be resumed does not stop the others. */
  async resumeInterrupted(): Promise<ResumeOutcome[]> {
    const outcomes: ResumeOutcome[] = [];
    for (const summary of this.list({ status: 'interrupted' })) {
      try {
        const resumed = await this.resume(summary.run_id);
        outcomes.push({ run_id: summary.run_id, status: resumed.status, error: null });
      } catch (error) {
        outcomes.push({ run_id: summary.run_id, status: this.entries.get(summary.run_id)?.status() ?? summary.status, error: errorMessage(error) });
      }
    }
    return outcomes;
  }

  /** Resolves once every file write asked for so far, by every live run, is done. */
  async idle(): Promise<void> {
    await this.host.flush();
  }

  /** The limiter's layers across every thread or worker the host runs on. */
  limiterSnapshot(): LimiterLayer[] {
    return this.host.limiterSnapshot();
  }

  async chart(runId: string): Promise<ChartData> {
    const run = this.get(runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    // A run with a recorded data source is charted from that source, like it was analysed.
    const { deps } = this.options;
    const vendor = run.config.data_source && deps.vendorForRun ? deps.vendorForRun(run.config, discardLog) : deps.vendor;
    return buildChartData(vendor, run.config.ticker, run.config.trade_date);
  }

  async instruments(): Promise<InstrumentInfo[] | null> {
    return listInstruments(this.options.deps.vendor);
  }

  async checkTickers(requests: RunRequest[]): Promise<void> {
    const { vendor } = this.options.deps;
    const { missing } = await requestedInstruments(vendor, requests);
    if (missing.length > 0) refuseMissingTickers(missing, (await vendor.coverage()).tickers);
  }

  async dataCoverage(): Promise<DataCoverage & { vendor: string; label: string }> {
    const { vendor } = this.options.deps;
    return { ...(await vendor.coverage()), vendor: vendor.name, label: vendor.label };
  }

  /**
   * Lists the runs found in `resultsDir` (history survives a restart), after deleting the temp files of
   * atomic writes a crash left behind: finished ones with their status,
   * decision and logs, unfinished ones as `interrupted`. Runs already known are left as they are.
   * Returns the directories that could not be read, with the reason.
   */
  async loadHistory(): Promise<Array<{ dir: string; reason: string }>> {
    // Temp files of atomic writes cut short by a crash would otherwise pile up (150 MiB after 20 kills).
    await sweepTempFiles(this.options.resultsDir);
    // Queue mode: the runs still waiting on the queue are announced `pending` again and the ones executing on
    // workers are announced live first; none of them is read from disk as `interrupted`.
    const held = new Set(this.host.reattach ? await this.host.reattach() : []);
    const unusable: Array<{ dir: string; reason: string }> = [];
    // Oldest first, one run at a time: beyond `runsInMemory` the oldest are evicted as the newer arrive, so
    // only the runs kept whole stay in memory with their files' contents.
    const skipped = await readResultsHistory(this.options.resultsDir, this.logBufferMaxLines, async (stored) => {
      if (this.entries.has(stored.runId) || held.has(stored.runId)) return;
      let entry: StoredRunEntry;
      try {
        entry = new StoredRunEntry(stored, this.logBufferMaxLines);
      } catch (error) {
        // One bad directory never stops the others loading (nor the server starting).
        unusable.push({ dir: stored.dir, reason: errorMessage(error) });
        return;
      }
      // An unfinished run whose snapshot cannot be resumed is an error now, with the reason, not an interruption.
      const problem = entry.status() === 'interrupted' ? stateFileProblem(stored) : null;
      if (problem !== null) entry = await this.markUnresumable(entry, problem, false);
      else if (entry.damage !== null && stored.errorText !== entry.damage) await writeErrorLog(stored.dir, entry.damage);
      this.entries.set(entry.runId, entry);
      this.emit({ type: 'finished', run_id: entry.runId, summary: entry.summary() });
      this.eviction.keptWhole(entry);
    });
    return [...skipped, ...unusable];
  }

  /** Lists an interrupted run as `error` with `reason` and writes its `error.log`; nothing else of it changes. */
  private async markUnresumable(entry: StoredRunEntry, reason: string, announce = true): Promise<StoredRunEntry> {
    const marked = new StoredRunEntry(entry.stored, this.logBufferMaxLines, reason);
    await writeErrorLog(entry.stored.dir, reason);
    if (announce && this.entries.get(entry.runId) === entry) {
      this.entries.set(entry.runId, marked);
      this.emit({ type: 'finished', run_id: entry.runId, summary: marked.summary() });
    }
    return marked;
  }

  /** Phase timings of every run (`/metrics/phases`): evicted runs answer from memory, not from disk. */
  phaseSamples(): Array<{ status: RunStatus; tree: import('@tradingfloor/shared').ExecutionTree }> {
    return this.list().map((summary) => {
      const entry = this.entries.get(summary.run_id)!;
      return { status: summary.status, tree: entry.phaseTree() };
    });
  }

  /** Every active run with its ticker and trade date, for the `multitask` rule. */
  private activeRuns(): ActiveRunRef[] {
    const active: ActiveRunRef[] = [];
    for (const entry of this.entries.values()) {
      if (!isActiveStatus(entry.status())) continue;
      const { ticker, trade_date } = entry.summary();
      active.push({ runId: entry.runId, ticker, tradeDate: trade_date, finished: entry.finished });
    }
    return active;
  }

  /**
   * Refuses (`TooManyRunsError`, 429) runs beyond the limit, before anything is created. Locally
   * `MAX_PARALLEL_RUNS` caps the active runs; a queue host runs at most that many at once on its workers
   * itself, and `MAX_QUEUED_RUNS` caps the runs waiting on its queue instead.
   */
  private checkRoom(count: number, doing: 'starting' | 'resuming'): void {
    const what = doing === 'starting' ? `starting ${count} run(s)` : 'resuming';
    if (this.host.waitingRuns) {
      const waiting = this.host.waitingRuns() + this.reserved;
      if (waiting + count > this.maxQueuedRuns)
        throw new TooManyRunsError(`${what} would exceed MAX_QUEUED_RUNS=${this.maxQueuedRuns} (${waiting} already queued); wait for the queue to shorten`);
      return;
    }
    const active = this.activeCount() + this.reserved;
    if (active + count > this.maxParallelRuns)
      throw new TooManyRunsError(`${what} would exceed MAX_PARALLEL_RUNS=${this.maxParallelRuns} (${active} already active); wait for some to finish`);
  }

  private activeCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (isActiveStatus(entry.status())) n++;
    return n;
  }

  private entryOf(runId: string): RunEntry {
    const entry = this.entries.get(runId);
    if (!entry) throw new NotFoundError(`no run with id "${runId}"`);
    return entry;
  }

  /**
   * Makes every run's directory with its first files (`RUN_ID`, `config.json`, `reports/`), each run's files
   * right after its directory (`RunDirectories`: names of one second get `_2`, `_3`, … without probing the
   * taken ones); on a failure none is left behind and no run is created. The host then opens the runs without
   * waiting for the disk.
   */
  private async createRunDirectories(configs: RunConfig[]): Promise<HostRunSpec[]> {
    const started = configs.map(() => new Date(this.now()));
    const runIds = configs.map((config, i) => formatRunId(config.ticker, started[i]!, randomBytes(3).toString('hex')));
    const dirs = await this.runDirectories.create(
      configs.map((config, i) => ({ ticker: config.ticker, started: started[i]! })),
      (dir, i) =>
        writeFirstFiles(dir, runIds[i]!, configs[i]!).catch((error: unknown) => {
          throw new EngineUnavailableError(`could not start the runs: ${runIds[i]}: could not write its first files: ${errorMessage(error)}`);
        }),
    );
    return configs.map((config, i) => ({
      runId: runIds[i]!,
      config,
      dir: dirs[i]!,
      createdAt: started[i]!.getTime(),
    }));
  }

  /**
   * Some runs of a batch could not be opened (their first files could not be written): the batch is refused.
   * The ones that could are canceled (they stay listed, canceled), the directories of the others removed.
   */
  private async undoStart(specs: HostRunSpec[], failed: Array<{ run_id: string; ok: false; error: string } | { ok: true }>): Promise<never> {
    const failedIds = new Set(failed.map((f) => ('run_id' in f ? f.run_id : '')));
    for (const spec of specs) {
      if (failedIds.has(spec.runId)) await rm(spec.dir, { recursive: true, force: true });
      else {
        try {
          this.entries.get(spec.runId)?.cancel();
        } catch {
          // Already ended: nothing to undo.
        }
      }
    }
    const reasons = failed.map((f) => ('error' in f ? `${f.run_id}: ${f.error}` : '')).join('; ');
    throw new EngineUnavailableError(`could not start the runs: ${reasons}`);
  }

  /** One event of the engine host: the run's mirror takes it, then the manager's subscribers hear of it. */
  private onHostEvent(event: HostEvent): void {
    if (event.type === 'created') {
      const known = this.entries.get(event.run_id)?.mirror();
      if (known && !known.isFinished()) {
        // Queue mode: a worker opened a run announced while it waited on the queue (or took over a run).
        known.apply(event);
        this.emit({ type: 'changed', run_id: event.run_id, summary: event.summary });
        return;
      }
      const seed = this.seeds.get(event.run_id);
      this.seeds.delete(event.run_id);
      const previous = this.entries.get(event.run_id);
      const resumed = previous !== undefined;
      const mirror = new RunMirror(this.host, event, {
        logBufferMaxLines: this.logBufferMaxLines,
        ...(this.options.inspectionMax !== undefined ? { inspectionMax: this.options.inspectionMax } : {}),
        ...(seed?.logs ? { logs: seed.logs } : {}),
        ...(seed?.lessons ? { lessons: seed.lessons } : {}),
      });
      // Announced again while live (a queue worker took it over or re-announced it): the new view replaces it.
      previous?.mirror()?.handOver(mirror);
      this.entries.set(event.run_id, mirror);
      this.emit(resumed ? { type: 'changed', run_id: event.run_id, summary: event.summary } : { type: 'created', run_id: event.run_id, summary: event.summary });
      return;
    }
    const mirror = this.entries.get(event.run_id)?.mirror();
    if (!mirror) return;
    const finished = mirror.apply(event);
    switch (event.type) {
      case 'changed':
        this.emit({ type: 'changed', run_id: event.run_id, summary: event.summary, tree_changes: event.tree_changes });
        break;
      case 'log':
        if (this.options.enableLogStream ?? true) this.emit({ type: 'log', run_id: event.run_id, entry: event.entry });
        break;
      case 'inspection':
        this.emitInspection(event.run_id, event.record, event.session);
        break;
      case 'finished':
        if (finished) {
          this.emit({ type: 'finished', run_id: event.run_id, summary: event.summary });
          this.eviction.keptWhole(mirror);
        }
        break;
      case 'lessons':
        break;
    }
  }

  private emitInspection(runId: string, record: InspectionRecord, session: string): void {
    for (const listener of this.inspectionListeners) {
      try {
        listener(runId, record, session);
      } catch {
        // As for run events: a listener's fault must not reach the run.
      }
    }
  }

  private emit(event: RunEvent): void {
    // Events of a run not yet announced (still being created) are not sent.
    if (event.type !== 'created' && event.type !== 'removed' && !this.entries.has(event.run_id)) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's fault must not stop the run or the other listeners.
      }
    }
  }
}
