import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deferred, errorMessage, type LimiterLayer, type LogEntry, type RunSummary, type RunUsage } from '@tradingfloor/shared';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { ConcurrencyLimiter } from '../limiter/concurrency-limiter.js';
import { RUN_FILES } from '../results/run-files.js';
import { sweepThreadTempFiles } from '../results/sweep-temp-files.js';
import type { EngineHost, HostEvent, HostRunSpec, HostStartResult } from './host-protocol.js';
import { PermitServer } from './permit-server.js';
import type { ThreadUsage } from './thread-usage.js';
import type { EngineWorkerData, FromWorker, ToWorker, WorkerCall } from './worker-wire.js';

/** Threads in a row that may die before they are ready before the host stops replacing them. */
const MAX_EARLY_DEATHS = 3;

/**
 * The young generation of an engine thread's heap, MiB: V8 makes it of three semi-spaces' size, so 48 MiB is a
 * 16 MiB semi-space, V8's own default size. It was 96 (a 32 MiB semi-space, for fewer scavenges of the runs'
 * short-lived garbage); measured back to back at 1000 runs in flight (issue 13), 48 gave a peak RSS 80 MiB lower
 * (1003–1008 against 1087 MiB) for the same engine-thread CPU per run (27–29 ms at N = 1000, 36 ms at N = 100).
 * A `--max-semi-space-size` flag given to the process overrides it (V8 flags win over a worker's
 * `resourceLimits`, nodejs/node#43991), as `--max-old-space-size` sets the old space of every thread: each
 * thread has its own heap of that size.
 */
const ENGINE_THREAD_YOUNG_GENERATION_MB = 48;

/**
 * Node closes the descriptors a worker opened with `fs.open` / `fs.openSync` and had not closed when the worker
 * exits, whatever ended it (an uncaught fault, out of memory, `terminate()`): a run keeps its two logs open
 * between writes (`WriteQueue`), and descriptors are process-wide, so without it every crashed thread would
 * leak them toward `EMFILE`. It is Node's default (on 20 as on 15+); set here because the host relies on it.
 * Node records a descriptor as its open completes, even one completing while the thread is being torn down,
 * and closes them inside the dying thread, before its `exit` event: none is left for the host to close. The
 * host must not close them itself: by `exit` their numbers are free again, and another thread's next open may
 * have been given one of them (measured: the next opens of the process reuse the crashed thread's number).
 */
const TRACK_UNMANAGED_FDS = true;

export interface ThreadHostOptions {
  /** Engine worker threads (`ENGINE_THREADS` ≥ 1). */
  threads: number;
  /** The worker's entry module (`runs/engine-worker.js`; a `.ts` source runs through tsx, for tests). */
  entry: URL;
  /** What every worker builds its engine from. */
  workerData: Omit<EngineWorkerData, 'entry'>;
  /** The one limiter of the process: every worker's model calls take their permits here. */
  limiter: ConcurrencyLimiter;
  /** Told when a thread died and was replaced (for the server's log). */
  onThreadExit?(info: { threadId: number; reason: string; runs: string[] }): void;
  now?: () => number;
}

/** What the host remembers of a run executing on a thread, to end it itself if the thread dies. */
interface Tracked {
  slot: Slot;
  dir: string;
  summary: RunSummary;
  usage: RunUsage;
  dataSources: Record<string, string>;
  lastLogSeq: number;
}

/** One worker thread and what is under way with it. */
interface Slot {
  worker: Worker;
  threadId: number;
  permits: PermitServer;
  runs: Set<string>;
  /** The ticker of each of its runs with memory on: later ones of a ticker go to the same thread (one lesson lock). */
  memoryRuns: Map<string, string>;
  calls: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
  ready: Promise<void>;
  gone: boolean;
}

/**
 * The engine host that spreads runs over `worker_threads` (`ENGINE_THREADS`, default cores − 1): each worker
 * executes its runs with its own engine (providers, market data, results files) built from the same
 * environment; the server thread only supervises and serves. Commands and events cross as structured clones
 * (`worker-wire.ts`). The LLM concurrency limiter stays on the server thread and workers ask it for permits
 * (`RemoteLimiter` / `PermitServer`), so the limits and `/metrics/concurrency` hold across threads.
 *
 * A worker that dies (an uncaught fault, out of memory) does not take the server down: each of its runs ends
 * as `error` with the reason (its `error.log` written; its `state.json` keeps the last checkpoint, so a later
 * start lists it as interrupted and it can be resumed), its permits are released, and a new thread replaces it.
 * The log files its runs held open were closed by Node as the thread exited ({@link TRACK_UNMANAGED_FDS}).
 */
export class ThreadHost implements EngineHost {
  readonly kind = 'threads';
  private readonly slots: Slot[] = [];
  private readonly runs = new Map<string, Tracked>();
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private nextCall = 0;
  private closing = false;
  /** Threads in a row that died before they were ready: beyond a few, no more are started (it would only loop). */
  private earlyDeaths = 0;
  private readonly now: () => number;

