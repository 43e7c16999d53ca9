import { utcMsToDate } from '../dates.js';
import type { FetchFn } from '../online/fetch-json.js';
import type { OnlineSource } from '../online/online-source.js';
import { RequestGate, type RequestGateOptions } from '../online/request-gate.js';
import { VendorBadResponseError, VendorNoDataError } from '../online/vendor-errors.js';
import type { Bar, NewsItem } from '../vendor.js';
import { createYahooClient, toYahooError, type YahooClient } from './yahoo-client.js';
import { yahooSnapshots, type YahooTimeSeriesRow } from './yahoo-fundamentals.js';

export interface YahooSourceOptions {
  /** Stand-in for every `*.yahoo.com` host (tests, proxies); unset = the real Yahoo. */
  baseUrl?: string;
  gate?: Omit<RequestGateOptions, 'vendor'>;
  fetch?: FetchFn;
}

// What a market-wide news search asks Yahoo for.
const MARKET_QUERY = 'stock market';
/** What we read of a `chart` answer (the library's validation is off, so nothing here is trusted unchecked). */
interface ChartAnswer {
  meta?: { gmtoffset?: unknown };
  quotes?: Array<{
    date: unknown;
    open: number | null;
    high: number | null;
    low: number | null;
    close: number | null;
    volume: number | null;
    adjclose?: number | null;
  }>;
}
/** What we read of a `quoteSummary` answer with the `price` and `assetProfile` modules. */
interface SummaryAnswer {
  price?: { longName?: string | null; shortName?: string | null; exchangeName?: string | null; currency?: string | null };
  assetProfile?: { sector?: string | null; industry?: string | null; longBusinessSummary?: string | null };
}

const HISTORY_START = new Date(Date.UTC(1970, 0, 2));
const STATEMENTS_START = '2000-01-01';

/**
 * Yahoo Finance through yahoo-finance2 3.x: daily bars via `chart`, statements via
 * `fundamentalsTimeSeries` (quarterly and annual), headlines via `search` (Yahoo keeps only recent ones:
 * older trade dates get none), and the profile via `quoteSummary` (`price`, `assetProfile`).
 */
export function createYahooSource(options: YahooSourceOptions = {}): OnlineSource {
  let loaded: Promise<YahooClient> | null = null;
  const connect = () =>
    (loaded ??= createYahooClient({
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }));
  const gate = new RequestGate({ vendor: 'yahoo', concurrency: 2, minIntervalMs: 250, ...options.gate });
  /** One library call under the gate, its failures mapped to vendor errors. */
  const call = <T>(what: string, work: (client: YahooClient, fetchOptions: { signal: AbortSignal }) => Promise<T>, signal: AbortSignal) =>
    gate.run(async (attemptSignal) => {
      try {
        return await work(await connect(), { signal: attemptSignal });
      } catch (error) {
        throw toYahooError(error, what, attemptSignal);
      }
    }, signal);

  return {
    name: 'yahoo',
    label: 'real market data (Yahoo Finance)',
    symbolSeparator: '-',
    async fetchBars(symbol, signal) {
      const chart = (await call(
        `chart ${symbol}`,
        (client, fetchOptions) =>
          client.chart(symbol, { period1: HISTORY_START, interval: '1d', events: 'div|split' }, { fetchOptions, validateResult: false }),
        signal,
      )) as ChartAnswer | null;
      // Validation by the library is off (its schema trails Yahoo's changes); what we read is checked here.
      if (!chart || !Array.isArray(chart.quotes) || typeof chart.meta !== 'object')
        throw new VendorBadResponseError('yahoo', `chart ${symbol}: no quotes in the answer`);
      const offsetMs = (typeof chart.meta.gmtoffset === 'number' ? chart.meta.gmtoffset : 0) * 1000;
      const byDate = new Map<string, Bar>();
      for (const q of chart.quotes) {
        if (!(q.date instanceof Date) || q.open === null || q.high === null || q.low === null || q.close === null) continue;
        // Timestamps are the session's open in UTC; the exchange's offset gives the session's own date.
        const date = utcMsToDate(q.date.getTime() + offsetMs);
        byDate.set(date, {
          date,
          open: q.open,
          high: q.high,
          low: q.low,
          close: q.close,
          adj_close: q.adjclose ?? q.close,
          volume: q.volume ?? 0,
        });
      }
      const bars = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
      if (bars.length === 0) throw new VendorNoDataError('yahoo', `no daily bars for ${symbol}`);
      return bars;
    },
    async fetchFundamentals(symbol, ticker, signal) {
      const series = (type: 'quarterly' | 'annual') =>
        call(
          `fundamentalsTimeSeries ${symbol} ${type}`,
          (client, fetchOptions) =>
            client.fundamentalsTimeSeries(
              symbol,
              { period1: STATEMENTS_START, type, module: 'all' },
              { fetchOptions, validateResult: false },
            ),
          signal,
        ) as Promise<YahooTimeSeriesRow[]>;
      const quarterly = await series('quarterly');
      if (!Array.isArray(quarterly)) throw new VendorBadResponseError('yahoo', `fundamentalsTimeSeries ${symbol}: not a list`);
      const annual = await series('annual');
      if (!Array.isArray(annual)) throw new VendorBadResponseError('yahoo', `fundamentalsTimeSeries ${symbol}: not a list`);
      const snapshots = yahooSnapshots(ticker, quarterly, annual);
      if (snapshots.length === 0) throw new VendorNoDataError('yahoo', `no statements for ${symbol}`);
      return snapshots;
    },
    async fetchNews(symbol, ticker, _range, signal) {
      const result = await call(
        `search ${symbol ?? MARKET_QUERY}`,
        (client, fetchOptions) => client.search(symbol ?? MARKET_QUERY, { quotesCount: 0, newsCount: 50 }, { fetchOptions }),
        signal,
      );
      if (!Array.isArray(result?.news)) throw new VendorBadResponseError('yahoo', `search ${symbol ?? MARKET_QUERY}: no news list`);
      return result.news.flatMap((n): NewsItem[] => {
        const at = n.providerPublishTime instanceof Date ? n.providerPublishTime.getTime() : NaN;
        if (!Number.isFinite(at) || !n.title) return [];
        const related = (n.relatedTickers ?? []).map((t) => t.toUpperCase());
        const item: NewsItem = {
          date: utcMsToDate(at),
          published_at: new Date(at).toISOString(),
          headline: n.title,
          source: n.publisher || 'Yahoo Finance',
          tickers: ticker && !related.includes(ticker) ? [ticker, ...related] : related,
          ticker_sentiment: {},
        };
        if (n.link) item.url = n.link;
        return [item];
      });
    },
    async fetchProfile(symbol, signal) {
      const summary = (await call(
        `quoteSummary ${symbol}`,
        (client, fetchOptions) => client.quoteSummary(symbol, { modules: ['price', 'assetProfile'] }, { fetchOptions, validateResult: false }),
        signal,
      )) as SummaryAnswer | null;
      if (typeof summary !== 'object' || summary === null) throw new VendorBadResponseError('yahoo', `quoteSummary ${symbol}: no result`);
      const price = summary.price;
      const profile = summary.assetProfile;
      const name = price?.longName ?? price?.shortName;
      if (!name) throw new VendorNoDataError('yahoo', `no profile for ${symbol}`);
      return {
        name,
        sector: profile?.sector ?? null,
        industry: profile?.industry ?? null,
        exchange: price?.exchangeName ?? null,
        currency: price?.currency ?? 'USD',
        description: profile?.longBusinessSummary ?? null,
      };
    },
  };
}
