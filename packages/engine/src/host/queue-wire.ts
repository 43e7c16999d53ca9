import { Redis } from 'ioredis';
import type { HostEvent, HostRunSpec } from './host-protocol.js';

/**
 * What a queue-mode server (`QueueHost`) and its `tradingfloor worker` processes share over Redis (DESIGN §8):
 * one BullMQ queue of runs, one bounded event stream per server, one control channel.
 */

/** The BullMQ queue every run is a job on (job id = run id, so a run is never queued twice). */
export const RUN_QUEUE = 'tradingfloor-runs';
/** The pub/sub channel commands for running runs go over (cancel, release, interrupt). */
export const CONTROL_CHANNEL = 'tradingfloor:control';
/** Roughly how many events a server's stream keeps (`XADD MAXLEN ~`): a bound, not a retention promise. */
export const EVENT_STREAM_MAXLEN = 100_000;
/** The field of a stream entry that holds the JSON event. */
export const EVENT_FIELD = 'e';

/** A job's data: the run and the stream its events go to. */
export interface RunJobData {
  spec: HostRunSpec;
  stream: string;
  /** Set by the first worker that takes the job: a later one (after a stall or a hand-back) resumes the run instead. */
  taken?: boolean;
  /** The worker that stopped (SIGTERM) and put the job back on the queue, for the log of the one that resumes it. */
  handedBackBy?: string;
}

/**
 * An event on a server's stream: a run event, a run that a worker could not open (never announced), or a
 * worker's answer to a `probe` (it is executing the run).
 */
export type StreamEvent = HostEvent | { type: 'open_failed'; run_id: string; error: string } | { type: 'alive'; run_id: string };

/** A command on the control channel. */
export type ControlMessage =
  | { kind: 'cancel'; runId: string }
  | { kind: 'release'; runId: string }
  | { kind: 'interrupt'; runId: string; reason: string }
  /** A restarted server re-attaches: the worker executing the run publishes a fresh `created` event (with its log). */
  | { kind: 'announce'; runId: string }
  /** Is anyone executing this run (its job vanished)? The worker executing it answers with an `alive` event. */
  | { kind: 'probe'; runId: string };

/** The stream a server's events come back on. */
export function eventStreamKey(hostId: string): string {
  return `tradingfloor:events:${hostId}`;
}

/** Where a server keeps the id of the last stream entry it consumed, so a restart reads on from there. */
export function streamCursorKey(stream: string): string {
  return `${stream}:cursor`;
}

/**
 * A Redis connection for the queue. BullMQ needs `maxRetriesPerRequest: null` on the connections its workers
 * block on; the same setting keeps a blocking XREAD waiting instead of failing while Redis reconnects.
 */
export function openRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  // A lost connection is ioredis's to re-establish (commands wait for it); without a listener each failed
  // attempt would be printed as an unhandled error event while Redis restarts.
  redis.on('error', () => {});
  return redis;
}
