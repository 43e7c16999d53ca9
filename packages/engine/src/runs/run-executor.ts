import { diffContents, errorMessage, NotFoundError, type ChangedNode, type RunUsage } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import type { HostEvent, HostRunSpec, HostStartResult } from '../host/host-protocol.js';
import type { RunSteps } from '../machine/provide-run.js';
import type { LessonStore } from '../memory/lesson-store.js';
import type { RunFiles } from '../results/run-files.js';
import type { LiveRun } from './live-run.js';
import { openLiveRun, type LiveRunWiring } from './open-live-run.js';
import type { EngineDeps } from './run-manager-api.js';
import { providersFor } from './run-providers.js';

/** What the runs of one executor are built from. Each thread (or process) has its own. */
export interface RunExecutorOptions {
  deps: EngineDeps;
  steps: RunSteps;
  logBufferMaxLines: number;
  /**
   * Keep each run's newest `logBufferMaxLines` log lines here too (default true), for a `created` event that
   * carries them (`announce`, a resume): a queue worker's server has no other copy. A host whose server keeps
   * every line it was sent and seeds a resumed run's log itself (in-process, engine worker threads) passes
   * false: the runs' logs keep no line (`RunLogOptions.keep`), and 1000 runs in flight do not hold their logs
   * twice.
   */
  keepLogs?: boolean;
  now: () => number;
  lessonStore: LessonStore;
  inspect?: (event: InspectionEvent) => void;
  inspectionMax?: number;
  /** The events leave this thread (or process) as they are made: see `InspectionBufferOptions.eagerSummaries`. */
  eagerSummaries?: boolean;
  /**
   * Report a run's changes once per turn of the event loop instead of at each change (an engine worker
   * thread, whose events leave once per turn anyway; its `flushChanges` before a batch leaves). The in-process
   * host keeps each change visible at once.
   */
  coalesceChanges?: boolean;
  /**
   * Sends the events made so far now, not at the end of the turn (an engine worker thread's batch): called
   * once a batch of runs has begun, so their `in_progress` leaves ahead of the analysts' first work.
   */
  sendEvents?: () => void;
}

/** What was last reported of a run, so a `changed` event carries only what changed since. */
interface Reported {
  run: LiveRun;
  contents: Record<string, string>;
  usageVersion: number;
  decision: unknown;
  error: string | null;
  /** The run's `dataSources()` last reported (the same object while unchanged). */
  dataSources: Record<string, string> | null;
  /** Events the run caused before its `created` event (log lines, inspection records of its first state). */
  early: HostEvent[] | null;
  /** With `coalesceChanges`: the tree changes of the changes not reported yet, in order; null when none is pending. */
  pending: ChangedNode[] | null;
}

/** Finished runs whose files may still receive late log lines, kept so `flush` can wait for them. */
const SETTLING_MAX = 1000;

/**
 * The execution side of the engine host boundary: opens and runs `LiveRun`s and turns what they do into
 * {@link HostEvent}s. The in-process host and every engine worker thread hold one. A finished run is dropped
 * at once (only its small file queue is kept a while): the server's mirror holds what is shown of it.
 */
export class RunExecutor {
  private readonly runs = new Map<string, Reported>();
  /** Runs opened with `hold`, waiting for `release`. */
  private readonly held = new Set<string>();
  /**
   * Finished runs' files, held weakly: a finished run's `RunFiles` stays alive only while a write is under way
   * or something can still log to it (a stopped step's late line); then nothing is left to wait for, and
   * holding it would keep its written reports and log ring (its log's closures) for up to
   * {@link SETTLING_MAX} finished runs.
   */
  private readonly settling = new Map<string, WeakRef<RunFiles>>();
  private readonly wiring: LiveRunWiring;
  /** With `coalesceChanges`: the runs with a change not reported yet. */
  private readonly dirty = new Set<Reported>();
  private flushScheduled = false;

  constructor(
    private readonly o: RunExecutorOptions,
    private readonly emit: (event: HostEvent) => void,
  ) {
    this.wiring = {
      deps: o.deps,
      steps: o.steps,
      logBufferMaxLines: o.logBufferMaxLines,
      ...(o.keepLogs === false ? { keepLogs: false } : {}),
      now: o.now,
      lessonStore: o.lessonStore,
      ...(o.inspect ? { inspect: o.inspect } : {}),
      ...(o.inspectionMax !== undefined ? { inspectionMax: o.inspectionMax } : {}),
      ...(o.eagerSummaries ? { eagerSummaries: true } : {}),
      onLog: (runId, entry) => this.send(runId, { type: 'log', run_id: runId, entry }),
      onChange: (run, treeChanges) => this.changed(run, treeChanges),
      onFinish: (run) => void this.finished(run),
      onInspect: (runId, record, session) => this.send(runId, { type: 'inspection', run_id: runId, record, session }),
      onLessons: (runId, lessons) => this.send(runId, { type: 'lessons', run_id: runId, lessons }),
    };
  }

