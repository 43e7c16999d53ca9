import type { FundamentalsSnapshot } from '../vendor.js';
import { addDays } from '../dates.js';
import { nextDemoSession, weekdayIndexesBetween } from './demo-calendar.js';
import type { DemoCompany } from './demo-company.js';
import { createRandomStream } from './random-stream.js';
import { averageMood } from './regime.js';

/** The first fiscal year generated: a year of filings exists before the first bar. */
const FIRST_FISCAL_YEAR = 2020;
const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'] as const;
const DURATION_KEYS = [
  'revenue',
  'cost_of_revenue',
  'gross_profit',
  'research_and_development',
  'operating_income',
  'net_income',
  'eps_basic',
  'eps_diluted',
  'operating_cash_flow',
  'capital_expenditure',
  'dividends_per_share',
] as const;

type Figures = Record<string, number>;

/** One generated filing and the facts headlines and prices react to. */
export interface DemoFiling {
  snapshot: FundamentalsSnapshot;
  /** The quarter's own figures (for a 10-K: its fourth quarter). */
  quarter: Figures;
  /** Revenue growth of the quarter against the same quarter a year earlier, or null in the first year. */
  revenueGrowthYoy: number | null;
  /** Earnings surprise in standard units (−2..2); drives the filing-day gap and the earnings headline. */
  surprise: number;
  /** Quarterly dividend per share declared with this filing (0 = none). */
  dividend: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const cents = (x: number) => Math.round(x * 100) / 100;

function quarterWeekdays(year: number, q: number): number[] {
  const start = q === 0 ? `${year}-01-01` : addDays(`${year}-${QUARTER_ENDS[q - 1]}`, 1);
  return weekdayIndexesBetween(start, `${year}-${QUARTER_ENDS[q]}`);
}

/**
 * Generates a company's quarterly filings from 2020 Q1 for every quarter that ended on or before `end`.
 * Quarters are drawn in order from the company's own stream, so a quarter never changes when `end` moves.
 * Figures follow the regime: a bad stretch shrinks revenue and margins, a good one grows them.
 */
export function generateFundamentals(company: DemoCompany, seed: number, end: string): DemoFiling[] {
  const rand = createRandomStream(seed, `${company.ticker}:fundamentals`);
  const f = company.financials;
  const filings: DemoFiling[] = [];
  const quarters: Figures[] = [];
  let revenue = f.quarterlyRevenue;
  let shares = f.shares;
  for (let year = FIRST_FISCAL_YEAR; ; year++) {
    for (let q = 0; q < 4; q++) {
      const periodEnd = `${year}-${QUARTER_ENDS[q]}`;
      if (periodEnd > end) return filings;
      const mood = averageMood(company.cycle, quarterWeekdays(year, q));
      const n = Array.from({ length: 7 }, () => rand.normal());
      const at = (i: number) => n[i] ?? 0;
      if (quarters.length > 0) revenue *= Math.pow(1 + f.growth, 0.25) + 0.05 * mood + 0.012 * at(0);
      const grossMargin = clamp(f.grossMargin + 0.05 * mood + 0.008 * at(1), 0.05, 0.9);
      const netMargin = clamp(f.netMargin + 0.1 * mood + 0.006 * at(2), -0.3, 0.5);
      const assets = revenue * 4 * f.assetsToRevenue * (1 + 0.02 * at(3));
      const equity = assets * clamp(f.equityRatio + 0.04 * mood, 0.1, 0.9);
      const liabilities = assets - equity;
      const debt = liabilities * f.debtShare;
      const cash = assets * f.cashRatio * clamp(1 + 0.4 * mood, 0.3, 1.6);
      const netIncome = revenue * netMargin;
      if (mood > 0) shares *= 0.997; // buybacks in good times
      const dividend = f.dividend > 0 ? cents(f.dividend * Math.pow(1 + f.dividendGrowth, year - FIRST_FISCAL_YEAR)) : 0;
      const figures: Figures = {
        revenue,
        cost_of_revenue: revenue * (1 - grossMargin),
        gross_profit: revenue * grossMargin,
        research_and_development: revenue * f.rdRatio * (1 + 0.05 * at(4)),
        operating_income: netIncome / 0.79 + debt * 0.012,
        net_income: netIncome,
        eps_basic: netIncome / shares,
        eps_diluted: netIncome / (shares * 1.012),
        operating_cash_flow: netIncome * 1.1 + revenue * (0.04 + 0.01 * at(5)),
        capital_expenditure: revenue * f.capexRatio * (1 + 0.1 * at(6)),
        dividends_per_share: dividend,
        cash_and_equivalents: cash,
        total_current_assets: cash + revenue * 4 * 0.2,
        total_assets: assets,
        total_current_liabilities: liabilities * 0.32,
        total_liabilities: liabilities,
        long_term_debt_noncurrent: debt,
        stockholders_equity: equity,
        shares_outstanding: shares,
      };
      quarters.push(figures);
      const yearAgo = quarters[quarters.length - 5];
      const annual = q === 3;
      const reported = annual ? sumFiscalYear(quarters.slice(-4), figures) : figures;
      const filed = nextDemoSession(addDays(periodEnd, annual ? rand.int(40, 55) : rand.int(30, 45)));
      filings.push({
        snapshot: {
          ticker: company.ticker,
          form: annual ? '10-K' : '10-Q',
          fiscal_year: year,
          fiscal_period: annual ? 'FY' : `Q${q + 1}`,
          period_end: periodEnd,
          filed,
          metrics: roundMetrics(reported),
        },
        quarter: figures,
        revenueGrowthYoy: yearAgo ? figures.revenue! / yearAgo.revenue! - 1 : null,
        surprise: clamp(0.8 * mood + 0.6 * rand.normal(), -2, 2),
        dividend,
      });
    }
  }
}

/** A 10-K reports the fiscal year: duration items summed over its four quarters, balance items at year end. */
function sumFiscalYear(year: Figures[], last: Figures): Figures {
  const out: Figures = { ...last };
  for (const key of DURATION_KEYS) out[key] = year.reduce((sum, q) => sum + (q[key] ?? 0), 0);
  return out;
}

function roundMetrics(figures: Figures): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(figures)) {
    out[key] = key.startsWith('eps_') || key === 'dividends_per_share' ? cents(value) : Math.round(value);
  }
  return out;
}
