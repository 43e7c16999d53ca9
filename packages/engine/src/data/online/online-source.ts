import type { Bar, FundamentalsSnapshot, InstrumentContext, NewsItem } from '../vendor.js';
import type { ClassSeparator } from './symbols.js';

/** Who an instrument is, as a vendor's profile says; the run's ticker and `demo: false` are added by the vendor. */
type InstrumentProfile = Omit<InstrumentContext, 'ticker' | 'demo'>;

/**
 * What an online vendor fetches over the network, with no caching and no date filtering (the online
 * vendor adds both). Every method takes the vendor's symbol (`symbolSeparator` applied), honours the signal
 * and fails with the vendor error taxonomy (`vendor-errors.ts`).
 */
export interface OnlineSource {
  readonly name: string;
  readonly label: string;
  readonly symbolSeparator: ClassSeparator;
  /** Every daily bar the vendor has for the symbol, ascending by date. */
  fetchBars(symbol: string, signal: AbortSignal): Promise<Bar[]>;
  /** Every statement snapshot the vendor has, each with the date it became public (`filed`). */
  fetchFundamentals(symbol: string, ticker: string, signal: AbortSignal): Promise<FundamentalsSnapshot[]>;
  /** Headlines about the symbol (null = market-wide) published in `[from, to]` as far as the vendor can filter. */
  fetchNews(symbol: string | null, ticker: string | null, range: { from: string; to: string }, signal: AbortSignal): Promise<NewsItem[]>;
  fetchProfile(symbol: string, signal: AbortSignal): Promise<InstrumentProfile>;
}
