import type { BenchOptions } from './bench-options.js';
import { measureScale } from './concurrent-scale.js';
import { measureCriticalPath } from './critical-path.js';
import { measureApi } from './api-latency.js';
import { measureBacktest } from './backtest-throughput.js';
import { measureBoardApi } from './board-api.js';
import { measureBoardUi } from './board-ui.js';
import { measureLimiter } from './limiter-throughput.js';
import { measureOfflineThroughput } from './offline-throughput.js';
import { measureQueue } from './queue-scale-out.js';
import { measurePatchEfficiency } from './patch-efficiency.js';
import { measureServerLoad } from './server-load.js';
import { measureServerRss } from './server-rss.js';
import { measureStartSpread } from './start-spread.js';

/** Every benchmark group a worker process can run, by name. */
export const BENCH_GROUPS: Record<string, (options: BenchOptions, args: unknown) => Promise<unknown>> = {
  'critical-path': measureCriticalPath,
  scale: measureScale,
  start: measureStartSpread,
  limiter: measureLimiter,
  'server-load': measureServerLoad,
  'server-rss': measureServerRss,
  'patch-efficiency': measurePatchEfficiency,
  offline: measureOfflineThroughput,
  api: measureApi,
  backtest: measureBacktest,
  'board-api': measureBoardApi,
  'board-ui': measureBoardUi,
  queue: measureQueue,
};
