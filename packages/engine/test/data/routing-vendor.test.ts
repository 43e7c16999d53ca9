import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataUnavailableError } from '@tradingfloor/shared';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { createMarketDataFromEnv } from '../../src/data/market-data-from-env.js';
import { createRoutingVendor, resolveVendor } from '../../src/data/routing-vendor.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';
import { makeDataDir, ohlcvCsv } from './support/temp-data-dir.js';

const now = () => new Date(2026, 10, 27, 12);
const demo = createDemoVendor({ now });
let dir = '';
let cleanup = async () => {};

beforeAll(async () => {
  // A tiny real-looking data folder: REAL, plus an ACME that shadows the demo company.
  ({ dir, cleanup } = await makeDataDir({
    'ohlcv/REAL.csv': ohlcvCsv([
      ['2019-03-01', 50],
      ['2019-03-04', 51],
      ['2019-03-05', 52],
    ]),
    'ohlcv/ACME.csv': ohlcvCsv([['2020-01-02', 7]]),
  }));
});
afterAll(() => cleanup());

describe('routing vendor', () => {
  it('answers each ticker from the first vendor that has it', async () => {
    const routed = createRoutingVendor([createCsvVendor({ dir }), demo]);
    expect((await routed.bars('REAL', { asOf: '2019-12-31' })).map((b) => b.close)).toEqual([50, 51, 52]);
    expect((await routed.bars('ACME', { asOf: '2020-12-31' })).map((b) => b.close)).toEqual([7]); // csv first
    expect((await routed.instrument('GLOBEX')).demo).toBe(true); // falls back to the demo market
    expect((await resolveVendor(routed, 'globex')).name).toBe('demo');
    const demoFirst = createRoutingVendor([demo, createCsvVendor({ dir })]);
    expect((await demoFirst.instrument('ACME')).exchange).toBe('DEMO');
  });

  it('covers the union of its vendors', async () => {
    const coverage = await createRoutingVendor([createCsvVendor({ dir }), demo]).coverage();
    expect(coverage.first_date).toBe('2019-03-01');
    expect(coverage.last_date).toBe('2026-11-27');
    expect(coverage.tickers).toEqual(['ACME', 'REAL', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI']);
  });

  it('rejects a ticker nobody has, listing what exists', async () => {
    const routed = createRoutingVendor([createCsvVendor({ dir }), demo]);
    await expect(routed.bars('ZZZZ', { asOf: '2024-01-02' })).rejects.toThrow(DataUnavailableError);
    await expect(routed.fundamentals('ZZZZ', '2024-01-02')).rejects.toThrow(/no price data for ZZZZ \(available: ACME, REAL, GLOBEX/);
  });

  it("never serves the demo market's fictional headlines to a real ticker", async () => {
    const routed = createRoutingVendor([createCsvVendor({ dir }), demo]);
    const [, marketNews] = createAnalystTools('news', { vendor: routed, ticker: 'REAL', tradeDate: '2019-03-05' });
    expect(await marketNews!.run({}, new AbortController().signal)).toBe(
      'DATA UNAVAILABLE: no market-wide headlines published between 2019-02-20 and 2019-03-05',
    );
    const [, demoNews] = createAnalystTools('news', { vendor: routed, ticker: 'WAYNE', tradeDate: '2024-03-05' });
    expect(JSON.parse(await demoNews!.run({}, new AbortController().signal)).data_source).toContain('demo market');
  });

  it('needs at least one vendor', () => {
    expect(() => createRoutingVendor([])).toThrow(RangeError);
  });
});

describe('createMarketDataFromEnv', () => {
  it('uses the demo market alone without DATA_DIR', async () => {
    const vendor = createMarketDataFromEnv({}, now);
    expect(vendor.name).toBe('demo');
    expect((await vendor.coverage()).last_date).toBe('2026-11-27');
  });

  it('puts DATA_DIR first and keeps the demo tickers', async () => {
    const vendor = createMarketDataFromEnv({ DATA_DIR: dir }, now);
    expect(vendor.name).toBe('csv+demo');
    expect((await vendor.instrument('REAL')).demo).toBe(false);
    expect((await vendor.instrument('UMBRELLA')).demo).toBe(true);
  });

  it('fails at once on a DATA_DIR that does not exist', () => {
    expect(() => createMarketDataFromEnv({ DATA_DIR: '/nonexistent/data' })).toThrow(ConfigError);
  });
});

describe.skipIf(!hasRealData('routing over real data'))('routing over the real data folder', () => {
  it('serves AAPL from the csv files and ACME from the demo market', async () => {
    const vendor = createMarketDataFromEnv({ DATA_DIR: REAL_DATA_DIR }, now);
    expect((await vendor.bars('AAPL', { from: '2024-03-28', asOf: '2024-03-28' }))[0]!.close).toBe(171.48);
    expect((await vendor.instrument('ACME')).demo).toBe(true);
    expect((await vendor.coverage()).tickers).toEqual(expect.arrayContaining(['AAPL', 'MSFT', 'NVDA', 'ACME', 'GLOBEX']));
  });
});
