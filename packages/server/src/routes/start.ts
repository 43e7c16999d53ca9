import Router from '@koa/router';
import {
  isActiveStatus,
  StartRunsBodySchema,
  TooManyRunsError,
  ValidationError,
  type StartRunsBody,
  type StartRunsResponse,
} from '@tradingfloor/shared';
import type { RunRequest } from '@tradingfloor/engine';
import type { Context } from 'koa';
import { describeZodError } from '../middleware/error-handler.js';
import { buildRunRequests } from '../runs/build-run-requests.js';
import type { RouteDeps } from './route-deps.js';

function parseStartBody(ctx: Context): StartRunsBody {
  const body: unknown = ctx.request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError(
      'send a JSON object or a form-encoded body (Content-Type application/json or application/x-www-form-urlencoded)',
    );
  }
  const parsed = StartRunsBodySchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(describeZodError(parsed.error, 'body'));
  return parsed.data;
}

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

  const start = async (ctx: Context, requests: RunRequest[]) => {
    const launch = async () => {
      if (!config.enableMultiRun) {
        const active = manager.list().find((r) => isActiveStatus(r.status));
        if (active) throw new TooManyRunsError(`multi-run is disabled (ENABLE_MULTI_RUN=0) and run ${active.run_id} is still active`);
      }
      return manager.start(requests);
    };
    const summaries = config.enableMultiRun ? await launch() : await serialised(launch);
    const body: StartRunsResponse & { run_id?: string } = {
      runs: summaries.map((s) => ({ run_id: s.run_id, ticker: s.ticker })),
      count: summaries.length,
    };
    ctx.status = 202;
    ctx.body = body;
    return body;
  };

  router.post('/start-multi', async (ctx) => {
    const body = parseStartBody(ctx);
    await start(ctx, buildRunRequests(body, { maxTickers: config.maxTickersPerRequest, multiRun: config.enableMultiRun }));
  });

  router.post('/start-process', async (ctx) => {
    const body = parseStartBody(ctx);
    const requests = buildRunRequests(body, { maxTickers: config.maxTickersPerRequest, multiRun: true });
    if (requests.length !== 1)
      throw new ValidationError(`/start-process starts one run: got ${requests.length} tickers; use /start-multi for several`);
    const result = await start(ctx, requests);
    // Legacy clients read the single run's id at the top level.
    result.run_id = result.runs[0]?.run_id;
  });

  return router;
}
