import Router from '@koa/router';
import {
  ConflictError,
  NotFoundError,
  ResumeBodySchema,
  RunListQuerySchema,
  ValidationError,
  type Cassette,
  type ResumeResponse,
} from '@tradingfloor/shared';
import { describeZodError } from '../middleware/error-handler.js';
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

  router.get('/runs', (ctx) => {
    const parsed = RunListQuerySchema.safeParse(ctx.query);
    if (!parsed.success) throw new ValidationError(describeZodError(parsed.error, 'query'));
    const query = parsed.data;
    // No parameter but one `status`: exactly the answer from before paging (the manager's own list).
    const legacy = Object.keys(ctx.query).every((k) => k === 'status') && (query.status?.length ?? 0) <= 1;
    if (legacy) ctx.body = { runs: manager.list(query.status ? { status: query.status[0]! } : undefined) };
    else if (query.limit !== undefined || query.cursor !== undefined) ctx.body = index.page({ ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE });
    else ctx.body = { runs: index.all(query) };
  });

  router.get('/runs/:id/status', (ctx) => {
    ctx.body = requireRun(manager, ctx.params.id).summary;
  });

  router.get('/runs/:id/tree', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    ctx.body = {
      run_id: run.runId,
      ticker: run.summary.ticker,
      status: run.summary.status,
      overall_progress: run.summary.overall_progress,
      execution_tree: run.tree,
      contents: run.contents,
      ...(run.dataSources ? { data_sources: run.dataSources } : {}),
    };
  });

  router.get('/runs/:id/decision', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    if (run.decision === null) throw new NotFoundError(`no decision for run ${run.runId} (status ${run.summary.status})`);
    ctx.body = {
      run_id: run.runId,
      ticker: run.summary.ticker,
      status: run.summary.status,
      decision: run.decision,
      decision_html: deps.renderDecision(run.decision),
    };
  });

  router.get('/runs/:id/chart', async (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    ctx.body = await manager.chart(run.runId);
  });

  router.post('/runs/:id/cancel', (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    manager.cancel(run.runId);
    ctx.status = 202;
    ctx.body = { run_id: run.runId, status: manager.get(run.runId)?.summary.status ?? run.summary.status };
  });

  router.post('/runs/:id/resume', async (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    if (!manager.resume) throw new ConflictError('this server cannot resume runs');
    const parsed = ResumeBodySchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) throw new ValidationError(describeZodError(parsed.error, 'body'));
    const overrides: { memory?: boolean; cassette?: Cassette | null } = {};
    if (parsed.data.memory !== undefined) overrides.memory = parsed.data.memory;
    if (parsed.data.cassette !== undefined) overrides.cassette = parsed.data.cassette;
    const summary = await manager.resume(run.runId, overrides);
    ctx.status = 202;
    const body: ResumeResponse = { run_id: summary.run_id, status: summary.status };
    ctx.body = body;
  });

  return router;
}
