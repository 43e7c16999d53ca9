import Router from '@koa/router';
import { API_ROUTES, isActiveStatus, QueueUnavailableError } from '@tradingfloor/shared';
import { computePhaseMetrics } from '../metrics/phase-metrics.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';

/** Everything about the server rather than one run: providers, metrics, health. */
export function metaRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;
  const startedAt = deps.now();

  defineRoute(router, API_ROUTES.providers, async () => {
    const [providers, coverage, instruments] = await Promise.all([deps.providers(), manager.dataCoverage(), manager.instruments?.() ?? null]);
    return {
      providers,
      ...(deps.dataVendors ? { data_vendors: deps.dataVendors() } : {}),
      data: {
        vendor: coverage.vendor,
        label: coverage.label,
        first_date: coverage.first_date,
        last_date: coverage.last_date,
        tickers: coverage.tickers,
        ...(instruments ? { instruments } : {}),
      },
    };
  });

  defineRoute(router, API_ROUTES.concurrency, async () => {
    // Queue mode only: the queue's depth and its workers (embedded servers answer the layers alone).
    const queue = await manager.queueSnapshot?.();
    return { layers: manager.limiterSnapshot(), ...(queue ? { queue } : {}) };
  });

  defineRoute(router, API_ROUTES.phaseMetrics, () => {
    const compute = () =>
      computePhaseMetrics(
        manager.phaseSamples?.() ?? manager.list().map((summary) => ({ status: summary.status, tree: manager.get(summary.run_id)?.tree ?? [] })),
      );
    // Kept until a run changes: a history of 500 runs is walked once, not at every poll of a dashboard.
    return deps.runIndex ? deps.runIndex.kept('metrics/phases', compute) : compute();
  });

  defineRoute(router, API_ROUTES.metrics, async ({ ctx }) => {
    ctx.type = deps.metrics.registry.contentType;
    return deps.metrics.registry.metrics();
  });

  defineRoute(router, API_ROUTES.healthz, async () => {
    const runs = manager.list();
    const health = {
      status: 'ok' as const,
      uptime_s: Math.round((deps.now() - startedAt) / 1000),
      runs: runs.length,
      active_runs: runs.filter((r) => isActiveStatus(r.status)).length,
    };
    if (!manager.hostHealth) return health;
    // Queue mode: without Redis no run starts or reports back, so the server is not healthy (503 with why).
    const redis = await manager.hostHealth();
    if (!redis.ok) throw new QueueUnavailableError(`queue mode: ${redis.error}`);
    return { ...health, redis: { status: 'ok' as const, rtt_ms: redis.rtt_ms } };
  });

  return router;
}
