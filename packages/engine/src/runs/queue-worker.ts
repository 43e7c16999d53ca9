import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import { deferred, errorMessage, type Deferred } from '@tradingfloor/shared';
import type { EngineEnv } from '../config/engine-env.js';
import type { HostEvent } from '../host/host-protocol.js';
import { CONTROL_CHANNEL, EVENT_FIELD, EVENT_STREAM_MAXLEN, openRedis, RUN_QUEUE, type ControlMessage, type RunJobData, type StreamEvent } from '../host/queue-wire.js';
import { startWorkerHeartbeat } from '../host/worker-registry.js';
import { RedisLimiter } from '../limiter/redis-limiter.js';
import { DEFAULT_LOG_BUFFER_MAX_LINES } from '../logs/run-log.js';
import { AGENT_STEPS } from '../machine/agent-steps.js';
import { LessonStore } from '../memory/lesson-store.js';
import { createEngineDeps } from './engine-deps.js';
import { takeoverSpec } from './queue-takeover.js';
import { RunExecutor } from './run-executor.js';

export interface QueueWorkerOptions {
  redisUrl: string;
  /** Runs this process executes at once (BullMQ worker concurrency). */
  concurrency: number;
  env: EngineEnv;
  /** The shared results directory (its lessons; each run's own directory comes with its job). */
  resultsDir: string;
  logBufferMaxLines?: number;
  /** BullMQ's job lock (and stalled-job check interval): a job whose worker stops renewing it is handed to another worker after about this. */
  lockDurationMs?: number;
  /** How long an LLM permit outlives a worker that stopped refreshing it (killed); default 10 s. */
  permitLeaseMs?: number;
  log?: (line: string) => void;
  /** How often the worker renews its record in the Redis worker registry (`QUEUE_HEARTBEAT_MS`, default 5 s; it expires after 3). */
  heartbeatMs?: number;
  /** This worker's name in logs and hand-backs (default `<host>:<pid>`). */
  name?: string;
}

/** A running queue worker. */
export interface QueueWorker {
  /** This worker's name (`<host>:<pid>`). */
  readonly name: string;
  /** Runs executing here now. */
  runIds(): string[];
  /**
   * Stops taking jobs and hands the runs under way back to the queue: each is checkpointed (its `state.json`
   * and reports saved, its calls aborted) and its job put back as waiting, so another worker resumes it from
   * there; the server's view of it goes on (no `interrupted` is published). Then disconnects.
   */
  close(reason: string): Promise<void>;
}

/** Which stream a run's events go to; finished runs are kept a while for the log lines a stopped step writes late. */
const STREAMS_KEPT = 10_000;
/** How long putting one job back on the queue may take at a stop (Redis down): the job's lock expiring hands it over anyway. */
const HAND_BACK_TIMEOUT_MS = 5_000;

