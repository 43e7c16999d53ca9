import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deferred, errorMessage, type Deferred, type LimiterLayer, type QueueSnapshot, type RunConfig, type RunSummary, type RunUsage } from '@tradingfloor/shared';
import { ClusterLimiterView } from '../limiter/cluster-limiter-view.js';
import { discardLog } from '../logs/log-sink.js';
import { queuedRunCreated } from '../runs/queued-run.js';
import { RunExecutor, type RunExecutorOptions } from '../runs/run-executor.js';
import { writeErrorLog } from '../runs/run-persistence.js';
import type { EngineHost, HostEvent, HostHealth, HostRunSpec, HostStartResult } from './host-protocol.js';
import {
  CONTROL_CHANNEL,
  EVENT_FIELD,
  eventStreamKey,
  openRedis,
  RUN_QUEUE,
  type ControlMessage,
  type RunJobData,
  type StreamEvent,
} from './queue-wire.js';
import { listWorkers } from './worker-registry.js';

export interface QueueHostOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** Names this server's event stream; default a fresh id per process. */
  hostId?: string;
  /**
   * `MAX_PARALLEL_RUNS` of a server: set as the queue's global concurrency (runs executing at once across every
   * worker). Left out (the `run` / `backtest` commands) the queue's setting is left as the server made it.
   */
  maxParallelRuns?: number;
  /**
   * What the server executes a run with when it ends one still waiting on the queue (a cancel or a stop of the
   * server): the run is opened held on this process, never begun, and canceled or interrupted, so its files
   * are written exactly as an executing host writes them.
   */
  local: RunExecutorOptions;
}

/** How long `open` waits for Redis to answer before the server refuses to start. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long `/metrics` and `/healthz` wait for Redis before they say it does not answer. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long one XREAD blocks; `close` disconnects, so this bounds nothing but a quiet loop's turns. */
const READ_BLOCK_MS = 5_000;
/** Runs ended here while their job may still be queued (Redis did not answer the removal): kept a while to stop them. */
const ABANDONED_KEPT = 10_000;

/** A run this host put on the queue, until its `finished` event. */
interface QueuedRun {
  spec: HostRunSpec;
  /** Its last summary (the announced one while it waits). */
  summary: RunSummary | null;
  usage: RunUsage | null;
  /** A worker opened it (or this process did, to end it): it is no longer waiting. */
  taken: boolean;
  /** Opened on this process to end it while it waited (cancel, server stop). */
  local: boolean;
  /** Its job's removal from the queue is under way. */
  removing: boolean;
  /** Commands that came while it waited: sent to the worker that opens it. */
  asked: { cancel?: true; release?: true; interrupt?: string };
  end: Deferred<void>;
}

/**
 * The engine host of queue mode (`REDIS_URL`): each run becomes a BullMQ job (job id = run id) that a
 * `tradingfloor worker` process executes with the same `RunExecutor` the engine threads use. Workers send the
 * run's events back on this server's bounded Redis Stream (`XADD MAXLEN ~`), which the host reads with a
 * blocking XREAD on its own connection and passes on in order; cancel, release and interrupt go to every
 * worker over a pub/sub channel and the one executing the run acts on it.
 *
 * `start` resolves once the runs are on the queue: each is announced at once as `pending` with its
 * `queue_position` (1 = taken next) and stays so, with no worker, until one takes it; the positions of the
 * runs behind are pushed as `changed` events as runs are taken. `MAX_PARALLEL_RUNS` is the queue's global
 * concurrency: the runs executing at once on all workers. A run canceled (or interrupted) while it waits is
 * taken off the queue and ended here.
 */
export class QueueHost implements EngineHost {
  readonly kind = 'queue';
  private readonly listeners = new Set<(event: HostEvent) => void>();
  /** Every run started here and not yet finished. */
  private readonly runs = new Map<string, QueuedRun>();
  /** The runs still waiting for a worker, in queue order. */
  private readonly waiting = new Map<string, QueuedRun>();
  /** Runs ended here although their job may still be queued: a worker that opens one is told to cancel it, its events dropped. */
  private readonly abandoned = new Set<string>();
  /** Ends runs that were still waiting (opened held, then canceled or interrupted). */
  private readonly local: RunExecutor;
  private readonly dataSourceOf: (config: RunConfig) => string | null;
  private positionsTimer: NodeJS.Immediate | null = null;
  private readonly stream: string;
  private closed = false;
  private readonly reading: Promise<void>;
  /** The workers' cluster-wide LLM limiter as kept in Redis, read every half second. */
  private readonly limits: ClusterLimiterView;

