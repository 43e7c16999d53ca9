import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deferred, errorMessage, type Deferred, type LimiterLayer, type QueueSnapshot, type RunConfig, type RunSummary, type RunUsage } from '@tradingfloor/shared';
import { ClusterLimiterView } from '../limiter/cluster-limiter-view.js';
import { discardLog } from '../logs/log-sink.js';
import { queuedRunCreated } from './queued-run.js';
import { RunExecutor, type RunExecutorOptions } from './run-executor.js';
import { writeErrorLog } from './run-persistence.js';
import type { EngineHost, HostEvent, HostHealth, HostRunSpec, HostStartResult } from '../host/host-protocol.js';
import { JobWatch } from '../host/queue-job-watch.js';
import { QueueStatus } from '../host/queue-status.js';
import { WaitingLine } from '../host/waiting-line.js';
import {
  CONTROL_CHANNEL,
  EVENT_FIELD,
  eventStreamKey,
  openRedis,
  RUN_QUEUE,
  streamCursorKey,
  type ControlMessage,
  type RunJobData,
  type StreamEvent,
} from '../host/queue-wire.js';

export interface QueueHostOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /**
   * The server's stable identity (`serve`: `SERVER_ID`, else derived from its results directory): its stream
   * is kept when it stops, the last entry it consumed is kept in Redis, and a restart reads on from there and
   * re-attaches the runs still queued or executing (`reattach`); a graceful stop leaves them to the workers.
   * Left out (`tradingfloor run`, tests): a fresh id per process, its stream deleted on `close`.
   */
  serverId?: string;
  /** How often the jobs of the runs queued or under way are checked for having vanished (default 5 s). */
  jobCheckMs?: number;
  /** How long `reattach` waits for the workers to announce the runs they execute (default 10 s). */
  reattachWaitMs?: number;
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

const DEFAULT_JOB_CHECK_MS = 5_000;
const DEFAULT_REATTACH_WAIT_MS = 10_000;
/** How a run under way whose job vanished, with no worker executing it, ends: interrupted (resumable from its state.json). */
const LOST_RUN =
  'its queue job vanished and no worker is executing it (did Redis restart without persistence, or the worker die with it?); resume it to continue from its last saved step';
/** How a run still waiting whose job vanished ends. */
const LOST_WAITING_RUN = 'its queue job vanished before a worker took it (did Redis restart without persistence?); start it again';
/** How long `open` waits for Redis to answer before the server refuses to start. */
const CONNECT_TIMEOUT_MS = 10_000;
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
  dataSources: Record<string, string>;
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
 *
 * Durability (docs/scale-out.md): with a `serverId` the stream and a cursor into it outlive the process and
 * `reattach` brings back the runs still queued or executing; a {@link JobWatch} ends clearly the runs whose
 * job vanished (a Redis restart) and that no worker executes.
 */
export class QueueHost implements EngineHost {
  readonly kind = 'queue';
  private readonly listeners = new Set<(event: HostEvent) => void>();
  /** Every run started here and not yet finished. */
  private readonly runs = new Map<string, QueuedRun>();
  /** The runs still waiting for a worker, in queue order. */
  private readonly waiting = new WaitingLine<QueuedRun>((run, position) => this.moved(run, position));
  /** Runs ended here although their job may still be queued: a worker that opens one is told to cancel it, its events dropped. */
  private readonly abandoned = new Set<string>();
  /** Runs `reattach` asked the workers to announce, until their `created` event. */
  private readonly announcing = new Map<string, Deferred<void>>();
  /** Runs declared lost: what a worker still sends of them is dropped, but for a new `created` (a resume). */
  private readonly lost = new Set<string>();
  private readonly jobs: JobWatch;
  readonly outlivesServer: boolean;
  /** Ends runs that were still waiting (opened held, then canceled or interrupted). */
  private readonly local: RunExecutor;
  private readonly dataSourceOf: (config: RunConfig) => string | null;
  private readonly stream: string;
  private closed = false;
  private readonly reading: Promise<void>;
  /** The workers' cluster-wide LLM limiter as kept in Redis, read every half second. */
  private readonly limits: ClusterLimiterView;
  private readonly status: QueueStatus;

