import { describe, expect, it } from 'vitest';
import { DataUnavailableError } from '@tradingfloor/shared';
import { fromDayNumber, isWeekend, toDayNumber } from '../../src/data/dates.js';
import { DEMO_ANCHOR, isDemoSession, weekdayIndexOfDay } from '../../src/data/demo/demo-calendar.js';
import { DEMO_COMPANIES } from '../../src/data/demo/demo-companies.js';
import { DEFAULT_DEMO_SEED, demoMarket, generateDemoMarket, type DemoMarket } from '../../src/data/demo/demo-market.js';
import { createDemoVendor, DEMO_LABEL } from '../../src/data/demo/demo-vendor.js';
import { regimeAt } from '../../src/data/demo/regime.js';
import type { Bar } from '../../src/data/vendor.js';

const END = '2026-11-27';
const market = generateDemoMarket(DEFAULT_DEMO_SEED, END);
const data = (m: DemoMarket, ticker: string) => {
  const d = m.company(ticker);
  if (!d) throw new Error(`no demo company ${ticker}`);
  return d;
};
const bars = (ticker: string) => data(market, ticker).bars;

function closeOn(list: readonly Bar[], date: string): number {
  const bar = list.findLast((b) => b.date <= date);
  if (!bar) throw new Error(`no bar on or before ${date}`);
  return bar.close;
}
const oneYearReturn = (list: readonly Bar[], date: string) =>
  closeOn(list, date) / closeOn(list, `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`) - 1;
const dailyVol = (list: readonly Bar[]) => {
  const r = list.slice(1).map((b, i) => Math.log(b.close / list[i]!.close));
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
};
const regimeLabel = (ticker: string, date: string) =>
  regimeAt(data(market, ticker).company.cycle, weekdayIndexOfDay(toDayNumber(date))).segment.label;

