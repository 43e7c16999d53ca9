import { RUN_STATUSES } from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { phaseNodes } from './phase-metrics.js';
import { registerQueueGauges } from './queue-gauges.js';

/** The server's Prometheus metrics, in a registry of their own (several apps can live in one process). */
export interface ServerMetrics {
  registry: Registry;
  /** Stops listening to the manager. */
  dispose(): void;
}

/**
 * Builds the `/metrics` registry: runs by status, runs started, phase durations of runs finished in this
 * process, the LLM limiter layers and connected WebSocket clients; in queue mode also the queue's jobs, its
 * workers and Redis. Gauges are read at scrape time.
 */
export function createServerMetrics(manager: RunManagerApi, wsClients: () => { aggregate: number; focused: number }): ServerMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'tradingfloor_runs',
    help: 'Runs known to the server, by status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(RUN_STATUSES.map((s) => [s, 0]));
      for (const run of manager.list()) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  const started = new Counter({
    name: 'tradingfloor_runs_started_total',
    help: 'Runs started since the server started',
    registers: [registry],
  });
  const phaseSeconds = new Histogram({
    name: 'tradingfloor_phase_duration_seconds',
    help: 'Duration of each run phase, for runs finished since the server started',
    labelNames: ['phase', 'status'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const limiter = (name: string, help: string, pick: (l: ReturnType<RunManagerApi['limiterSnapshot']>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['key'],
      registers: [registry],
      collect() {
        this.reset();
        for (const layer of manager.limiterSnapshot()) {
          const v = pick(layer);
          if (v !== null) this.set({ key: layer.key }, v);
        }
      },
    });
  limiter('tradingfloor_llm_limiter_in_use', 'LLM calls holding a limiter slot', (l) => l.in_use);
  limiter('tradingfloor_llm_limiter_waiting', 'LLM calls waiting for a limiter slot', (l) => l.waiting);
  limiter('tradingfloor_llm_limiter_limit', 'Limit in force per limiter layer (absent = unlimited)', (l) => l.effective_limit);
  new Gauge({
    name: 'tradingfloor_ws_clients',
    help: 'Connected WebSocket clients, by mode',
    labelNames: ['mode'],
    registers: [registry],
    collect() {
      const counts = wsClients();
      this.set({ mode: 'aggregate' }, counts.aggregate);
      this.set({ mode: 'focused' }, counts.focused);
    },
  });
  const queueSnapshot = manager.queueSnapshot?.bind(manager);
  if (queueSnapshot)
    registerQueueGauges(registry, { queueSnapshot, ...(manager.hostHealth ? { hostHealth: manager.hostHealth.bind(manager) } : {}) });

  // Only runs started by this process feed the histogram; history loaded from disk would skew it.
  const live = new Set<string>();
  const unsubscribe = manager.subscribe((event) => {
    if (event.type === 'created') {
      started.inc();
      live.add(event.run_id);
    } else if (event.type === 'finished' && live.delete(event.run_id)) {
      const view = manager.get(event.run_id);
      for (const node of phaseNodes(view?.tree ?? [])) {
        if (node.duration_ms !== null) phaseSeconds.observe({ phase: node.id, status: event.summary.status }, node.duration_ms / 1000);
      }
    } else if (event.type === 'removed') {
      live.delete(event.run_id);
    }
  });
  return { registry, dispose: unsubscribe };
}
