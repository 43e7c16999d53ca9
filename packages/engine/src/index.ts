// The engine's public surface: what the server and the CLI use. Explicit named exports only.

// RunManager and its contract
export {
  RunManager,
  DEFAULT_MAX_PARALLEL_RUNS,
  DEFAULT_RUNS_IN_MEMORY,
  type ResumeOutcome,
  type ResumeOverrides,
  type RunManagerOptions,
} from './run-manager.js';
export type { EngineDeps, InspectionPage, RunEvent, RunManagerApi, RunRequest, RunView } from './run-manager-api.js';
export { createEngineDepsFromEnv } from './engine-deps.js';

// The run statechart and its bindings
export { createRunMachine, RUN_MACHINE_VERSION, type RunClock, type RunMachine } from './run/run-machine.js';
export { initialRunContext, type NodeRecord, type RunContext, type RunMachineEvent, type RunMachineInput } from './run/run-context.js';
export { provideRun, type RunEnvironment, type RunSteps } from './run/provide-run.js';
export { AGENT_STEPS } from './run/agent-steps.js';
export { UsageMeter, meteredProvider, type PriceOf } from './run/usage-meter.js';
export { InspectionBuffer, DEFAULT_INSPECTION_MAX, type InspectionBufferOptions, type InspectionRecord } from './run/inspection-buffer.js';
export { describeAction, describeGuard, describeMachine, describeRunMachine } from './run/machine-definition.js';
export {
  connectStatelyInspector,
  DEFAULT_STATELY_URL,
  statelySettingFromEnv,
  type StatelyInspector,
  type StatelySetting,
} from './run/stately-inspector.js';
export { checkResumable, stateFileProblem, type ResumeCheck } from './run/resume-check.js';
export type { RunRestore } from './run/live-run.js';

// Execution tree, progress and patches
export { deriveTree, runStatusOf, type RunSnapshotLike } from './tree/derive-tree.js';
export { deriveContents } from './tree/derive-contents.js';
export { computeProgress, currentPhase } from './tree/progress.js';
export {
  AGENT_NODE,
  AGENT_SLOTS,
  ANALYST_NODE,
  TREE_LAYOUT,
  agentSlot,
  messagesNodeId,
  reportNodeId,
  type AgentSlot,
} from './tree/tree-layout.js';

// Logs
export { RunLog, DEFAULT_LOG_BUFFER_MAX_LINES, agentSink, type RunLogOptions } from './logs/run-log.js';
export { discardLog, type LogInput, type LogSink } from './logs/log-sink.js';

// Results on disk
export { createRunDirectory } from './results/results-dir.js';
export { writeFileAtomic } from './results/atomic-write.js';
export { RUN_FILES, RunFiles, type StateFile } from './results/run-files.js';
export { REPORT_NAMES, reportsOf, type ReportName } from './results/report-files.js';
export { readResultsHistory, type StoredRun } from './results/read-history.js';
export { readAgentMessages } from './results/read-messages.js';