  private constructor(
    private readonly queue: Queue<RunJobData>,
    private readonly reader: Redis,
    private readonly commands: Redis,
    serverId: string,
    private readonly options: QueueHostOptions,
    cursor: string,
  ) {
    this.stream = eventStreamKey(serverId);
    this.outlivesServer = options.serverId !== undefined;
    const { local } = options;
    this.local = new RunExecutor(local, (event) => this.receive(event));
    const { deps } = local;
    // As the run's LiveRun names it on the worker (same environment), for the board while it waits.
    this.dataSourceOf = (config) => (deps.vendorForRun ? deps.vendorForRun(config, discardLog) : deps.vendor).name;
    this.jobs = new JobWatch({
      intervalMs: options.jobCheckMs ?? DEFAULT_JOB_CHECK_MS,
      ids: () => [...this.runs.values()].flatMap((run) => (run.local ? [] : [run.spec.runId])),
      jobsGone: async (ids) => {
        const states = await Promise.all(ids.map((id) => this.queue.getJobState(id)));
        return ids.filter((_, i) => states[i] === 'unknown');
      },
      probe: (runId) => this.control({ kind: 'probe', runId }),
      lost: (runId) => this.runLost(runId),
    });
    this.jobs.start();
    this.reading = this.readEvents(cursor);
    this.limits = new ClusterLimiterView(commands);
    this.status = new QueueStatus(queue, commands);
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
    const serverId = options.serverId ?? randomUUID();
    // A server with a stable identity reads on from the last entry it consumed before it stopped.
    const cursor = (options.serverId !== undefined ? await commands.get(streamCursorKey(eventStreamKey(serverId))) : null) ?? '0-0';
    return new QueueHost(queue, reader, commands, serverId, options, cursor);
  }

