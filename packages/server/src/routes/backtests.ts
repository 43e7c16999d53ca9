import Router from '@koa/router';
import { BacktestIdSchema, BacktestRowsQuerySchema, NotFoundError, ValidationError, type BacktestView } from '@tradingfloor/shared';
import type { Context } from 'koa';
import { describeZodError } from '../middleware/error-handler.js';
import type { BacktestManagerApi } from '@tradingfloor/engine';
import type { RouteDeps } from './route-deps.js';

/** The backtest named by a path parameter: 400 when the id is malformed, 404 when unknown. */
function requireBacktest(backtests: BacktestManagerApi, raw: string | undefined): BacktestView {
  const parsed = BacktestIdSchema.safeParse(raw ?? '');
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? 'invalid backtest id');
  const view = backtests.get(parsed.data);
  if (!view) throw new NotFoundError(`Backtest not found: ${parsed.data}`);
  return view;
}

/** Keeps the rows of the series and ticker a query asks for. */
function filterRows<T extends { series: string; ticker: string }>(ctx: Context, rows: T[]): T[] {
  const query = BacktestRowsQuerySchema.safeParse(ctx.query);
  if (!query.success) throw new ValidationError(describeZodError(query.error, 'query'));
  const { series, ticker } = query.data;
  return rows.filter((r) => (series === undefined || r.series === series) && (ticker === undefined || r.ticker === ticker.toUpperCase()));
}

/**
 * `/backtests` (issue 14): start (202), list, one backtest's status with per-cell status and metrics, its equity,
 * trades and decisions, cancel and resume. Bad bodies are 400 with nothing written, like `/start-multi`.
 */
export function backtestRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const backtestsOf = (): BacktestManagerApi => {
    if (!deps.backtests) throw new NotFoundError('backtests are not available on this server');
    return deps.backtests;
  };

  router.post('/backtests', async (ctx) => {
    const body: unknown = ctx.request.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError('send a JSON object (Content-Type application/json)');
    }
    const tickers = (body as { tickers?: unknown }).tickers;
    const count = Array.isArray(tickers)
      ? tickers.length
      : typeof tickers === 'string'
        ? tickers.split(/[\s,;]+/).filter(Boolean).length
        : 0;
    if (count > deps.config.maxTickersPerRequest)
      throw new ValidationError(`${count} tickers is more than MAX_TICKERS_PER_REQUEST=${deps.config.maxTickersPerRequest}`);
    const summary = await backtestsOf().start(body);
    ctx.status = 202;
    ctx.body = { backtest_id: summary.backtest_id, status: summary.status };
  });

  router.get('/backtests', (ctx) => {
    ctx.body = { backtests: backtestsOf().list() };
  });

  router.get('/backtests/:id', (ctx) => {
    ctx.body = requireBacktest(backtestsOf(), ctx.params.id);
  });

  router.get('/backtests/:id/equity', async (ctx) => {
    const view = requireBacktest(backtestsOf(), ctx.params.id);
    ctx.body = {
      backtest_id: view.summary.backtest_id,
      status: view.summary.status,
      rows: filterRows(ctx, await backtestsOf().equity(view.summary.backtest_id)),
    };
  });

  router.get('/backtests/:id/trades', async (ctx) => {
    const view = requireBacktest(backtestsOf(), ctx.params.id);
    ctx.body = {
      backtest_id: view.summary.backtest_id,
      status: view.summary.status,
      rows: filterRows(ctx, await backtestsOf().trades(view.summary.backtest_id)),
    };
  });

  router.get('/backtests/:id/decisions', (ctx) => {
    const view = requireBacktest(backtestsOf(), ctx.params.id);
    ctx.body = { backtest_id: view.summary.backtest_id, status: view.summary.status, cells: view.cells };
  });

  router.post('/backtests/:id/cancel', (ctx) => {
    const view = requireBacktest(backtestsOf(), ctx.params.id);
    const summary = backtestsOf().cancel(view.summary.backtest_id);
    ctx.status = 202;
    ctx.body = { backtest_id: summary.backtest_id, status: summary.status };
  });

  router.post('/backtests/:id/resume', async (ctx) => {
    const view = requireBacktest(backtestsOf(), ctx.params.id);
    const summary = await backtestsOf().resume(view.summary.backtest_id);
    ctx.status = 202;
    ctx.body = { backtest_id: summary.backtest_id, status: summary.status };
  });

  return router;
}
