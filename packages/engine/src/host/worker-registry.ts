import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { errorMessage, QueueWorkerInfoSchema, type QueueWorkerInfo } from '@tradingfloor/shared';

/**
 * The registry of live `tradingfloor worker` processes in Redis (issue 15, "Operations"). Each worker keeps one
 * record `tradingfloor:worker:<id>` (JSON, expiring after a few heartbeat intervals) and its id in the set
 * `tradingfloor:workers`; a queue-mode server lists them for `/metrics`. A worker that closes deletes its
 * record; one that is killed stops renewing it and drops out once it expires.
 */

/** The set of worker ids; an id whose record has expired is pruned by the next reader. */
const WORKERS_KEY = 'tradingfloor:workers';
/** How often a worker renews its record by default (`QUEUE_HEARTBEAT_MS`). */
const DEFAULT_HEARTBEAT_MS = 5_000;
/** A record lives this many heartbeat intervals: one or two late beats (a busy event loop) do not drop a worker. */
const HEARTBEAT_TTL_FACTOR = 3;

/** The key of one worker's record. */
function workerKey(id: string): string {
  return `tradingfloor:worker:${id}`;
}

/** What a worker says about itself; `runs` is read at each beat. */
export interface WorkerAnnouncement {
  concurrency: number;
  runs: () => string[];
  /** Renew interval, ms (default {@link DEFAULT_HEARTBEAT_MS}); the record expires after {@link HEARTBEAT_TTL_FACTOR} of them. */
  intervalMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/** A worker's heartbeat, running until `stop`. */
export interface WorkerHeartbeat {
  readonly id: string;
  /** Writes the record now (besides the timer), e.g. right after a run started. */
  beat(): Promise<void>;
  /** Stops the timer and deletes the record: the worker leaves the list at once. */
  stop(): Promise<void>;
}

/** Writes the worker's first record (so it is listed as soon as it takes jobs) and renews it on a timer. */
export async function startWorkerHeartbeat(redis: Redis, announcement: WorkerAnnouncement): Promise<WorkerHeartbeat> {
  const now = announcement.now ?? Date.now;
  const intervalMs = announcement.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = intervalMs * HEARTBEAT_TTL_FACTOR;
  const host = os.hostname();
  const id = `${host}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const startedAt = now();
  let stopped = false;

  const write = async () => {
    const record: QueueWorkerInfo = {
      id,
      host,
      pid: process.pid,
      concurrency: announcement.concurrency,
      runs: announcement.runs(),
      started_at: startedAt,
      last_seen: now(),
    };
    // One transaction: a reader never sees the id without its record (other than an expired one).
    await redis.multi().sadd(WORKERS_KEY, id).set(workerKey(id), JSON.stringify(record), 'PX', ttlMs).exec();
  };
  await write();
  const timer = setInterval(() => {
    if (stopped) return;
    write().catch((error: unknown) => announcement.log?.(`worker: heartbeat not written: ${errorMessage(error)}`));
  }, intervalMs);
  timer.unref();

  return {
    id,
    beat: () => (stopped ? Promise.resolve() : write()),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await redis.multi().srem(WORKERS_KEY, id).del(workerKey(id)).exec();
    },
  };
}

/** Every worker with a live record, sorted by id; ids whose record has expired (killed workers) are pruned. */
export async function listWorkers(redis: Redis): Promise<QueueWorkerInfo[]> {
  const ids = (await redis.smembers(WORKERS_KEY)).sort();
  if (ids.length === 0) return [];
  const records = await redis.mget(ids.map(workerKey));
  const workers: QueueWorkerInfo[] = [];
  const gone: string[] = [];
  records.forEach((text, i) => {
    const parsed = text === null ? null : QueueWorkerInfoSchema.safeParse(safeJson(text));
    if (parsed?.success) workers.push(parsed.data);
    else gone.push(ids[i]!);
  });
  if (gone.length > 0) await redis.srem(WORKERS_KEY, ...gone);
  return workers;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
