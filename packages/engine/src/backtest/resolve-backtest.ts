import { stat } from 'node:fs/promises';
import {
  BacktestRequestSchema,
  checkTicker,
  MAX_BACKTEST_CELLS,
  ValidationError,
  type BacktestConfig,
  type BacktestRequest,
} from '@tradingfloor/shared';
import type { Bar, MarketDataVendor } from '../data/vendor.js';
import type { RunManagerApi, RunRequest } from '../runs/run-manager-api.js';
import { gridDates } from './backtest-grid.js';
import { cellOptions } from './cell-request.js';

/** A checked backtest before it has an id. */
export type ResolvedBacktest = Omit<BacktestConfig, 'backtest_id' | 'created_at'>;

const describeIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>) =>
  issues.map((i) => {
    if (i.code === 'unrecognized_keys' && i.keys)
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    const field = i.path.map(String).join('.');
    return field === '' ? i.message : `${field}: ${i.message}`;
  });

/**
 * Checks a backtest request before anything is written: the fields, every ticker (syntax and data), `from` ≤ `to`,
 * both inside each instrument's data and not in the future, at least two trading days (one to decide, one to fill),
 * the grid size, a replay cassette's directory, and — through `RunManager.check` — that the cells' runs would be
 * accepted (provider configured, models). Every problem is reported in one `ValidationError`.
 */
export async function resolveBacktest(
  input: unknown,
  scope: { vendor: MarketDataVendor; runs: Pick<RunManagerApi, 'check'>; today: string },
): Promise<ResolvedBacktest> {
  const parsed = BacktestRequestSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(`invalid backtest: ${describeIssues(parsed.error.issues).join('; ')}`);
  const request: BacktestRequest = parsed.data;
  const problems: string[] = [];
  const tickers: string[] = [];
  for (const raw of request.tickers) {
    const check = checkTicker(raw);
    if (!check.ok) problems.push(`bad ticker ${JSON.stringify(raw)}: ${check.reason}`);
    else if (!tickers.includes(check.ticker)) tickers.push(check.ticker);
  }
  if (request.from > request.to) problems.push(`from ${request.from} is after to ${request.to}`);
  if (request.to > scope.today) problems.push(`to ${request.to} is in the future (today is ${scope.today})`);
  if (request.cassette?.mode === 'replay' && !(await isDirectory(request.cassette.dir)))
    problems.push(`replay directory ${request.cassette.dir} does not exist`);

  const grid: Record<string, string[]> = {};
  if (problems.length === 0) {
    await Promise.all(
      tickers.map(async (ticker) => {
        let bars: Bar[];
        try {
          bars = await scope.vendor.bars(ticker, { asOf: '9999-12-31' });
        } catch {
          bars = [];
        }
        const first = bars[0]?.date;
        const last = bars.at(-1)?.date;
        if (!first || !last) return problems.push(`unknown ticker ${ticker}: ${scope.vendor.label} has no prices for it`);
        if (request.from < first || request.to > last)
          return problems.push(`${ticker}: ${request.from} → ${request.to} is outside its data (${first} to ${last})`);
        const days = bars.filter((b) => b.date >= request.from && b.date <= request.to);
        if (days.length < 2)
          return problems.push(
            `${ticker}: ${request.from} → ${request.to} holds ${days.length} trading day(s); a backtest needs at least 2`,
          );
        grid[ticker] = gridDates(bars, request.from, request.to, request.every);
      }),
    );
  }
  const cells = Object.values(grid).reduce((n, dates) => n + dates.length, 0);
  if (cells > MAX_BACKTEST_CELLS)
    problems.push(`${cells} cells (tickers × dates) is more than ${MAX_BACKTEST_CELLS}; use a larger every or fewer tickers`);
  if (problems.length > 0) throw new ValidationError(problems.join('; '));

  // Each ticker's first cell as a real run request: the manager refuses what it would refuse at start.
  const probes: RunRequest[] = tickers.map((ticker) => ({
    ticker,
    options: { ...cellOptions(request, undefined), trade_date: grid[ticker]![0]! },
  }));
  const configs = (await scope.runs.check?.(probes)) ?? [];
  const models = configs[0];
  return {
    ...request,
    tickers,
    quick_think_llm: request.quick_think_llm ?? models?.quick_think_llm,
    deep_think_llm: request.deep_think_llm ?? models?.deep_think_llm,
    grid,
    data_label: scope.vendor.label,
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
