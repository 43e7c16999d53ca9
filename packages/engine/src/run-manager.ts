import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkTicker,
  ConfigError,
  ConflictError,
  formatRunId,
  isActiveStatus,
  NotFoundError,
  TooManyRunsError,
  ValidationError,
  errorMessage,
  type ChartData,
  type LimiterLayer,
  type LogEntry,
  type RunConfig,
  type RunStatus,
  type RunSummary,
} from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import type { DataCoverage } from './data/vendor.js';
import type { LlmProvider } from './providers/provider.js';
import { DEFAULT_LOG_BUFFER_MAX_LINES, RunLog } from './logs/run-log.js';
import { readResultsHistory } from './results/read-history.js';
import { createRunDirectory } from './results/results-dir.js';
import { RUN_FILES, RunFiles } from './results/run-files.js';
import { AGENT_STEPS } from './run/agent-steps.js';
import type { InspectionPage, InspectionRecord } from './run/inspection-buffer.js';
import { LiveRun, type RunRestore } from './run/live-run.js';
import { checkResumable, stateFileProblem } from './run/resume-check.js';
import { readAgentMessages } from './results/read-messages.js';
import { writeFileAtomic } from './fs/atomic-write.js';
import type { RunSteps } from './run/provide-run.js';
import type { RunEntry } from './run/run-entry.js';
import { StoredRunEntry } from './run/stored-run.js';
import { providerProblem, resolveRunConfigs } from './run/validate-requests.js';
import { buildChartData } from './data/chart-data.js';
import { instrumentDateRange, type InstrumentDateRange } from './data/trade-date-coverage.js';
import type { EngineDeps, RunEvent, RunManagerApi, RunRequest, RunView } from './run-manager-api.js';

/** Each requested instrument's own date range; unknown or malformed tickers are left out (their runs fail with the vendor's reason). */
async function instrumentRanges(vendor: EngineDeps['vendor'], requests: readonly RunRequest[]): Promise<Map<string, InstrumentDateRange>> {
  const ranges = new Map<string, InstrumentDateRange>();
  const tickers = new Set(requests.map((r) => (typeof r?.ticker === 'string' ? checkTicker(r.ticker) : null)).flatMap((c) => (c?.ok ? [c.ticker] : [])));
  await Promise.all(
    [...tickers].map(async (ticker) => {
      try {
        ranges.set(ticker, await instrumentDateRange(vendor, ticker));
      } catch {
        // Not in the data: validation falls back to the vendor-wide coverage.
      }
    }),
  );
  return ranges;
}

/** Default `MAX_PARALLEL_RUNS`. */
const DEFAULT_MAX_PARALLEL_RUNS = 5;

export interface RunManagerOptions {
  deps: EngineDeps;
  /** Root of `results/<TICKER>/<timestamp>/`. */
  resultsDir: string;
  /** Active (pending + running) runs allowed at once; default 5. */
  maxParallelRuns?: number;
  /** Log entries kept in memory per run; default 250. */
  logBufferMaxLines?: number;
  /** Send `log` events to subscribers; default true (entries are buffered and written either way). */
  enableLogStream?: boolean;
  /** The agent functions, data tools and decision parser; the real ones by default. Tests inject fakes. */
  steps?: RunSteps;
  /** An extra inspection observer for every run actor, e.g. the Stately inspector (`connectStatelyInspector`). */
  inspect?: (event: InspectionEvent) => void;
  /** Inspection records kept in memory per run (default `DEFAULT_INSPECTION_MAX`). */
  inspectionMax?: number;
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
  private readonly logBufferMaxLines: number;
  private readonly now: () => number;
  /** Slots held by `start()` calls still creating their runs, so concurrent calls cannot overshoot the limit. */
  private reserved = 0;
  private closing = false;

  constructor(private readonly options: RunManagerOptions) {
    this.maxParallelRuns = options.maxParallelRuns ?? DEFAULT_MAX_PARALLEL_RUNS;
    this.logBufferMaxLines = options.logBufferMaxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES;
    if (!Number.isInteger(this.maxParallelRuns) || this.maxParallelRuns < 1)
      throw new ConfigError(`MAX_PARALLEL_RUNS must be a whole number ≥ 1, got ${this.maxParallelRuns}`);
    if (!Number.isInteger(this.logBufferMaxLines) || this.logBufferMaxLines < 1)
      throw new ConfigError(`LOG_BUFFER_MAX_LINES must be a whole number ≥ 1, got ${this.logBufferMaxLines}`);
    this.now = options.deps.now ?? Date.now;
  }

