import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage, type QueueSnapshot } from '@tradingfloor/shared';
import type { HostHealth } from './host-protocol.js';
import { RUN_QUEUE, type RunJobData } from './queue-wire.js';
import { listWorkers } from './worker-registry.js';

/** How long `/metrics` and `/healthz` wait for Redis before they say it does not answer. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * What a queue-mode server reports of its queue for operators (`/metrics`, `/metrics/concurrency`, `/healthz`):
 * the job counts, the workers alive and Redis's round trip. Every answer fails fast when Redis is away instead
 * of waiting for the reconnect, so a health check never hangs.
 */
export class QueueStatus {
  constructor(
    private readonly queue: Queue<RunJobData>,
    private readonly commands: Redis,
  ) {}

  /** The queue's job counts and the workers alive; `counts: null` with the reason when Redis does not answer. */
  async snapshot(): Promise<QueueSnapshot> {
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
}
