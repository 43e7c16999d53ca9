import { describe, expect, it } from 'vitest';
import { ValidationError } from '@tradingfloor/shared';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import type { DataTool } from '../../src/data/data-tool.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { createRoutingVendor } from '../../src/data/routing-vendor.js';

const vendor = createDemoVendor({ now: () => new Date(2026, 10, 27, 12) });
const TRADE_DATE = '2025-06-16';
const signal = new AbortController().signal;

function tools(kind: Parameters<typeof createAnalystTools>[0], ticker = 'ACME', tradeDate = TRADE_DATE) {
  const list = createAnalystTools(kind, { vendor, ticker, tradeDate });
  const tool = (name: string): DataTool => {
    const found = list.find((t) => t.spec.name === name);
    if (!found) throw new Error(`no tool ${name}`);
    return found;
  };
  const call = async (name: string, args: Record<string, unknown> = {}) => tool(name).run(args, signal);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are parsed JSON, read loosely by the assertions
  const json = async (name: string, args: Record<string, unknown> = {}) => JSON.parse(await call(name, args)) as Record<string, any>;
  return { list, call, json };
}

describe('createAnalystTools', () => {
  it('gives each analyst the tools of the contract', () => {
    const names = (kind: Parameters<typeof createAnalystTools>[0]) => tools(kind).list.map((t) => t.spec.name);
    expect(names('market')).toEqual(['get_price_history', 'get_indicators']);
    expect(names('social')).toEqual(['get_social_sentiment', 'get_company_news']);
    expect(names('news')).toEqual(['get_company_news', 'get_market_news']);
    expect(names('fundamentals')).toEqual(['get_fundamentals', 'get_price_history']);
  });

  it('describes arguments with a closed JSON Schema object', () => {
    const [history] = tools('market').list;
    expect(history!.spec.parameters).toEqual({
      type: 'object',
      properties: { lookback_days: { type: 'integer', minimum: 5, maximum: 400, description: expect.stringContaining('default 90') } },
      additionalProperties: false,
    });
  });

  it('refuses a malformed trade date', () => {
    expect(() => createAnalystTools('market', { vendor, ticker: 'ACME', tradeDate: '2025-13-01' })).toThrow(ValidationError);
  });
});

describe('get_price_history', () => {
  it('returns the bars of the window and a summary of them', async () => {
    const out = await tools('market').json('get_price_history', { lookback_days: 30 });
    expect(out).toMatchObject({ ticker: 'ACME', as_of: TRADE_DATE, currency: 'USD' });
    const bars = out.bars as Array<{ date: string; close: number; high: number; low: number }>;
    expect(bars[0]!.date >= '2025-05-18').toBe(true);
    expect(bars.at(-1)!.date).toBe(TRADE_DATE); // a Monday, so a session
    expect(Object.keys(bars[0]!)).toEqual(['date', 'open', 'high', 'low', 'close', 'volume']);
    expect(out.summary).toMatchObject({ first_date: bars[0]!.date, last_date: TRADE_DATE, last_close: bars.at(-1)!.close });
    expect(out.summary.change_pct).toBeCloseTo((bars.at(-1)!.close / bars[0]!.close - 1) * 100, 2);
    expect(out.summary.high).toBe(Math.max(...bars.map((b) => b.high)));
    expect(out.data_source).toContain('demo market');
  });

  it('defaults to 90 calendar days', async () => {
    const out = await tools('market').json('get_price_history');
    expect(out.bars[0].date >= '2025-03-19').toBe(true);
    expect(out.bars.length).toBeGreaterThan(55);
  });
});

describe('argument validation', () => {
  it('answers INVALID ARGUMENTS for values out of range, wrong types, unknown keys or another ticker', async () => {
    const { call } = tools('market');
    expect(await call('get_price_history', { lookback_days: 3 })).toBe(
      'INVALID ARGUMENTS: lookback_days: Too small: expected number to be >=5',
    );
    expect(await call('get_price_history', { lookback_days: 'ninety' })).toMatch(/^INVALID ARGUMENTS: lookback_days: /);
    expect(await call('get_price_history', { lookback_days: 12.5 })).toMatch(/^INVALID ARGUMENTS: lookback_days: /);
    expect(await call('get_price_history', { days: 10 })).toBe('INVALID ARGUMENTS: Unrecognized key: "days"');
    expect(await call('get_indicators', { indicators: ['rsi', 'stochastic'] })).toMatch(/^INVALID ARGUMENTS: indicators.1: Invalid option/);
    expect(await call('get_indicators', { indicators: [] })).toMatch(/^INVALID ARGUMENTS: indicators: /);
    expect(await call('get_price_history', { ticker: 'MSFT' })).toBe(
      'INVALID ARGUMENTS: this tool answers for ACME only (got ticker "MSFT")',
    );
    expect(await tools('market').list[0]!.run([1, 2] as unknown as Record<string, unknown>, signal)).toBe(
      'INVALID ARGUMENTS: arguments must be a JSON object',
    );
  });

  it('accepts numeric strings, nulls for unset fields and the run ticker named explicitly', async () => {
    const { json } = tools('news');
    const out = await json('get_company_news', { lookback_days: '30', limit: null, ticker: 'acme' });
    expect(out.from).toBe('2025-05-18');
    expect(out.items.length).toBeGreaterThan(0);
  });
});

