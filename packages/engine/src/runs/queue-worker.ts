import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { deferred, errorMessage, type Deferred } from '@tradingfloor/shared';
import type { EngineEnv } from '../config/engine-env.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
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
}

/** A running queue worker. */
export interface QueueWorker {
  /** Runs executing here now. */
  runIds(): string[];
  /** Stops taking jobs, interrupts the runs under way (saved for a resume) and disconnects. */
  close(reason: string): Promise<void>;
}

/** Which stream a run's events go to; finished runs are kept a while for the log lines a stopped step writes late. */
const STREAMS_KEPT = 10_000;

/** Refuses a results directory this process cannot write (a worker must write every run's files). */
export async function checkResultsDirWritable(dir: string): Promise<string | null> {
  const probe = join(dir, `.worker-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(probe, 'ok\n');
    await rm(probe, { force: true });
    return null;
  } catch (error) {
    return `the results directory ${dir} is not writable: ${errorMessage(error)}`;
  }
}

/**
 * The execution side of queue mode (`tradingfloor worker`): a BullMQ worker whose jobs are runs. Each job's
 * `HostRunSpec` runs through the same {@link RunExecutor} the engine threads use; its events go to the
 * stream named in the job, in order (one connection, commands pipelined in order). Commands from the servers
 * arrive on the control channel and reach the executor, so a cancel aborts in-flight model calls as locally.
 * The job ends when the run's `finished` event is out; the LLM limiter is the cluster-wide `RedisLimiter`.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? (() => {});
  const events = openRedis(options.redisUrl);
  const control = openRedis(options.redisUrl);
  const blocking = openRedis(options.redisUrl);
  const streams = new Map<string, string>();
  const ends = new Map<string, Deferred<void>>();

  const publish = (stream: string, event: StreamEvent) => {
    events.xadd(stream, 'MAXLEN', '~', String(EVENT_STREAM_MAXLEN), '*', EVENT_FIELD, JSON.stringify(event)).catch((error: unknown) => {
      log(`worker: could not publish an event of run ${event.run_id}: ${errorMessage(error)}`);
    });
  };
  const onEvent = (event: HostEvent) => {
    const stream = streams.get(event.run_id);
    if (stream) publish(stream, event);
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
    if (message.kind === 'cancel') {
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
    async (job) => {
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
        log(`worker: took over run ${spec.runId} from a worker that stopped; resuming it from state.json`);
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

  return {
    runIds: () => executor.runIds(),
    async close(reason) {
      // No new jobs from here on; the runs under way are saved for a resume and their jobs end.
      const closing = worker.close();
      await Promise.all(executor.runIds().map((runId) => executor.interrupt(runId, reason)));
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
