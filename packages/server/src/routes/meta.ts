import Router from '@koa/router';
import { isActiveStatus, type ConcurrencyMetrics, type ProvidersResponse } from '@tradingfloor/shared';
import { computePhaseMetrics } from '../metrics/phase-metrics.js';
import type { RouteDeps } from './route-deps.js';

/** Everything about the server rather than one run: providers, metrics, health. */
export function metaRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;
  const startedAt = deps.now();

  router.get('/config/providers', async (ctx) => {
    const [providers, coverage, instruments] = await Promise.all([deps.providers(), manager.dataCoverage(), manager.instruments?.() ?? null]);
    const body: ProvidersResponse = {
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
    ctx.body = body;
  });

  router.get('/metrics/concurrency', (ctx) => {
    const body: ConcurrencyMetrics = { layers: manager.limiterSnapshot() };
    ctx.body = body;
  });

  router.get('/metrics/phases', (ctx) => {
    const samples =
      manager.phaseSamples?.() ?? manager.list().map((summary) => ({ status: summary.status, tree: manager.get(summary.run_id)?.tree ?? [] }));
    ctx.body = computePhaseMetrics(samples);
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  router.get('/healthz', (ctx) => {
    const runs = manager.list();
    ctx.body = {
      status: 'ok',
      uptime_s: Math.round((deps.now() - startedAt) / 1000),
      runs: runs.length,
      active_runs: runs.filter((r) => isActiveStatus(r.status)).length,
    };
  });

  return router;
}