/**
 * The execution side of queue mode (`tradingfloor worker`): a BullMQ worker whose jobs are runs. Each job's
 * `HostRunSpec` runs through the same {@link RunExecutor} the engine threads use; its events go to the
 * stream named in the job, in order (one connection, commands pipelined in order). Commands from the servers
 * arrive on the control channel and reach the executor, so a cancel aborts in-flight model calls as locally.
 * The job ends when the run's `finished` event is out; the LLM limiter is the cluster-wide `RedisLimiter`.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? (() => {});
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const events = openRedis(options.redisUrl);
  const control = openRedis(options.redisUrl);
  const blocking = openRedis(options.redisUrl);
  const streams = new Map<string, string>();
  const ends = new Map<string, Deferred<void>>();
  /** Runs being handed back at a stop: their `interrupted` end is not published (another worker resumes them). */
  const handingBack = new Set<string>();

  const publish = (stream: string, event: StreamEvent) => {
    events.xadd(stream, 'MAXLEN', '~', String(EVENT_STREAM_MAXLEN), '*', EVENT_FIELD, JSON.stringify(event)).catch((error: unknown) => {
      log(`worker: could not publish an event of run ${event.run_id}: ${errorMessage(error)}`);
    });
  };
  const onEvent = (event: HostEvent) => {
    const stream = streams.get(event.run_id);
    // A run handed back keeps its log lines (the stop is logged) but not its `interrupted` status: it goes on elsewhere.
    const quiet = handingBack.has(event.run_id) && (event.type === 'changed' || event.type === 'finished') && event.summary.status === 'interrupted';
    // One that ended otherwise meanwhile (its final files were being written) ends its job as usual.
    if (event.type === 'finished' && !quiet) handingBack.delete(event.run_id);
    if (stream && !quiet) publish(stream, event);
    if (event.type === 'finished') ends.get(event.run_id)?.resolve();
  };

  const env = options.env;
  // LLM_MAX_CONCURRENCY / LLM_PROVIDER_LIMITS hold across every worker: permits and the adaptive 429 limit live in Redis.
  const limits = openRedis(options.redisUrl);
  const limiter = RedisLimiter.fromEnv(limits, env, { log, ...(options.permitLeaseMs !== undefined ? { leaseMs: options.permitLeaseMs } : {}) });
  const executor = new RunExecutor(
    {
      deps: createEngineDeps(env, { limiter }),
      steps: AGENT_STEPS,
      logBufferMaxLines: options.logBufferMaxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES,
      now: Date.now,
      lessonStore: new LessonStore(options.resultsDir),
      // Every record is serialised to the stream at once, its summary read: a lazy one only costs more.
      eagerSummaries: true,
    },
    onEvent,
  );

  await control.subscribe(CONTROL_CHANNEL);
  control.on('message', (_channel: string, text: string) => {
    let message: ControlMessage;
    try {
      message = JSON.parse(text) as ControlMessage;
    } catch {
      return;
    }
    // Every worker hears every command; only the one executing the run acts.
    if (!executor.runIds().includes(message.runId)) return;
    if (message.kind === 'probe') {
      const stream = streams.get(message.runId);
      if (stream) publish(stream, { type: 'alive', run_id: message.runId });
    } else if (message.kind === 'announce') executor.announce(message.runId);
    else if (message.kind === 'cancel') {
      try {
        executor.cancel(message.runId);
      } catch {
        // Ended meanwhile: a cancel that comes too late changes nothing.
      }
    } else if (message.kind === 'release') executor.release(message.runId);
    else void executor.interrupt(message.runId, message.reason);
  });

  const worker = new Worker<RunJobData>(
    RUN_QUEUE,
    async (job, token) => {
      const { stream } = job.data;
      let spec = job.data.spec;
      streams.set(spec.runId, stream);
      if (job.data.taken) {
        // Another worker had this run and stopped renewing its lock (killed): resume it from its state.json.
        try {
          spec = await takeoverSpec(spec);
        } catch (error) {
          log(`worker: cannot take over run ${spec.runId}: ${errorMessage(error)}`);
          publish(stream, { type: 'open_failed', run_id: spec.runId, error: errorMessage(error) });
          return;
        }
        const from = job.data.handedBackBy ? `handed back by worker ${job.data.handedBackBy}` : 'from a worker that stopped';
        log(`worker: took over run ${spec.runId} ${from}; resuming it from state.json`);
      } else {
        // Marked before the run opens, so a worker that takes the job over after this one dies resumes it.
        await job.updateData({ ...job.data, taken: true });
      }
      if (streams.size > STREAMS_KEPT) streams.delete(streams.keys().next().value!);
      const end = deferred<void>();
      ends.set(spec.runId, end);
      try {
        const [result] = await executor.start([spec]);
        if (!result!.ok) {
          publish(stream, { type: 'open_failed', run_id: spec.runId, error: 'error' in result! ? result.error : 'could not open the run' });
          return;
        }
        await end.promise;
      } finally {
        ends.delete(spec.runId);
      }
      if (handingBack.delete(spec.runId)) {
        // Checkpointed at the stop: back on the queue (as taken), for another worker to resume from state.json.
        await handBack(job, token);
        throw new WaitingError();
      }
    },
    {
      connection: blocking,
      concurrency: options.concurrency,
      ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {}),
    },
  );
  worker.on('error', (error) => log(`worker: ${errorMessage(error)}`));
  await worker.waitUntilReady();
  // Listed by the servers' /metrics from here on; the record goes with `close`, or expires if the process dies.
  const heartbeat = await startWorkerHeartbeat(events, {
    concurrency: options.concurrency,
    runs: () => executor.runIds(),
    ...(options.heartbeatMs !== undefined ? { intervalMs: options.heartbeatMs } : {}),
    log,
  });

  /** Puts a checkpointed run's job back as waiting; when Redis does not answer, its lock expiring hands it over instead. */
  const handBack = async (job: Job<RunJobData>, token: string | undefined) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${HAND_BACK_TIMEOUT_MS} ms`)), HAND_BACK_TIMEOUT_MS);
    });
    try {
      await Promise.race([(async () => {
        await job.updateData({ ...job.data, taken: true, handedBackBy: name });
        await job.moveToWait(token);
      })(), timeout]);
      log(`worker: handed run ${job.data.spec.runId} back to the queue; another worker resumes it from state.json`);
    } catch (error) {
      log(`worker: could not hand run ${job.data.spec.runId} back (${errorMessage(error)}); another worker takes it over once its lock expires`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    name,
    runIds: () => executor.runIds(),
    async close(reason) {
      // No new jobs from here on; the runs under way are checkpointed and handed back to the queue.
      const closing = worker.close();
      const runIds = executor.runIds();
      for (const runId of runIds) handingBack.add(runId);
      await Promise.all(runIds.map((runId) => executor.interrupt(runId, `handed back to the queue by worker ${name} (${reason}); another worker resumes it`)));
      await closing;
      await executor.flush();
      await limiter.close();
      await limits.quit().catch(() => 'OK');
      await heartbeat.stop().catch((error: unknown) => log(`worker: heartbeat record not removed: ${errorMessage(error)}`));
      await events.quit().catch(() => 'OK');
      await control.quit().catch(() => 'OK');
      await blocking.quit().catch(() => 'OK');
    },
  };
}
