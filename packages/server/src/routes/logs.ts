import Router from '@koa/router';
import { LogsQuerySchema, ValidationError, type LogsResponse } from '@tradingfloor/shared';
import { formatLogDownload, matchesLogFilter, queryLogs } from '../logs/log-query.js';
import { describeZodError } from '../middleware/error-handler.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

function parseLogsQuery(query: Record<string, unknown>) {
  const parsed = LogsQuerySchema.safeParse(query);
  if (!parsed.success) throw new ValidationError(describeZodError(parsed.error, 'query'));
  return parsed.data;
}

/** `GET /runs/:id/logs` (filtered, paged JSON) and `GET /runs/:id/logs/download` (plain-text attachment). */
export function logRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  router.get('/runs/:id/logs', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    const query = parseLogsQuery(ctx.query);
    const logs = manager.logs(run.runId) ?? { entries: [], last_seq: 0 };
    const page = queryLogs(logs.entries, query);
    const body: LogsResponse = { run_id: run.runId, ...page, total_seq: logs.last_seq };
    ctx.body = body;
  });

  router.get('/runs/:id/logs/download', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    // Same filters as the JSON view, but everything by default (no severity threshold, no page limit).
    const { limit: _limit, ...rest } = ctx.query;
    const query = parseLogsQuery({ severity: 'TRACE', ...rest });
    const entries = (manager.logs(run.runId)?.entries ?? []).filter((e) => matchesLogFilter(e, query));
    ctx.set('Content-Disposition', `attachment; filename="${run.runId}.log"`);
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = formatLogDownload(run.runId, entries, new Date(deps.now()));
  });

  return router;
}
