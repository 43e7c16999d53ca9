import { addDays, isIsoDate } from '../dates.js';
import type { FundamentalsSnapshot } from '../vendor.js';

/** One reporting period as a vendor gives it: its end, annual or quarterly, metrics, and when it was reported if known. */
export interface StatementPeriod {
  period_end: string;
  annual: boolean;
  metrics: Record<string, number | null>;
  /** The day the numbers became public (earnings release), when the vendor says. */
  reported?: string | null;
}

// SEC deadlines of the slowest filers: with no reported date a period becomes visible only then (no look-ahead).
const DEADLINE_DAYS = { annual: 90, quarterly: 45 } as const;

/** Month of year as a fraction (Sep 24 ≈ 9.77), to place quarter ends against the fiscal-year end. */
const monthPoint = (date: string) => Number(date.slice(5, 7)) + Number(date.slice(8, 10)) / 31;

/**
 * Turns a vendor's statement periods into filing snapshots like the csv vendor's: annual periods become
 * `10-K` / `FY`, quarterly ones `10-Q` / `Q1`–`Q3` of the fiscal year (named by the calendar year it ends
 * in, placed from the latest annual period end); a quarter ending with a fiscal year is left to the 10-K
 * when one exists. `filed` is the reported date, else the SEC deadline, flagged `filed_estimated`.
 */
export function statementSnapshots(ticker: string, periods: readonly StatementPeriod[]): FundamentalsSnapshot[] {
  const annualEnds = periods.filter((p) => p.annual).map((p) => p.period_end);
  const latestFy = [...annualEnds].sort().at(-1) ?? `${new Date().getUTCFullYear() - 1}-12-31`;
  const fyPoint = monthPoint(latestFy);
  const out: FundamentalsSnapshot[] = [];
  for (const p of periods) {
    if (!isIsoDate(p.period_end)) continue;
    const year = Number(p.period_end.slice(0, 4));
    let fiscalPeriod = 'FY';
    let fiscalYear = year;
    if (!p.annual) {
      const months = (((monthPoint(p.period_end) - fyPoint) % 12) + 12) % 12;
      const quarter = Math.round(months / 3) % 4;
      if (quarter === 0) {
        if (annualEnds.includes(p.period_end)) continue;
        fiscalPeriod = 'Q4';
      } else {
        fiscalPeriod = `Q${quarter}`;
        // The fiscal year is named by the calendar year it ends in: after the FY-end month it is next year's.
        fiscalYear = monthPoint(p.period_end) > fyPoint ? year + 1 : year;
      }
    }
    const reported = p.reported && isIsoDate(p.reported) && p.reported >= p.period_end ? p.reported : null;
    out.push({
      ticker,
      form: p.annual ? '10-K' : '10-Q',
      fiscal_year: fiscalYear,
      fiscal_period: fiscalPeriod,
      period_end: p.period_end,
      filed: reported ?? addDays(p.period_end, p.annual ? DEADLINE_DAYS.annual : DEADLINE_DAYS.quarterly),
      metrics: p.metrics,
      ...(reported ? {} : { filed_estimated: true }),
    });
  }
  return out;
}

/** Merges metric records of the same period (income, balance sheet, cash flow) keyed by `annual|period_end`. */
export class PeriodMerger {
  private readonly periods = new Map<string, StatementPeriod>();

  add(periodEnd: string, annual: boolean, metrics: Record<string, number | null>, reported?: string | null): void {
    const key = `${annual ? 'A' : 'Q'}|${periodEnd}`;
    const existing = this.periods.get(key) ?? { period_end: periodEnd, annual, metrics: Object.create(null) as Record<string, number | null> };
    for (const [name, value] of Object.entries(metrics)) if (value !== null || !Object.hasOwn(existing.metrics, name)) existing.metrics[name] = value;
    if (reported) existing.reported = reported;
    this.periods.set(key, existing);
  }

  list(): StatementPeriod[] {
    return [...this.periods.values()].sort((a, b) => a.period_end.localeCompare(b.period_end));
  }
}
