import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateBacktest } from '../../src/backtest/evaluate-backtest.js';
import { gridDates } from '../../src/backtest/backtest-grid.js';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';

/** The paper's window on the real data, recomputed here straight from the CSV text with plain arithmetic. */
const FROM = '2024-01-02';
const TO = '2024-03-28';
const CAPITAL = 100_000;
const COST = 1;

function independentBuyAndHold(ticker: string) {
  const rows = readFileSync(join(REAL_DATA_DIR, 'ohlcv', `${ticker}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter(([date]) => date! >= FROM && date! <= TO)
    .map(([date, open, , , close]) => ({ date: date!, open: Number(open), close: Number(close) }));
  // Decision on the first day, filled at the second day's open with whole shares and one fixed cost.
  const entry = rows[1]!.open;
  const qty = Math.floor((CAPITAL - COST) / entry);
  const cash = CAPITAL - COST - qty * entry;
  const equity = rows.map((r, i) => (i === 0 ? CAPITAL : cash + qty * r.close));
  const returns = equity.slice(1).map((e, i) => e / equity[i]! - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
  let peak = 0;
  let mdd = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    mdd = Math.max(mdd, 1 - e / peak);
  }
  const cumulative = equity.at(-1)! / CAPITAL - 1;
  return {
    cumulative,
    annualized: (1 + cumulative) ** (252 / returns.length) - 1,
    volatility: sd * Math.sqrt(252),
    sharpe: (mean / sd) * Math.sqrt(252),
    mdd,
  };
}

describe.skipIf(!hasRealData('buy-and-hold against the CSV'))(
  'buy-and-hold and its metrics agree with the CSV (AAPL, GOOGL, AMZN, paper window)',
  () => {
    it('to 4 decimals', async () => {
      const vendor = createCsvVendor({ dir: REAL_DATA_DIR });
      const tickers = ['AAPL', 'GOOGL', 'AMZN'];
      const history = new Map(await Promise.all(tickers.map(async (t) => [t, await vendor.bars(t, { asOf: TO })] as const)));
      const grid = Object.fromEntries(tickers.map((t) => [t, gridDates(history.get(t)!, FROM, TO, 1)]));
      const evaluation = evaluateBacktest({
        tickers,
        grid,
        to: TO,
        rules: { capital: CAPITAL, cost_per_trade: COST, slippage_bps: 0, allow_short: false },
        riskFreeRate: 0,
        history,
        decisions: new Map(),
        strategyLabel: 'none',
        benchmark: null,
      });
      for (const ticker of tickers) {
        const m = evaluation.metrics.buy_and_hold!.per_ticker[ticker]!;
        const expected = independentBuyAndHold(ticker);
        expect(m.cumulative_return).toBeCloseTo(expected.cumulative, 4);
        expect(m.annualized_return).toBeCloseTo(expected.annualized, 4);
        expect(m.annualized_volatility).toBeCloseTo(expected.volatility, 4);
        expect(m.sharpe!).toBeCloseTo(expected.sharpe, 4);
        expect(m.max_drawdown).toBeCloseTo(expected.mdd, 4);
      }
    });
  },
);