  /**
   * Re-attaches this server's runs from before it started: the ones still waiting on the queue are announced
   * `pending` with their positions, as when they were started; the workers executing the others are asked to
   * announce them again, and their `created` events are waited for (up to `reattachWaitMs`). Resolves with the
   * ids of the runs it holds (announced or not): none of them may be listed from disk as `interrupted`.
   */
  async reattach(): Promise<string[]> {
    if (!this.outlivesServer) return [];
    const mine = (jobs: Array<{ id?: string | undefined; data: RunJobData } | undefined>) =>
      jobs.flatMap((job) => (job?.id !== undefined && job.data?.stream === this.stream ? [job.data.spec] : []));
    const [active, waiting] = await Promise.all([
      this.queue.getJobs(['active']).then(mine),
      // Oldest first: the order workers take them in.
      this.queue.getJobs(['prioritized', 'waiting', 'delayed'], 0, -1, true).then(mine),
    ]);
    this.announceWaiting(waiting.map((spec) => this.track(spec)));
    const waits = active.map((spec) => {
      const wait = deferred<void>();
      this.announcing.set(spec.runId, wait);
      this.control({ kind: 'announce', runId: spec.runId });
      return wait.promise;
    });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.reattachWaitMs ?? DEFAULT_REATTACH_WAIT_MS)));
    await Promise.race([Promise.all(waits), bound]);
    clearTimeout(timer);
    this.announcing.clear();
    return [...waiting, ...active].map((spec) => spec.runId);
  }

  /** A run this host now follows, waiting for a worker until one opens it. */
  private track(spec: HostRunSpec): QueuedRun {
    const run: QueuedRun = { spec, summary: null, usage: null, dataSources: {}, taken: false, local: false, removing: false, asked: {}, end: deferred<void>() };
    this.runs.set(spec.runId, run);
    this.waiting.add(spec.runId, run);
    return run;
  }

  /** Announces runs waiting on the queue as `pending` with their queue positions. */
  private announceWaiting(runs: QueuedRun[]): void {
    const positions = this.waiting.positions();
    for (const run of runs) {
      // A worker may have opened it already (its own `created` announced it).
      if (run.taken) continue;
      const created = queuedRunCreated(run.spec, positions.get(run.spec.runId)!, this.dataSourceOf(run.spec.config));
      run.summary = created.summary;
      run.usage = created.usage;
      this.emit(created);
    }
  }

  /** Queues every run and announces each at once as `pending` with its queue position; fails them all when Redis refuses the jobs. */
  async start(specs: HostRunSpec[]): Promise<HostStartResult[]> {
    const added = specs.map((spec) => this.track(spec));
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
        this.waiting.drop(spec.runId);
      }
      return specs.map((spec) => ({ run_id: spec.runId, ok: false, error: `could not queue the run: ${errorMessage(error)}` }));
    }
    this.announceWaiting(added);
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

  /** The queue's job counts and the workers alive (`/metrics`). */
  queueSnapshot(): Promise<QueueSnapshot> {
    return this.status.snapshot();
  }

  /** Redis's round trip, or why it does not answer (`/healthz`). */
  health(): Promise<HostHealth> {
    return this.status.health();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.jobs.stop();
    this.waiting.stop();
    await this.limits.stop();
    // Ends the blocking XREAD at once.
    this.reader.disconnect();
    await this.reading;
    await this.queue.close();
    // A server with a stable identity keeps its stream (workers go on writing to it) for its restart to read.
    if (!this.outlivesServer) await this.commands.del(this.stream).catch(() => 0);
    await this.commands.quit().catch(() => 'OK');
  }

  private control(message: ControlMessage): void {
    if (this.closed) return;
    void this.commands.publish(CONTROL_CHANNEL, JSON.stringify(message)).catch(() => 0);
  }

  /**
   * Reads this server's stream after `from`, in order, until `close`. A server with a stable identity keeps
   * the id of the last entry it consumed in Redis after every batch, for its restart. After a restart of Redis
   * (without persistence) the stream starts again empty and its new ids are later than `last` (they are times).
   */
  private async readEvents(from: string): Promise<void> {
    let last = from;
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
      if (batch && this.outlivesServer && !this.closed) void this.commands.set(streamCursorKey(this.stream), last).catch(() => 'OK');
    }
  }

  /**
   * The run's job vanished and no worker answered for it: a run still waiting ends `error`; a run under way
   * ends `interrupted` with the reason (its last `state.json` is on disk: resumable), and a worker that still
   * has it after all is told to stop it, so it never executes twice.
   */
  private runLost(runId: string): void {
    const run = this.runs.get(runId);
    if (!run || run.local) return;
    if (!run.taken) {
      this.fail(run, LOST_WAITING_RUN);
      this.abandonLater(runId);
      return;
    }
    this.lost.add(runId);
    this.control({ kind: 'interrupt', runId, reason: 'its queue job vanished' });
    const summary = run.summary ?? queuedRunCreated(run.spec, 1, null).summary;
    const usage = run.usage ?? queuedRunCreated(run.spec, 1, null).usage;
    this.receiveRun({
      type: 'finished',
      run_id: runId,
      summary: { ...summary, status: 'interrupted', error: LOST_RUN, updated_at: Math.max(Date.now(), summary.updated_at) },
      decision: null,
      error: LOST_RUN,
      usage,
      data_sources: run.dataSources,
    });
  }

  private receive(event: StreamEvent): void {
    if (event.type === 'alive') {
      this.jobs.alive(event.run_id);
      return;
    }
    if (this.lost.has(event.run_id)) {
      // Declared lost already; only a new announcement (a resume elsewhere) brings it back.
      if (event.type !== 'created') return;
      this.lost.delete(event.run_id);
    }
    if (this.abandoned.has(event.run_id)) {
      // Ended here already: never shown again, and stopped where it runs.
      if (event.type === 'created') this.control({ kind: 'cancel', runId: event.run_id });
      if (event.type === 'finished' || event.type === 'open_failed') this.abandoned.delete(event.run_id);
      return;
    }
    if (event.type === 'open_failed') {
      const run = this.runs.get(event.run_id);
      if (run) this.fail(run, run.taken && run.summary?.status !== 'pending' ? `could not be resumed on another worker: ${event.error}` : event.error);
      return;
    }
    this.receiveRun(event);
  }

  private receiveRun(event: HostEvent): void {
    let run = this.runs.get(event.run_id);
    if (event.type === 'created') {
      if (!run) {
        // Not started by this process (a run a worker took over): tracked from here on.
        run = { spec: { runId: event.run_id, config: event.config, dir: event.summary.results_path, createdAt: event.summary.created_at }, summary: null, usage: null, dataSources: {}, taken: true, local: false, removing: false, asked: {}, end: deferred<void>() };
        this.runs.set(event.run_id, run);
      }
      this.taken(run);
    }
    if (run && (event.type === 'created' || event.type === 'changed' || event.type === 'finished')) {
      run.summary = event.summary;
      if (event.usage) run.usage = event.usage;
      if (event.data_sources) run.dataSources = event.data_sources;
    }
    this.emit(event);
    if (event.type === 'created') {
      if (run && !run.local) this.sendAsked(run);
      this.announcing.get(event.run_id)?.resolve();
      this.announcing.delete(event.run_id);
    }
    if (event.type === 'finished' && run) {
      this.runs.delete(event.run_id);
      run.end.resolve();
    }
  }

  /** The run left the queue (a worker opened it, or this process is ending it): the runs behind it move up. */
  private taken(run: QueuedRun): void {
    run.taken = true;
    this.waiting.take(run.spec.runId);
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
    this.receiveRun({ type: 'finished', run_id: run.spec.runId, summary: { ...summary, status: 'error', error, updated_at: Date.now() }, decision: null, error, usage, data_sources: run.dataSources });
  }

  private abandonLater(runId: string): void {
    this.abandoned.add(runId);
    if (this.abandoned.size > ABANDONED_KEPT) this.abandoned.delete(this.abandoned.keys().next().value!);
  }

  /** A waiting run's new queue position, pushed to the clients when it changed. */
  private moved(run: QueuedRun, position: number): void {
    if (!run.summary || run.summary.queue_position === position) return;
    run.summary = { ...run.summary, queue_position: position };
    this.emit({ type: 'changed', run_id: run.spec.runId, summary: run.summary, tree_changes: [], contents: [] });
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
