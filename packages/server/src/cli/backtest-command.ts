import type { Command } from 'commander';
import { deferred, TradingFloorError, type BacktestSummary } from '@tradingfloor/shared';
import type { BacktestManagerApi, RunManagerApi } from '@tradingfloor/engine';
import { renderBacktestSummary, backtestRows } from './backtest-summary.js';
import type { BatchRow } from './batch-row.js';
import { EXIT, writeLine, type CliIo } from './cli-io.js';
import { createBatchDisplay, displayModeFor } from './live-display.js';
import { parseBacktestFlags, type BacktestPlan, type RawBacktestFlags } from './parse-backtest-flags.js';

/** What the command runs on: the runs' manager and the backtests' manager over the same results directory. */
interface BacktestEngine {
  runs: Pick<RunManagerApi, 'shutdown'>;
  backtests: BacktestManagerApi & { loadHistory(): Promise<void> };
}

/** Builds the engine for `backtest`; injected by tests. */
export type OpenBacktestEngine = (settings: { env: CliIo['env']; resultsDir: string; maxParallelRuns: number }) => Promise<BacktestEngine>;

/** The engine from the environment (DATA_DIR, keys, limits); loaded lazily so bad flags answer at once. */
const openEngine: OpenBacktestEngine = async ({ env, resultsDir, maxParallelRuns }) => {
  const engine = await import('@tradingfloor/engine');
  const { manager: runs, deps } = await engine.openRunManager({
    env: engine.parseEngineEnv(env),
    resultsDir,
    maxParallelRuns,
    enableLogStream: false,
  });
  return { runs, backtests: new engine.BacktestManager({ runs, vendor: deps.vendor, resultsDir }) };
};

function fail(io: CliIo, err: unknown): number {
  const user = err instanceof TradingFloorError && ([400, 404, 409].includes(err.status) || err.code === 'config');
  const message = err instanceof Error ? err.message : String(err);
  writeLine(
    io.stderr,
    `tradingfloor backtest: ${user ? message : `unexpected failure: ${err instanceof Error ? (err.stack ?? message) : message}`}`,
  );
  return user ? EXIT.usage : EXIT.failed;
}

/**
 * `tradingfloor backtest`: validates (bad input → exit 2, nothing written), starts or resumes the backtest, shows
 * one live row per ticker, and prints the metrics of every series (or `--json`). Ctrl-C stops it `interrupted`
 * and resumable. Exit 0 completed, 1 error, 2 bad input, 130 interrupted.
 */
export async function backtestCommand(raw: RawBacktestFlags, io: CliIo, open: OpenBacktestEngine = openEngine): Promise<number> {
  let plan: BacktestPlan;
  try {
    plan = parseBacktestFlags(raw, { env: io.env, cwd: io.cwd ?? process.cwd() });
  } catch (err) {
    return fail(io, err);
  }
  // The pool of each backtest bounds the cells in flight; the manager's limit must not be lower.
  let engine: BacktestEngine;
  try {
    engine = await open({ env: io.env, resultsDir: plan.resultsDir, maxParallelRuns: plan.kind === 'start' ? plan.parallel : 100 });
  } catch (err) {
    return fail(io, err);
  }
  let summary: BacktestSummary;
  try {
    if (plan.kind === 'resume') await engine.backtests.loadHistory();
    summary = plan.kind === 'start' ? await engine.backtests.start(plan.request) : await engine.backtests.resume(plan.backtestId);
  } catch (err) {
    await engine.runs.shutdown();
    return fail(io, err);
  }
  return follow(engine, summary, plan.json, io);
}

