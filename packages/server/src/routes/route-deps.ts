import type { Decision } from '@tradingfloor/shared';
import type { ProviderInfo, RunManagerApi } from '@tradingfloor/engine';
import type { ServerConfig } from '../config.js';
import type { ServerMetrics } from '../metrics/prometheus.js';

export type { ProviderInfo };

/** What the route handlers are built from. */
export interface RouteDeps {
  manager: RunManagerApi;
  config: ServerConfig;
  providers: () => ProviderInfo[] | Promise<ProviderInfo[]>;
  metrics: ServerMetrics;
  renderDecision(decision: Decision): string;
  now(): number;
}
