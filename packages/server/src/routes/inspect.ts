import Router from '@koa/router';
import { InspectQuerySchema, ValidationError, type InspectResponse } from '@tradingfloor/shared';
import { describeZodError } from '../middleware/error-handler.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `GET /runs/:id/inspect?after_seq=&limit=`: the run actor's inspection records, oldest first. */
export function inspectRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  router.get('/runs/:id/inspect', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    const query = InspectQuerySchema.safeParse(ctx.query);
    if (!query.success) throw new ValidationError(describeZodError(query.error, 'query'));
    const { after_seq, limit } = query.data;
    // A manager without inspection (or a run read from disk) has no actor and so no records.
    const page = manager.inspect?.(run.runId, { afterSeq: after_seq, limit }) ?? {
      session: null,
      records: [],
      returned: 0,
      last_seq: after_seq,
      total_seq: 0,
      first_seq: 1,
    };
    const body: InspectResponse = { run_id: run.runId, ...page };
    ctx.body = body;
  });

  return router;
}
