import Router from '@koa/router';
import { API_ROUTES } from '@tradingfloor/shared';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/** `GET /memory?ticker=` (every stored lesson of a ticker) and `GET /runs/:id/lessons` (the lessons a run used). */
export function memoryRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  defineRoute(router, API_ROUTES.memory, async ({ query }) => ({ ticker: query.ticker, lessons: (await manager.memory?.(query.ticker)) ?? [] }));

  defineRoute(router, API_ROUTES.runLessons, async ({ params }) => {
    const run = requireRun(manager, params.id);
    const used = (await manager.runLessons?.(run.runId)) ?? { memory: run.config.memory, lessons: [] };
    return { run_id: run.runId, ...used };
  });

  return router;
}
