import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkTicker, errorMessage, ValidationError, type DataKind } from '@tradingfloor/shared';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { isIsoDate } from '../dates.js';
import { isVendorChain } from '../vendor-chain.js';
import type { MarketDataVendor, NewsItem } from '../vendor.js';
import { fundamentalsLine, newsLine, ohlcvCsv } from './dataset-lines.js';

/** What `fetchDataset` did for one ticker. */
export interface TickerFetchResult {
  ticker: string;
  bars: number;
  filings: number;
  headlines: number;
  /** Which vendor served each kind, when the vendor is a chain. */
  served: Partial<Record<DataKind, string>>;
  /** Why a kind is missing (no data anywhere); bars missing = the ticker failed. */
  problems: string[];
}

export interface FetchDatasetOptions {
  vendor: MarketDataVendor;
  tickers: readonly string[];
  from: string;
  to: string;
  /** The folder written: `ohlcv/`, `fundamentals/fetched.jsonl`, `news/fetched.jsonl`, `manifest.json`. */
  out: string;
  signal?: AbortSignal;
  /** Told when each ticker is done. */
  onTicker?(result: TickerFetchResult): void;
  now?: () => Date;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
}

/**
 * Fetches bars, filings and headlines of `tickers` dated in `[from, to]` (filings: every one filed by `to`,
 * so trailing figures work from `from` on) and writes them in the csv vendor's layout, so `DATA_DIR=out`
 * replays them offline. A ticker whose bars cannot be had is reported and left out; missing filings or
 * headlines are reported only. `ValidationError` for bad tickers or dates.
 */
export async function fetchDataset(options: FetchDatasetOptions): Promise<TickerFetchResult[]> {
  const { vendor, from, to, signal } = options;
  if (!isIsoDate(from) || !isIsoDate(to)) throw new ValidationError(`--from and --to must be YYYY-MM-DD dates (got ${from}, ${to})`);
  if (from > to) throw new ValidationError(`--from ${from} is after --to ${to}`);
  const tickers = options.tickers.map((raw) => {
    const check = checkTicker(raw);
    if (!check.ok) throw new ValidationError(check.reason);
    return check.ticker;
  });
  if (tickers.length === 0) throw new ValidationError('give at least one ticker');

  const results: TickerFetchResult[] = [];
  const filings: string[] = [];
  const headlines = new Map<string, NewsItem>();
  for (const ticker of tickers) {
    // One chain per ticker, so `served` says who answered for this ticker only.
    const source = isVendorChain(vendor) ? vendor.forRun(() => {}) : vendor;
    const result: TickerFetchResult = { ticker, bars: 0, filings: 0, headlines: 0, served: {}, problems: [] };
    const note = (what: string, error: unknown) => {
      if (signal?.aborted) throw error;
      result.problems.push(`${what}: ${errorMessage(error)}`);
    };
    try {
      const bars = await source.bars(ticker, { from, asOf: to }, signal);
      if (bars.length === 0) throw new Error(`no bars between ${from} and ${to}`);
      await writeAtomic(path.join(options.out, 'ohlcv', `${ticker}.csv`), ohlcvCsv(bars));
      result.bars = bars.length;
    } catch (error) {
      note('prices', error);
    }
    if (result.bars > 0) {
      try {
        const snapshots = await source.fundamentals(ticker, to, signal);
        filings.push(...[...snapshots].reverse().map(fundamentalsLine));
        result.filings = snapshots.length;
      } catch (error) {
        note('fundamentals', error);
      }
      try {
        const items = await source.news(ticker, { from, asOf: to }, signal);
        for (const item of items) {
          const key = `${item.published_at}|${item.headline}`;
          const seen = headlines.get(key);
          // The same headline fetched for two tickers: keep one line that names both.
          headlines.set(
            key,
            seen
              ? {
                  ...seen,
                  tickers: [...new Set([...seen.tickers, ...item.tickers])],
                  ticker_sentiment: { ...seen.ticker_sentiment, ...item.ticker_sentiment },
                }
              : item,
          );
        }
        result.headlines = items.length;
      } catch (error) {
        note('news', error);
      }
    }
    if (isVendorChain(source)) result.served = source.servedBy();
    results.push(result);
    options.onTicker?.(result);
  }
  // Oldest first, so the files diff cleanly between two fetches of the same range.
  const news = [...headlines.values()].sort((a, b) => a.published_at.localeCompare(b.published_at) || a.headline.localeCompare(b.headline));
  if (filings.length > 0) await writeAtomic(path.join(options.out, 'fundamentals', 'fetched.jsonl'), filings.join('\n') + '\n');
  if (news.length > 0) await writeAtomic(path.join(options.out, 'news', 'fetched.jsonl'), news.map(newsLine).join('\n') + '\n');
  const manifest = { fetched_at: (options.now?.() ?? new Date()).toISOString(), from, to, vendor: vendor.name, tickers: results };
  await writeAtomic(path.join(options.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return results;
}
