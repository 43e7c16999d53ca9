import type { FetchFn } from '../online/fetch-json.js';
import type { OnlineSource } from '../online/online-source.js';
import { RequestGate, type RequestGateOptions } from '../online/request-gate.js';
import { vendorFailureKind, VendorNoDataError } from '../online/vendor-errors.js';
import { createAlphaVantageClient } from './alphavantage-client.js';
import { parseDailyAdjusted } from './alphavantage-bars.js';
import { alphaVantageSnapshots } from './alphavantage-fundamentals.js';
import { avTime, parseNewsSentiment } from './alphavantage-news.js';

export interface AlphaVantageSourceOptions {
  apiKey: string | undefined;
  baseUrl?: string;
  /** Gate settings; by default 1 request at a time, 1.2 s apart (the free tier allows ~5 a minute in bursts). */
  gate?: Omit<RequestGateOptions, 'vendor'>;
  fetch?: FetchFn;
}

/** Alpha Vantage over plain HTTP: `TIME_SERIES_DAILY_ADJUSTED`, `OVERVIEW`, the three statements + `EARNINGS`, `NEWS_SENTIMENT`. */
export function createAlphaVantageSource(options: AlphaVantageSourceOptions): OnlineSource {
  const gate = new RequestGate({ vendor: 'alphavantage', concurrency: 1, minIntervalMs: 1200, ...options.gate });
  const query = createAlphaVantageClient({
    apiKey: options.apiKey,
    gate,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  return {
    name: 'alphavantage',
    label: 'real market data (Alpha Vantage)',
    symbolSeparator: '.',
    async fetchBars(symbol, signal) {
      const body = await query({ function: 'TIME_SERIES_DAILY_ADJUSTED', symbol, outputsize: 'full' }, signal);
      return parseDailyAdjusted(body, symbol);
    },
    async fetchFundamentals(symbol, ticker, signal) {
      const kinds = ['INCOME_STATEMENT', 'BALANCE_SHEET', 'CASH_FLOW', 'EARNINGS'];
      // One request after another (the gate paces them); a statement the vendor lacks is left out, a quota stops all.
      const bodies: Array<Record<string, unknown> | null> = [];
      for (const fn of kinds) {
        try {
          const body = await query({ function: fn, symbol }, signal);
          bodies.push(Object.keys(body).length === 0 ? null : body);
        } catch (error) {
          if (vendorFailureKind(error) !== 'no_data') throw error;
          bodies.push(null);
        }
      }
      if (bodies.every((b) => b === null)) throw new VendorNoDataError('alphavantage', `no statements for ${symbol}`);
      return alphaVantageSnapshots(ticker, bodies.slice(0, 3), bodies[3] ?? null);
    },
    async fetchNews(symbol, _ticker, range, signal) {
      const params: Record<string, string> = {
        function: 'NEWS_SENTIMENT',
        time_from: avTime(range.from, false),
        time_to: avTime(range.to, true),
        sort: 'LATEST',
        limit: '1000',
      };
      if (symbol !== null) params.tickers = symbol;
      else params.topics = 'financial_markets,economy_macro';
      return parseNewsSentiment(await query(params, signal));
    },
    async fetchProfile(symbol, signal) {
      const body = await query({ function: 'OVERVIEW', symbol }, signal);
      // An unknown symbol gets an empty object, not an error.
      if (typeof body.Name !== 'string' || body.Name === '')
        throw new VendorNoDataError('alphavantage', `no company overview for ${symbol}`);
      const text = (v: unknown) => (typeof v === 'string' && v !== '' && v !== 'None' ? v : null);
      return {
        name: body.Name,
        sector: text(body.Sector),
        industry: text(body.Industry),
        exchange: text(body.Exchange),
        currency: text(body.Currency) ?? 'USD',
        description: text(body.Description),
      };
    },
  };
}
