import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deferred, errorMessage, type Deferred, type LimiterLayer, type QueueSnapshot } from '@tradingfloor/shared';
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
  /** How long `start` waits for a worker to open a run before it reports the run as failed (default 60 s). */
  openTimeoutMs?: number;
}

const DEFAULT_OPEN_TIMEOUT_MS = 60_000;
/** How long `open` waits for Redis to answer before the server refuses to start. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long `/metrics` and `/healthz` wait for Redis before they say it does not answer. */
const PROBE_TIMEOUT_MS = 2_000;
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
 */
export class QueueHost implements EngineHost {
  readonly kind = 'queue';
  private readonly listeners = new Set<(event: HostEvent) => void>();
  /** Runs queued and not yet opened by a worker. */
  private readonly opening = new Map<string, Deferred<HostStartResult>>();
  /** Runs `start` gave up on (no worker in time): a worker that opens one later is told to cancel it, its events dropped. */
  private readonly abandoned = new Set<string>();
  /** Runs opened and not yet finished: resolved by their `finished` event. */
  private readonly live = new Map<string, Deferred<void>>();
  private readonly stream: string;
  private readonly openTimeoutMs: number;
  private closed = false;
  private readonly reading: Promise<void>;

  private constructor(
    private readonly queue: Queue<RunJobData>,
    private readonly reader: Redis,
    private readonly commands: Redis,
    hostId: string,
    openTimeoutMs: number,
  ) {
    this.stream = eventStreamKey(hostId);
    this.openTimeoutMs = openTimeoutMs;
    this.reading = this.readEvents();
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
    return new QueueHost(queue, reader, commands, options.hostId ?? randomUUID(), options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS);
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
    return Promise.all(specs.map((spec, i) => this.opened(spec.runId, waits[i]!)));
  }

  /** Waits for a worker to open the run, or takes it off the queue when none does in time. */
  private async opened(runId: string, wait: Deferred<HostStartResult>): Promise<HostStartResult> {
    const timer = setTimeout(() => {
      if (!this.opening.delete(runId)) return;
      // No worker took it in time; one may be opening it right now, so its `created` is refused below.
      this.abandoned.add(runId);
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
    const end = this.live.get(runId);
    if (!end) return;
    this.control({ kind: 'interrupt', runId, reason });
    await end.promise;
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
    for (const [runId, wait] of this.opening) wait.resolve({ run_id: runId, ok: false, error: 'the server is shutting down' });
    this.opening.clear();
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
      // Reported failed to the RunManager already: never announced here, and stopped where it runs.
      if (event.type === 'created') this.control({ kind: 'cancel', runId: event.run_id });
      if (event.type === 'finished' || event.type === 'open_failed') this.abandoned.delete(event.run_id);
      return;
    }
    if (event.type === 'open_failed') {
      this.opening.get(event.run_id)?.resolve({ run_id: event.run_id, ok: false, error: event.error });
      this.opening.delete(event.run_id);
      return;
    }
    if (event.type === 'created') {
      if (!this.live.has(event.run_id)) this.live.set(event.run_id, deferred<void>());
      // Announced first, so the run is listed before `start` resolves.
      this.emit(event);
      this.opening.get(event.run_id)?.resolve({ run_id: event.run_id, ok: true });
      this.opening.delete(event.run_id);
      return;
    }
    this.emit(event);
    if (event.type === 'finished') {
      this.live.get(event.run_id)?.resolve();
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
