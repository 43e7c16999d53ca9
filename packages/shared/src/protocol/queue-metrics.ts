import { z } from 'zod';

/**
 * What a queue-mode server (issue 15, `REDIS_URL`) reports about its queue: BullMQ's job counts and the
 * `tradingfloor worker` processes alive now (each keeps a heartbeat record in Redis). Embedded servers have
 * no queue and report none of this.
 */

/** Jobs of the run queue by state (BullMQ `getJobCounts`). */
export const QueueJobCountsSchema = z.object({
  /** Queued, no worker has taken them yet. */
  waiting: z.number().int(),
  /** Taken by a worker: runs executing now. */
  active: z.number().int(),
  /** Waiting for a delay to pass. */
  delayed: z.number().int(),
  /** Queued with a priority (BullMQ keeps them apart from `waiting`). */
  prioritized: z.number().int(),
  /** Failed jobs still kept (runs end their jobs themselves, so normally 0). */
  failed: z.number().int(),
});
export type QueueJobCounts = z.infer<typeof QueueJobCountsSchema>;

/** One `tradingfloor worker` process, from its last heartbeat. */
export const QueueWorkerInfoSchema = z.object({
  /** Unique per process: host name, pid and a random suffix. */
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Runs it executes at once at most (`--concurrency`). */
  concurrency: z.number().int(),
  /** Ids of the runs it executes now. */
  runs: z.array(z.string()),
  /** When the process started taking jobs, epoch ms (its own clock). */
  started_at: z.number().int(),
  /** Its last heartbeat, epoch ms (its own clock). */
  last_seen: z.number().int(),
});
export type QueueWorkerInfo = z.infer<typeof QueueWorkerInfoSchema>;

/** The run queue's depth and the workers alive (`queue` of `GET /metrics/concurrency`). */
export const QueueSnapshotSchema = z.object({
  /** The BullMQ queue's name. */
  queue: z.string(),
  /** Null when Redis did not answer (`error` says why). */
  counts: QueueJobCountsSchema.nullable(),
  /** Sorted by id; a worker killed without a goodbye drops out once its heartbeat record expires. */
  workers: z.array(QueueWorkerInfoSchema),
  error: z.string().optional(),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshotSchema>;

/** Redis as a queue-mode server's `GET /healthz` reports it (only when it answered: otherwise the answer is 503). */
export const RedisHealthSchema = z.object({
  status: z.literal('ok'),
  /** Round trip of one PING, ms. */
  rtt_ms: z.number(),
});
export type RedisHealth = z.infer<typeof RedisHealthSchema>;