  /**
   * Opens every run, in order, without waiting for the disk (the RunManager wrote their first files with
   * their directories), announcing each (`created`) as it opens; then begins the ones not held, all in one
   * turn, after this one: every run's `in_progress` is reported (and, with `sendEvents`, sent) before any of
   * their analysts' first work — the prompts and model requests, which wait for that turn's microtasks —
   * so a batch starts together and its first model calls follow at once.
   */
  start(specs: HostRunSpec[]): Promise<HostStartResult[]> {
    const results: HostStartResult[] = [];
    const begin: Reported[] = [];
    for (const spec of specs) {
      const opened = this.open(spec);
      results.push(opened.result);
      if (opened.reported) begin.push(opened.reported);
    }
    // After the current turn, so a command sent right after `start` resolves (a cancel) comes first.
    if (begin.length > 0) setImmediate(() => this.beginAll(begin));
    return Promise.resolve(results);
  }

  /**
   * Begins the runs of one `start` in order, in this one turn. Their `in_progress` changes are reported as the
   * turn's changes always are (at once without `coalesceChanges`; else together at its end) and sent at once
   * with `sendEvents`: before the microtasks of this turn, where their analysts' first work waits.
   */
  private beginAll(begin: Reported[]): void {
    for (const reported of begin) reported.run.begin();
    if (this.o.sendEvents) this.o.sendEvents();
  }

  private open(spec: HostRunSpec): { result: HostStartResult; reported?: Reported } {
    let run: LiveRun;
    // Events of the run while it opens wait for its `created` event.
    const pending: Reported = {
      run: null!,
      contents: {},
      usageVersion: 0,
      decision: null,
      error: null,
      dataSources: null,
      early: [],
      pending: null,
    };
    this.runs.set(spec.runId, pending);
    try {
      const [rawProvider] = providersFor([spec.config], (config) => this.o.deps.providerFor(config));
      run = openLiveRun(this.wiring, { ...spec, rawProvider: rawProvider! });
    } catch (error) {
      this.runs.delete(spec.runId);
      return { result: { run_id: spec.runId, ok: false, error: errorMessage(error) } };
    }
    pending.run = run;
    const contents = run.currentContents();
    const dataSources = run.dataSources();
    Object.assign(pending, { contents, usageVersion: run.usageVersion(), decision: run.decision(), error: run.error(), dataSources });
    const early = pending.early ?? [];
    pending.early = null;
    this.emit({
      type: 'created',
      run_id: run.runId,
      summary: run.summary(),
      config: run.config,
      tree: run.currentTree(),
      contents,
      usage: run.usage(),
      data_sources: dataSources,
      // A resumed run's view continues its log (a takeover on a queue worker has no server-side seed).
      ...(spec.resume && this.o.keepLogs !== false ? { logs: run.logEntries() } : {}),
    });
    for (const event of early) this.emit(event);
    const result: HostStartResult = { run_id: run.runId, ok: true };
    if (spec.hold) {
      this.held.add(run.runId);
      return { result };
    }
    return { result, reported: pending };
  }

  /** Begins a run opened with `hold`; a run canceled while it waited stays as it is (`begin` leaves it alone). */
  release(runId: string): void {
    if (!this.held.delete(runId)) return;
    this.runs.get(runId)?.run?.begin();
  }

  cancel(runId: string): void {
    const reported = this.runs.get(runId);
    if (!reported?.run) throw new NotFoundError(`no run with id "${runId}" is executing here`);
    reported.run.cancel();
  }

  /** Stops a run for a resume; resolves once its files are written (and its `finished` event sent). */
  async interrupt(runId: string, reason: string): Promise<void> {
    const reported = this.runs.get(runId);
    if (!reported?.run) return;
    await reported.run.interrupt(reason);
    await reported.run.finished;
  }

