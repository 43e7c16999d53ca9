import type { QueueSnapshot } from '@tradingfloor/shared';
import type { HostHealth } from '@tradingfloor/engine';
import { Gauge, type Registry } from 'prom-client';

/** What the queue gauges read: a queue-mode manager's snapshot and Redis health. */
export interface QueueSource {
  queueSnapshot(): Promise<QueueSnapshot>;
  hostHealth?(): Promise<HostHealth>;
}

/** One scrape reads every gauge at once: they share the snapshot of that moment (one Redis round trip, not five). */
const SHARED_FOR_MS = 250;

/**
 * Registers the queue-mode gauges of `/metrics` (issue 15): jobs by state, workers alive, each worker's runs
 * and concurrency, and whether Redis answers. A Redis that does not answer leaves the job and worker gauges
 * empty and sets `tradingfloor_redis_up` to 0.
 */
export function registerQueueGauges(registry: Registry, source: QueueSource): void {
  let cached: { at: number; snapshot: Promise<QueueSnapshot> } | null = null;
  const snapshot = () => {
    const now = Date.now();
    if (!cached || now - cached.at > SHARED_FOR_MS) cached = { at: now, snapshot: source.queueSnapshot() };
    return cached.snapshot;
  };

  new Gauge({
    name: 'tradingfloor_queue_jobs',
    help: 'Jobs of the run queue, by state (waiting, active, delayed, prioritized, failed)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      const { counts } = await snapshot();
      if (counts) for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'tradingfloor_queue_workers',
    help: 'Queue workers alive (a heartbeat record in Redis)',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s.counts) this.set(s.workers.length);
      else this.reset();
    },
  });
  const perWorker = (name: string, help: string, pick: (w: QueueSnapshot['workers'][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker', 'host'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of (await snapshot()).workers) this.set({ worker: w.id, host: w.host }, pick(w));
      },
    });
  perWorker('tradingfloor_queue_worker_runs', 'Runs a queue worker executes now', (w) => w.runs.length);
  perWorker('tradingfloor_queue_worker_concurrency', 'Runs a queue worker executes at once at most', (w) => w.concurrency);
  if (source.hostHealth) {
    const health = source.hostHealth.bind(source);
    new Gauge({
      name: 'tradingfloor_redis_up',
      help: 'Whether the queue’s Redis answers a PING (1) or not (0)',
      registers: [registry],
      async collect() {
        this.set((await health()).ok ? 1 : 0);
      },
    });
  }
}