describe('demo market generation', () => {
  it('is deterministic: the same seed gives the same market, another seed another one', () => {
    const again = generateDemoMarket(DEFAULT_DEMO_SEED, END);
    const other = generateDemoMarket(DEFAULT_DEMO_SEED + 1, END);
    // Compared as JSON: a deep equality over ten thousand bars is slow, and JSON keeps every number exact.
    for (const { ticker } of DEMO_COMPANIES) {
      expect(JSON.stringify(data(again, ticker))).toBe(JSON.stringify(data(market, ticker)));
      expect(data(other, ticker).bars.at(-1)!.close).not.toBe(bars(ticker).at(-1)!.close);
    }
    expect(again.marketNews()).toEqual(market.marketNews());
  });

  it('keeps every earlier bar, filing and headline when the end date moves forward', () => {
    const cut = '2024-06-28';
    const shorter = generateDemoMarket(DEFAULT_DEMO_SEED, cut);
    for (const { ticker } of DEMO_COMPANIES) {
      const early = data(shorter, ticker);
      const late = data(market, ticker);
      expect(early.bars.at(-1)!.date).toBe(cut);
      expect(late.bars.slice(0, early.bars.length)).toEqual(early.bars);
      expect(late.news.filter((n) => n.date <= cut)).toEqual(early.news);
      expect(late.fundamentals.filter((f) => f.filed <= cut)).toEqual(early.fundamentals.filter((f) => f.filed <= cut));
    }
    expect(market.marketNews().filter((n) => n.date <= cut)).toEqual(shorter.marketNews());
  });

  it('trades weekdays from the anchor on, skipping fixed holidays, for more than three years', () => {
    const list = bars('ACME');
    expect(list[0]!.date).toBe(DEMO_ANCHOR);
    expect(list.length).toBeGreaterThan(3 * 252);
    expect(list.every((b) => isDemoSession(b.date))).toBe(true);
    expect(list.some((b) => b.date.endsWith('-12-25') || b.date.endsWith('-07-04'))).toBe(false);
    expect(list.every((b, i) => i === 0 || b.date > list[i - 1]!.date)).toBe(true);
  });

  it('produces consistent bars: low <= open, close <= high, positive volume', () => {
    const broken = DEMO_COMPANIES.flatMap(({ ticker }) =>
      bars(ticker).filter((b) => b.low > Math.min(b.open, b.close) || b.high < Math.max(b.open, b.close) || b.low <= 0 || b.volume <= 0),
    );
    expect(broken).toEqual([]);
  });

  it('gives each company its own regime', () => {
    // The steady compounder beats the slow decliner over every trailing year.
    for (const date of ['2022-12-30', '2023-12-29', '2024-12-31', '2025-12-31', '2026-11-27']) {
      expect(oneYearReturn(bars('ACME'), date)).toBeGreaterThan(0.05);
      expect(oneYearReturn(bars('UMBRELLA'), date)).toBeLessThan(0);
    }
    const total = (t: string) => bars(t).at(-1)!.close / bars(t)[0]!.close - 1;
    expect(total('ACME')).toBeGreaterThan(1);
    expect(total('UMBRELLA')).toBeLessThan(-0.4);
    expect(Math.abs(total('INITECH'))).toBeLessThan(0.3);
    // Momentum name is the most volatile, the dividend payer the calmest.
    const vols = DEMO_COMPANIES.map((c) => ({ ticker: c.ticker, vol: dailyVol(bars(c.ticker)) })).sort((a, b) => a.vol - b.vol);
    expect(vols.at(-1)!.ticker).toBe('STARK');
    expect(vols[0]!.ticker).toBe('WAYNE');
  });

  it('crashes GLOBEX and then lets it recover', () => {
    const list = bars('GLOBEX');
    let worst = { drop: 0, at: 0 };
    for (let i = 60; i < list.length; i++) {
      const drop = list[i]!.close / Math.max(...list.slice(i - 60, i).map((b) => b.close)) - 1;
      if (drop < worst.drop) worst = { drop, at: i };
    }
    expect(worst.drop).toBeLessThan(-0.35);
    const rebound = Math.max(...list.slice(worst.at, worst.at + 200).map((b) => b.close)) / list[worst.at]!.close - 1;
    expect(rebound).toBeGreaterThan(0.4);
  });

  it('pays WAYNE dividends every quarter, so its total return outgrows its price', () => {
    const wayne = data(market, 'WAYNE');
    const in2024 = wayne.dividends.filter((d) => d.date.startsWith('2024'));
    expect(in2024).toHaveLength(4);
    const last = wayne.bars.at(-1)!;
    expect(last.adj_close / last.close).toBeGreaterThan(1.1);
    expect(data(market, 'STARK').bars.at(-1)!.adj_close).toBe(data(market, 'STARK').bars.at(-1)!.close);
  });

  it('files fundamentals 30 to 55 days after period end, with a 10-K for each fiscal year and balanced books', () => {
    for (const { ticker } of DEMO_COMPANIES) {
      for (const f of data(market, ticker).fundamentals) {
        const lag = toDayNumber(f.filed) - toDayNumber(f.period_end);
        expect(lag).toBeGreaterThanOrEqual(30);
        expect(lag).toBeLessThanOrEqual(60); // 55 days, moved to the next session at most a few days
        expect(isDemoSession(f.filed)).toBe(true);
        expect(f.form).toBe(f.fiscal_period === 'FY' ? '10-K' : '10-Q');
        const m = f.metrics;
        expect(Math.abs(m.total_assets! - m.total_liabilities! - m.stockholders_equity!)).toBeLessThanOrEqual(2);
        expect(m.gross_profit! + m.cost_of_revenue!).toBeCloseTo(m.revenue!, -1);
      }
    }
  });

  it('tells one story: crash-time headlines and margins are bad, growth-time ones good', () => {
    const globex = data(market, 'GLOBEX');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const toneIn = (label: string) =>
      mean(globex.news.filter((n) => regimeLabel('GLOBEX', n.date) === label).map((n) => n.ticker_sentiment.GLOBEX!.score));
    expect(toneIn('crash')).toBeLessThan(-0.2);
    expect(toneIn('expansion')).toBeGreaterThan(0.05);
    const margin = (f: { metrics: Record<string, number | null> }) => f.metrics.net_income! / f.metrics.revenue!;
    // Weekdays of a 10-Q's quarter spent in the crash.
    const crashDays = (periodEnd: string) => {
      let days = 0;
      for (let d = toDayNumber(periodEnd) - 90; d <= toDayNumber(periodEnd); d++) {
        const date = fromDayNumber(d);
        if (!isWeekend(date) && regimeLabel('GLOBEX', date) === 'crash') days++;
      }
      return days;
    };
    const quarters = globex.fundamentals.filter((f) => f.fiscal_period !== 'FY');
    const crashQuarters = quarters.filter((f) => crashDays(f.period_end) >= 30);
    const calmQuarters = quarters.filter((f) => crashDays(f.period_end) === 0);
    expect(crashQuarters.length).toBeGreaterThan(0);
    expect(mean(crashQuarters.map(margin))).toBeLessThan(mean(calmQuarters.map(margin)) - 0.02);
    const umbrella = data(market, 'UMBRELLA').fundamentals;
    expect(umbrella.at(-1)!.metrics.revenue!).toBeLessThan(umbrella[0]!.metrics.revenue! * 0.8);
  });

  it('keeps one market per seed for the process', () => {
    const a = demoMarket(4242, END);
    expect(demoMarket(4242, '2025-01-02')).toBe(a);
    expect(a.company('ACME')).toBe(a.company('ACME'));
    expect(demoMarket(4242, '2026-12-31')).not.toBe(a);
  });
});

