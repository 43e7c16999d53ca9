import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BacktestCellSchema,
  BacktestConfigSchema,
  BacktestIdSchema,
  BacktestMetricsSchema,
  BacktestStatusSchema,
  EquityRowSchema,
  TradeRowSchema,
  type BacktestConfig,
  type BacktestMetrics,
  type EquityRow,
  type TradeRow,
} from '@tradingfloor/shared';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { toCsv } from './csv.js';

/** The files of `<results>/backtests/<backtest_id>/`. */
const BACKTEST_FILES = {
  config: 'config.json',
  state: 'state.json',
  decisions: 'decisions.csv',
  trades: 'trades.csv',
  equity: 'equity.csv',
  metrics: 'metrics.json',
  report: 'report.md',
} as const;

/** `state.json`: the backtest's status and every cell, rewritten (atomically) whenever a cell changes. */
const BacktestStateSchema = z.object({
  status: BacktestStatusSchema,
  error: z.string().nullable(),
  updated_at: z.number(),
  cells: z.array(BacktestCellSchema),
});
export type BacktestState = z.infer<typeof BacktestStateSchema>;

const DECISION_COLUMNS = [
  'ticker',
  'date',
  'status',
  'action',
  'rating',
  'confidence',
  'stop_loss',
  'take_profit',
  'run_id',
  'error',
] as const;
const TRADE_COLUMNS = [
  'series',
  'ticker',
  'decision_date',
  'date',
  'side',
  'quantity',
  'price',
  'cost',
  'slippage',
  'reason',
  'pnl',
] as const;
const EQUITY_COLUMNS = ['date', 'series', 'ticker', 'equity', 'position', 'drawdown'] as const;

/** The directory holding every backtest of a results directory. */
const backtestsRoot = (resultsDir: string) => join(resultsDir, 'backtests');

/**
 * One backtest's directory. Every file is written atomically (temp + rename) and writes are applied in the order
 * asked, so a kill leaves each file whole: the last `state.json` names the cells already decided.
 */
export class BacktestFiles {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** Makes the directory of a new backtest (fails if it exists: ids are unique). */
  static async create(resultsDir: string, backtestId: string): Promise<BacktestFiles> {
    // Only a validated id becomes a path segment.
    const id = BacktestIdSchema.parse(backtestId);
    await mkdir(backtestsRoot(resultsDir), { recursive: true });
    const dir = join(backtestsRoot(resultsDir), id);
    await mkdir(dir);
    return new BacktestFiles(dir);
  }

  writeConfig(config: BacktestConfig): Promise<void> {
    return this.write(BACKTEST_FILES.config, `${JSON.stringify(config, null, 2)}\n`);
  }

  /** `state.json` and `decisions.csv` together: the cells and what each decided. */
  writeState(state: BacktestState): Promise<void> {
    const rows = state.cells.map((c) => ({ ...c }));
    return Promise.all([
      this.write(BACKTEST_FILES.state, `${JSON.stringify(state)}\n`),
      this.write(BACKTEST_FILES.decisions, toCsv(DECISION_COLUMNS, rows)),
    ]).then(() => undefined);
  }

  writeResults(results: { metrics: BacktestMetrics; trades: TradeRow[]; equity: EquityRow[]; report: string }): Promise<void> {
    return Promise.all([
      this.write(BACKTEST_FILES.trades, toCsv(TRADE_COLUMNS, results.trades)),
      this.write(BACKTEST_FILES.equity, toCsv(EQUITY_COLUMNS, results.equity)),
      this.write(BACKTEST_FILES.report, results.report),
      // metrics.json last: its presence says the results are complete.
    ]).then(() => this.write(BACKTEST_FILES.metrics, `${JSON.stringify(results.metrics, null, 2)}\n`));
  }

  /** Resolves when every write asked for so far is done. */
  flush(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private write(name: string, data: string): Promise<void> {
    const next = this.queue.then(() => writeFileAtomic(join(this.dir, name), data));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** What a backtest directory holds, read back (history, resume). */
export interface StoredBacktest {
  dir: string;
  config: BacktestConfig;
  state: BacktestState | null;
  metrics: BacktestMetrics | null;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads one backtest directory; null when its config is missing or unreadable. */
export async function readStoredBacktest(dir: string): Promise<StoredBacktest | null> {
  const config = BacktestConfigSchema.safeParse(await readJson(join(dir, BACKTEST_FILES.config)));
  if (!config.success) return null;
  const state = BacktestStateSchema.safeParse(await readJson(join(dir, BACKTEST_FILES.state)));
  const metrics = BacktestMetricsSchema.safeParse(await readJson(join(dir, BACKTEST_FILES.metrics)));
  return { dir, config: config.data, state: state.success ? state.data : null, metrics: metrics.success ? metrics.data : null };
}

/** Every backtest under `<resultsDir>/backtests/`, oldest first; unreadable directories are skipped. */
export async function readBacktestHistory(resultsDir: string): Promise<StoredBacktest[]> {
  let names: string[];
  try {
    names = await readdir(backtestsRoot(resultsDir));
  } catch {
    return [];
  }
  const stored = await Promise.all(
    names.filter((n) => BacktestIdSchema.safeParse(n).success).map((n) => readStoredBacktest(join(backtestsRoot(resultsDir), n))),
  );
  return stored.filter((s): s is StoredBacktest => s !== null).sort((a, b) => a.config.created_at - b.config.created_at);
}

/** Parses a CSV this module wrote (no quoted fields in equity and trades) back into rows. */
function parseSimpleCsv(text: string): Array<Record<string, string>> {
  const [head, ...lines] = text.trim().split('\n');
  const columns = head?.split(',') ?? [];
  return lines.filter((l) => l !== '').map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i] ?? `c${i}`, v])));
}

const numberOrNull = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

/** `equity.csv` as rows; [] when not written yet. */
export async function readEquityRows(dir: string): Promise<EquityRow[]> {
  const text = await readFile(join(dir, BACKTEST_FILES.equity), 'utf8').catch(() => '');
  return parseSimpleCsv(text).map((r) =>
    EquityRowSchema.parse({ ...r, equity: Number(r.equity), position: Number(r.position), drawdown: Number(r.drawdown) }),
  );
}

/** `trades.csv` as rows; [] when not written yet. */
export async function readTradeRows(dir: string): Promise<TradeRow[]> {
  const text = await readFile(join(dir, BACKTEST_FILES.trades), 'utf8').catch(() => '');
  return parseSimpleCsv(text).map((r) =>
    TradeRowSchema.parse({
      ...r,
      quantity: Number(r.quantity),
      price: Number(r.price),
      cost: Number(r.cost),
      slippage: Number(r.slippage),
      pnl: numberOrNull(r.pnl),
    }),
  );
}
