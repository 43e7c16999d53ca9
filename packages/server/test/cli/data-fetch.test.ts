import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCsvVendor } from '@tradingfloor/engine';
import { main } from '../../src/cli/main.js';
import { startFixtureServer, type FixtureServer } from '../../../../tests/support/vendor-fixtures/fixture-server.js';
import { alphaVantageHandler } from '../../../../tests/support/vendor-fixtures/alphavantage-fixtures.js';
import { yahooHandler } from '../../../../tests/support/vendor-fixtures/yahoo-fixtures.js';
import { captureIo } from './support/capture.js';

let work: string;
let yahoo: FixtureServer;
let av: FixtureServer;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'tf-data-fetch-'));
  yahoo = await startFixtureServer(yahooHandler());
  av = await startFixtureServer(alphaVantageHandler());
});
afterEach(async () => {
  await Promise.all([yahoo.close(), av.close()]);
  await rm(work, { recursive: true, force: true });
});

/** Only what the vendors need: fixture servers instead of the internet, a private cache, no pacing. */
const env = () => ({
  YAHOO_BASE_URL: yahoo.url,
  ALPHAVANTAGE_BASE_URL: av.url,
  ALPHAVANTAGE_API_KEY: 'k',
  ALPHAVANTAGE_MIN_INTERVAL_MS: '0',
  YAHOO_MIN_INTERVAL_MS: '0',
  DATA_CACHE_DIR: path.join(work, 'cache'),
});

describe('tradingfloor data fetch', () => {
  it('writes the csv layout, which the csv vendor reads back to the same numbers', async () => {
    const { io, stdout, stderr } = captureIo({ env: env(), cwd: work });
    const code = await main(
      [
        'data',
        'fetch',
        '--tickers',
        'AAPL,BRK.B',
        '--from',
        '2024-01-01',
        '--to',
        '2024-12-31',
        '--out',
        'pinned',
        '--vendors',
        'prices:alphavantage;fundamentals:alphavantage;news:alphavantage;instrument:alphavantage',
      ],
      io,
    );
    expect(stderr.text).toContain('done: DATA_DIR=');
    expect(code).toBe(0);
    expect(stdout.text).toContain(
      'AAPL: 4 bars, 2 filings, 3 headlines (prices: alphavantage, fundamentals: alphavantage, news: alphavantage)',
    );
    expect(stdout.text).toContain('BRK.B: 4 bars, 0 filings');

    const csv = createCsvVendor({ dir: path.join(work, 'pinned') });
    expect((await csv.coverage()).tickers).toEqual(['AAPL', 'BRK.B']);
    const bars = await csv.bars('AAPL', { asOf: '2024-01-05' });
    expect(bars.map((b) => [b.date, b.close, b.adj_close, b.volume])).toEqual([
      ['2024-01-02', 101, 100.5, 2000],
      ['2024-01-03', 102, 101.5, 2400],
      ['2024-01-04', 103, 102.5, 2600],
      ['2024-01-05', 104, 103.5, 2400],
    ]);
    // Filing visibility survives the round trip: the Dec quarter appears on its release day, not before.
    expect((await csv.fundamentals('AAPL', '2024-01-31')).map((s) => s.period_end)).toEqual(['2023-09-30']);
    expect((await csv.fundamentals('AAPL', '2024-02-01'))[0]).toMatchObject({
      period_end: '2023-12-31',
      fiscal_period: 'Q1',
      filed: '2024-02-01',
    });
    const news = await csv.news('AAPL', { from: '2024-01-01', asOf: '2024-01-05' });
    expect(news.map((n) => [n.headline, n.ticker_sentiment.AAPL?.score])).toEqual([
      ['Apple unveils a new chip', 0.4],
      ['Apple suppliers report strong quarter', 0.3],
    ]);
    const manifest = JSON.parse(await readFile(path.join(work, 'pinned', 'manifest.json'), 'utf8')) as { from: string; tickers: unknown[] };
    expect(manifest).toMatchObject({
      from: '2024-01-01',
      tickers: [expect.objectContaining({ ticker: 'AAPL', bars: 4 }), expect.objectContaining({ ticker: 'BRK.B' })],
    });
  });

  it('fetches nothing twice: a second fetch of the same closed range is served from the cache', async () => {
    const args = ['data', 'fetch', '--tickers', 'AAPL', '--from', '2024-01-01', '--to', '2024-01-08', '--out', 'a', '--vendors', 'yahoo'];
    expect(await main(args, captureIo({ env: env(), cwd: work }).io)).toBe(0);
    const asked = yahoo.requests.length;
    expect(
      await main(
        [...args.slice(0, -3), 'b', '--vendors', 'yahoo'],
        captureIo({ env: { ...env(), DATA_CACHE_TTL_HOURS: '0' }, cwd: work }).io,
      ),
    ).toBe(0);
    expect(yahoo.requests.length).toBe(asked);
    expect(await readFile(path.join(work, 'b', 'ohlcv', 'AAPL.csv'), 'utf8')).toBe(
      await readFile(path.join(work, 'a', 'ohlcv', 'AAPL.csv'), 'utf8'),
    );
  });

  it('exits 1 naming a ticker no vendor has, and 2 for bad flags', async () => {
    const missing = captureIo({ env: env(), cwd: work });
    expect(
      await main(
        ['data', 'fetch', '-t', 'ZZZZ', '--from', '2024-01-01', '--to', '2024-01-08', '-o', 'x', '--vendors', 'alphavantage'],
        missing.io,
      ),
    ).toBe(1);
    expect(missing.stderr.text).toContain('no price data for ZZZZ');
    const bad = captureIo({ env: env(), cwd: work });
    expect(await main(['data', 'fetch', '-t', 'AAPL', '--from', '2024-02-30', '--to', '2024-01-08', '-o', 'x'], bad.io)).toBe(2);
    expect(
      await main(
        ['data', 'fetch', '-t', 'AAPL', '--from', '2024-01-01', '--to', '2024-01-08', '-o', 'x', '--vendors', 'prices:nasdaq'],
        bad.io,
      ),
    ).toBe(2);
    expect(bad.stderr.text).toContain('unknown data vendor "nasdaq"');
  });
});

describe('tradingfloor run --data-vendors', () => {
  it("puts the chains into every run's options and rejects a bad one naming the flag", async () => {
    const { parseRunFlags } = await import('../../src/cli/parse-options.js');
    const ctx = { env: {}, cwd: '/tmp', now: Date.parse('2024-06-01T00:00:00Z') };
    expect(parseRunFlags({ tickers: 'AAPL', dataVendors: 'prices:yahoo,csv;news:yahoo' }, ctx).options.data_vendors).toBe(
      'prices:yahoo,csv;news:yahoo',
    );
    expect(() => parseRunFlags({ tickers: 'AAPL', dataVendors: 'prices:reuters' }, ctx)).toThrow(
      '--data-vendors: unknown data vendor "reuters"',
    );
  });
});
