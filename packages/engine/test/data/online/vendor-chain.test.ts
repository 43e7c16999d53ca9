import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DataUnavailableError, parseDataVendorSpec, type DataVendorPlan } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnalystTools } from '../../../src/data/analyst-tools.js';
import { createMarketDataSetup } from '../../../src/data/market-data-from-env.js';
import type { LogInput } from '../../../src/logs/log-sink.js';
import { startFixtureServer, type FixtureServer } from '../../../../../tests/support/vendor-fixtures/fixture-server.js';
import { alphaVantageHandler } from '../../../../../tests/support/vendor-fixtures/alphavantage-fixtures.js';
import { yahooHandler } from '../../../../../tests/support/vendor-fixtures/yahoo-fixtures.js';
import { parseEngineEnv } from '../../../src/config/engine-env.js';

const now = () => new Date(2024, 0, 10, 12);
const fastGate = { backoffMs: 1, maxBackoffMs: 2, minIntervalMs: 0, retries: 0 };
const servers: FixtureServer[] = [];
let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'tf-chain-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(cacheDir, { recursive: true, force: true });
});

async function setup(spec: string, yahooScenario = {}, extraEnv: Record<string, string> = {}) {
  const yahoo = await startFixtureServer(yahooHandler(yahooScenario));
  const av = await startFixtureServer(alphaVantageHandler());
  servers.push(yahoo, av);
  const env = {
    DATA_VENDORS: spec,
    YAHOO_BASE_URL: yahoo.url,
    ALPHAVANTAGE_BASE_URL: av.url,
    ALPHAVANTAGE_API_KEY: 'k',
    DATA_CACHE_DIR: cacheDir,
    ...extraEnv,
  };
  const data = createMarketDataSetup(parseEngineEnv(env).data, { now, gate: fastGate });
  const log: LogInput[] = [];
  const config = { ticker: 'AAPL', trade_date: '2024-01-05' } as Parameters<typeof data.vendorForRun>[0];
  return { data, yahoo, av, log, run: data.vendorForRun(config, (e) => log.push(e)) };
}

describe('parseDataVendorSpec', () => {
  it('gives unset kinds the bare list, else the prices chain', () => {
    const plan = (spec: string) => (parseDataVendorSpec(spec) as { plan: DataVendorPlan }).plan;
    expect(plan('prices:yahoo,alphavantage,csv;news:yahoo')).toEqual({
      prices: ['yahoo', 'alphavantage', 'csv'],
      fundamentals: ['yahoo', 'alphavantage', 'csv'],
      news: ['yahoo'],
      instrument: ['yahoo', 'alphavantage', 'csv'],
    });
    expect(plan('alphavantage;prices:yahoo').news).toEqual(['alphavantage']);
  });

  it('names what is wrong', () => {
    expect(parseDataVendorSpec('prices:bloomberg')).toEqual({
      ok: false,
      reason: 'unknown data vendor "bloomberg" (use yahoo, alphavantage, csv, demo)',
    });
    expect(parseDataVendorSpec('quotes:yahoo')).toMatchObject({ ok: false, reason: expect.stringContaining('unknown data kind "quotes"') });
    expect(parseDataVendorSpec('news:yahoo')).toMatchObject({ ok: false, reason: expect.stringContaining('no vendor chain for prices') });
    expect(() => createMarketDataSetup(parseEngineEnv({ DATA_VENDORS: 'prices:' }).data)).toThrow(ConfigError);
  });
});

describe('vendor chains from DATA_VENDORS', () => {
  it('falls back in order when the first vendor is rate limited, and logs it WARN in the run log', async () => {
    const { run, log, av } = await setup('prices:yahoo,alphavantage', { rateLimited: true });
    const bars = await run.bars('AAPL', { asOf: '2024-01-05' });
    expect(bars.at(-1)).toMatchObject({ date: '2024-01-05', close: 104 }); // Alpha Vantage's fixture
    expect(av.requests).toHaveLength(1);
    expect(log.map((e) => `${e.severity} ${e.message}`)).toEqual([
      expect.stringMatching(/^WARN prices for AAPL: yahoo rate limited \(yahoo: rate limited: HTTP 429\); falling back to alphavantage$/),
      'INFO prices for AAPL served by alphavantage',
    ]);
    expect('servedBy' in run && (run as { servedBy(): object }).servedBy()).toEqual({ prices: 'alphavantage' });
  });

  it('moves on from a vendor that is not configured without asking it', async () => {
    const { run, log } = await setup('prices:csv,yahoo');
    expect((await run.bars('AAPL', { asOf: '2024-01-05' })).length).toBe(4);
    expect(log[0]).toMatchObject({ severity: 'WARN', message: expect.stringContaining('csv not configured') });
  });

  it('tells the agent plainly when no vendor has the data', async () => {
    const { run } = await setup('prices:yahoo,alphavantage');
    await expect(run.bars('ZZZZ', { asOf: '2024-01-05' })).rejects.toBeInstanceOf(DataUnavailableError);
    const [priceTool] = createAnalystTools('market', { vendor: run, ticker: 'ZZZZ', tradeDate: '2024-01-05' });
    const answer = await priceTool!.run({}, new AbortController().signal);
    expect(answer).toMatch(/^DATA UNAVAILABLE: no prices data for ZZZZ from any vendor \(yahoo: no data .*; alphavantage: no data .*\)$/);
  });

  it('serves each kind from its own chain', async () => {
    const { run, yahoo, av } = await setup('prices:yahoo;news:alphavantage');
    await run.bars('AAPL', { asOf: '2024-01-05' });
    const news = await run.news('AAPL', { from: '2024-01-01', asOf: '2024-01-05' });
    expect(news[0]!.ticker_sentiment.AAPL?.score).toBe(0.4);
    expect(yahoo.requests.map((r) => r.path)).toEqual(['/v8/finance/chart/AAPL']);
    expect(av.requests.map((r) => r.query.get('function'))).toEqual(['NEWS_SENTIMENT']);
  });

  it("uses a run's own data_vendors over DATA_VENDORS", async () => {
    const { data, yahoo, av } = await setup('prices:yahoo');
    const log: LogInput[] = [];
    const config = { ticker: 'AAPL', trade_date: '2024-01-05', data_vendors: 'alphavantage' } as Parameters<typeof data.vendorForRun>[0];
    const own = data.vendorForRun(config, (e) => log.push(e));
    expect((await own.instrument('AAPL')).name).toBe('Apple Inc');
    expect(yahoo.requests).toHaveLength(0);
    expect(av.requests).toHaveLength(1);
    expect(log).toEqual([expect.objectContaining({ severity: 'INFO', message: 'instrument for AAPL served by alphavantage' })]);
  });

  it('keeps the offline default when DATA_VENDORS is not set', () => {
    const { vendor, registry } = createMarketDataSetup(parseEngineEnv({}).data, { now });
    expect(vendor.name).toBe('demo');
    expect(registry.describe().map((v) => `${v.name}:${v.configured}`)).toEqual([
      'yahoo:true',
      'alphavantage:false',
      'csv:false',
      'demo:true',
    ]);
  });
});