async function follow(engine: BacktestEngine, started: BacktestSummary, json: boolean, io: CliIo): Promise<number> {
  const now = io.now ?? Date.now;
  const id = started.backtest_id;
  const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
  const rows: BatchRow[] = [];
  const refresh = () => {
    const view = engine.backtests.get(id);
    if (view) rows.splice(0, rows.length, ...backtestRows(view.config.tickers, view.cells, started.created_at, now()));
  };
  refresh();
  if (!json)
    writeLine(
      io.stdout,
      `Backtest ${id}: ${started.tickers.join(', ')} · ${started.from} → ${started.to} · ${started.progress.total} cells · ${started.mode} mode`,
    );
  const display = createBatchDisplay(rows, io.stdout, displayModeFor(io.stdout, json), { now, startedAt: now(), color, notes: io.stderr });
  const off = engine.backtests.subscribe((e) => {
    if (e.summary.backtest_id !== id) return;
    refresh();
    display.changed();
  });
  const signals = io.signals ?? process;
  const interrupted = deferred<void>();
  let stops = 0;
  const onSignal = () => {
    stops += 1;
    if (stops > 1) return io.exit?.(EXIT.interrupted);
    display.note('Ctrl-C: stopping the backtest (resumable)… (press Ctrl-C again to quit at once)');
    interrupted.resolve();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    await Promise.race([engine.backtests.whenDone(id), interrupted.promise]);
    if (stops > 0) await engine.backtests.interruptAll();
    await engine.runs.shutdown();
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    off();
  }
  refresh();
  display.stop();
  const view = engine.backtests.get(id)!;
  if (json) writeLine(io.stdout, JSON.stringify({ backtest: view.summary, metrics: view.metrics }, null, 2));
  else writeLine(io.stdout, `\n${renderBacktestSummary(view.summary, view.metrics, { cwd: io.cwd ?? process.cwd(), color })}`);
  if (view.summary.status === 'completed') return EXIT.ok;
  return view.summary.status === 'interrupted' || view.summary.status === 'canceled' ? EXIT.interrupted : EXIT.failed;
}

/** Registers `tradingfloor backtest` on the program. */
export function addBacktestCommand(program: Command, io: CliIo, onResult: (code: number) => void): void {
  program
    .command('backtest')
    .description('run the agents over a ticker × date grid and measure their decisions against baselines')
    .option('-t, --tickers <list>', 'comma-separated tickers, e.g. AAPL,GOOGL,AMZN')
    .option('--from <YYYY-MM-DD>', 'first date of the grid')
    .option('--to <YYYY-MM-DD>', 'last date of the grid (and of the simulation)')
    .option('--every <n>', 'every Nth trading day of each instrument, 1-250 (default: 1)')
    .option('--mode <mode>', 'signal (independent cells, all at once) | portfolio (dates in order, position given) (default: signal)')
    .option('-p, --parallel <n>', 'cells running at once, 1-100 (default: 3)')
    .option('--provider <name>', 'offline | openai | anthropic (default: offline, the rule-based model, no LLM)')
    .option('--quick-model <model>', "model for analysts and debaters (default: the provider's quick model)")
    .option('--deep-model <model>', "model for the managers (default: the provider's deep model)")
    .option('--offline-latency <ms>', 'simulated latency of each offline-model call (default: 0)')
    .option('--memory <on|off>', 'reflection memory for the cells (default: off)')
    .option('--horizon <days>', 'trading days after which a decision is judged, for memory (default: 5)')
    .option('--capital <amount>', 'starting cash per ticker (default: 100000)')
    .option('--cost-per-trade <amount>', 'fixed cost of every fill (default: 1)')
    .option('--slippage-bps <bps>', 'adverse slippage per fill in basis points (default: 0)')
    .option('--allow-short', 'SELL opens a short (default: SELL means flat)')
    .option('--risk-free-rate <rate>', 'annual risk-free rate for Sharpe, Sortino and alpha, e.g. 0.05 (default: 0)')
    .option('--record <dir>', 'record every model call into this cassette directory')
    .option('--replay <dir>', 'answer every model call from this cassette directory (no network)')
    .option('--replay-or-record <dir>', 'replay what the cassette has, record the rest')
    .option('--resume <backtest_id>', 'continue an interrupted backtest; its finished cells are kept')
    .option('--results-dir <dir>', 'where results are written (default: $RESULTS_DIR, else ./results)')
    .option('--json', 'print only one JSON document: the backtest summary and its metrics')
    .addHelpText(
      'after',
      '\nWrites <results>/backtests/<backtest_id>/: config.json, state.json, decisions.csv, trades.csv, equity.csv,\n' +
        'metrics.json, report.md. Every cell is an ordinary run (results/<TICKER>/…) with backtest_id in its config.\n' +
        'Exit codes: 0 completed, 1 error, 2 invalid input (nothing written), 130 interrupted (resumable).\n\n' +
        'Example:\n  DATA_DIR=../shared/data tradingfloor backtest --tickers AAPL,GOOGL,AMZN --from 2024-01-02 --to 2024-03-28 --parallel 4\n',
    )
    .action(async (flags: RawBacktestFlags) => onResult(await backtestCommand(flags, io)));
}