describe('missing data', () => {
  it('answers DATA UNAVAILABLE for an unknown ticker from every tool', async () => {
    // As runs get it: behind the routing vendor, which finds no vendor for the ticker.
    const routed = createRoutingVendor([vendor]);
    for (const kind of ['market', 'social', 'news', 'fundamentals'] as const) {
      for (const tool of createAnalystTools(kind, { vendor: routed, ticker: 'ZZZZ', tradeDate: TRADE_DATE })) {
        const answer = await tool.run({}, signal);
        expect(answer, tool.spec.name).toMatch(/^DATA UNAVAILABLE: no price data for ZZZZ \(available: ACME, GLOBEX/);
      }
    }
  });

  it('answers DATA UNAVAILABLE before the first bar, and notes indicators still warming up', async () => {
    expect(await tools('market', 'ACME', '2020-06-01').call('get_price_history')).toBe(
      'DATA UNAVAILABLE: no ACME price bars between 2020-03-04 and 2020-06-01',
    );
    const early = await tools('market', 'ACME', '2021-03-01').json('get_indicators', { indicators: ['sma_200', 'rsi'] });
    expect(early.indicators.sma_200).toEqual({
      latest: null,
      series: [],
      note: expect.stringMatching(/needs 200 sessions of history, only \d+ available/),
    });
    expect(typeof early.indicators.rsi.latest).toBe('number');
  });
});

describe('get_indicators', () => {
  it('reports every indicator by default, with the latest value and a dated series', async () => {
    const out = await tools('market').json('get_indicators', { lookback_days: 10 });
    expect(Object.keys(out.indicators)).toEqual(['sma_50', 'sma_200', 'ema_10', 'macd', 'rsi', 'boll', 'atr', 'vwma', 'mfi']);
    expect(Object.keys(out.indicators.macd.latest)).toEqual(['macd', 'signal', 'histogram']);
    expect(Object.keys(out.indicators.boll.series[0])).toEqual(['date', 'middle', 'upper', 'lower']);
    expect(out.indicators.rsi.series.at(-1)).toEqual({ date: TRADE_DATE, value: out.indicators.rsi.latest });
    expect(out.indicators.rsi.series.every((p: { date: string }) => p.date >= '2025-06-07')).toBe(true);
  });
});

describe('get_fundamentals', () => {
  it('returns the latest filing, up to four earlier ones and ratios derived from them', async () => {
    const out = await tools('fundamentals').json('get_fundamentals');
    const { latest, history, derived } = out;
    expect(latest).toMatchObject({ form: '10-Q', fiscal_year: 2025, fiscal_period: 'Q1' });
    expect(history).toHaveLength(4);
    expect(history.map((h: { fiscal_period: string }) => h.fiscal_period)).toEqual(['FY', 'Q3', 'Q2', 'Q1']);
    const m = latest.metrics;
    expect(derived.net_margin).toBeCloseTo(m.net_income / m.revenue, 4);
    expect(derived.current_ratio).toBeCloseTo(m.total_current_assets / m.total_current_liabilities, 4);
    expect(derived.free_cash_flow).toBe(m.operating_cash_flow - m.capital_expenditure);
    // TTM EPS: Q1 2025 + Q4 2024 (= FY 2024 − its three quarters) + Q3 2024 + Q2 2024.
    const [fy, q3, q2, q1] = history.map((h: { metrics: { eps_diluted: number } }) => h.metrics.eps_diluted);
    expect(derived.eps_ttm).toBeCloseTo(m.eps_diluted + (fy - q3 - q2 - q1) + q3 + q2, 4);
    const { bars } = await tools('market').json('get_price_history', { lookback_days: 5 });
    expect(derived.pe_ratio).toBeCloseTo(bars.at(-1).close / derived.eps_ttm, 2);
    const yearAgo = (await vendor.fundamentals('ACME', TRADE_DATE)).find((f) => f.fiscal_year === 2024 && f.fiscal_period === 'Q1')!;
    expect(derived.revenue_growth_yoy).toBeCloseTo(m.revenue / yearAgo.metrics.revenue! - 1, 4);
  });
});

describe('news and sentiment', () => {
  it('lists company headlines newest first, within the window and the limit', async () => {
    const out = await tools('news').json('get_company_news', { lookback_days: 60, limit: 5 });
    expect(out).toMatchObject({ ticker: 'ACME', as_of: TRADE_DATE, from: '2025-04-18' });
    expect(out.items).toHaveLength(5);
    const dates = out.items.map((i: { date: string }) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(Object.keys(out.items[0])).toEqual(['date', 'headline', 'source', 'sentiment_score', 'sentiment_label']);
    expect(out.items.every((i: { headline: string }) => i.headline.includes('Acme'))).toBe(true);
  });

  it('lists market-wide headlines with a null ticker', async () => {
    const out = await tools('news').json('get_market_news', { lookback_days: 14 });
    expect(out.ticker).toBeNull();
    expect(out.items.length).toBeGreaterThan(0);
    expect(out.items.every((i: { sentiment_score: unknown }) => typeof i.sentiment_score === 'number')).toBe(true);
  });

  it('summarises sentiment consistently', async () => {
    const out = await tools('social').json('get_social_sentiment', { lookback_days: 60 });
    expect(out.source_note).toMatch(/news headlines/);
    expect(out.bullish + out.bearish + out.neutral).toBe(out.mentions);
    expect(out.daily.reduce((n: number, d: { mentions: number }) => n + d.mentions, 0)).toBe(out.mentions);
    const top = out.top_positive.map((t: { score: number }) => t.score);
    expect(top).toEqual([...top].sort((a, b) => b - a));
    expect(out.top_negative.every((t: { score: number }) => t.score < 0)).toBe(true);
  });
});

describe('cancellation', () => {
  it('rejects when the run is canceled instead of answering', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run canceled'));
    const [history] = tools('market').list;
    await expect(history!.run({}, controller.signal)).rejects.toThrow('run canceled');
  });
});
