import type { Server } from 'node:http';
import { MethodNotAllowedError } from '@tradingfloor/shared';
import type { BacktestManagerApi, RunManagerApi } from '@tradingfloor/engine';
import Koa from 'koa';
import type { ServerConfig } from './config.js';
import { createServerMetrics, type ServerMetrics } from './metrics/prometheus.js';
import { errorHandler } from './middleware/error-handler.js';
import { guard } from './middleware/guard.js';
import { notFound } from './middleware/not-found.js';
import { parseBody } from './middleware/parse-body.js';
import { serveSpa } from './middleware/spa.js';
import { serveDocsAssets } from './docs/docs-assets.js';
import { cachedDecisionRenderer } from './render/decision-html.js';
import { isPublicPath } from './routes/api-paths.js';
import { buildRouter } from './routes/index.js';
import type { ProviderInfo, RouteDeps } from './routes/route-deps.js';
import { WsHub, type WsHubOptions } from './ws/hub.js';
import { RunIndex } from './runs/run-index.js';
import type { WebhookClock } from './webhooks/webhook-clock.js';
import { WebhookService } from './webhooks/webhook-service.js';
import type { Scheduler } from './schedules/scheduler.js';

/** What the app is built from. */
export interface AppDeps {
  manager: RunManagerApi;
  /** Backtests over the same manager (issue 14); absent = `/backtests` answers 404. */
  backtests?: BacktestManagerApi;
  /** Schedules over the same manager (issue 16); absent = `/schedules` answers 404. */
  scheduler?: Scheduler;
  config: ServerConfig;
  /** The providers offered by `GET /config/providers`. */
  providers: () => ProviderInfo[] | Promise<ProviderInfo[]>;
  /** Market data vendors listed by `GET /config/providers` (default: not listed). */
  dataVendors?: RouteDeps['dataVendors'];
  /** Tuning of the WebSocket hub (coalescing window, aggregate interval, heartbeat). */
  ws?: Pick<WsHubOptions, 'flushDelayMs' | 'logFlushDelayMs' | 'aggregateIntervalMs' | 'heartbeatMs' | 'snapshotBudget'>;
  /** Where unexpected errors (500s, hub faults) are reported; default console.error. */
  onError?: (err: unknown) => void;
  now?: () => number;
  /** The webhooks' clock (backoff, attempt timeouts, timestamps); default the real one. Tests drive it by hand. */
  webhookClock?: WebhookClock;
  /** The webhooks' backoff jitter, in [0, 1); default Math.random. Tests fix it so the waits are known. */
  webhookRandom?: () => number;
}

/** An unlistened TradingFloor app: Koa for REST plus the WebSocket hub waiting for an http.Server. */
export interface TradingFloorApp {
  app: Koa;
  hub: WsHub;
  metrics: ServerMetrics;
  /** Signed webhooks; `webhooks.start()` (memoised) resolves once pending deliveries are resumed. */
  webhooks: WebhookService;
  /** Routes `/ws` upgrades of `server` to the hub; returns a detach function. */
  attachWebSocket(server: Server): () => void;
  /** Closes every WebSocket client and stops listening to the manager (the manager itself is the caller's). */
  close(): Promise<void>;
}

/**
 * Builds the Koa app. Middleware order matters: errors first (everything below becomes `{ error }`), then
 * the JSON 404 wrapper, the Origin/token guard, the body parser, the reference page's files, the API router and
 * finally the SPA.
 */
export function createApp(deps: AppDeps): TradingFloorApp {
  const { manager, config } = deps;
  const now = deps.now ?? Date.now;
  // Only `GET /runs/:id/decision` carries the decision as HTML (the SPA renders the markdown itself); once per decision.
  const renderDecision = cachedDecisionRenderer();
  const hub = new WsHub({
    manager,
    token: config.token,
    allowedOrigins: config.allowedOrigins,
    bindHost: config.host,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    snapshotBudget: { burst: config.wsResyncBurst, perSecond: config.wsResyncPerMinute / 60 },
    ...(deps.backtests ? { backtests: deps.backtests } : {}),
    ...deps.ws,
  });
  const metrics = createServerMetrics(manager, () => hub.clientCounts());
  const runIndex = new RunIndex(manager);
  const reportError = deps.onError ?? ((err: unknown) => console.error(err));
  const webhooks = new WebhookService({
    manager,
    ...(deps.backtests ? { backtests: deps.backtests } : {}),
    config: config.webhooks,
    resultsDir: config.resultsDir,
    ...(deps.webhookClock ? { clock: deps.webhookClock } : {}),
    ...(deps.webhookRandom ? { random: deps.webhookRandom } : {}),
    onError: reportError,
  });
  webhooks.start().catch(reportError);
  const router = buildRouter({
    manager,
    ...(deps.backtests ? { backtests: deps.backtests } : {}),
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    config,
    providers: deps.providers,
    ...(deps.dataVendors ? { dataVendors: deps.dataVendors } : {}),
    metrics,
    renderDecision,
    now,
    runIndex,
    webhooks,
  });

  const app = new Koa();
  app.use(errorHandler(deps.onError));
  app.use(notFound());
  app.use(guard({ token: config.token, allowedOrigins: config.allowedOrigins, isPublic: isPublicPath, bindHost: config.host }));
  app.use(parseBody(config.bodyLimitBytes));
  app.use(serveDocsAssets());
  app.use(router.routes());
  // A method no route knows (TRACE, PROPFIND, …) is refused like a known one on the wrong path: 405, not
  // the router's default 501, which the error handler would report as a server fault.
  app.use(
    router.allowedMethods({
      throw: true,
      notImplemented: () => new MethodNotAllowedError('method not allowed: this server answers GET, HEAD, POST, DELETE and OPTIONS'),
      methodNotAllowed: () => new MethodNotAllowedError('method not allowed for this path'),
    }),
  );
  app.use(serveSpa(config.webDist));

  return {
    app,
    hub,
    metrics,
    webhooks,
    attachWebSocket: (server) => hub.attach(server),
    async close() {
      metrics.dispose();
      runIndex.dispose();
      await webhooks.close();
      await hub.close();
    },
  };
}
