import Router from '@koa/router';
import { API_ROUTES, NotFoundError } from '@tradingfloor/shared';
import { refuseStartOnlyFields, scheduleDraft } from '../schedules/schedule-draft.js';
import type { Scheduler } from '../schedules/scheduler.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';

/**
 * `/schedules`: create (201, checked as a start is: bad cron, unknown zone or unknown ticker → 400 with
 * nothing stored), list, preview an expression's next fire times, read one, delete one (404 when unknown).
 */
export function scheduleRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const schedulerOf = (): Scheduler => {
    if (!deps.scheduler) throw new NotFoundError('schedules are not available on this server');
    return deps.scheduler;
  };

  defineRoute(router, API_ROUTES.createSchedule, async (input) => {
    // Before the body is parsed (reading `input.body` parses it), so a start-only field gets its own reason.
    refuseStartOnlyFields(input.ctx.request.body);
    const { config } = deps;
    const draft = scheduleDraft(input.body, {
      maxTickers: config.maxTickersPerRequest,
      multiRun: config.enableMultiRun,
      maxParallelRuns: config.enableMultiRun ? config.maxParallelRuns : 1,
    });
    return schedulerOf().create(draft);
  });

  defineRoute(router, API_ROUTES.listSchedules, () => ({ schedules: schedulerOf().list() }));

  // Before `/schedules/:id`, which would read "preview" as a (malformed) id.
  defineRoute(router, API_ROUTES.previewSchedule, ({ query }) => schedulerOf().preview(query.cron, query.timezone, query.count));

  defineRoute(router, API_ROUTES.schedule, ({ params }) => {
    const schedule = schedulerOf().get(params.id);
    if (!schedule) throw new NotFoundError(`Schedule not found: ${params.id}`);
    return schedule;
  });

  defineRoute(router, API_ROUTES.deleteSchedule, async ({ params }) => {
    if (!(await schedulerOf().remove(params.id))) throw new NotFoundError(`Schedule not found: ${params.id}`);
    return { schedule_id: params.id, deleted: true as const };
  });

  return router;
}