  /**
   * Announces a run executing here again: a fresh `created` event with its whole state and buffered log (a
   * restarted queue-mode server re-attaches it). The `changed` events after it are relative to it, as usual.
   * Nothing for a run not executing here or not announced yet (its own `created` event is still to come).
   */
  announce(runId: string): boolean {
    const reported = this.runs.get(runId);
    if (!reported?.run || reported.early) return false;
    const { run } = reported;
    // The `created` event carries the run as it is now, pending changes included.
    reported.pending = null;
    this.dirty.delete(reported);
    const contents = run.currentContents();
    const dataSources = run.dataSources();
    Object.assign(reported, { contents, usageVersion: run.usageVersion(), decision: run.decision(), error: run.error(), dataSources });
    this.emit({
      type: 'created',
      run_id: runId,
      summary: run.summary(),
      config: run.config,
      tree: run.currentTree(),
      contents,
      usage: run.usage(),
      data_sources: dataSources,
      logs: run.logEntries(),
    });
    return true;
  }

  /**
   * Resolves once every file write asked for so far, of `runId` or of every run, is done; a live run's
   * checkpoint held back by the pacer is written first.
   */
  async flush(runId?: string): Promise<void> {
    const one = (id: string) => {
      const run = this.runs.get(id)?.run;
      if (run) return run.flush();
      const files = this.settling.get(id)?.deref();
      if (!files) this.settling.delete(id);
      return files?.idle();
    };
    const ids = runId === undefined ? [...this.runs.keys(), ...this.settling.keys()] : [runId];
    await Promise.all(ids.map(one));
  }

  /** The ids of the runs executing here (not yet finished). */
  runIds(): string[] {
    return [...this.runs.keys()];
  }

  private send(runId: string, event: HostEvent): void {
    const reported = this.runs.get(runId);
    if (reported?.early) reported.early.push(event);
    else this.emit(event);
  }

  /**
   * Reports the changes of every run whose change is still pending (with `coalesceChanges`), now: a caller
   * about to send the events so far calls it first, so that they leave with the changes made before them.
   */
  flushChanges(): void {
    if (this.dirty.size === 0) return;
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const reported of dirty) this.reportPending(reported);
  }

  private changed(run: LiveRun, treeChanges: ChangedNode[]): void {
    const reported = this.runs.get(run.runId);
    // Not announced yet (opening is quiet) or already dropped: the `created` / `finished` events carry it all.
    if (!reported || reported.early || reported.run !== run) return;
    if (!this.o.coalesceChanges) {
      this.report(reported, treeChanges);
      return;
    }
    // The tree's changes are kept in order (each one applies on top of the one before), the rest is read at the flush.
    if (reported.pending === null) reported.pending = treeChanges;
    else if (treeChanges.length > 0) reported.pending = reported.pending.length === 0 ? treeChanges : reported.pending.concat(treeChanges);
    this.dirty.add(reported);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushChanges();
    });
  }

  /** Reports a run's pending change, if it has one and is still executing here. */
  private reportPending(reported: Reported): void {
    const treeChanges = reported.pending;
    if (treeChanges === null) return;
    reported.pending = null;
    this.dirty.delete(reported);
    if (this.runs.get(reported.run.runId) !== reported) return;
    this.report(reported, treeChanges);
  }

  /** A `changed` event: the summary, the tree's changes given and what else changed since the last report. */
  private report(reported: Reported, treeChanges: ChangedNode[]): void {
    const { run } = reported;
    const contents = run.currentContents();
    const event: Extract<HostEvent, { type: 'changed' }> = {
      type: 'changed',
      run_id: run.runId,
      summary: run.summary(),
      tree_changes: treeChanges,
      contents: contents === reported.contents ? [] : diffContents(reported.contents, contents),
    };
    reported.contents = contents;
    const usageVersion = run.usageVersion();
    if (usageVersion !== reported.usageVersion) {
      reported.usageVersion = usageVersion;
      event.usage = run.usage();
    }
    const decision = run.decision();
    if (decision !== reported.decision) event.decision = reported.decision = decision;
    const error = run.error();
    if (error !== reported.error) event.error = reported.error = error;
    const dataSources = run.dataSources();
    if (dataSources !== reported.dataSources) event.data_sources = reported.dataSources = dataSources;
    this.emit(event);
  }

  /** Reports the end once the run's files are written, then drops the run. */
  private async finished(run: LiveRun): Promise<void> {
    const summary = await run.finished;
    // Its last changes come before its end.
    const reported = this.runs.get(run.runId);
    if (reported?.run === run) this.reportPending(reported);
    this.runs.delete(run.runId);
    this.settling.set(run.runId, new WeakRef(run.files));
    if (this.settling.size > SETTLING_MAX) this.settling.delete(this.settling.keys().next().value!);
    const usage: RunUsage = run.usage();
    this.emit({
      type: 'finished',
      run_id: run.runId,
      summary,
      decision: run.decision(),
      error: run.error(),
      usage,
      data_sources: run.dataSources(),
    });
  }
}
