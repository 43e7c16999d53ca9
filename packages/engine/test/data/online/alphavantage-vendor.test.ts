import { deferred } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlphaVantageSource } from '../../../src/data/alphavantage/alphavantage-source.js';
import { createOnlineVendor } from '../../../src/data/online/online-vendor.js';
import {
  VendorBadResponseError,
  VendorNoDataError,
  VendorNotConfiguredError,
  VendorRateLimitedError,
} from '../../../src/data/online/vendor-errors.js';
import { startFixtureServer, type FixtureServer } from '../../../../../tests/support/vendor-fixtures/fixture-server.js';
import { alphaVantageHandler, type AlphaVantageScenario } from '../../../../../tests/support/vendor-fixtures/alphavantage-fixtures.js';

const fastGate = { backoffMs: 1, maxBackoffMs: 2, minIntervalMs: 0, retries: 1 };
let server: FixtureServer | undefined;
afterEach(async () => server?.close());

async function alphaVantage(scenario: AlphaVantageScenario = {}, apiKey: string | null = 'test-key') {
  server = await startFixtureServer(alphaVantageHandler(scenario));
  return createOnlineVendor(createAlphaVantageSource({ apiKey: apiKey ?? undefined, baseUrl: server.url, gate: fastGate }));
}

describe('alphavantage vendor against a local Alpha Vantage', () => {
  it('split-adjusts the raw daily series and drops bars after the trade date', async () => {
    const vendor = await alphaVantage();
    const bars = await vendor.bars('AAPL', { asOf: '2024-01-04' });
    expect(bars.map((b) => [b.date, b.close, b.volume])).toEqual([
      ['2024-01-02', 101, 2000],
      ['2024-01-03', 102, 2400],
      ['2024-01-04', 103, 2600],
    ]);
    expect(bars[0]!.adj_close).toBe(100.5);
    const query = server!.requests[0]!.query;
    expect([query.get('function'), query.get('symbol'), query.get('outputsize'), query.get('apikey')]).toEqual([
      'TIME_SERIES_DAILY_ADJUSTED',
      'AAPL',
      'full',
      'test-key',
    ]);
  });

  it('dates statements by their earnings release, never earlier', async () => {
    const vendor = await alphaVantage();
    expect(await vendor.fundamentals('AAPL', '2023-11-01')).toEqual([]);
    const nov = await vendor.fundamentals('AAPL', '2023-11-02');
    expect(nov.map((s) => `${s.form} ${s.fiscal_period} ${s.filed}`)).toEqual(['10-K FY 2023-11-02']);
    expect(nov[0]!.metrics).toMatchObject({
      revenue: 383285000000,
      net_income: 96995000000,
      stockholders_equity: 62146000000,
      eps_diluted: 6.13,
      capital_expenditure: 10959000000,
    });
    const feb = await vendor.fundamentals('AAPL', '2024-02-01');
    expect(feb[0]).toMatchObject({
      form: '10-Q',
      fiscal_year: 2024,
      fiscal_period: 'Q1',
      period_end: '2023-12-31',
      filed: '2024-02-01',
      metrics: { eps_diluted: 2.18 },
    });
    expect(feb[0]!.filed_estimated).toBeUndefined();
  });

  it('keeps headlines published by the trade date, with per-ticker sentiment', async () => {
    const vendor = await alphaVantage();
    const items = await vendor.news('AAPL', { from: '2024-01-01', asOf: '2024-01-05' });
    expect(items.map((n) => n.headline)).toEqual(['Apple unveils a new chip', 'Apple suppliers report strong quarter']);
    expect(items[0]!.ticker_sentiment.AAPL).toEqual({ relevance: 0.8, score: 0.4, label: 'Bullish' });
    const query = server!.requests[0]!.query;
    expect([query.get('tickers'), query.get('time_from'), query.get('time_to')]).toEqual(['AAPL', '20240101T0000', '20240105T2359']);
  });

  it('names the company from OVERVIEW and says no data for an unknown symbol', async () => {
    const vendor = await alphaVantage();
    expect(await vendor.instrument('AAPL')).toMatchObject({ name: 'Apple Inc', sector: 'TECHNOLOGY', exchange: 'NASDAQ', demo: false });
    await expect(vendor.instrument('ZZZZ')).rejects.toBeInstanceOf(VendorNoDataError);
    await expect(vendor.bars('ZZZZ', { asOf: '2024-01-05' })).rejects.toBeInstanceOf(VendorNoDataError);
  });

  it('treats the HTTP 200 Information answer as rate limited, without retrying a spent quota', async () => {
    const vendor = await alphaVantage({ rateLimited: true });
    await expect(vendor.bars('AAPL', { asOf: '2024-01-05' })).rejects.toBeInstanceOf(VendorRateLimitedError);
    expect(server!.requests).toHaveLength(1);
  });

  it('reports an unparsable body as a bad response', async () => {
    const vendor = await alphaVantage({ malformed: new Set(['TIME_SERIES_DAILY_ADJUSTED']) });
    await expect(vendor.bars('AAPL', { asOf: '2024-01-05' })).rejects.toBeInstanceOf(VendorBadResponseError);
  });

  it('is not configured without a key and sends nothing', async () => {
    const vendor = await alphaVantage({}, null);
    await expect(vendor.bars('AAPL', { asOf: '2024-01-05' })).rejects.toBeInstanceOf(VendorNotConfiguredError);
    expect(server!.requests).toHaveLength(0);
  });

  it('abandons a slow answer the moment the run is canceled', async () => {
    const never = deferred<void>();
    const vendor = await alphaVantage({ hold: never.promise });
    const arrived = deferred<void>();
    const closed = deferred<void>();
    server!.onAborted(() => closed.resolve());
    server!.onRequest(() => arrived.resolve());
    const controller = new AbortController();
    const pending = vendor.bars('AAPL', { asOf: '2024-01-05' }, controller.signal);
    await arrived.promise;
    controller.abort(new Error('run canceled'));
    await expect(pending).rejects.toThrow('run canceled');
    await closed.promise; // the HTTP request itself was aborted, not left running
    expect(server!.aborted).toHaveLength(1);
    never.resolve();
  });
});
