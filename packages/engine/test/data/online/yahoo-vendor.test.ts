import { afterEach, describe, expect, it } from 'vitest';
import { createOnlineVendor } from '../../../src/data/online/online-vendor.js';
import { VendorBadResponseError, VendorNoDataError, VendorRateLimitedError } from '../../../src/data/online/vendor-errors.js';
import { createYahooSource } from '../../../src/data/yahoo/yahoo-source.js';
import { startFixtureServer, type FixtureServer } from '../../../../../tests/support/vendor-fixtures/fixture-server.js';
import { yahooHandler, type YahooScenario } from '../../../../../tests/support/vendor-fixtures/yahoo-fixtures.js';

const fastGate = { backoffMs: 1, maxBackoffMs: 2, minIntervalMs: 0, retries: 1 };
let server: FixtureServer | undefined;
afterEach(async () => server?.close());

async function yahoo(scenario: YahooScenario = {}) {
  server = await startFixtureServer(yahooHandler(scenario));
  return createOnlineVendor(createYahooSource({ baseUrl: server.url, gate: fastGate }));
}

describe('yahoo vendor against a local Yahoo', () => {
  it('reads daily bars from chart, dated by the exchange day, none after the trade date', async () => {
    const vendor = await yahoo();
    const bars = await vendor.bars('AAPL', { from: '2024-01-03', asOf: '2024-01-05' });
    expect(bars.map((b) => b.date)).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect(bars[2]).toMatchObject({ close: 181.18, adj_close: 180.68, volume: 62303300 });
    expect(server!.requests.filter((r) => r.path === '/v8/finance/chart/AAPL')).toHaveLength(1);
  });

  it('asks for BRK.B as BRK-B and names the company from quoteSummary', async () => {
    const vendor = await yahoo();
    const who = await vendor.instrument('BRK.B');
    expect(who).toMatchObject({
      ticker: 'BRK.B',
      name: 'Berkshire Hathaway Inc.',
      sector: 'Technology',
      exchange: 'NasdaqGS',
      demo: false,
    });
    expect(server!.requests.some((r) => r.path === '/v10/finance/quoteSummary/BRK-B')).toBe(true);
    expect((await vendor.bars('BRK.B', { asOf: '2024-01-08' })).length).toBe(5);
  });

  it('makes statements visible only at the SEC deadline (Yahoo has no filing date)', async () => {
    const vendor = await yahoo();
    expect(await vendor.fundamentals('AAPL', '2024-02-13')).toHaveLength(1); // only the Sep quarter (due Nov 14); the 10-K is due Dec 29
    const later = await vendor.fundamentals('AAPL', '2024-02-14');
    expect(later.map((s) => `${s.form} ${s.fiscal_period} ${s.period_end} ${s.filed}`)).toEqual([
      '10-Q Q1 2023-12-31 2024-02-14',
      '10-K FY 2023-09-30 2023-12-29',
    ]);
    expect(later[0]).toMatchObject({
      fiscal_year: 2024,
      filed_estimated: true,
      metrics: { revenue: 119575000000, capital_expenditure: 2392000000 },
    });
    expect(later[1]!.metrics.eps_diluted).toBe(6.13);
  });

  it('keeps only headlines published by the trade date', async () => {
    const vendor = await yahoo();
    const items = await vendor.news('AAPL', { from: '2024-01-01', asOf: '2024-01-08' });
    expect(items.map((n) => n.headline)).toEqual(['AAPL rallies after earnings']);
    expect(items[0]!.tickers).toContain('AAPL');
  });

  it('says no data for an unknown symbol', async () => {
    const vendor = await yahoo();
    await expect(vendor.bars('NOPE', { asOf: '2024-01-08' })).rejects.toBeInstanceOf(VendorNoDataError);
  });

  it('reports HTTP 429 as rate limited after its retries', async () => {
    const vendor = await yahoo({ rateLimited: true });
    await expect(vendor.bars('AAPL', { asOf: '2024-01-08' })).rejects.toBeInstanceOf(VendorRateLimitedError);
    expect(server!.requests.filter((r) => r.path.startsWith('/v8/')).length).toBe(2); // first try + 1 retry
  });

  it('reports a body that is not the documented format as a bad response', async () => {
    const vendor = await yahoo({ malformed: ['/v8/finance/chart'] });
    await expect(vendor.bars('AAPL', { asOf: '2024-01-08' })).rejects.toBeInstanceOf(VendorBadResponseError);
  });
});
