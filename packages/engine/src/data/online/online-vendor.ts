import { DEFAULT_CACHE_TTL_MS, isFresh } from '../cache/freshness.js';
import type { CacheKey, DiskCache } from '../cache/disk-cache.js';
import { localDate } from '../dates.js';
import { selectBars, selectFundamentals, selectNews } from '../select.js';
import type { MarketDataVendor } from '../vendor.js';
import type { OnlineSource } from './online-source.js';
import { SharedFlight } from './shared-flight.js';
import { vendorSymbol } from './symbols.js';

export interface OnlineVendorOptions {
  /** On-disk cache shared by processes; none = every call fetches (deduplicated while in flight). */
  cache?: DiskCache;
  /** Life of answers that touch recent days (default 12 h); closed past ranges are kept forever. */
  ttlMs?: number;
  /** Life of a company profile (default 7 days). */
  profileTtlMs?: number;
  now?: () => number;
}

/**
 * A `MarketDataVendor` over an online source: symbols normalised to the vendor's spelling, answers read
 * through the disk cache (keyed vendor/kind/symbol/range; see `isFresh`) and concurrent identical fetches
 * merged. Bars and filings are fetched whole once per symbol and cut to the request here, so ten runs on a
 * ticker fetch its history once; nothing dated after `asOf` is ever returned (bars by date, filings by their
 * public date, headlines by publication time).
 */
export function createOnlineVendor(source: OnlineSource, options: OnlineVendorOptions = {}): MarketDataVendor {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const profileTtl = options.profileTtlMs ?? 7 * 86_400_000;
  const flight = new SharedFlight();

  /** The cached answer for `key` when still good for a range ending on `rangeEnd`, else a fresh fetch (stored). */
  const cached = async <T>(
    key: CacheKey,
    rangeEnd: string | null,
    ttlMs: number,
    load: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    signal?.throwIfAborted();
    const hit = await options.cache?.read<T>(key);
    if (hit && isFresh(hit.fetched_at, rangeEnd, now(), ttlMs)) return hit.value;
    return flight.run(
      key.join('/'),
      async (flightSignal) => {
        const fetchedAt = now();
        const value = await load(flightSignal);
        await options.cache?.write(key, value, fetchedAt).catch(() => {
          // A cache that cannot be written only costs a refetch next time.
        });
        return value;
      },
      signal,
    );
  };

  const symbolOf = (ticker: string) => vendorSymbol(ticker, source.symbolSeparator);

  return {
    name: source.name,
    label: source.label,
    async coverage() {
      // An online vendor knows no ticker list up front: any ticker may be asked, up to today.
      return { first_date: '1970-01-01', last_date: localDate(new Date(now())), tickers: [] };
    },
    async instrument(ticker, signal) {
      const symbol = symbolOf(ticker);
      const profile = await cached(
        [source.name, 'profile', symbol, 'latest'],
        null,
        profileTtl,
        (s) => source.fetchProfile(symbol, s),
        signal,
      );
      return { ...profile, ticker: ticker.trim().toUpperCase(), demo: false };
    },
    async bars(ticker, range, signal) {
      const symbol = symbolOf(ticker);
      const bars = await cached([source.name, 'bars', symbol, 'all'], range.asOf, ttl, (s) => source.fetchBars(symbol, s), signal);
      return selectBars(bars, range.from, range.asOf);
    },
    async fundamentals(ticker, asOf, signal) {
      const symbol = symbolOf(ticker);
      const upper = ticker.trim().toUpperCase();
      const all = await cached(
        [source.name, 'fundamentals', symbol, 'all'],
        asOf,
        ttl,
        (s) => source.fetchFundamentals(symbol, upper, s),
        signal,
      );
      return selectFundamentals(all, asOf);
    },
    async news(ticker, range, signal) {
      const symbol = ticker === null ? null : symbolOf(ticker);
      const upper = ticker === null ? null : ticker.trim().toUpperCase();
      const key: CacheKey = [source.name, 'news', symbol ?? '_market', `${range.from}_${range.asOf}`];
      const items = await cached(
        key,
        range.asOf,
        ttl,
        (s) => source.fetchNews(symbol, upper, { from: range.from, to: range.asOf }, s),
        signal,
      );
      return selectNews(items, range.from, range.asOf);
    },
  };
}
