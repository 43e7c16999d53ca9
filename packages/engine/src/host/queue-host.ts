import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deferred, errorMessage, type Deferred, type LimiterLayer, type RunSummary, type RunUsage } from '@tradingfloor/shared';
import type { EngineHost, HostEvent, HostRunSpec, HostStartResult } from './host-protocol.js';
import { JobWatch } from './queue-job-watch.js';
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
} from './queue-wire.js';

export interface QueueHostOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /**
   * The server's stable identity (`serve`: `SERVER_ID`, else derived from its results directory): its stream
   * is kept when it stops, the last entry it consumed is kept in Redis, and a restart reads on from there and
   * re-attaches the runs still executing (`reattach`); a graceful stop leaves runs executing on the workers.
   * Left out (`tradingfloor run`, tests): a fresh id per process, its stream deleted on `close`.
   */
  serverId?: string;
  /** How long `start` waits for a worker to open a run before it reports the run as failed (default 60 s). */
  openTimeoutMs?: number;
  /** How often the jobs of the runs under way are checked for having vanished (default 5 s). */
  jobCheckMs?: number;
  /** How long `reattach` waits for the workers to announce the runs they execute (default 10 s). */
  reattachWaitMs?: number;
}

/** What the host last heard of a run under way: what a `finished` event needs if the run is lost. */
interface LiveRunState {
  end: Deferred<void>;
  summary: RunSummary;
  usage: RunUsage;
  dataSources: Record<string, string>;
}

const DEFAULT_OPEN_TIMEOUT_MS = 60_000;
const DEFAULT_JOB_CHECK_MS = 5_000;
const DEFAULT_REATTACH_WAIT_MS = 10_000;
/** How a run whose job vanished, with no worker executing it, ends: interrupted (resumable from its state.json). */
const LOST_RUN =
  'its queue job vanished and no worker is executing it (did Redis restart without persistence, or the worker die with it?); resume it to continue from its last saved step';
/** How long `open` waits for Redis to answer before the server refuses to start. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long one XREAD blocks; `close` disconnects, so this bounds nothing but a quiet loop's turns. */
const READ_BLOCK_MS = 5_000;

/**
 * The engine host of queue mode (`REDIS_URL`): each run becomes a BullMQ job (job id = run id) that a
 * `tradingfloor worker` process executes with the same `RunExecutor` the engine threads use. Workers send the
 * run's events back on this server's bounded Redis Stream (`XADD MAXLEN ~`), which the host reads with a
 * blocking XREAD on its own connection and passes on in order; cancel, release and interrupt go to every
 * worker over a pub/sub channel and the one executing the run acts on it.
 *
 * `start` resolves once a worker has opened each run (its `created` event came back), so a run is listed
 * as soon as `POST /runs` answers, as in the embedded modes; a run no worker opens within `openTimeoutMs`
 * is taken off the queue and reported as failed.
 *
 * Durability (docs/scale-out.md): with a `serverId` the stream and a cursor into it outlive the process and
 * `reattach` brings back the runs still executing; a {@link JobWatch} ends clearly the runs whose job
 * vanished (a Redis restart) and that no worker executes.
 */
