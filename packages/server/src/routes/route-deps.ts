import type { Decision } from '@tradingfloor/shared';
import type { BacktestManagerApi, DataVendorInfo, ProviderInfo, RunManagerApi } from '@tradingfloor/engine';
import type { ServerConfig } from '../config.js';
import type { ServerMetrics } from '../metrics/prometheus.js';
import type { RunIndex } from '../runs/run-index.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import type { Scheduler } from '../schedules/scheduler.js';

export type { ProviderInfo };

/** What the route handlers are built from. */
export interface RouteDeps {
  manager: RunManagerApi;
  /** Backtests (issue 14); absent = `/backtests` answers 404. */
  backtests?: BacktestManagerApi;
  /** Schedules (issue 16); absent = `/schedules` answers 404. */
  scheduler?: Scheduler;
  config: ServerConfig;
  providers: () => ProviderInfo[] | Promise<ProviderInfo[]>;
  /** Market data vendors for `GET /config/providers`; absent = not listed. */
  dataVendors?: () => DataVendorInfo[];
  metrics: ServerMetrics;
  renderDecision(decision: Decision): string;
  now(): number;
  /** The sorted index behind paged `GET /runs`; built from `manager` when absent. */
  runIndex?: RunIndex;
  /** Signed webhooks: checks and remembers a start request's `webhook`, lists deliveries. */
  webhooks: WebhookService;
}
