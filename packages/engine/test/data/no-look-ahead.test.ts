import { beforeAll, describe, expect, it } from 'vitest';
import { ANALYST_KINDS } from '@tradingfloor/shared';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { createRoutingVendor } from '../../src/data/routing-vendor.js';
import type { MarketDataVendor } from '../../src/data/vendor.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';

/** The widest arguments each tool accepts, so every tool looks as far back — and forward — as it can. */
const WIDEST: Record<string, Record<string, unknown>> = {
  get_price_history: { lookback_days: 400 },
  get_indicators: { lookback_days: 120 },
  get_company_news: { lookback_days: 60, limit: 50 },
  get_market_news: { lookback_days: 60, limit: 50 },
  get_social_sentiment: { lookback_days: 60 },
  get_fundamentals: {},
};

/** Every YYYY-MM-DD found anywhere in a JSON answer (dates, timestamps, filing dates…). */
function datesIn(text: string): string[] {
  return [...text.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);
}

async function expectNoLookAhead(vendor: MarketDataVendor, ticker: string, tradeDate: string) {
  const signal = new AbortController().signal;
  const answered: string[] = [];
  for (const kind of ANALYST_KINDS) {
    for (const tool of createAnalystTools(kind, { vendor, ticker, tradeDate })) {
      const answer = await tool.run(WIDEST[tool.spec.name]!, signal);
      if (answer.startsWith('DATA UNAVAILABLE')) continue;
      answered.push(tool.spec.name);
      const late = datesIn(answer).filter((d) => d > tradeDate);
      expect(late, `${tool.spec.name} for ${ticker} at ${tradeDate}`).toEqual([]);
      expect(datesIn(answer).length, tool.spec.name).toBeGreaterThan(1);
    }
  }
  // The vendor itself, asked the same, agrees.
  expect((await vendor.bars(ticker, { asOf: tradeDate })).every((b) => b.date <= tradeDate)).toBe(true);
  expect((await vendor.fundamentals(ticker, tradeDate)).every((f) => f.filed <= tradeDate)).toBe(true);
  const news = await vendor.news(ticker, { from: '2000-01-01', asOf: tradeDate });
  expect(news.every((n) => n.published_at.slice(0, 10) <= tradeDate)).toBe(true);
  return answered;
}

describe('no look-ahead on the demo market', () => {
  const vendor = createRoutingVendor([createDemoVendor({ now: () => new Date(2026, 10, 27, 12) })]);

  it.each([
    ['ACME', '2021-02-15'],
    ['GLOBEX', '2023-05-10'],
    ['WAYNE', '2024-08-17'], // a Saturday
    ['HOOLI', '2025-11-06'],
    ['STARK', '2026-11-27'],
  ])('%s at %s: no tool returns anything dated later', async (ticker, date) => {
    const answered = await expectNoLookAhead(vendor, ticker, date);
    expect(answered).toEqual(expect.arrayContaining(['get_price_history', 'get_indicators', 'get_fundamentals', 'get_market_news']));
  });

  it('shows a filing from its filing day on, not from its period end', async () => {
    const demo = createDemoVendor({ now: () => new Date(2026, 10, 27, 12) });
    const q = (await demo.fundamentals('ACME', '2026-11-27')).find((f) => f.fiscal_year === 2025 && f.fiscal_period === 'Q2')!;
    const dayBefore = new Date(Date.parse(`${q.filed}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const tool = createAnalystTools('fundamentals', { vendor: demo, ticker: 'ACME', tradeDate: dayBefore })[0]!;
    expect(JSON.parse(await tool.run({}, new AbortController().signal)).latest.period_end).not.toBe(q.period_end);
    const onTheDay = createAnalystTools('fundamentals', { vendor: demo, ticker: 'ACME', tradeDate: q.filed })[0]!;
    expect(JSON.parse(await onTheDay.run({}, new AbortController().signal)).latest.period_end).toBe(q.period_end);
  });
});

describe.skipIf(!hasRealData('no look-ahead on real data'))('no look-ahead on the real data', () => {
  // Built in beforeAll: a skipped describe still runs its body, and the folder may be missing.
  let vendor: MarketDataVendor;
  beforeAll(() => {
    vendor = createRoutingVendor([createCsvVendor({ dir: REAL_DATA_DIR })]);
  });

  it.each([
    ['AAPL', '2023-06-06'], // a headline burst on this very day
    ['AAPL', '2024-01-17'], // the next burst runs on into 2024-01-18
    ['AAPL', '2023-11-03'], // FY2023 10-K filed this day
    ['NFLX', '2024-10-18'],
    ['NVDA', '2024-03-28'],
    ['TSLA', '2016-06-30'],
  ])('%s at %s: no tool returns anything dated later', async (ticker, date) => {
    const answered = await expectNoLookAhead(vendor, ticker, date);
    expect(answered).toEqual(expect.arrayContaining(['get_price_history', 'get_indicators']));
  });
});
