import {
  createOfflineProvider,
  createProviderRegistry,
  createVendorRegistry,
  type DataVendorInfo,
  type EngineEnv,
  type ProviderInfo,
} from '@tradingfloor/engine';

/**
 * The providers offered by `GET /config/providers`, described by the engine's provider registry from the
 * same parsed environment the engine runs on (which are configured, their suggested and default models).
 */
export function describeProviders(env: EngineEnv): () => ProviderInfo[] {
  const registry = createProviderRegistry(env, { offline: (latencyMs) => createOfflineProvider({ latencyMs }) });
  return () => registry.describe();
}

/**
 * The market data vendors listed by `GET /config/providers` (demo, csv, yahoo, alphavantage) and whether
 * each is configured in this environment. Reads the environment only; never touches the network.
 */
export function describeDataVendors(env: EngineEnv): () => DataVendorInfo[] {
  const registry = createVendorRegistry(env.data);
  return () => registry.describe();
}