  private constructor(
    private readonly queue: Queue<RunJobData>,
    private readonly reader: Redis,
    private readonly commands: Redis,
    hostId: string,
    local: RunExecutorOptions,
  ) {
    this.stream = eventStreamKey(hostId);
    this.local = new RunExecutor(local, (event) => this.receive(event));
    const { deps } = local;
    // As the run's LiveRun names it on the worker (same environment), for the board while it waits.
    this.dataSourceOf = (config) => (deps.vendorForRun ? deps.vendorForRun(config, discardLog) : deps.vendor).name;
    this.reading = this.readEvents();
    this.limits = new ClusterLimiterView(commands);
  }

  /** Connects to Redis (rejects with a clear message when it does not answer) and starts reading events. */
  static async open(options: QueueHostOptions): Promise<QueueHost> {
    const reader = openRedis(options.redisUrl);
    const commands = openRedis(options.redisUrl);
    let timer: NodeJS.Timeout | undefined;
    try {
      // ioredis retries a Redis that is down for ever (which BullMQ wants later); the start must not hang on it.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      });
      await Promise.race([Promise.all([reader.ping(), commands.ping()]), timeout]);
    } catch (error) {
      reader.disconnect();
      commands.disconnect();
      throw new Error(`queue mode: Redis at ${options.redisUrl} does not answer: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    const queue = new Queue<RunJobData>(RUN_QUEUE, { connection: commands });
    // Workers take no job beyond it: MAX_PARALLEL_RUNS counts the runs executing on every worker.
    if (options.maxParallelRuns !== undefined) await queue.setGlobalConcurrency(options.maxParallelRuns);
    return new QueueHost(queue, reader, commands, options.hostId ?? randomUUID(), options.local);
  }

  /** Queues every run and announces each at once as `pending` with its queue position; fails them all when Redis refuses the jobs. */
  async start(specs: HostRunSpec[]): Promise<HostStartResult[]> {
    const added = specs.map((spec) => {
      const run: QueuedRun = { spec, summary: null, usage: null, taken: false, local: false, removing: false, asked: {}, end: deferred<void>() };
      this.runs.set(spec.runId, run);
      this.waiting.set(spec.runId, run);
      return run;
    });
    try {
      await this.queue.addBulk(
        specs.map((spec) => ({
          name: 'run',
          data: { spec, stream: this.stream },
          // One job per run, gone once it ends: a resume of the run later queues it again under the same id.
          opts: { jobId: spec.runId, removeOnComplete: true, removeOnFail: true },
        })),
      );
    } catch (error) {
      for (const spec of specs) {
        this.runs.delete(spec.runId);
        this.waiting.delete(spec.runId);
      }
      return specs.map((spec) => ({ run_id: spec.runId, ok: false, error: `could not queue the run: ${errorMessage(error)}` }));
    }
    const positions = this.positions();
    for (const run of added) {
      // A worker may have opened it already (its own `created` announced it).
      if (run.taken) continue;
      const created = queuedRunCreated(run.spec, positions.get(run.spec.runId)!, this.dataSourceOf(run.spec.config));
      run.summary = created.summary;
      run.usage = created.usage;
      this.emit(created);
    }
    return specs.map((spec) => ({ run_id: spec.runId, ok: true }));
  }

  /** Runs waiting for a worker: the queue's length as `MAX_QUEUED_RUNS` counts it. */
  waitingRuns(): number {
    return this.waiting.size;
  }

  cancel(runId: string): void {
    const run = this.runs.get(runId);
    if (run && !run.taken) {
      run.asked.cancel = true;
      this.takeBack(run);
    } else this.control({ kind: 'cancel', runId });
  }

  release(runId: string): void {
    const run = this.runs.get(runId);
    // Not opened yet: the worker that opens it (held) is told with its `created`.
    if (run && !run.taken) run.asked.release = true;
    else this.control({ kind: 'release', runId });
  }

  async interrupt(runId: string, reason: string): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    if (!run.taken) {
      run.asked.interrupt = reason;
      this.takeBack(run);
    } else this.control({ kind: 'interrupt', runId, reason });
    await run.end.promise;
  }

  /** Resolves at once: a worker writes a run's files before it reports the run's `finished` event. */
  async flush(): Promise<void> {}

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cluster-wide limiter layers the workers keep in Redis (as last read, at most ~0.5 s old). */
  limiterSnapshot(): LimiterLayer[] {
    return this.limits.snapshot();
  }

  /** The queue's job counts and the workers alive; `counts: null` with the reason when Redis does not answer. */
  async queueSnapshot(): Promise<QueueSnapshot> {
    try {
      const [counts, workers] = await this.probe(() =>
        Promise.all([this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'), listWorkers(this.commands)]),
      );
      return {
        queue: RUN_QUEUE,
        counts: {
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          prioritized: counts.prioritized ?? 0,
          failed: counts.failed ?? 0,
        },
        workers,
      };
    } catch (error) {
      return { queue: RUN_QUEUE, counts: null, workers: [], error: errorMessage(error) };
    }
  }

  /** One PING's round trip, or why Redis does not answer (for `/healthz`). */
  async health(): Promise<HostHealth> {
    const started = performance.now();
    try {
      await this.probe(() => this.commands.ping());
      return { ok: true, rtt_ms: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  /**
   * Runs a few commands on the command connection, failing fast instead of waiting: with Redis gone ioredis
   * queues commands until it reconnects (the queue wants that), which would hang a health check.
   */
  private async probe<T>(commands: () => Promise<T>): Promise<T> {
    if (this.commands.status !== 'ready') throw new Error(`Redis does not answer (connection ${this.commands.status})`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([commands(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.positionsTimer !== null) clearImmediate(this.positionsTimer);
    await this.limits.stop();
    // Ends the blocking XREAD at once.
    this.reader.disconnect();
    await this.reading;
    await this.queue.close();
    await this.commands.del(this.stream).catch(() => 0);
    await this.commands.quit().catch(() => 'OK');
  }

  private control(message: ControlMessage): void {
    if (this.closed) return;
    void this.commands.publish(CONTROL_CHANNEL, JSON.stringify(message)).catch(() => 0);
  }

  /** Reads this server's stream from its start, in order, until `close`. */
  private async readEvents(): Promise<void> {
    let last = '0-0';
    while (!this.closed) {
      let batch: Array<[string, Array<[string, string[]]>]> | null;
      try {
        batch = await this.reader.xread('COUNT', 1000, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.stream, last);
      } catch {
        // Disconnected by `close`; otherwise ioredis reconnects and the next read continues from `last`.
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const at = fields.indexOf(EVENT_FIELD);
          if (at >= 0 && fields[at + 1] !== undefined) this.receive(JSON.parse(fields[at + 1]!) as StreamEvent);
        }
      }
    }
  }

  private receive(event: StreamEvent): void {
    if (this.abandoned.has(event.run_id)) {
      // Ended here already: never shown again, and stopped where it runs.
      if (event.type === 'created') this.control({ kind: 'cancel', runId: event.run_id });
      if (event.type === 'finished' || event.type === 'open_failed') this.abandoned.delete(event.run_id);
      return;
    }
    let run = this.runs.get(event.run_id);
    if (event.type === 'open_failed') {
      if (run) this.fail(run, event.error);
      return;
    }
    if (event.type === 'created') {
      if (!run) {
        // Not started by this process (a run a worker took over): tracked from here on.
        run = { spec: { runId: event.run_id, config: event.config, dir: event.summary.results_path, createdAt: event.summary.created_at }, summary: null, usage: null, taken: true, local: false, removing: false, asked: {}, end: deferred<void>() };
        this.runs.set(event.run_id, run);
      }
      this.taken(run);
    }
    if (run && (event.type === 'created' || event.type === 'changed' || event.type === 'finished')) {
      run.summary = event.summary;
      if (event.usage) run.usage = event.usage;
    }
    this.emit(event);
    if (event.type === 'created' && run && !run.local) this.sendAsked(run);
    if (event.type === 'finished' && run) {
      this.runs.delete(event.run_id);
      run.end.resolve();
    }
  }

  /** The run left the queue (a worker opened it, or this process is ending it): the runs behind it move up. */
  private taken(run: QueuedRun): void {
    run.taken = true;
    if (this.waiting.delete(run.spec.runId)) this.schedulePositions();
  }

  /** What was asked of the run while it waited, sent to the worker that has now opened it. */
  private sendAsked(run: QueuedRun): void {
    const { asked } = run;
    run.asked = {};
    const runId = run.spec.runId;
    if (asked.cancel) this.control({ kind: 'cancel', runId });
    else if (asked.interrupt !== undefined) this.control({ kind: 'interrupt', runId, reason: asked.interrupt });
    else if (asked.release) this.control({ kind: 'release', runId });
  }

  /**
   * Takes a waiting run's job off the queue and ends the run here. When a worker has taken the job meanwhile
   * (BullMQ refuses to remove a locked job), the command goes to that worker with the run's `created`.
   */
  private takeBack(run: QueuedRun): void {
    if (run.removing) return;
    run.removing = true;
    this.queue.remove(run.spec.runId).then(
      (removed) => {
        run.removing = false;
        if (removed === 1 && !run.taken) void this.endHere(run);
      },
      () => {
        run.removing = false;
        if (run.taken) return;
        // Redis did not answer: the run ends here all the same (a cancel or a stop must not hang), and should a
        // worker take its job later it is told to cancel it.
        this.abandonLater(run.spec.runId);
        void this.endHere(run);
      },
    );
  }

  /** Opens a run that never left the queue on this process, held, and cancels or interrupts it there (its files as a host writes them). */
  private async endHere(run: QueuedRun): Promise<void> {
    run.local = true;
    this.taken(run);
    const { asked } = run;
    run.asked = {};
    const runId = run.spec.runId;
    const [result] = await this.local.start([{ ...run.spec, hold: true }]);
    if (!result!.ok) {
      this.fail(run, 'error' in result! ? result.error : 'could not open the run');
      return;
    }
    if (asked.interrupt !== undefined && !asked.cancel) await this.local.interrupt(runId, asked.interrupt);
    else this.local.cancel(runId);
  }

  /** Ends a run that could not be opened (by a worker, or here) as `error`, with the reason in its `error.log`. */
  private fail(run: QueuedRun, error: string): void {
    this.taken(run);
    const { queue_position: _, ...summary } = run.summary ?? queuedRunCreated(run.spec, 1, null).summary;
    const usage = run.usage ?? queuedRunCreated(run.spec, 1, null).usage;
    void writeErrorLog(run.spec.dir, error);
    this.receive({ type: 'finished', run_id: run.spec.runId, summary: { ...summary, status: 'error', error, updated_at: Date.now() }, decision: null, error, usage, data_sources: {} });
  }

  private abandonLater(runId: string): void {
    this.abandoned.add(runId);
    if (this.abandoned.size > ABANDONED_KEPT) this.abandoned.delete(this.abandoned.keys().next().value!);
  }

  /** Each waiting run's queue position (1 = taken next). */
  private positions(): Map<string, number> {
    const positions = new Map<string, number>();
    let position = 0;
    for (const runId of this.waiting.keys()) positions.set(runId, ++position);
    return positions;
  }

  /** Pushes the new positions of the waiting runs once the current burst of takes is handled. */
  private schedulePositions(): void {
    if (this.positionsTimer !== null || this.closed) return;
    this.positionsTimer = setImmediate(() => {
      this.positionsTimer = null;
      for (const [runId, position] of this.positions()) {
        const run = this.waiting.get(runId)!;
        if (!run.summary || run.summary.queue_position === position) continue;
        run.summary = { ...run.summary, queue_position: position };
        this.emit({ type: 'changed', run_id: runId, summary: run.summary, tree_changes: [], contents: [] });
      }
    });
  }

  private emit(event: HostEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's fault must not stop the stream.
      }
    }
  }
}
