import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkTicker, ConfigError, DataUnavailableError } from '@tradingfloor/shared';
import { selectBars, selectFundamentals, selectNews } from '../select.js';
import type { Bar, DataCoverage, FundamentalsSnapshot, MarketDataVendor, NewsItem } from '../vendor.js';
import { KNOWN_INSTRUMENTS, SHARE_CLASS_ALIASES } from './known-instruments.js';
import { parseOhlcvCsv } from './parse-ohlcv.js';
import { parseFundamentalsJsonl, parseNewsJsonl } from './parse-jsonl.js';

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Files of `dir` ending with `ext`, sorted; none when the folder does not exist (it is optional). */
async function listFiles(dir: string, ext: string): Promise<string[]> {
  if (!isDirectory(dir)) return [];
  return (await readdir(dir)).filter((f) => f.endsWith(ext) && !f.startsWith('_') && !f.startsWith('.')).sort();
}

/** Caches a lazy load; a failed load is forgotten so a fixed file is read again next time. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/**
 * A vendor over a `DATA_DIR` of files: `ohlcv/<TICKER>.csv` (files starting with `_` are not tickers),
 * `fundamentals/*.jsonl` and `news/*.jsonl` (both optional). Files are read on first use and kept for the
 * vendor's life. Throws `ConfigError` at once if the folder or its `ohlcv/` is missing; malformed rows fail
 * with `DataUnavailableError` naming the file and line. Market-wide news is every headline of the feed.
 */
export function createCsvVendor(options: { dir: string }): MarketDataVendor {
  const dir = path.resolve(options.dir);
  const ohlcvDir = path.join(dir, 'ohlcv');
  if (!isDirectory(dir)) throw new ConfigError(`DATA_DIR ${dir} does not exist or is not a folder`);
  if (!isDirectory(ohlcvDir)) throw new ConfigError(`DATA_DIR ${dir} has no ohlcv/ folder (expected ohlcv/<TICKER>.csv files)`);

  const tickerFiles = lazy(async () => {
    const files = await listFiles(ohlcvDir, '.csv');
    return new Map(files.map((f) => [f.slice(0, -'.csv'.length).toUpperCase(), f]));
  });
  const barCache = new Map<string, () => Promise<Bar[]>>();
  const fundamentalsByTicker = lazy(async () => {
    const byTicker = new Map<string, FundamentalsSnapshot[]>();
    const folder = path.join(dir, 'fundamentals');
    for (const file of await listFiles(folder, '.jsonl')) {
      for (const s of parseFundamentalsJsonl(await readFile(path.join(folder, file), 'utf8'), `fundamentals/${file}`)) {
        byTicker.set(s.ticker, [...(byTicker.get(s.ticker) ?? []), s]);
      }
    }
    return byTicker;
  });
  const allNews = lazy(async () => {
    const folder = path.join(dir, 'news');
    const items: NewsItem[] = [];
    for (const file of await listFiles(folder, '.jsonl'))
      items.push(...parseNewsJsonl(await readFile(path.join(folder, file), 'utf8'), `news/${file}`));
    return items;
  });

  /** The ticker's bars, all of them; unknown or malformed tickers fail with `DataUnavailableError`. */
  const allBars = async (raw: string, signal?: AbortSignal): Promise<{ ticker: string; bars: Bar[] }> => {
    signal?.throwIfAborted();
    const check = checkTicker(raw);
    if (!check.ok) throw new DataUnavailableError(`no price data for ${JSON.stringify(raw)}: ${check.reason}`);
    const file = (await tickerFiles()).get(check.ticker);
    if (!file) throw new DataUnavailableError(`no price data for ${check.ticker} (no ohlcv/${check.ticker}.csv in ${dir})`);
    let load = barCache.get(check.ticker);
    if (!load) {
      load = lazy(async () => parseOhlcvCsv(await readFile(path.join(ohlcvDir, file), 'utf8'), `ohlcv/${file}`));
      barCache.set(check.ticker, load);
    }
    const bars = await load();
    signal?.throwIfAborted();
    return { ticker: check.ticker, bars };
  };

  const coverage = lazy(async (): Promise<DataCoverage> => {
    const tickers = [...(await tickerFiles()).keys()].sort();
    const ranges = await Promise.all(tickers.map(async (t) => (await allBars(t)).bars));
    const firsts = ranges.map((b) => b[0]!.date).sort();
    const lasts = ranges.map((b) => b.at(-1)!.date).sort();
    if (tickers.length === 0) throw new DataUnavailableError(`${ohlcvDir} holds no <TICKER>.csv files`);
    return { first_date: firsts[0]!, last_date: lasts.at(-1)!, tickers };
  });

  return {
    name: 'csv',
    label: 'real market data (csv files from DATA_DIR)',
    async coverage(signal) {
      signal?.throwIfAborted();
      return coverage();
    },
    async instrument(raw, signal) {
      const { ticker } = await allBars(raw, signal);
      const known = KNOWN_INSTRUMENTS[ticker];
      return {
        ticker,
        name: known?.name ?? ticker,
        sector: known?.sector ?? null,
        industry: known?.industry ?? null,
        exchange: known?.exchange ?? null,
        currency: 'USD',
        description: known?.description ?? null,
        demo: false,
      };
    },
    async bars(raw, range, signal) {
      const { bars } = await allBars(raw, signal);
      return selectBars(bars, range.from, range.asOf);
    },
    async fundamentals(raw, asOf, signal) {
      const { ticker } = await allBars(raw, signal);
      return selectFundamentals((await fundamentalsByTicker()).get(ticker) ?? [], asOf);
    },
    async news(raw, range, signal) {
      signal?.throwIfAborted();
      const items = await allNews();
      if (raw === null) return selectNews(items, range.from, range.asOf);
      const { ticker } = await allBars(raw, signal);
      const keys = [ticker, ...(SHARE_CLASS_ALIASES[ticker] ?? [])];
      const mine = items
        .filter((n) => keys.some((k) => n.tickers.includes(k) || k in n.ticker_sentiment))
        .map((n) => withOwnSentiment(n, ticker, keys));
      return selectNews(mine, range.from, range.asOf);
    },
  };
}

/** The item with the ticker's sentiment under its own key when the feed filed it under another share class. */
function withOwnSentiment(item: NewsItem, ticker: string, keys: string[]): NewsItem {
  if (item.ticker_sentiment[ticker]) return item;
  const alias = keys.find((k) => item.ticker_sentiment[k]);
  return alias ? { ...item, ticker_sentiment: { ...item.ticker_sentiment, [ticker]: item.ticker_sentiment[alias]! } } : item;
}
