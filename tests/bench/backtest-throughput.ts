import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BacktestManager, createEngineDeps, parseEngineEnv, RunManager } from '@tradingfloor/engine';
import type { BenchOptions } from './bench-options.js';
import { atLeast, atMost, figure, type Figure } from './figures.js';
import { tempDir } from './engine-fixture.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REAL_DATA = process.env.DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/**
 * Backtest throughput (issue 14): the paper's protocol — AAPL, GOOGL, AMZN, 2024-01-02 → 2024-03-28, every trading
 * day, signal mode — on the offline model with no latency, 4 cells at once. On the real data when it is there (the
 * bar: ≤ 30 s), otherwise the same grid on three demo tickers. Reports wall time and backtest runs (cells) per second.
 * The smoke mode runs every 10th day.
 */
export async function measureBacktest(options: BenchOptions): Promise<Figure[]> {
  const real = existsSync(path.join(REAL_DATA, 'ohlcv', 'AAPL.csv'));
  const env: NodeJS.ProcessEnv = real ? { DATA_DIR: REAL_DATA } : {};
  const tickers = real ? ['AAPL', 'GOOGL', 'AMZN'] : ['ACME', 'GLOBEX', 'INITECH'];
  const dir = await tempDir('tf-bench-backtest-');
  const deps = createEngineDeps(parseEngineEnv(env));
  const runs = new RunManager({ deps, resultsDir: dir, maxParallelRuns: 4, enableLogStream: false });
  const backtests = new BacktestManager({ runs, vendor: deps.vendor, resultsDir: dir });
  try {
    const every = options.mode === 'smoke' ? 10 : 1;
    const request = { tickers, from: '2024-01-02', to: '2024-03-28', every, parallel: 4 };
    // Warm: one small backtest first, as a long-lived process has run its code and read its data before.
    await backtests.whenDone((await backtests.start({ ...request, every: 20 })).backtest_id);
    const started = performance.now();
    const summary = await backtests.whenDone((await backtests.start(request)).backtest_id);
    const wallMs = performance.now() - started;
    if (summary.status !== 'completed') throw new Error(`backtest ended ${summary.status}: ${summary.error ?? ''}`);
    const cells = summary.progress.total;
    const label = real ? 'paper protocol (real data)' : 'paper grid on demo tickers';
    return [
      figure(`backtest: ${label}, ${cells} cells, wall time`, wallMs, 'ms', real && every === 1 ? atMost(30_000) : undefined),
      figure('backtest: runs per second (offline model, no latency, 4 at once)', cells / (wallMs / 1000), 'runs/s', atLeast(6)),
    ];
  } finally {
    await runs.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}
