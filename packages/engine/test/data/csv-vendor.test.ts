import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataUnavailableError } from '@tradingfloor/shared';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import type { MarketDataVendor } from '../../src/data/vendor.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';
import { makeDataDir, ohlcvCsv } from './support/temp-data-dir.js';

describe.skipIf(!hasRealData('csv vendor on real data'))('csv vendor on the real data folder', () => {
  // Built in beforeAll: a skipped describe still runs its body, and the folder may be missing.
  let vendor: MarketDataVendor;
  beforeAll(() => {
    vendor = createCsvVendor({ dir: REAL_DATA_DIR });
  });

  it('reads known closes', async () => {
    // Looked up by hand in ohlcv/*.csv (and SOURCES.md's spot checks).
    const close = async (ticker: string, date: string) => (await vendor.bars(ticker, { from: date, asOf: date }))[0]?.close;
    expect(await close('AAPL', '2024-03-28')).toBe(171.48);
    expect(await close('MSFT', '2024-03-28')).toBe(420.72);
    expect(await close('NVDA', '2024-06-07')).toBe(120.888);
    expect(await close('SPY', '2024-12-31')).toBe(586.08);
    expect(await close('TSLA', '2015-01-02')).toBe(14.6207);
  });

  it('lists tickers from ohlcv/ without the _corporate_actions file', async () => {
    const coverage = await vendor.coverage();
    expect(coverage.tickers).toEqual(['AAPL', 'AMD', 'AMZN', 'GOOGL', 'JPM', 'META', 'MSFT', 'NFLX', 'NVDA', 'SPY', 'TSLA']);
    expect(coverage.first_date).toBe('2015-01-02');
    expect(coverage.last_date).toBe('2026-06-29');
  });

  it('names known instruments and marks them as real data', async () => {
    expect(await vendor.instrument('aapl')).toMatchObject({ ticker: 'AAPL', name: 'Apple Inc.', currency: 'USD', demo: false });
    expect(vendor.label).toContain('real market data');
  });

  it('makes a filing visible from its filing date, or from the SEC deadline when the date is missing', async () => {
    const before = await vendor.fundamentals('AAPL', '2023-11-02');
    const after = await vendor.fundamentals('AAPL', '2023-11-03');
    expect(before.map((f) => f.period_end)).toEqual(['2023-07-01', '2022-09-24']);
    expect(after[0]).toMatchObject({ form: '10-K', fiscal_year: 2023, filed: '2023-11-03' });
    expect(after[0]!.metrics.revenue).toBe(383285000000);
    // AAPL's FY2022 10-K has no filing date: visible 90 days after 2022-09-24.
    expect(before[1]).toMatchObject({ filed: '2022-12-23', filed_estimated: true });
    expect(await vendor.fundamentals('MSFT', '2025-01-01')).toEqual([]);
  });

  it('dates news by publication and keeps AAPL tags only', async () => {
    const upTo17 = await vendor.news('AAPL', { from: '2024-01-01', asOf: '2024-01-17' });
    const upTo18 = await vendor.news('AAPL', { from: '2024-01-01', asOf: '2024-01-18' });
    expect(upTo17.length).toBeGreaterThan(0);
    expect(upTo17.every((n) => n.published_at.slice(0, 10) <= '2024-01-17')).toBe(true);
    expect(upTo18.length).toBeGreaterThan(upTo17.length); // the burst runs past midnight into the 18th
    expect(upTo18.every((n) => n.tickers.includes('AAPL') || 'AAPL' in n.ticker_sentiment)).toBe(true);
  });

  it('finds GOOGL news tagged with the other share class and gives it GOOGL sentiment', async () => {
    const items = await vendor.news('GOOGL', { from: '2023-01-01', asOf: '2024-12-31' });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((n) => n.ticker_sentiment.GOOGL !== undefined)).toBe(true);
  });
});

