import Router from '@koa/router';
import { backtestRoutes } from './backtests.js';
import { exportRoutes } from './export.js';
import { inspectRoutes } from './inspect.js';
import { logRoutes } from './logs.js';
import { machineRoutes } from './machine.js';
import { memoryRoutes } from './memory.js';
import { metaRoutes } from './meta.js';
import { openApiRoutes } from './openapi.js';
import type { RouteDeps } from './route-deps.js';
import { runRoutes } from './runs.js';
import { scheduleRoutes } from './schedules.js';
import { startRoutes } from './start.js';

/** The whole REST API: one router per resource, mounted in one place. */
export function buildRouter(deps: RouteDeps): Router {
  const router = new Router();
  for (const part of [
    startRoutes(deps),
    runRoutes(deps),
    logRoutes(deps),
    exportRoutes(deps),
    inspectRoutes(deps),
    machineRoutes(),
    openApiRoutes(),
    metaRoutes(deps),
    backtestRoutes(deps),
    memoryRoutes(deps),
    scheduleRoutes(deps),
  ]) {
    router.use(part.routes());
  }
  return router;
}