  constructor(private readonly options: ThreadHostOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`a thread host needs at least 1 thread, got ${options.threads}`);
    this.now = options.now ?? Date.now;
    for (let i = 0; i < options.threads; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has built its engine (a failure to build one rejects). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  /** The threads and how many runs each executes (for tests and `/metrics`). */
  threads(): Array<{ threadId: number; runs: number }> {
    return this.slots.map((slot) => ({ threadId: slot.threadId, runs: slot.runs.size }));
  }

  async start(specs: HostRunSpec[]): Promise<HostStartResult[]> {
    const placed = new Map<Slot, HostRunSpec[]>();
    for (const spec of specs) {
      const slot = this.place(spec);
      slot.runs.add(spec.runId);
      if (spec.config.memory) slot.memoryRuns.set(spec.runId, spec.config.ticker);
      const onSlot = placed.get(slot);
      if (onSlot) onSlot.push(spec);
      else placed.set(slot, [spec]);
    }
    const byId = new Map<string, HostStartResult>();
    await Promise.all(
      [...placed].map(async ([slot, runs]) => {
        let results: HostStartResult[];
        try {
          results = (await this.call(slot, { method: 'start', runs })) as HostStartResult[];
        } catch (error) {
          results = runs.map((spec) => ({ run_id: spec.runId, ok: false, error: errorMessage(error) }));
        }
        for (const result of results) {
          byId.set(result.run_id, result);
          if (!result.ok) this.forget(result.run_id, slot);
        }
      }),
    );
    return specs.map((spec) => byId.get(spec.runId)!);
  }

  cancel(runId: string): void {
    const tracked = this.runs.get(runId);
    if (tracked && !tracked.slot.gone) this.post(tracked.slot, { kind: 'cancel', runId });
  }

  release(runId: string): void {
    const tracked = this.runs.get(runId);
    if (tracked && !tracked.slot.gone) this.post(tracked.slot, { kind: 'release', runId });
  }

  async interrupt(runId: string, reason: string): Promise<void> {
    const tracked = this.runs.get(runId);
    if (!tracked) return;
    await this.call(tracked.slot, { method: 'interrupt', runId, reason }).catch(() => {});
  }

  /** Each live engine thread's CPU and event-loop time so far, measured inside the thread. */
  async usage(): Promise<ThreadUsage[]> {
    const live = this.slots.filter((slot) => !slot.gone);
    return (await Promise.all(live.map((slot) => this.call(slot, { method: 'usage' })))) as ThreadUsage[];
  }

  async flush(runId?: string): Promise<void> {
    const tracked = runId === undefined ? undefined : this.runs.get(runId);
    const slots = tracked ? [tracked.slot] : this.slots;
    await Promise.all(slots.map((slot) => this.call(slot, runId === undefined ? { method: 'flush' } : { method: 'flush', runId }).catch(() => {})));
  }

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  limiterSnapshot(): LimiterLayer[] {
    return this.options.limiter.snapshot();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  /** Tests: makes a worker thread fail as an uncaught fault would. */
  crashThread(threadId: number): void {
    const slot = this.slots.find((s) => s.threadId === threadId);
    if (slot) this.post(slot, { kind: 'crash' });
  }

  /** The thread with the fewest runs; a memory-on run goes where its ticker already runs with memory. */
  private place(spec: HostRunSpec): Slot {
    const live = this.slots.filter((s) => !s.gone);
    if (spec.config.memory) {
      const same = live.find((s) => [...s.memoryRuns.values()].includes(spec.config.ticker));
      if (same) return same;
    }
    return live.reduce((best, s) => (s.runs.size < best.runs.size ? s : best), live[0] ?? this.slots[0]!);
  }

  private spawn(): Slot {
    const { entry } = this.options;
    const fromSource = entry.pathname.endsWith('.ts');
    // From TypeScript sources (tests) the worker boots tsx first; built code runs the entry directly.
    const resourceLimits = { maxYoungGenerationSizeMb: ENGINE_THREAD_YOUNG_GENERATION_MB };
    const options = { resourceLimits, trackUnmanagedFds: TRACK_UNMANAGED_FDS };
    const worker = fromSource
      ? new Worker(new URL('./ts-worker-boot.mjs', import.meta.url), { workerData: { ...this.options.workerData, entry: entry.href }, ...options })
      : new Worker(entry, { workerData: this.options.workerData, ...options });
    const ready = deferred<void>();
    const slot: Slot = {
      worker,
      threadId: worker.threadId,
      permits: new PermitServer(this.options.limiter, (message) => this.post(slot, message)),
      runs: new Set(),
      memoryRuns: new Map(),
      calls: new Map(),
      ready: ready.promise,
      gone: false,
    };
    // Awaited by `ready()`; a worker that cannot start also ends through the exit handler below.
    ready.promise.catch(() => {});
    let fault: unknown = null;
    let isReady = false;
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') {
        isReady = true;
        this.earlyDeaths = 0;
        ready.resolve();
      } else this.receive(slot, message);
    });
    worker.on('error', (error) => (fault = error));
    worker.on('exit', (code) => {
      if (!isReady) this.earlyDeaths++;
      ready.reject(new Error(`engine thread ${slot.threadId} exited (code ${code}) before it was ready: ${fault === null ? 'no error' : errorMessage(fault)}`));
      this.lost(slot, fault === null ? `it exited with code ${code}` : errorMessage(fault));
    });
    return slot;
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (slot.permits.receive(message)) return;
    if (message.kind === 'events') {
      // Permits first: the calls they ended are over, and a waiting call may start.
      if (message.permits) for (const note of message.permits) slot.permits.receive(note);
      for (const event of message.events) this.track(slot, event);
      return;
    }
    if (message.kind === 'reply') {
      const call = slot.calls.get(message.id);
      slot.calls.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(message.error));
    }
  }

  /** Passes an event on, keeping what is needed to end the run here if its thread dies. */
  private track(slot: Slot, event: HostEvent): void {
    const tracked = this.runs.get(event.run_id);
    switch (event.type) {
      case 'created':
        this.runs.set(event.run_id, {
          slot,
          dir: event.summary.results_path,
          summary: event.summary,
          usage: event.usage,
          dataSources: event.data_sources,
          lastLogSeq: 0,
        });
        break;
      case 'changed':
        if (tracked) {
          tracked.summary = event.summary;
          if (event.usage) tracked.usage = event.usage;
          if (event.data_sources) tracked.dataSources = event.data_sources;
        }
        break;
      case 'log':
        if (tracked) tracked.lastLogSeq = Math.max(tracked.lastLogSeq, event.entry.seq);
        break;
      case 'finished':
        this.forget(event.run_id, slot);
        break;
      default:
        break;
    }
    this.emit(event);
  }

  private forget(runId: string, slot: Slot): void {
    this.runs.delete(runId);
    slot.runs.delete(runId);
    slot.memoryRuns.delete(runId);
  }

  /** A worker died: its runs end as `error`, its permits and calls are released, and a new thread takes its place. */
  private lost(slot: Slot, cause: string): void {
    if (slot.gone) return;
    slot.gone = true;
    slot.permits.releaseAll();
    for (const call of slot.calls.values()) call.reject(new Error(`the engine thread stopped: ${cause}`));
    slot.calls.clear();
    if (this.closing) return;
    const reason = `internal error: the engine thread running this run stopped (${cause})`;
    const ended = [...this.runs].filter(([, t]) => t.slot === slot);
    for (const [runId, tracked] of ended) this.endLost(runId, tracked, reason);
    const at = this.slots.indexOf(slot);
    if (at >= 0 && this.earlyDeaths < MAX_EARLY_DEATHS) this.slots[at] = this.spawn();
    this.options.onThreadExit?.({ threadId: slot.threadId, reason: cause, runs: ended.map(([id]) => id) });
  }

  /** Ends a run of a dead thread as `error`: an ERROR log line, `error.log`, then its `finished` event. */
  private endLost(runId: string, tracked: Tracked, reason: string): void {
    this.forget(runId, tracked.slot);
    const now = this.now();
    const entry: LogEntry = {
      seq: tracked.lastLogSeq + 1,
      ts: now,
      iso: new Date(now).toISOString(),
      severity: 'ERROR',
      source: 'run',
      agent_id: null,
      message: reason,
    };
    this.emit({ type: 'log', run_id: runId, entry });
    const summary: RunSummary = { ...tracked.summary, status: 'error', error: reason, updated_at: now };
    const finish = () =>
      this.emit({ type: 'finished', run_id: runId, summary, decision: null, error: reason, usage: tracked.usage, data_sources: tracked.dataSources });
    // The event follows the file, as a run's end always does; a file that cannot be written does not hold it up.
    // First the temp files of whole-file writes the death cut short go (this process keeps running, so the
    // start-up sweep would leave them for the next start); before `error.log`, whose own temp file this
    // thread writes, in case the thread ids share their low byte.
    const writeError = () => writeFileAtomic(join(tracked.dir, RUN_FILES.error), `${reason}\n`);
    sweepThreadTempFiles(tracked.dir, tracked.slot.threadId).then(writeError, writeError).then(finish, finish);
  }

  private call(slot: Slot, call: WorkerCall): Promise<unknown> {
    if (slot.gone) return Promise.reject(new Error('the engine thread stopped'));
    const id = ++this.nextCall;
    const reply = deferred<unknown>();
    slot.calls.set(id, reply);
    this.post(slot, { kind: 'call', id, call });
    return reply.promise;
  }

  private post(slot: Slot, message: ToWorker): void {
    if (!slot.gone) slot.worker.postMessage(message);
  }

  private emit(event: HostEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's fault must not stop the other listeners or the thread's messages.
      }
    }
  }
}
