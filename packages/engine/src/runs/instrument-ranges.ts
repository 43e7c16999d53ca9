import { checkTicker, DataUnavailableError, ValidationError, type InstrumentInfo } from '@tradingfloor/shared';
import { instrumentDateRange, type InstrumentDateRange } from '../data/trade-date-coverage.js';
import { isVendorChain } from '../data/vendor-chain.js';
import type { MarketDataVendor } from '../data/vendor.js';
import type { RunRequest } from './run-manager-api.js';

/** How many tickers an error message names before it says "and N more". */
const NAMED_MAX = 20;

/** Each requested instrument's date range, and the tickers the data does not have. */
export interface RequestedInstruments {
  ranges: Map<string, InstrumentDateRange>;
  /** Tickers whose price data the vendor says does not exist (not a transient failure). */
  missing: string[];
}

/**
 * The date range of every well-formed ticker requested (malformed ones are left to validation). A ticker is
 * `missing` only when the answer is final: the vendor is offline data (csv files, the demo market) and says
 * there is no such instrument, and the request names no vendor chain of its own. Online chains may fail for
 * a while (rate limits, network), so their tickers are left to the run, which reports the vendors' reasons.
 */
export async function requestedInstruments(vendor: MarketDataVendor, requests: readonly RunRequest[]): Promise<RequestedInstruments> {
  const ranges = new Map<string, InstrumentDateRange>();
  const missing = new Set<string>();
  const definite = !isVendorChain(vendor);
  const tickers = new Map<string, boolean>();
  for (const request of requests) {
    const check = typeof request?.ticker === 'string' ? checkTicker(request.ticker) : null;
    if (!check?.ok) continue;
    const ownChain = typeof request.options?.data_vendors === 'string' && request.options.data_vendors.trim() !== '';
    tickers.set(check.ticker, (tickers.get(check.ticker) ?? true) && !ownChain);
  }
  await Promise.all(
    [...tickers].map(async ([ticker, checkable]) => {
      try {
        ranges.set(ticker, await instrumentDateRange(vendor, ticker));
      } catch (error) {
        if (definite && checkable && error instanceof DataUnavailableError) missing.add(ticker);
        // Otherwise validation falls back to the vendor-wide coverage and the run reports the vendor's reason.
      }
    }),
  );
  return { ranges, missing: [...tickers.keys()].filter((t) => missing.has(t)) };
}

/** `ValidationError` naming every ticker without data (and some the server has), before any run starts. */
export function refuseMissingTickers(missing: readonly string[], available: readonly string[]): void {
  if (missing.length === 0) return;
  const list = (names: readonly string[]) =>
    names.length > NAMED_MAX ? `${names.slice(0, NAMED_MAX).join(', ')} and ${names.length - NAMED_MAX} more` : names.join(', ');
  const has = available.length > 0 ? `; the data has ${list(available)}` : '';
  throw new ValidationError(`no market data for ${list(missing)}${has}`);
}

/**
 * Every instrument of offline data (csv files, the demo market) with its own date range and whether it is
 * demo data, sorted real first; null for an online chain, whose ranges would cost requests.
 */
export async function listInstruments(vendor: MarketDataVendor): Promise<InstrumentInfo[] | null> {
  if (isVendorChain(vendor)) return null;
  const { tickers } = await vendor.coverage();
  const all = await Promise.all(
    tickers.map(async (ticker): Promise<InstrumentInfo | null> => {
      try {
        const [range, instrument] = await Promise.all([instrumentDateRange(vendor, ticker), vendor.instrument(ticker)]);
        return { ticker: range.ticker, first_date: range.first_date, last_date: range.last_date, demo: instrument.demo };
      } catch {
        return null; // listed but unreadable (a damaged file): not offered
      }
    }),
  );
  return all.filter((i): i is InstrumentInfo => i !== null).sort((a, b) => Number(a.demo) - Number(b.demo) || a.ticker.localeCompare(b.ticker));
}
