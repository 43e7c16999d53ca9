import { DataUnavailableError } from '@tradingfloor/shared';
import { localDate } from '../dates.js';
import { selectBars, selectFundamentals, selectNews } from '../select.js';
import type { MarketDataVendor } from '../vendor.js';
import { DEMO_ANCHOR } from './demo-calendar.js';
import { DEMO_COMPANIES } from './demo-companies.js';
import { DEFAULT_DEMO_SEED, demoMarket, type DemoCompanyData } from './demo-market.js';

/** What every user-facing mention of the demo market says. */
export const DEMO_LABEL = 'demo market — generated, fictional companies; not market data';

export interface DemoVendorOptions {
  /** Seed of the generated market (default: the one everybody shares). */
  seed?: number;
  /** The clock (or a fixed instant); the market runs from 2021-01-04 through its local date ("today"). */
  now?: Date | (() => Date);
}

/** The demo vendor, plus the date its market currently ends on. */
export interface DemoVendor extends MarketDataVendor {
  /** Today's local date: the demo market has sessions up to and including it. */
  today(): string;
}

/**
 * The embedded demo market as a vendor: fictional companies (ACME, GLOBEX, INITECH, UMBRELLA, STARK, WAYNE,
 * HOOLI) with generated bars, filings and headlines from 2021-01-04 through today. Reproducible: a date's
 * data is the same whatever today is.
 */
export function createDemoVendor(options: DemoVendorOptions = {}): DemoVendor {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const clock = options.now;
  const now = typeof clock === 'function' ? clock : clock ? () => clock : () => new Date();
  const today = () => localDate(now());
  const tickers = DEMO_COMPANIES.map((c) => c.ticker);

  const lookup = (ticker: string, signal?: AbortSignal): { data: DemoCompanyData; end: string } => {
    signal?.throwIfAborted();
    const end = today();
    const data = demoMarket(seed, end).company(ticker.trim().toUpperCase());
    if (!data) throw new DataUnavailableError(`no price data for ${ticker} (the demo market has ${tickers.join(', ')})`);
    return { data, end };
  };
  const clamp = (asOf: string, end: string) => (asOf < end ? asOf : end);

  return {
    name: 'demo',
    label: DEMO_LABEL,
    today,
    // A date's data is the same whatever today is, once today has reached it (later dates are clamped to today).
    settledThrough: today,
    async coverage(signal) {
      signal?.throwIfAborted();
      const end = today();
      const last = demoMarket(seed, end).sessions.findLast((s) => s.date <= end)?.date ?? DEMO_ANCHOR;
      return { first_date: DEMO_ANCHOR, last_date: last, tickers };
    },
    async instrument(ticker, signal) {
      const { company: c } = lookup(ticker, signal).data;
      return {
        ticker: c.ticker,
        name: c.name,
        sector: c.sector,
        industry: c.industry,
        exchange: 'DEMO',
        currency: 'USD',
        description: c.description,
        demo: true,
      };
    },
    async bars(ticker, range, signal) {
      const { data, end } = lookup(ticker, signal);
      return selectBars(data.bars, range.from, clamp(range.asOf, end));
    },
    async fundamentals(ticker, asOf, signal) {
      const { data, end } = lookup(ticker, signal);
      return selectFundamentals(data.fundamentals, clamp(asOf, end));
    },
    async news(ticker, range, signal) {
      if (ticker === null) {
        signal?.throwIfAborted();
        const end = today();
        return selectNews(demoMarket(seed, end).marketNews(), range.from, clamp(range.asOf, end));
      }
      const { data, end } = lookup(ticker, signal);
      return selectNews(data.news, range.from, clamp(range.asOf, end));
    },
  };
}