// Contracts and implementations of the other engine parts, for the server's wiring and tests
export type { AgentContext, AgentResult, DebateTurn, Reports } from './agents/agent-context.js';
export type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  LlmProvider,
  ModelTier,
  TokenUsage,
  ToolCall,
  ToolSpec,
} from './providers/provider.js';
export type { Bar, DataCoverage, FundamentalsSnapshot, InstrumentContext, MarketDataVendor, NewsItem } from './data/vendor.js';
export type { DataTool } from './data/data-tool.js';
export { createMarketDataFromEnv, createMarketDataSetup, type MarketDataSetup } from './data/market-data-from-env.js';
export { createVendorRegistry, dataCacheDir, type DataVendorInfo, type VendorRegistry, type VendorRegistryOptions } from './data/vendor-registry.js';
export { createVendorChain, isVendorChain, type VendorChain } from './data/vendor-chain.js';
export { createOnlineVendor, type OnlineVendorOptions } from './data/online/online-vendor.js';
export type { OnlineSource, InstrumentProfile } from './data/online/online-source.js';
export { RequestGate, type RequestGateOptions } from './data/online/request-gate.js';
export {
  VendorBadResponseError,
  VendorNoDataError,
  VendorNotConfiguredError,
  VendorRateLimitedError,
  vendorFailureKind,
  type VendorFailureKind,
} from './data/online/vendor-errors.js';
export { DiskCache, type CacheEntry, type CacheKey } from './data/cache/disk-cache.js';
export { createYahooSource, type YahooSourceOptions } from './data/yahoo/yahoo-source.js';
export { createAlphaVantageSource, type AlphaVantageSourceOptions } from './data/alphavantage/alphavantage-source.js';
export { fetchDataset, type FetchDatasetOptions, type TickerFetchResult } from './data/snapshot/fetch-dataset.js';
export { createRoutingVendor, resolveVendor, type RoutingVendor } from './data/routing-vendor.js';
export { assertTradeDateCovered, instrumentDateRange, type InstrumentDateRange } from './data/trade-date-coverage.js';
export { buildChartData } from './data/chart-data.js';
export { computeIndicators, INDICATOR_NAMES, type IndicatorName, type IndicatorSeries } from './data/indicators.js';
export { createDemoVendor, DEMO_LABEL, type DemoVendor } from './data/demo/demo-vendor.js';
export { createCsvVendor } from './data/csv/csv-vendor.js';
export { createAnalystTools } from './data/analyst-tools.js';
export { createOfflineProvider, OFFLINE_MODEL } from './providers/offline/offline-provider.js';
export { createProviderRegistry, type ProviderInfo, type ProviderRegistry } from './providers/provider-registry.js';
export { ConcurrencyLimiter } from './limiter/concurrency-limiter.js';
export { makeWrapProvider } from './providers/retrying-provider.js';
export { priceTableFromEnv } from './usage/price-table.js';
export { parseDecision } from './decision/parse-decision.js';

// Backtests (issue 14): the coordinator, the pure simulator, metrics and baselines
export { BacktestManager, type BacktestEvent, type BacktestManagerApi, type BacktestManagerOptions } from './backtest/backtest-manager.js';
export { BacktestRun, BENCHMARK_TICKER, strategyLabel } from './backtest/backtest-run.js';
export { BACKTEST_FILES, backtestsRoot, readBacktestHistory, type StoredBacktest } from './backtest/backtest-files.js';
export { resolveBacktest, type ResolvedBacktest } from './backtest/resolve-backtest.js';
export { gridDates } from './backtest/backtest-grid.js';
export { simulate, type EquityPoint, type ExecutionRules, type Fill, type Signal, type SimulatedPosition, type SimulationResult } from './backtest/simulator.js';
export { computeMetrics, TRADING_DAYS_PER_YEAR, type MetricsOptions } from './backtest/metrics.js';
export { equalWeightPortfolio } from './backtest/portfolio.js';
export { BASELINES, type Baseline } from './backtest/baselines.js';
export { evaluateBacktest, PORTFOLIO, STRATEGY_SERIES, type Evaluation, type EvaluationInput } from './backtest/evaluate-backtest.js';

// Reflection memory and model-call cassettes (issue 14)
export { LessonStore, MEMORY_DIR } from './memory/lesson-store.js';
export { retrieveLessons, type RetrievalLimits } from './memory/retrieve-lessons.js';
export { settlePending, decisionReturn, type SettleOptions } from './memory/settle-memory.js';
export { measureOutcome, type Outcome } from './memory/outcome.js';
export { renderLessonsMarkdown } from './memory/render-lessons.js';
export { withCassette, CassetteMissError, cassetteEntryPath } from './providers/cassette/cassette-provider.js';
export { requestHash, canonicalJson } from './providers/cassette/request-hash.js';
export { checkCassette } from './providers/cassette/check-cassette.js';
