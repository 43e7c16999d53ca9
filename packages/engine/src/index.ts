// The engine's public surface: exactly what the server and the CLI use (knip checks it). Explicit named
// exports only. Tests reach internals by relative path, or through `@tradingfloor/engine/testing`.

// RunManager and its contract
export { RunManager, type ResumeOverrides } from './runs/run-manager.js';
export type { RunEvent, RunManagerApi, RunRequest, RunView } from './runs/run-manager-api.js';
export type { HostHealth } from './host/host-protocol.js';
export { createEngineDeps } from './runs/engine-deps.js';
// The engine's environment, parsed once with its defaults (serve, run, resume, backtest, data fetch)
export { parseEngineEnv, type EngineEnv } from './config/engine-env.js';
// The one builder of a RunManager from the parsed environment (serve, run, resume, backtest)
export { openRunManager } from './runs/open-run-manager.js';
// A thread's own CPU time (benchmarks read the serving thread's; engine threads report theirs via `threadUsage`)
export { callingThreadCpuMs, type ThreadUsage } from './host/thread-usage.js';
// Queue mode (REDIS_URL): the process behind `tradingfloor worker`
export { checkResultsDirWritable, startQueueWorker } from './runs/queue-entry.js';
export { queueServerId } from './host/queue-server-id.js';
// One run read from its results directory without a RunManager (`tradingfloor export`)
export { chartOfRun, readStoredRunView } from './runs/read-stored-run.js';

// The run statechart: its definition for GET /machine, and the Stately inspector for INSPECT=stately
export { describeRunMachine } from './machine/machine-definition.js';
/** @public kept on the surface: `openRunManager` connects the inspector itself now. */
export { connectStatelyInspector, statelySettingFromEnv, type StatelyInspector } from './machine/stately-inspector.js';

// Providers and market data, for /config/providers and `tradingfloor data fetch`
export type { LlmProvider } from './providers/provider.js';
export { createOfflineProvider } from './providers/offline/offline-provider.js';
export { createProviderRegistry, type ProviderInfo } from './providers/provider-registry.js';
export { createMarketDataSetup } from './data/market-data-from-env.js';
export { createVendorRegistry, type DataVendorInfo } from './data/vendor-registry.js';
export { createCsvVendor } from './data/csv/csv-vendor.js';
export { fetchDataset, type TickerFetchResult } from './data/snapshot/fetch-dataset.js';

// Atomic (temp file + rename) writes, for the server's own files (webhook deliveries, schedules.json)
export { writeFileAtomic } from './fs/atomic-write.js';

// Backtests (issue 14): the coordinator the server and `tradingfloor backtest` drive
export { BacktestManager, type BacktestManagerApi } from './backtest/backtest-manager.js';