  async start(requests: RunRequest[]): Promise<RunSummary[]> {
    if (this.closing) throw new ConflictError('the run manager is shutting down; no new runs');
    const { deps } = this.options;
    if (!Array.isArray(requests)) throw new ValidationError('runs must be requested as a list');
    const coverage = await deps.vendor.coverage();
    const ranges = await instrumentRanges(deps.vendor, requests);
    const configs = resolveRunConfigs(requests, {
      coverage,
      rangeOf: (ticker) => ranges.get(ticker),
      dataLabel: deps.vendor.label,
      today: new Date(this.now()).toISOString().slice(0, 10),
      defaultModels: (provider) => deps.defaultModels(provider),
    });
    const providers = this.providersFor(configs);
    const active = this.activeCount() + this.reserved;
    if (active + configs.length > this.maxParallelRuns) {
      throw new TooManyRunsError(
        `starting ${configs.length} run(s) would exceed MAX_PARALLEL_RUNS=${this.maxParallelRuns} (${active} already active); wait for some to finish`,
      );
    }
    this.reserved += configs.length;
    try {
      const runs = await this.createRuns(configs, providers);
      for (const run of runs) {
        this.entries.set(run.runId, run);
        this.emit({ type: 'created', run_id: run.runId, summary: run.summary() });
      }
      // Runs start after start() has returned, so a caller can still cancel one before its first step.
      setImmediate(() => runs.forEach((run) => run.begin()));
      return runs.map((run) => run.summary());
    } finally {
      this.reserved -= configs.length;
    }
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

  async shutdown(): Promise<void> {
    this.closing = true;
    const entries = [...this.entries.values()];
    for (const entry of entries) {
      if (isActiveStatus(entry.status())) entry.cancel();
    }
    await Promise.all(entries.map((e) => e.finished));
    await Promise.all(entries.map((e) => (e instanceof LiveRun ? e.flush() : undefined)));
  }

  /** The run actor's recent inspection events (docs/architecture.md, "Inspection"); empty for runs found on disk, undefined for unknown ids. */
  inspection(runId: string): InspectionRecord[] | undefined {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    return entry instanceof LiveRun ? entry.inspection.list() : [];
  }

  /** A page of the run actor's inspection records after `afterSeq`; undefined for unknown ids. */
  inspect(runId: string, query: { afterSeq?: number; limit?: number } = {}): InspectionPage | undefined {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    if (entry instanceof LiveRun) return entry.inspection.page(query.afterSeq ?? 0, query.limit);
    const afterSeq = query.afterSeq ?? 0;
    return { session: null, records: [], returned: 0, last_seq: afterSeq, total_seq: 0, first_seq: 1 };
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
  async resume(runId: string): Promise<RunSummary> {
    if (this.closing) throw new ConflictError('the run manager is shutting down; no runs are resumed');
    const entry = this.entryOf(runId);
    if (!(entry instanceof StoredRunEntry) || entry.status() !== 'interrupted' || this.resuming.has(runId)) {
      const status = this.resuming.has(runId) ? 'being resumed' : entry.status();
      throw new ConflictError(`run ${runId} is ${status}; only an interrupted run can be resumed`);
    }
    const active = this.activeCount() + this.reserved;
    if (active + 1 > this.maxParallelRuns) {
      throw new TooManyRunsError(`resuming would exceed MAX_PARALLEL_RUNS=${this.maxParallelRuns} (${active} already active); wait for some to finish`);
    }
    const { stored } = entry;
    const check = checkResumable(stored);
    if (!check.ok) {
      await this.markUnresumable(entry, check.reason);
      throw new ConflictError(check.reason);
    }
    const [provider] = this.providersFor([stored.config]);
    this.reserved += 1;
    this.resuming.add(runId);
    let run: LiveRun;
    try {
      const restore: RunRestore = { snapshot: check.snapshot, messages: await readAgentMessages(stored.dir) };
      if (stored.state?.usage) restore.usage = stored.state.usage;
      run = await this.createRun(runId, stored.config, stored.dir, provider!, stored.createdAt, { restore, logs: stored.logs });
    } catch (error) {
      const reason = `cannot resume: the saved snapshot does not fit the run machine: ${errorMessage(error)}`;
      await this.markUnresumable(entry, reason);
      throw new ConflictError(reason);
    } finally {
      this.reserved -= 1;
      this.resuming.delete(runId);
    }
    this.entries.set(runId, run);
    this.emit({ type: 'changed', run_id: runId, summary: run.summary() });
    // A run saved while still pending has not been started yet.
    setImmediate(() => run.begin());
    return run.summary();
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
    await Promise.all([...this.entries.values()].map((e) => (e instanceof LiveRun ? e.flush() : undefined)));
  }

  limiterSnapshot(): LimiterLayer[] {
    return this.options.deps.limiterSnapshot?.() ?? [];
  }

  async chart(runId: string): Promise<ChartData> {
    const run = this.get(runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    return buildChartData(this.options.deps.vendor, run.config.ticker, run.config.trade_date);
  }

  async dataCoverage(): Promise<DataCoverage & { vendor: string; label: string }> {
    const { vendor } = this.options.deps;
    return { ...(await vendor.coverage()), vendor: vendor.name, label: vendor.label };
  }

  /**
   * Lists the runs found in `resultsDir` (history survives a restart): finished ones with their status,
   * decision and logs, unfinished ones as `interrupted`. Runs already known are left as they are.
   * Returns the directories that could not be read, with the reason.
   */
  async loadHistory(): Promise<Array<{ dir: string; reason: string }>> {
    const { runs, skipped } = await readResultsHistory(this.options.resultsDir, this.logBufferMaxLines);
    for (const stored of runs) {
      if (this.entries.has(stored.runId)) continue;
      let entry = new StoredRunEntry(stored, this.logBufferMaxLines);
      // An unfinished run whose snapshot cannot be resumed is an error now, with the reason, not an interruption.
      const problem = entry.status() === 'interrupted' ? stateFileProblem(stored) : null;
      if (problem !== null) entry = await this.markUnresumable(entry, problem, false);
      this.entries.set(entry.runId, entry);
      this.emit({ type: 'finished', run_id: entry.runId, summary: entry.summary() });
    }
    return skipped;
  }

  /** Lists an interrupted run as `error` with `reason` and writes its `error.log`; nothing else of it changes. */
  private async markUnresumable(entry: StoredRunEntry, reason: string, announce = true): Promise<StoredRunEntry> {
    const marked = new StoredRunEntry(entry.stored, this.logBufferMaxLines, reason);
    await writeFileAtomic(join(entry.stored.dir, RUN_FILES.error), `${reason}\n`).catch(() => {
      // The reason is still shown; a read-only results directory must not stop the listing.
    });
    if (announce && this.entries.get(entry.runId) === entry) {
      this.entries.set(entry.runId, marked);
      this.emit({ type: 'finished', run_id: entry.runId, summary: marked.summary() });
    }
    return marked;
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

  /** Builds each run's provider up front, so an unusable provider refuses the whole batch. */
  private providersFor(configs: RunConfig[]): LlmProvider[] {
    const problems: string[] = [];
    const providers: LlmProvider[] = [];
    for (const config of configs) {
      try {
        providers.push(this.options.deps.providerFor(config));
      } catch (error) {
        problems.push(providerProblem(config.ticker, error));
      }
    }
    if (problems.length > 0) throw new ValidationError(problems.join('; '));
    return providers;
  }

  /** Makes every run's directory and first files; if one fails, the ones made are removed and nothing starts. */
  private async createRuns(configs: RunConfig[], providers: LlmProvider[]): Promise<LiveRun[]> {
    const made: string[] = [];
    try {
      const runs: LiveRun[] = [];
      for (const [i, config] of configs.entries()) {
        const started = new Date(this.now());
        const dir = await createRunDirectory(this.options.resultsDir, config.ticker, started);
        made.push(dir);
        const runId = formatRunId(config.ticker, started, randomBytes(3).toString('hex'));
        runs.push(await this.createRun(runId, config, dir, providers[i]!, started.getTime()));
      }
      return runs;
    } catch (error) {
      await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
      throw error;
    }
  }

  /** Builds and opens a run's files, log and actor; `resume` rebuilds an interrupted one in its existing directory. */
  private async createRun(
    runId: string,
    config: RunConfig,
    dir: string,
    rawProvider: LlmProvider,
    createdAt: number,
    resume?: { restore: RunRestore; logs: LogEntry[] },
  ): Promise<LiveRun> {
    const { deps } = this.options;
    const streamLogs = this.options.enableLogStream ?? true;
    // Entries about failed file writes stay in memory only: appending them to run.log could fail again.
    const files: RunFiles = new RunFiles(dir, (error, what) =>
      log.append({
        severity: 'WARN',
        source: 'results',
        agent_id: null,
        message: `could not write ${what}: ${errorMessage(error)}`,
      }),
    );
    const log: RunLog = new RunLog({
      maxLines: this.logBufferMaxLines,
      now: this.now,
      onEntry: (entry) => {
        if (entry.source !== 'results') files.appendLog(entry);
        if (streamLogs) this.emit({ type: 'log', run_id: runId, entry });
      },
    });
    // A resumed run's log continues its numbering after what run.log holds.
    if (resume) log.restore(resume.logs);
    else await files.writeInitial(runId, config);
    const provider = deps.wrapProvider ? deps.wrapProvider(rawProvider, { runId, log: log.sink }) : rawProvider;
    const run = new LiveRun({
      runId,
      config,
      files,
      createdAt,
      // The run's own data vendors (its `data_vendors`, fallbacks logged to its log) when the deps offer them.
      vendor: deps.vendorForRun ? deps.vendorForRun(config, log.sink) : deps.vendor,
      provider,
      log,
      steps: this.options.steps ?? AGENT_STEPS,
      ...(deps.priceOf ? { priceOf: (model: string) => deps.priceOf!(model) } : {}),
      now: this.now,
      onChange: (r) => this.emit({ type: 'changed', run_id: r.runId, summary: r.summary() }),
      onFinish: (r) => this.emit({ type: 'finished', run_id: r.runId, summary: r.summary() }),
      onInspect: (record, session) => this.emitInspection(runId, record, session),
      ...(this.options.inspect ? { inspect: this.options.inspect } : {}),
      ...(this.options.inspectionMax !== undefined ? { inspectionMax: this.options.inspectionMax } : {}),
      ...(resume ? { restore: resume.restore } : {}),
    });
    await run.open();
    return run;
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