export class QueueHost implements EngineHost {
  readonly kind = 'queue';
  private readonly listeners = new Set<(event: HostEvent) => void>();
  /** Runs queued and not yet opened by a worker. */
  private readonly opening = new Map<string, Deferred<HostStartResult>>();
  /** Runs `start` gave up on (no worker in time): a worker that opens one later is told to cancel it, its events dropped. */
  private readonly abandoned = new Set<string>();
  /** Runs opened and not yet finished: `end` is resolved by their `finished` event. */
  private readonly live = new Map<string, LiveRunState>();
  /** Runs on the queue (added) that no worker has opened yet: watched by `jobs` like the live ones. */
  private readonly queued = new Set<string>();
  /** Runs `reattach` asked the workers to announce, until their `created` event. */
  private readonly announcing = new Map<string, Deferred<void>>();
  /** Runs declared lost: what a worker still sends of them is dropped, but for a new `created` (a resume). */
  private readonly lost = new Set<string>();
  private readonly stream: string;
  private readonly openTimeoutMs: number;
  private readonly jobs: JobWatch;
  private closed = false;
  private readonly reading: Promise<void>;
  readonly outlivesServer: boolean;

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
    this.openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    this.jobs = new JobWatch({
      intervalMs: options.jobCheckMs ?? DEFAULT_JOB_CHECK_MS,
      ids: () => [...this.queued, ...this.live.keys()],
      jobsGone: async (ids) => {
        const states = await Promise.all(ids.map((id) => this.queue.getJobState(id)));
        return ids.filter((_, i) => states[i] === 'unknown');
      },
      probe: (runId) => this.control({ kind: 'probe', runId }),
      lost: (runId) => this.runLost(runId),
    });
    this.jobs.start();
    this.reading = this.readEvents(cursor);
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
    const serverId = options.serverId ?? randomUUID();
    // A server with a stable identity reads on from the last entry it consumed before it stopped.
    const cursor = (options.serverId !== undefined ? await commands.get(streamCursorKey(eventStreamKey(serverId))) : null) ?? '0-0';
    return new QueueHost(queue, reader, commands, serverId, options, cursor);
  }

  /**
   * Re-attaches the runs still executing for this server from before it started (its jobs are active): asks
   * their workers to announce them again and waits for their `created` events (up to `reattachWaitMs`).
   * Resolves with the runs it holds but did not announce: still queued, or not answered in time.
   */
  async reattach(): Promise<string[]> {
    if (!this.outlivesServer) return [];
    const mine = (jobs: Array<{ id?: string | undefined; data: RunJobData } | undefined>) =>
      jobs.flatMap((job) => (job?.id !== undefined && job.data?.stream === this.stream ? [job.id] : []));
    const [active, waiting] = await Promise.all([
      this.queue.getJobs(['active']).then(mine),
      this.queue.getJobs(['waiting', 'delayed', 'prioritized']).then(mine),
    ]);
    const waits = active.map((runId) => {
      const wait = deferred<void>();
      this.announcing.set(runId, wait);
      this.control({ kind: 'announce', runId });
      return wait.promise;
    });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.reattachWaitMs ?? DEFAULT_REATTACH_WAIT_MS)));
    await Promise.race([Promise.all(waits), bound]);
    clearTimeout(timer);
    const unanswered = [...this.announcing.keys()];
    this.announcing.clear();
    // Watched like runs this server queued: one whose job vanishes meanwhile is not waited for in vain.
    for (const runId of [...waiting, ...unanswered]) this.queued.add(runId);
    return [...waiting, ...unanswered];
  }

  async start(specs: HostRunSpec[]): Promise<HostStartResult[]> {
    const waits = specs.map((spec) => {
      const wait = deferred<HostStartResult>();
      this.opening.set(spec.runId, wait);
      return wait;
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
      for (const spec of specs) this.opening.delete(spec.runId);
      return specs.map((spec) => ({ run_id: spec.runId, ok: false, error: `could not queue the run: ${errorMessage(error)}` }));
    }
    for (const spec of specs) if (this.opening.has(spec.runId)) this.queued.add(spec.runId);
    return Promise.all(specs.map((spec, i) => this.opened(spec.runId, waits[i]!)));
  }

  /** Waits for a worker to open the run, or takes it off the queue when none does in time. */
  private async opened(runId: string, wait: Deferred<HostStartResult>): Promise<HostStartResult> {
    const timer = setTimeout(() => {
      if (!this.opening.delete(runId)) return;
      // No worker took it in time; one may be opening it right now, so its `created` is refused below.
      this.abandoned.add(runId);
      this.queued.delete(runId);
      void this.queue.remove(runId).catch(() => 0);
      wait.resolve({ run_id: runId, ok: false, error: `no queue worker opened the run within ${this.openTimeoutMs} ms (is a "tradingfloor worker" running against this Redis?)` });
    }, this.openTimeoutMs);
    try {
      return await wait.promise;
    } finally {
      clearTimeout(timer);
    }
  }

  cancel(runId: string): void {
    this.control({ kind: 'cancel', runId });
  }

  release(runId: string): void {
    this.control({ kind: 'release', runId });
  }

  async interrupt(runId: string, reason: string): Promise<void> {
    const run = this.live.get(runId);
    if (!run) return;
    this.control({ kind: 'interrupt', runId, reason });
    await run.end.promise;
  }

  /** Resolves at once: a worker writes a run's files before it reports the run's `finished` event. */
  async flush(): Promise<void> {}

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Empty: the limiters live in the worker processes (one per worker, not aggregated here yet). */
  limiterSnapshot(): LimiterLayer[] {
    return [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.jobs.stop();
    for (const [runId, wait] of this.opening) wait.resolve({ run_id: runId, ok: false, error: 'the server is shutting down' });
    this.opening.clear();
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
   * Reads this server's stream after `last`, in order, until `close`. A server with a stable identity keeps
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
   * The run's job vanished and no worker answered for it: a run not yet opened fails its start; a run under
   * way ends `interrupted` with the reason (its last `state.json` is on disk: resumable), and a worker that
   * still has it after all is told to stop it, so it never executes twice.
   */
  private runLost(runId: string): void {
    this.queued.delete(runId);
    const wait = this.opening.get(runId);
    if (wait) {
      this.opening.delete(runId);
      this.abandoned.add(runId);
      wait.resolve({ run_id: runId, ok: false, error: 'its queue job vanished before a worker opened it (did Redis restart without persistence?)' });
      return;
    }
    const run = this.live.get(runId);
    if (!run) return;
    this.lost.add(runId);
    this.control({ kind: 'interrupt', runId, reason: 'its queue job vanished' });
    this.receiveRun(endOf(runId, run, 'interrupted', LOST_RUN));
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
      // Reported failed to the RunManager already: never announced here, and stopped where it runs.
      this.queued.delete(event.run_id);
      if (event.type === 'created') this.control({ kind: 'cancel', runId: event.run_id });
      if (event.type === 'finished' || event.type === 'open_failed') this.abandoned.delete(event.run_id);
      return;
    }
    if (event.type === 'open_failed') {
      this.queued.delete(event.run_id);
      this.opening.get(event.run_id)?.resolve({ run_id: event.run_id, ok: false, error: event.error });
      this.opening.delete(event.run_id);
      // A run under way that a worker could not take over (its state.json cannot be resumed) ends here, with why.
      const run = this.live.get(event.run_id);
      if (run) this.receiveRun(endOf(event.run_id, run, 'error', `could not be resumed on another worker: ${event.error}`));
      return;
    }
    this.receiveRun(event);
  }

  private receiveRun(event: HostEvent): void {
    if (event.type === 'created') {
      this.queued.delete(event.run_id);
      const run = this.live.get(event.run_id);
      const heard = { summary: event.summary, usage: event.usage, dataSources: event.data_sources };
      if (run) Object.assign(run, heard);
      else this.live.set(event.run_id, { end: deferred<void>(), ...heard });
      // Announced first, so the run is listed before `start` resolves.
      this.emit(event);
      this.opening.get(event.run_id)?.resolve({ run_id: event.run_id, ok: true });
      this.opening.delete(event.run_id);
      this.announcing.get(event.run_id)?.resolve();
      this.announcing.delete(event.run_id);
      return;
    }
    const run = this.live.get(event.run_id);
    if (run && event.type === 'changed') {
      run.summary = event.summary;
      if (event.usage) run.usage = event.usage;
      if (event.data_sources) run.dataSources = event.data_sources;
    }
    this.emit(event);
    if (event.type === 'finished') {
      run?.end.resolve();
      this.live.delete(event.run_id);
    }
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

/** The `finished` event the host reports itself for a run no worker will end: its last known state, `status`, and why. */
function endOf(runId: string, run: LiveRunState, status: 'error' | 'interrupted', error: string): HostEvent {
  const summary: RunSummary = { ...run.summary, status, error, updated_at: Math.max(Date.now(), run.summary.updated_at) };
  return { type: 'finished', run_id: runId, summary, decision: null, error, usage: run.usage, data_sources: run.dataSources };
}
