import { isIsoDate } from '../dates.js';
import { PeriodMerger, statementSnapshots } from '../online/statement-snapshots.js';
import type { FundamentalsSnapshot } from '../vendor.js';
import { avNumber } from './alphavantage-client.js';

/** Our metric name for each Alpha Vantage statement field. */
const FIELDS: Readonly<Record<string, string>> = {
  totalRevenue: 'revenue',
  costOfRevenue: 'cost_of_revenue',
  grossProfit: 'gross_profit',
  researchAndDevelopment: 'research_and_development',
  operatingIncome: 'operating_income',
  netIncome: 'net_income',
  totalAssets: 'total_assets',
  totalCurrentAssets: 'total_current_assets',
  totalLiabilities: 'total_liabilities',
  totalCurrentLiabilities: 'total_current_liabilities',
  longTermDebtNoncurrent: 'long_term_debt_noncurrent',
  shortTermDebt: 'short_term_debt',
  totalShareholderEquity: 'stockholders_equity',
  cashAndCashEquivalentsAtCarryingValue: 'cash_and_equivalents',
  commonStockSharesOutstanding: 'shares_outstanding',
  operatingCashflow: 'operating_cash_flow',
  capitalExpenditures: 'capital_expenditure',
};

type Report = Record<string, unknown>;
const reportsOf = (body: Record<string, unknown> | null, key: string): Report[] =>
  Array.isArray(body?.[key]) ? (body[key] as unknown[]).filter((r): r is Report => typeof r === 'object' && r !== null) : [];

/**
 * Filing snapshots from Alpha Vantage's `INCOME_STATEMENT`, `BALANCE_SHEET`, `CASH_FLOW` and `EARNINGS`
 * answers (any may be null when it failed). EPS comes from `EARNINGS`, whose quarterly `reportedDate` is
 * also when a period became public; periods without one wait for the SEC deadline.
 */
export function alphaVantageSnapshots(
  ticker: string,
  statements: Array<Record<string, unknown> | null>,
  earnings: Record<string, unknown> | null,
): FundamentalsSnapshot[] {
  const merger = new PeriodMerger();
  const reportedOn = new Map<string, string>();
  for (const row of reportsOf(earnings, 'quarterlyEarnings')) {
    if (isIsoDate(row.fiscalDateEnding) && isIsoDate(row.reportedDate)) reportedOn.set(row.fiscalDateEnding, row.reportedDate);
  }
  for (const body of statements) {
    for (const [key, annual] of [
      ['annualReports', true],
      ['quarterlyReports', false],
    ] as const) {
      for (const row of reportsOf(body, key)) {
        if (!isIsoDate(row.fiscalDateEnding)) continue;
        const metrics: Record<string, number | null> = {};
        for (const [field, name] of Object.entries(FIELDS)) if (field in row) metrics[name] = avNumber(row[field]);
        // Some answers give capex as a negative outflow; ours is the positive amount spent, like the filings.
        if (metrics.capital_expenditure != null) metrics.capital_expenditure = Math.abs(metrics.capital_expenditure);
        merger.add(row.fiscalDateEnding, annual, metrics, reportedOn.get(row.fiscalDateEnding));
      }
    }
  }
  for (const [key, annual] of [
    ['annualEarnings', true],
    ['quarterlyEarnings', false],
  ] as const) {
    for (const row of reportsOf(earnings, key)) {
      if (!isIsoDate(row.fiscalDateEnding)) continue;
      merger.add(row.fiscalDateEnding, annual, { eps_diluted: avNumber(row.reportedEPS) }, reportedOn.get(row.fiscalDateEnding));
    }
  }
  return statementSnapshots(ticker, merger.list());
}
