import { PeriodMerger, statementSnapshots } from '../online/statement-snapshots.js';
import { utcMsToDate } from '../dates.js';
import type { FundamentalsSnapshot } from '../vendor.js';

/** Our metric name for each `fundamentalsTimeSeries` field (the library strips the `quarterly`/`annual` prefix). */
const FIELDS: Readonly<Record<string, string>> = {
  totalRevenue: 'revenue',
  costOfRevenue: 'cost_of_revenue',
  grossProfit: 'gross_profit',
  researchAndDevelopment: 'research_and_development',
  operatingIncome: 'operating_income',
  netIncome: 'net_income',
  basicEPS: 'eps_basic',
  dilutedEPS: 'eps_diluted',
  totalAssets: 'total_assets',
  currentAssets: 'total_current_assets',
  totalLiabilitiesNetMinorityInterest: 'total_liabilities',
  currentLiabilities: 'total_current_liabilities',
  longTermDebt: 'long_term_debt_noncurrent',
  currentDebt: 'short_term_debt',
  stockholdersEquity: 'stockholders_equity',
  cashAndCashEquivalents: 'cash_and_equivalents',
  ordinarySharesNumber: 'shares_outstanding',
  operatingCashFlow: 'operating_cash_flow',
  capitalExpenditure: 'capital_expenditure',
};

/** One row of `fundamentalsTimeSeries(…, { module: 'all' })`. */
export type YahooTimeSeriesRow = { date: Date | number | string } & Record<string, unknown>;

const dateOf = (value: Date | number | string): string | null => {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * (value < 1e11 ? 1000 : 1) : Date.parse(value);
  return Number.isFinite(ms) ? utcMsToDate(ms) : null;
};

/**
 * Filing snapshots from Yahoo's quarterly and annual time series. Yahoo gives no filing date, so each
 * period becomes visible only at the SEC deadline after its end (`filed_estimated`): never too early.
 */
export function yahooSnapshots(
  ticker: string,
  quarterly: readonly YahooTimeSeriesRow[],
  annual: readonly YahooTimeSeriesRow[],
): FundamentalsSnapshot[] {
  const merger = new PeriodMerger();
  for (const [rows, isAnnual] of [
    [quarterly, false],
    [annual, true],
  ] as const) {
    for (const row of rows) {
      const end = dateOf(row.date);
      if (!end) continue;
      const metrics: Record<string, number | null> = {};
      for (const [field, name] of Object.entries(FIELDS)) {
        const v = row[field];
        if (typeof v === 'number' && Number.isFinite(v)) metrics[name] = v;
      }
      // Yahoo reports capex as a negative cash flow; ours is the positive amount spent, like the filings.
      if (metrics.capital_expenditure != null) metrics.capital_expenditure = Math.abs(metrics.capital_expenditure);
      if (Object.keys(metrics).length > 0) merger.add(end, isAnnual, metrics);
    }
  }
  return statementSnapshots(ticker, merger.list());
}
