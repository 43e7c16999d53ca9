import type { RegimeCycle } from './regime.js';

/** The financial shape of a demo company at the start of its history (fiscal year = calendar year). */
export interface FinancialProfile {
  /** Revenue of the first quarter generated (2020 Q1), USD. */
  quarterlyRevenue: number;
  /** Underlying yearly revenue growth before regime effects. */
  growth: number;
  grossMargin: number;
  netMargin: number;
  rdRatio: number;
  capexRatio: number;
  shares: number;
  /** Total assets over annualised revenue. */
  assetsToRevenue: number;
  equityRatio: number;
  /** Long-term debt as a share of total liabilities. */
  debtShare: number;
  cashRatio: number;
  /** Quarterly dividend per share in 2020 (0 = none), growing by `dividendGrowth` a year. */
  dividend: number;
  dividendGrowth: number;
}

/** A fictional company of the demo market and the personality that drives its generated data. */
export interface DemoCompany {
  ticker: string;
  name: string;
  /** How headlines name it. */
  shortName: string;
  sector: string;
  industry: string;
  description: string;
  /** Products and businesses headlines may mention. */
  products: readonly string[];
  /** Regime in one line, for docs and tests (e.g. "steady uptrend"). */
  regime: string;
  startPrice: number;
  baseVolume: number;
  /** Sensitivity to the demo market factor. */
  beta: number;
  cycle: RegimeCycle;
  /**
   * How strongly the price is pulled back to its regime path each day (0.05 = 5 % of the gap closes per day).
   * Strong pull keeps a trend orderly; weak pull lets momentum names wander far from it.
   */
  pull: number;
  /** Price gap per unit of earnings surprise on filing days (0.05 = 5 %). */
  earningsGap: number;
  financials: FinancialProfile;
}

/** The market factor every company partly follows; market-wide headlines are written from it. */
export interface DemoMarketFactor {
  cycle: RegimeCycle;
}
