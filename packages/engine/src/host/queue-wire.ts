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
  /** Set by the first worker that takes the job: a later one (after a stall) resumes the run instead. */
  taken?: boolean;
}

/** An event on a server's stream: a run event, or a run that a worker could not open (never announced). */
export type StreamEvent = HostEvent | { type: 'open_failed'; run_id: string; error: string };

/** A command on the control channel. */
export type ControlMessage =
  | { kind: 'cancel'; runId: string }
  | { kind: 'release'; runId: string }
  | { kind: 'interrupt'; runId: string; reason: string };

/** The stream a server's events come back on. */
export function eventStreamKey(hostId: string): string {
  return `tradingfloor:events:${hostId}`;
}

/**
 * A Redis connection for the queue. BullMQ needs `maxRetriesPerRequest: null` on the connections its workers
 * block on; the same setting keeps a blocking XREAD waiting instead of failing while Redis reconnects.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}
