import Router from '@koa/router';
import { API_ROUTES, ConflictError, NotFoundError, type Cassette } from '@tradingfloor/shared';
import { defineRoute, JsonText } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';
import { RunIndex } from '../runs/run-index.js';

/** Page size of `GET /runs?cursor=…` without a `limit`. */
const DEFAULT_PAGE_SIZE = 50;

/** `/runs` and the per-run read, cancel and resume endpoints. */
export function runRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  const index = deps.runIndex ?? new RunIndex(manager);

  defineRoute(router, API_ROUTES.listRuns, ({ query, ctx }) => {
    // No parameter but one `status`: exactly the answer from before paging (the manager's own list).
    const legacy = Object.keys(ctx.query).every((k) => k === 'status') && (query.status?.length ?? 0) <= 1;
    if (legacy) {
      const status = query.status?.[0];
      const cached = index.listJson(status, () => ({ runs: manager.list(status ? { status } : undefined) }));
      return new JsonText(cached.bytes, cached.etag);
    }
    if (query.limit !== undefined || query.cursor !== undefined) return index.page({ ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE });
    return { runs: index.all(query) };
  });

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

  defineRoute(router, API_ROUTES.runWebhooks, async ({ params }) => {
    const run = requireRun(manager, params.id);
    return { run_id: run.runId, deliveries: await deps.webhooks.deliveries(run.runId) };
  });

  defineRoute(router, API_ROUTES.runChart, async ({ params }) => manager.chart(requireRun(manager, params.id).runId));

  defineRoute(router, API_ROUTES.cancelRun, ({ params }) => {
    const run = requireRun(manager, params.id);
    manager.cancel(run.runId);
    return { run_id: run.runId, status: manager.get(run.runId)?.summary.status ?? run.summary.status };
  });

  defineRoute(router, API_ROUTES.resumeRun, async ({ params, body }) => {
    const run = requireRun(manager, params.id);
    if (!manager.resume) throw new ConflictError('this server cannot resume runs');
    const overrides: { memory?: boolean; cassette?: Cassette | null } = {};
    if (body.memory !== undefined) overrides.memory = body.memory;
    if (body.cassette !== undefined) overrides.cassette = body.cassette;
    const summary = await manager.resume(run.runId, overrides);
    return { run_id: summary.run_id, status: summary.status };
  });

  return router;
}
