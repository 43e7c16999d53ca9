import type { FundamentalsSnapshot } from '../vendor.js';

/** Ratios an analyst usually wants, computed from the filings visible on the trade date. */
export interface DerivedFundamentals {
  /** Net income over revenue of the latest filing's period (a fraction: 0.12 = 12 %). */
  net_margin: number | null;
  /** Revenue of the latest period against the same period a year earlier, as a fraction. */
  revenue_growth_yoy: number | null;
  debt_to_equity: number | null;
  current_ratio: number | null;
  /** Last close on or before the trade date over `eps_ttm` (null when EPS is not positive). */
  pe_ratio: number | null;
  /** Diluted EPS of the trailing twelve months (or of the last fiscal year, see `eps_basis`). */
  eps_ttm: number | null;
  /** Operating cash flow minus capital expenditure of the latest period. */
  free_cash_flow: number | null;
}

const QUARTERS = ['Q1', 'Q2', 'Q3'] as const;

function ratio(num: number | null | undefined, den: number | null | undefined): number | null {
  if (num === null || num === undefined || den === null || den === undefined || den === 0) return null;
  return num / den;
}

const eps = (s: FundamentalsSnapshot) => s.metrics.eps_diluted ?? s.metrics.eps_basic ?? null;

/**
 * Trailing-twelve-month EPS ending at the latest filing: the four quarters up to it, where a fourth quarter
 * is the 10-K's fiscal year minus its three 10-Qs. Without four such quarters, the latest 10-K's fiscal-year
 * EPS stands in (and `basis` says so).
 */
function trailingEps(snapshots: readonly FundamentalsSnapshot[]): { value: number | null; basis: string | null } {
  const latest = snapshots[0];
  if (!latest) return { value: null, basis: null };
  const find = (year: number, period: string) => snapshots.find((s) => s.fiscal_year === year && s.fiscal_period === period);
  const quarterEps = (year: number, q: number): number | null => {
    if (q < 3) {
      const s = find(year, QUARTERS[q]!);
      return s ? eps(s) : null;
    }
    const fy = find(year, 'FY');
    const parts = [0, 1, 2].map((i) => quarterEps(year, i));
    const fyEps = fy ? eps(fy) : null;
    return fyEps === null || parts.some((p) => p === null) ? null : fyEps - parts.reduce((a, b) => a! + b!, 0)!;
  };
  const endQ = latest.fiscal_period === 'FY' ? 3 : QUARTERS.indexOf(latest.fiscal_period as (typeof QUARTERS)[number]);
  if (endQ >= 0) {
    let total = 0;
    let complete = true;
    for (let k = 0; k < 4 && complete; k++) {
      const q = (endQ - k + 4) % 4;
      const year = latest.fiscal_year - (endQ - k < 0 ? 1 : 0);
      const value = quarterEps(year, q);
      if (value === null) complete = false;
      else total += value;
    }
    if (complete) return { value: total, basis: 'sum of the last four quarters' };
  }
  const fy = snapshots.find((s) => s.fiscal_period === 'FY' && eps(s) !== null);
  return fy
    ? { value: eps(fy), basis: `fiscal year ${fy.fiscal_year} (${fy.form} for the period ending ${fy.period_end})` }
    : { value: null, basis: null };
}

/** Derived ratios from snapshots visible on the trade date (newest first) and the last close. */
export function deriveFundamentals(
  snapshots: readonly FundamentalsSnapshot[],
  lastClose: number | null,
): { derived: DerivedFundamentals; notes: string[] } {
  const latest = snapshots[0];
  const m = latest?.metrics ?? {};
  const notes: string[] = [];
  const yearAgo = latest && snapshots.find((s) => s.fiscal_period === latest.fiscal_period && s.fiscal_year === latest.fiscal_year - 1);
  const growth = ratio(m.revenue, yearAgo?.metrics.revenue);
  const debt =
    m.long_term_debt_noncurrent === undefined || m.long_term_debt_noncurrent === null
      ? null
      : m.long_term_debt_noncurrent + (m.short_term_debt ?? 0);
  const equity = m.stockholders_equity ?? null;
  const { value: epsTtm, basis } = trailingEps(snapshots);
  if (basis && basis !== 'sum of the last four quarters')
    notes.push(`eps_ttm is the EPS of ${basis}: fewer than four quarters are on file`);
  const pe = epsTtm !== null && epsTtm > 0 ? ratio(lastClose, epsTtm) : null;
  if (epsTtm !== null && epsTtm <= 0) notes.push('pe_ratio is null because trailing EPS is not positive');
  let fcf =
    m.operating_cash_flow !== undefined && m.capital_expenditure !== undefined ? diff(m.operating_cash_flow, m.capital_expenditure) : null;
  if (fcf === null && m.operating_cash_flow_ytd !== undefined && m.capital_expenditure_ytd !== undefined) {
    fcf = diff(m.operating_cash_flow_ytd, m.capital_expenditure_ytd);
    if (fcf !== null) notes.push('free_cash_flow is year-to-date: the filing reports cash flows only year to date');
  }
  return {
    derived: {
      net_margin: ratio(m.net_income, m.revenue),
      revenue_growth_yoy: growth === null ? null : growth - 1,
      debt_to_equity: equity !== null && equity > 0 ? ratio(debt, equity) : null,
      current_ratio: ratio(m.total_current_assets, m.total_current_liabilities),
      pe_ratio: pe,
      eps_ttm: epsTtm,
      free_cash_flow: fcf,
    },
    notes,
  };
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}
