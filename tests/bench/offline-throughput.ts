import type { BenchOptions } from './bench-options.js';
import { createBenchManager, DEMO_TICKERS, runBatch } from './engine-fixture.js';
import { atLeast, figure, type Figure } from './figures.js';
import { collectGarbage } from './stats.js';
import { threadCpuMs } from './thread-cpu.js';

const OFFLINE_RUN = { llm_provider: 'offline', offline_latency_ms: 0 } as const;

/**
 * A backtest's workload without the backtest: `offlineRuns` runs of the offline model with no latency,
 * started at once on one RunManager (every run is CPU only: tools, indicators, the statechart, the files).
 * Runs finished per second = runs / (first `start()` → last run finished).
 */
export async function measureOfflineThroughput(options: BenchOptions): Promise<Figure[]> {
  const n = options.offlineRuns;
  const bench = await createBenchManager({}, Math.max(n, DEMO_TICKERS.length));
  try {
    await runBatch(bench.manager, DEMO_TICKERS.length, OFFLINE_RUN);
    collectGarbage();
    const thread0 = threadCpuMs();
    const { wallMs } = await runBatch(bench.manager, n, OFFLINE_RUN);
    const thread = threadCpuMs();
    return [
      figure(`offline model, L=0, ${n} runs at once: runs finished per second`, n / (wallMs / 1000), 'runs/s', atLeast(60)),
      figure('offline model, L=0: engine-thread CPU per run', (thread.ms - thread0.ms) / n, 'ms'),
    ];
  } finally {
    await bench.close();
  }
}
