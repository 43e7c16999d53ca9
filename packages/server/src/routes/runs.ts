import Router from '@koa/router';
import { API_ROUTES, ConflictError, NotFoundError } from '@tradingfloor/shared';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `/runs` and the per-run read, cancel and resume endpoints. */
export function runRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  defineRoute(router, API_ROUTES.listRuns, ({ query }) => ({ runs: manager.list(query.status ? { status: query.status } : undefined) }));

  defineRoute(router, API_ROUTES.runStatus, ({ params }) => requireRun(manager, params.id).summary);

  defineRoute(router, API_ROUTES.runTree, ({ params }) => {
    const run = requireRun(manager, params.id);
    return {
      run_id: run.runId,
      ticker: run.summary.ticker,
      status: run.summary.status,
      overall_progress: run.summary.overall_progress,
      execution_tree: run.tree,
      contents: run.contents,
      ...(run.dataSources ? { data_sources: run.dataSources } : {}),
    };
  });

  defineRoute(router, API_ROUTES.runDecision, ({ params }) => {
    const run = requireRun(manager, params.id);
    if (run.decision === null) throw new NotFoundError(`no decision for run ${run.runId} (status ${run.summary.status})`);
    return {
      run_id: run.runId,
      ticker: run.summary.ticker,
      status: run.summary.status,
      decision: run.decision,
      decision_html: deps.renderDecision(run.decision),
    };
  });

  defineRoute(router, API_ROUTES.runChart, async ({ params }) => manager.chart(requireRun(manager, params.id).runId));

  defineRoute(router, API_ROUTES.cancelRun, ({ params }) => {
    const run = requireRun(manager, params.id);
    manager.cancel(run.runId);
    return { run_id: run.runId, status: manager.get(run.runId)?.summary.status ?? run.summary.status };
  });

  defineRoute(router, API_ROUTES.resumeRun, async ({ params }) => {
    const run = requireRun(manager, params.id);
    if (!manager.resume) throw new ConflictError('this server cannot resume runs');
    const summary = await manager.resume(run.runId);
    return { run_id: summary.run_id, status: summary.status };
  });

  return router;
}
