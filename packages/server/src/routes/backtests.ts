import Router from '@koa/router';
import { API_ROUTES, NotFoundError, ValidationError, WebhookSubscriptionSchema, type BacktestRowsQuery, type BacktestView, type EquityRow, type TradeRow } from '@tradingfloor/shared';
import type { BacktestManagerApi } from '@tradingfloor/engine';
import { describeZodError } from '../middleware/error-handler.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';

/** Keeps the rows of the series and ticker a query asks for. */
function filterRows<T extends { series: string; ticker: string }>(query: BacktestRowsQuery, rows: T[]): T[] {
  const { series, ticker } = query;
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
  /** The backtest named by the path (400 for a malformed id via the table's params schema, 404 when unknown). */
  const requireBacktest = (id: string): BacktestView => {
    const view = backtestsOf().get(id);
    if (!view) throw new NotFoundError(`Backtest not found: ${id}`);
    return view;
  };

  defineRoute(router, API_ROUTES.startBacktest, async ({ ctx }) => {
    // The manager checks the request itself (every problem named, nothing written); only the size limit is ours.
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
    // `webhook` is ours, not the coordinator's: checked here, remembered beside the backtest, never in its config.
    const { webhook, ...request } = body as { webhook?: unknown };
    let checked = null;
    if (webhook !== undefined) {
      const parsed = WebhookSubscriptionSchema.safeParse(webhook);
      if (!parsed.success) throw new ValidationError(describeZodError(parsed.error, 'webhook'));
      checked = await deps.webhooks.check(parsed.data, 'backtest');
    }
    const summary = await backtestsOf().start(request);
    if (checked) await deps.webhooks.subscribeBacktest(summary.backtest_id, checked);
    return { backtest_id: summary.backtest_id, status: summary.status };
  });

  defineRoute(router, API_ROUTES.backtestWebhooks, async ({ params }) => {
    const id = requireBacktest(params.id).summary.backtest_id;
    return { backtest_id: id, deliveries: await deps.webhooks.deliveries(id) };
  });

  defineRoute(router, API_ROUTES.listBacktests, () => ({ backtests: backtestsOf().list() }));

  defineRoute(router, API_ROUTES.backtest, ({ params }) => requireBacktest(params.id));

  defineRoute(router, API_ROUTES.backtestEquity, async ({ params, query }) => {
    const view = requireBacktest(params.id);
    const id = view.summary.backtest_id;
    return { backtest_id: id, status: view.summary.status, rows: filterRows<EquityRow>(query, await backtestsOf().equity(id)) };
  });

  defineRoute(router, API_ROUTES.backtestTrades, async ({ params, query }) => {
    const view = requireBacktest(params.id);
    const id = view.summary.backtest_id;
    return { backtest_id: id, status: view.summary.status, rows: filterRows<TradeRow>(query, await backtestsOf().trades(id)) };
  });

  defineRoute(router, API_ROUTES.backtestDecisions, ({ params }) => {
    const view = requireBacktest(params.id);
    return { backtest_id: view.summary.backtest_id, status: view.summary.status, cells: view.cells };
  });

  defineRoute(router, API_ROUTES.cancelBacktest, ({ params }) => {
    const summary = backtestsOf().cancel(requireBacktest(params.id).summary.backtest_id);
    return { backtest_id: summary.backtest_id, status: summary.status };
  });

  defineRoute(router, API_ROUTES.resumeBacktest, async ({ params }) => {
    const summary = await backtestsOf().resume(requireBacktest(params.id).summary.backtest_id);
    return { backtest_id: summary.backtest_id, status: summary.status };
  });

  return router;
}