describe('demo vendor', () => {
  const now = () => new Date(2026, 10, 27, 15, 0); // local 2026-11-27, a Friday
  const vendor = createDemoVendor({ now });

  it('labels itself and its instruments as demo data', async () => {
    expect(vendor.label).toBe(DEMO_LABEL);
    expect(vendor.label).toContain('not market data');
    const acme = await vendor.instrument('acme');
    expect(acme).toMatchObject({ ticker: 'ACME', name: 'Acme Corporation', exchange: 'DEMO', currency: 'USD', demo: true });
    expect(acme.description).toContain('fictional');
  });

  it('covers the demo tickers from the anchor through today', async () => {
    const coverage = await vendor.coverage();
    expect(coverage).toEqual({ first_date: DEMO_ANCHOR, last_date: '2026-11-27', tickers: DEMO_COMPANIES.map((c) => c.ticker) });
    expect(coverage.tickers).toEqual(expect.arrayContaining(['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE']));
  });

  it('never answers past today, whatever date is asked', async () => {
    const list = await vendor.bars('ACME', { asOf: '2030-01-01' });
    expect(list.at(-1)!.date).toBe('2026-11-27');
    const news = await vendor.news('ACME', { from: '2026-01-01', asOf: '2030-01-01' });
    expect(news.every((n) => n.date <= '2026-11-27')).toBe(true);
    const filings = await vendor.fundamentals('ACME', '2030-01-01');
    expect(filings.every((f) => f.filed <= '2026-11-27')).toBe(true);
  });

  it('gives the same bars for a date whatever today is', async () => {
    const seed = 777; // a seed of its own, so the cache cannot hide a difference
    const early = createDemoVendor({ seed, now: () => new Date(2024, 5, 28, 12) });
    const before = await early.bars('STARK', { from: '2024-01-01', asOf: '2024-06-28' });
    const late = createDemoVendor({ seed, now });
    expect(await late.bars('STARK', { from: '2024-01-01', asOf: '2024-06-28' })).toEqual(before);
    expect((await early.coverage()).last_date).toBe('2024-06-28');
    const fixed = createDemoVendor({ seed, now: new Date(2024, 5, 29, 12) }); // a fixed instant works too: a Saturday
    expect((await fixed.coverage()).last_date).toBe('2024-06-28');
  });

  it('answers market-wide news without a ticker', async () => {
    const items = await vendor.news(null, { from: '2026-11-01', asOf: '2026-11-27' });
    expect(items.length).toBeGreaterThan(3);
    expect(items.every((n) => n.tickers.length === 0 && n.overall_sentiment !== undefined)).toBe(true);
    expect(items.map((n) => n.published_at)).toEqual([...items.map((n) => n.published_at)].sort().reverse());
  });

  it('rejects an unknown ticker with DataUnavailableError naming the demo tickers', async () => {
    await expect(vendor.bars('ZZZZ', { asOf: '2024-01-02' })).rejects.toThrow(DataUnavailableError);
    await expect(vendor.instrument('ZZZZ')).rejects.toThrow(/no price data for ZZZZ \(the demo market has ACME, GLOBEX/);
  });

  it('stops at once when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run canceled'));
    await expect(vendor.bars('ACME', { asOf: '2024-01-02' }, controller.signal)).rejects.toThrow('run canceled');
  });
});
