import { createOfflineProvider, createProviderRegistry, type ProviderInfo } from '@tradingfloor/engine';

/**
 * The providers offered by `GET /config/providers`, described by the engine's provider registry from the
 * same environment the engine reads (which are configured, their suggested and default models).
 */
export function describeProvidersFromEnv(env: NodeJS.ProcessEnv): () => ProviderInfo[] {
  const registry = createProviderRegistry(env, { offline: (latencyMs) => createOfflineProvider({ latencyMs }) });
  return () => registry.describe();
}
