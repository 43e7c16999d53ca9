import Router from '@koa/router';
import { API_ROUTES } from '@tradingfloor/shared';
import { formatLogDownload, matchesLogFilter, queryLogs } from '../logs/log-query.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `GET /runs/:id/logs` (filtered, paged JSON) and `GET /runs/:id/logs/download` (plain-text attachment). */
export function logRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  defineRoute(router, API_ROUTES.runLogs, ({ params, query }) => {
    const run = requireRun(manager, params.id);
    const logs = manager.logs(run.runId) ?? { entries: [], last_seq: 0 };
    return { run_id: run.runId, ...queryLogs(logs.entries, query), total_seq: logs.last_seq };
  });

  // Same filters as the JSON view, but everything by default (no severity threshold, no page limit).
  defineRoute(router, API_ROUTES.runLogsDownload, ({ params, query, ctx }) => {
    const run = requireRun(manager, params.id);
    const entries = (manager.logs(run.runId)?.entries ?? []).filter((e) => matchesLogFilter(e, query));
    ctx.set('Content-Disposition', `attachment; filename="${run.runId}.log"`);
    ctx.type = 'text/plain; charset=utf-8';
    return formatLogDownload(run.runId, entries, new Date(deps.now()));
  });

  return router;
}
