import Router from '@koa/router';
import { MemoryQuerySchema, ValidationError, type MemoryResponse, type RunLessonsResponse } from '@tradingfloor/shared';
import { describeZodError } from '../middleware/error-handler.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `GET /memory?ticker=` (every stored lesson of a ticker) and `GET /runs/:id/lessons` (the lessons a run used). */
export function memoryRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  router.get('/memory', async (ctx) => {
    const query = MemoryQuerySchema.safeParse(ctx.query);
    if (!query.success) throw new ValidationError(describeZodError(query.error, 'query'));
    const { ticker } = query.data;
    const body: MemoryResponse = { ticker, lessons: (await manager.memory?.(ticker)) ?? [] };
    ctx.body = body;
  });

  router.get('/runs/:id/lessons', async (ctx) => {
    const run = requireRun(manager, ctx.params.id);
    const used = (await manager.runLessons?.(run.runId)) ?? { memory: run.config.memory, lessons: [] };
    const body: RunLessonsResponse = { run_id: run.runId, ...used };
    ctx.body = body;
  });

  return router;
}
