/** One daily bar. `close` is split-adjusted; `adj_close` is also dividend-adjusted. */
export interface Bar {
  date: string; // YYYY-MM-DD
  open: number;
  high: number;
  low: number;
  close: number;
  adj_close: number;
  volume: number;
}

/** One filing snapshot (10-K / 10-Q or a vendor's equivalent), visible from its `filed` date on. */
export interface FundamentalsSnapshot {
  ticker: string;
  form: string;
  fiscal_year: number;
  fiscal_period: string;
  period_end: string;
  filed: string;
  metrics: Record<string, number | null>;
  /** True when the source had no filing date and `filed` is a conservative estimate (the SEC deadline). */
  filed_estimated?: boolean;
}

/** One dated headline, with per-ticker sentiment when the source has it (score −1..1). */
export interface NewsItem {
  date: string; // YYYY-MM-DD
  published_at: string; // ISO timestamp
  headline: string;
  summary?: string;
  source: string;
  url?: string;
  tickers: string[];
  ticker_sentiment: Record<string, { relevance: number; score: number; label: string }>;
  /** Sentiment of the whole headline (score −1..1), when the source has it; market-wide news uses it. */
  overall_sentiment?: { score: number; label: string };
}

/** Who the instrument is, so that agents name the right company. */
export interface InstrumentContext {
  ticker: string;
  name: string;
  sector: string | null;
  industry: string | null;
  exchange: string | null;
  currency: string;
  description: string | null;
  /** True for the generated demo market's fictional companies. */
  demo: boolean;
}

/** The date range a vendor's data covers, for defaults and validation. */
export interface DataCoverage {
  first_date: string;
  last_date: string;
  tickers: string[];
}

/**
 * A market data source. Every method answers only with data dated on or before `asOf` (no look-ahead) and
 * throws `DataUnavailableError` for an unknown ticker or a date outside its data. Calls take the run's signal.
 */
export interface MarketDataVendor {
  readonly name: string;
  /** What a user sees, e.g. "demo data (generated, fictional companies)". */
  readonly label: string;
  coverage(signal?: AbortSignal): Promise<DataCoverage>;
  instrument(ticker: string, signal?: AbortSignal): Promise<InstrumentContext>;
  /** Bars with `from <= date <= asOf`, ascending. */
  bars(ticker: string, range: { from?: string; asOf: string }, signal?: AbortSignal): Promise<Bar[]>;
  /** Snapshots filed on or before `asOf`, newest first. */
  fundamentals(ticker: string, asOf: string, signal?: AbortSignal): Promise<FundamentalsSnapshot[]>;
  /** Headlines published in `[from, asOf]`, newest first; `ticker` null = market-wide news. */
  news(ticker: string | null, range: { from: string; asOf: string }, signal?: AbortSignal): Promise<NewsItem[]>;
  /**
   * Optional: the last as-of date whose answers are final — every call as of it or an earlier date returns
   * the same data for as long as this vendor object lives (a generated market). Only such answers may be
   * shared between runs (`answer-cache.ts`); a vendor without it (files, network) is asked at every call.
   */
  settledThrough?(): string;
}
