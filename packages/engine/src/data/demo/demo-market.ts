import type { Bar, FundamentalsSnapshot, NewsItem } from '../vendor.js';
import { demoSessions, type DemoSession } from './demo-calendar.js';
import { DEMO_COMPANIES, DEMO_MARKET, findDemoCompany } from './demo-companies.js';
import type { DemoCompany } from './demo-company.js';
import { dividendSchedule, generateBars, generateMarketReturns, type DemoDividend } from './generate-bars.js';
import { generateFundamentals } from './generate-fundamentals.js';
import { generateCompanyNews, generateMarketNews } from './generate-news.js';

/** Everything generated for one demo company. Lists are ascending by date. */
export interface DemoCompanyData {
  company: DemoCompany;
  bars: Bar[];
  /** Every generated filing, including ones filed after the market's end (callers filter by `filed`). */
  fundamentals: FundamentalsSnapshot[];
  dividends: DemoDividend[];
  news: NewsItem[];
}

/** The seed of the demo market everybody sees unless a test picks another. */
export const DEFAULT_DEMO_SEED = 20210104;

/**
 * The demo market for one seed, generated through `end`, company by company on first use. Pure: the same
 * seed and end give the same data, and a later end only appends (every stream is drawn forward in date
 * order from its own seed).
 */
export class DemoMarket {
  readonly sessions: DemoSession[];
  #marketReturns: number[] | undefined;
  #marketNews: NewsItem[] | undefined;
  readonly #companies = new Map<string, DemoCompanyData>();

  constructor(
    readonly seed: number,
    readonly end: string,
  ) {
    this.sessions = demoSessions(end);
  }

  /** The generated data of a company, or undefined for a ticker that is not in the demo market. */
  company(ticker: string): DemoCompanyData | undefined {
    const cached = this.#companies.get(ticker);
    if (cached) return cached;
    const company = findDemoCompany(ticker);
    if (!company) return undefined;
    const filings = generateFundamentals(company, this.seed, this.end);
    const dividends = dividendSchedule(filings);
    const bars = generateBars(company, this.seed, this.sessions, this.#returns(), filings, dividends);
    const news = generateCompanyNews(company, this.seed, this.sessions, bars, filings);
    const data = { company, bars, fundamentals: filings.map((f) => f.snapshot), dividends, news };
    this.#companies.set(ticker, data);
    return data;
  }

  /** Market-wide headlines, ascending. */
  marketNews(): NewsItem[] {
    this.#marketNews ??= generateMarketNews(DEMO_MARKET, this.seed, this.sessions, this.#returns());
    return this.#marketNews;
  }

  #returns(): number[] {
    this.#marketReturns ??= generateMarketReturns(DEMO_MARKET, this.seed, this.sessions);
    return this.#marketReturns;
  }
}

/** Generates the whole market at once (tests and benchmarks; vendors use the lazy `demoMarket`). */
export function generateDemoMarket(seed: number, end: string): DemoMarket {
  const market = new DemoMarket(seed, end);
  for (const company of DEMO_COMPANIES) market.company(company.ticker);
  market.marketNews();
  return market;
}

// One market per seed, kept for the process: runs ask for the same data many times.
const cache = new Map<number, DemoMarket>();

/**
 * The demo market for `seed`, generated through at least `end`. A cached market generated further out is
 * reused as is (callers cut at their own end date), since a longer market has the same earlier data.
 */
export function demoMarket(seed: number, end: string): DemoMarket {
  const cached = cache.get(seed);
  if (cached && cached.end >= end) return cached;
  const market = new DemoMarket(seed, end);
  cache.set(seed, market);
  return market;
}
