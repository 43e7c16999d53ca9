import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BacktestMetricsSchema, ValidationError, type BacktestSummary } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BacktestManager } from '../../src/backtest/backtest-manager.js';
import { positionContext } from '../../src/backtest/cell-request.js';
import { simulate } from '../../src/backtest/simulator.js';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { tempDir } from '../runs/support.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** A RunManager and a BacktestManager over the demo market and the offline model. */
function managers(maxParallelRuns = 4) {
  const deps = createEngineDeps(parseEngineEnv({}));
  const runs = new RunManager({ deps, resultsDir: results.dir, maxParallelRuns });
  const backtests = new BacktestManager({ runs, vendor: deps.vendor, resultsDir: results.dir });
  return { deps, runs, backtests };
}

const BASE = { tickers: ['ACME', 'GLOBEX'], from: '2024-03-01', to: '2024-03-14', capital: 10_000, cost_per_trade: 1 };

// Whole runs on the offline model: a few seconds each on a busy 2-core machine.
describe('BacktestManager', { timeout: 60_000 }, () => {
  it('signal mode: every cell is an ordinary run linked to the backtest; results written; buy-and-hold matches the bars', async () => {
    const { deps, runs, backtests } = managers(3);
    const started = await backtests.start({ ...BASE, every: 2, parallel: 6 });
    const done = await backtests.whenDone(started.backtest_id);
    expect(done).toMatchObject({ status: 'completed', error: null });
    const view = backtests.get(started.backtest_id)!;
    expect(view.cells.length).toBe(view.config.grid.ACME!.length + view.config.grid.GLOBEX!.length);
    expect(view.config.grid.ACME).toEqual(['2024-03-01', '2024-03-05', '2024-03-07', '2024-03-11', '2024-03-13']);
    for (const cell of view.cells) {
      expect(cell.status).toBe('completed');
      const run = runs.get(cell.run_id!)!;
      expect(run.config).toMatchObject({ ticker: cell.ticker, trade_date: cell.date, backtest_id: started.backtest_id, memory: false });
      expect(run.summary.backtest_id).toBe(started.backtest_id);
      expect(run.config.position).toBeUndefined();
      expect(cell.action).toBe(run.decision!.action);
    }
    // Never more than --parallel's 3 (the manager's limit) at once: every cell was refused and retried, not failed.
    const dir = done.results_path;
    for (const f of ['config.json', 'state.json', 'decisions.csv', 'trades.csv', 'equity.csv', 'metrics.json', 'report.md'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const metrics = BacktestMetricsSchema.parse(JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')));
    expect(Object.keys(metrics.series)).toEqual(['strategy', 'buy_and_hold', 'macd', 'kdj_rsi', 'zmr', 'sma_crossover']);
    expect(metrics.benchmark).toBeNull(); // no SPY in the demo market

    // Buy and hold, recomputed from the bars: all in at the second day's open, marked at the last close.
    const bars = (await deps.vendor.bars('ACME', { from: BASE.from, asOf: BASE.to })).filter((b) => b.date >= BASE.from);
    const qty = Math.floor((BASE.capital - 1) / bars[1]!.open);
    const end = BASE.capital - 1 - qty * bars[1]!.open + qty * bars.at(-1)!.close;
    expect(metrics.series.buy_and_hold!.per_ticker.ACME!.cumulative_return).toBeCloseTo(end / BASE.capital - 1, 10);
    const equityCsv = await readFile(join(dir, 'equity.csv'), 'utf8');
    expect(equityCsv).toContain(`${bars.at(-1)!.date},buy_and_hold,ACME,${Number(end.toFixed(6))},${qty},`);
    const decisions = await readFile(join(dir, 'decisions.csv'), 'utf8');
    expect(decisions.split('\n')[0]).toBe('ticker,date,status,action,rating,confidence,stop_loss,take_profit,run_id,error');
    expect(decisions.trim().split('\n')).toHaveLength(view.cells.length + 1);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('offline rule-based model (no LLM)');
  });

  it('portfolio mode: each run is given the simulated position at its date', async () => {
    const { deps, runs, backtests } = managers(2);
    const started = await backtests.start({ ...BASE, tickers: ['ACME'], mode: 'portfolio', parallel: 2 });
    const done = await backtests.whenDone(started.backtest_id);
    expect(done.status).toBe('completed');
    const view = backtests.get(started.backtest_id)!;
    const history = await deps.vendor.bars('ACME', { asOf: BASE.to });
    const rules = { capital: BASE.capital, cost_per_trade: 1, slippage_bps: 0, allow_short: false };
    let held = 0;
    for (const cell of view.cells) {
      const before = view.cells
        .filter((c) => c.date < cell.date)
        .map((c) => ({ date: c.date, action: c.action!, stop_loss: c.stop_loss, take_profit: c.take_profit }));
      const expected = positionContext(simulate(history, before, rules, { from: view.cells[0]!.date, to: cell.date }).final);
      expect(runs.get(cell.run_id!)!.config.position).toEqual(expected);
      if (expected) held += 1;
    }
    // ACME is the demo market's steady uptrend: the agents buy it, so later runs see a long position.
    expect(held).toBeGreaterThan(0);
  });

  it('bad input is refused with every problem named and nothing written', async () => {
    const { backtests } = managers();
    const bad = [
      [{ ...BASE, tickers: ['NOPE'] }, /unknown ticker NOPE/],
      [{ ...BASE, from: '2024-03-20', to: '2024-03-01' }, /from 2024-03-20 is after to 2024-03-01/],
      [{ ...BASE, from: '2010-01-04' }, /outside its data/],
      [{ ...BASE, cassette: { mode: 'replay', dir: join(results.dir, 'missing') } }, /replay directory .* does not exist/],
      [{ ...BASE, every: 0 }, /every/],
      [{ ...BASE, mode: 'yolo' }, /mode/],
      [{ ...BASE, extra: 1 }, /unknown field "extra"/],
    ] as const;
    for (const [input, message] of bad) await expect(backtests.start(input), JSON.stringify(input)).rejects.toThrow(message);
    await expect(backtests.start({ ...BASE, tickers: ['NOPE'] })).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(join(results.dir, 'backtests'))).toBe(false);
    expect(backtests.list()).toEqual([]);
  });

  it('resumes after an interruption without re-running finished cells', async () => {
    const first = managers(2);
    const started = await first.backtests.start({ ...BASE, parallel: 2 });
    // Interrupt as soon as three cells have finished.
    await new Promise<void>((resolve) => {
      const off = first.backtests.subscribe((e) => {
        if (e.summary.progress.done >= 3) {
          off();
          resolve();
        }
      });
    });
    await first.backtests.interruptAll();
    await first.runs.shutdown();
    const interrupted = first.backtests.get(started.backtest_id)!;
    expect(interrupted.summary.status).toBe('interrupted');
    const kept = interrupted.cells.filter((c) => c.status === 'completed');
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(interrupted.cells.length);

    // A new process: history from disk, then --resume.
    const second = managers(2);
    await second.backtests.loadHistory();
    expect(second.backtests.get(started.backtest_id)!.summary.status).toBe('interrupted');
    await second.backtests.resume(started.backtest_id);
    const done: BacktestSummary = await second.backtests.whenDone(started.backtest_id);
    expect(done.status).toBe('completed');
    const cells = second.backtests.get(started.backtest_id)!.cells;
    for (const k of kept) expect(cells.find((c) => c.ticker === k.ticker && c.date === k.date)!.run_id).toBe(k.run_id);
    expect(cells.every((c) => c.status === 'completed')).toBe(true);
    await expect(second.backtests.resume(started.backtest_id)).rejects.toThrow(/completed/);
  });
});
