import Router from '@koa/router';
import { API_ROUTES, isActiveStatus, TooManyRunsError, ValidationError, type StartRunsBody, type StartRunsResponse } from '@tradingfloor/shared';
import type { RunRequest } from '@tradingfloor/engine';
import { buildRunRequests } from '../runs/build-run-requests.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';

/**
 * `POST /start-multi` (many symbols) and the legacy `POST /start-process` (one symbol). Both answer
 * `202 { runs: [{ run_id, ticker }], count }`; nothing is started unless everything is valid and fits.
 */
export function startRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager, config } = deps;
  // Single-run mode checks "nothing active" and then starts: the two steps must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  const start = async (requests: RunRequest[]): Promise<StartRunsResponse> => {
    const launch = async () => {
      if (!config.enableMultiRun) {
        const active = manager.list().find((r) => isActiveStatus(r.status));
        if (active) throw new TooManyRunsError(`multi-run is disabled (ENABLE_MULTI_RUN=0) and run ${active.run_id} is still active`);
      }
      return manager.start(requests);
    };
    const summaries = config.enableMultiRun ? await launch() : await serialised(launch);
    return { runs: summaries.map((s) => ({ run_id: s.run_id, ticker: s.ticker })), count: summaries.length };
  };

  /** Starts the runs, then remembers their webhook before answering (checked first: a bad one starts nothing). */
  const startWithWebhook = async (requests: RunRequest[], webhook: StartRunsBody['webhook']): Promise<StartRunsResponse> => {
    const checked = await deps.webhooks.check(webhook, 'run');
    const result = await start(requests);
    if (checked) await deps.webhooks.subscribeRuns(result.runs.map((r) => r.run_id), checked);
    return result;
  };

  defineRoute(router, API_ROUTES.startMulti, ({ body }) =>
    startWithWebhook(buildRunRequests(body, { maxTickers: config.maxTickersPerRequest, multiRun: config.enableMultiRun }), body.webhook),
  );

  defineRoute(router, API_ROUTES.startProcess, async ({ body }) => {
    const requests = buildRunRequests(body, { maxTickers: config.maxTickersPerRequest, multiRun: true });
    if (requests.length !== 1)
      throw new ValidationError(`/start-process starts one run: got ${requests.length} tickers; use /start-multi for several`);
    const result = await startWithWebhook(requests, body.webhook);
    // Legacy clients read the single run's id at the top level.
    return { ...result, run_id: result.runs[0]?.run_id };
  });

  return router;
}
