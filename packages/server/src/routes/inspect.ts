import Router from '@koa/router';
import { API_ROUTES } from '@tradingfloor/shared';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `GET /runs/:id/inspect?after_seq=&limit=`: the run actor's inspection records, oldest first. */
export function inspectRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  defineRoute(router, API_ROUTES.runInspect, ({ params, query }) => {
    const run = requireRun(manager, params.id);
    const { after_seq, limit } = query;
    // A manager without inspection (or a run read from disk) has no actor and so no records.
    const page = manager.inspect?.(run.runId, { afterSeq: after_seq, limit }) ?? {
      session: null,
      records: [],
      returned: 0,
      last_seq: after_seq,
      total_seq: 0,
      first_seq: 1,
    };
    return { run_id: run.runId, ...page };
  });

  return router;
}
