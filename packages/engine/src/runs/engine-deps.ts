import type { EngineEnv } from '../config/engine-env.js';
import { createMarketDataSetup } from '../data/market-data-from-env.js';
import { withAnswerLimits } from '../providers/answer-limits.js';
import { ConcurrencyLimiter } from '../limiter/concurrency-limiter.js';
import { createOfflineProvider } from '../providers/offline/offline-provider.js';
import { createProviderRegistry } from '../providers/provider-registry.js';
import { makeWrapProvider } from '../providers/retrying-provider.js';
import type { LimiterLayer } from '@tradingfloor/shared';
import type { PermitLimiter } from '../limiter/permit-limiter.js';
import type { EngineDeps } from './run-manager-api.js';
import { loadPriceTable } from '../usage/price-table.js';

/**
 * Builds the engine's dependencies from the parsed environment (`parseEngineEnv`), once per process (or
 * once per worker thread, which receives the same plain `EngineEnv`): market data (`DATA_DIR` csv
 * first, then the demo market; the `DATA_VENDORS` chains when set, per run `data_vendors`), the providers (offline always; openai / anthropic when their keys are
 * set), one shared concurrency limiter with retries around every run's provider, the answer limits
 * (`LLM_MAX_ANSWER_CHARS`, `LLM_MAX_TOOL_CALLS`, `LLM_MAX_TOOL_TURNS`), and the price table. `options.limiter`
 * replaces the limiter built from `LLM_MAX_CONCURRENCY` / `LLM_PROVIDER_LIMITS` (the one shared by every thread).
 * Throws `ConfigError` when the price file or `DATA_DIR` cannot be used.
 */
export function createEngineDeps(
  env: EngineEnv,
  options: { limiter?: PermitLimiter & { snapshot?(): LimiterLayer[] } } = {},
): EngineDeps {
  const data = createMarketDataSetup(env.data);
  // Provider seam: the registry decides which raw provider a run gets. A new provider (or a different
  // wiring of openai / anthropic) plugs in here.
  const registry = createProviderRegistry(env, { offline: (latencyMs) => createOfflineProvider({ latencyMs }) });
  // One limiter per process: an engine worker thread passes its `RemoteLimiter`, which asks the server thread's.
  const limiter = options.limiter ?? ConcurrencyLimiter.fromEnv(env);
  const prices = loadPriceTable(env.pricesFile);
  const limits = env.answerLimits;
  const wrap = makeWrapProvider(limiter);
  return {
    vendor: data.vendor,
    vendorForRun: (config, log) => data.vendorForRun(config, log),
    dataSourceFor: (config) => data.dataSourceFor(config),
    dataVendors: () => data.registry.describe(),
    providerFor: (config) => registry.providerFor(config),
    defaultModels: (provider) => registry.defaultModels(provider),
    // Answer limits sit outside the limiter: an oversized answer has already released its permits.
    wrapProvider: (inner, run) => withAnswerLimits(wrap(inner, run), limits),
    maxToolTurns: limits.maxToolTurns,
    priceOf: (model) => prices.priceOf(model),
    ...(limiter.snapshot ? { limiterSnapshot: () => limiter.snapshot!() } : {}),
    now: Date.now,
  };
}