describe('csv vendor on its own files', () => {
  const dirs: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((cleanup) => cleanup()));
  });
  const dataDir = async (files: Record<string, string>) => {
    const made = await makeDataDir(files);
    dirs.push(made.cleanup);
    return made.dir;
  };

  it('refuses a missing folder or one without ohlcv/ with ConfigError', async () => {
    expect(() => createCsvVendor({ dir: '/nonexistent/tradingfloor-data' })).toThrow(ConfigError);
    expect(() => createCsvVendor({ dir: '/nonexistent/tradingfloor-data' })).toThrow(/does not exist/);
    const dir = await dataDir({});
    await rm(path.join(dir, 'ohlcv'), { recursive: true });
    expect(() => createCsvVendor({ dir })).toThrow(/has no ohlcv\/ folder/);
  });

  it('names file and line of a malformed row', async () => {
    const dir = await dataDir({
      'ohlcv/BAD.csv': 'date,open,high,low,close,adj_close,volume\n2024-01-02,1,2,0.5,1.5,1.5,100\n2024-01-03,1,2,0.5,abc,1.5,100\n',
      'ohlcv/BACK.csv': 'date,open,high,low,close,adj_close,volume\n2024-01-03,1,2,0.5,1.5,1.5,100\n2024-01-02,1,2,0.5,1.5,1.5,100\n',
      'ohlcv/NOCLOSE.csv': 'date,open,high,low,adj_close,volume\n2024-01-02,1,2,0.5,1.5,100\n',
      'ohlcv/BADDATE.csv': 'date,open,high,low,close,adj_close,volume\n2024-02-30,1,2,0.5,1.5,1.5,100\n',
    });
    const vendor = createCsvVendor({ dir });
    await expect(vendor.bars('BAD', { asOf: '2024-12-31' })).rejects.toThrow(
      new DataUnavailableError('ohlcv/BAD.csv line 3: close "abc" is not a non-negative number'),
    );
    await expect(vendor.bars('BACK', { asOf: '2024-12-31' })).rejects.toThrow(
      /ohlcv\/BACK.csv line 3: date 2024-01-02 does not come after 2024-01-03/,
    );
    await expect(vendor.bars('NOCLOSE', { asOf: '2024-12-31' })).rejects.toThrow(
      /ohlcv\/NOCLOSE.csv line 1: header lacks column\(s\) close/,
    );
    await expect(vendor.bars('BADDATE', { asOf: '2024-12-31' })).rejects.toThrow(/line 2: date "2024-02-30" is not a YYYY-MM-DD date/);
  });

  it('names file and line of malformed JSON lines', async () => {
    const dir = await dataDir({
      'ohlcv/ABC.csv': ohlcvCsv([['2024-01-02', 10]]),
      'news/feed.jsonl': '{"headline":"ok","published_at":"2024-01-02T10:00:00","tickers":["ABC"]}\n{not json\n',
      'fundamentals/f.jsonl': '{"ticker":"ABC","form":"10-Q","period_end":"2023-12-31","filed":"2024-01-20"}\n',
    });
    const vendor = createCsvVendor({ dir });
    await expect(vendor.news('ABC', { from: '2024-01-01', asOf: '2024-01-05' })).rejects.toThrow(/news\/feed.jsonl line 2: not valid JSON/);
    await expect(vendor.fundamentals('ABC', '2024-02-01')).rejects.toThrow(/fundamentals\/f.jsonl line 1: "metrics" must be an object/);
  });

  it('rejects unknown and malformed tickers without touching other paths', async () => {
    const dir = await dataDir({ 'ohlcv/ABC.csv': ohlcvCsv([['2024-01-02', 10]]), 'ohlcv/_notes.csv': 'x' });
    const vendor = createCsvVendor({ dir });
    await expect(vendor.bars('ZZZZ', { asOf: '2024-01-02' })).rejects.toThrow(/no price data for ZZZZ \(no ohlcv\/ZZZZ.csv in /);
    await expect(vendor.bars('../ABC', { asOf: '2024-01-02' })).rejects.toThrow(DataUnavailableError);
    await expect(vendor.bars('_NOTES', { asOf: '2024-01-02' })).rejects.toThrow(/no price data for "_NOTES": /);
    expect((await vendor.coverage()).tickers).toEqual(['ABC']);
    expect(await vendor.instrument('ABC')).toMatchObject({ name: 'ABC', sector: null, demo: false });
  });

  it('loads each file once per vendor instance', async () => {
    const dir = await dataDir({
      'ohlcv/ABC.csv': ohlcvCsv([
        ['2024-01-02', 10],
        ['2024-01-03', 11],
      ]),
    });
    const vendor = createCsvVendor({ dir });
    expect(await vendor.bars('ABC', { asOf: '2024-01-03' })).toHaveLength(2);
    await rm(path.join(dir, 'ohlcv', 'ABC.csv'));
    expect(await vendor.bars('ABC', { asOf: '2024-01-03' })).toHaveLength(2); // served from the cache
    await expect(createCsvVendor({ dir }).bars('ABC', { asOf: '2024-01-03' })).rejects.toThrow(/no price data for ABC/);
  });

  it('filters bars to [from, asOf]', async () => {
    const dir = await dataDir({
      'ohlcv/ABC.csv': ohlcvCsv([
        ['2024-01-02', 10],
        ['2024-01-03', 11],
        ['2024-01-04', 12],
        ['2024-01-05', 13],
      ]),
    });
    const vendor = createCsvVendor({ dir });
    expect((await vendor.bars('ABC', { from: '2024-01-03', asOf: '2024-01-04' })).map((b) => b.close)).toEqual([11, 12]);
    expect(await vendor.bars('ABC', { asOf: '2024-01-01' })).toEqual([]);
  });
});
