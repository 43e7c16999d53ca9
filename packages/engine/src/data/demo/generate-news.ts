import type { Bar, NewsItem } from '../vendor.js';
import { sentimentBucket, sentimentLabel } from '../sentiment.js';
import type { DemoSession } from './demo-calendar.js';
import type { DemoCompany, DemoMarketFactor } from './demo-company.js';
import type { DemoFiling } from './generate-fundamentals.js';
import {
  COMPANY_HEADLINES,
  DEMO_SOURCES,
  fillTemplate,
  MARKET_HEADLINES,
  MARKET_MOVE_HEADLINES,
  MOVE_HEADLINES,
} from './headline-templates.js';
import { createRandomStream, type RandomStream } from './random-stream.js';
import { regimeAt } from './regime.js';

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const pad = (n: number) => String(n).padStart(2, '0');

function timeOfDay(rand: RandomStream, fromHour: number, toHour: number): string {
  return `${pad(rand.int(fromHour, toHour))}:${pad(rand.int(0, 59))}:00`;
}

function companyItem(company: DemoCompany, date: string, time: string, headline: string, score: number, rand: RandomStream): NewsItem {
  const s = round3(clamp(score, -0.95, 0.95));
  const label = sentimentLabel(s);
  return {
    date,
    published_at: `${date}T${time}`,
    headline,
    source: rand.pick(DEMO_SOURCES),
    tickers: [company.ticker],
    ticker_sentiment: { [company.ticker]: { relevance: round3(rand.between(0.55, 1)), score: s, label } },
    overall_sentiment: { score: s, label },
  };
}

function formatRevenue(usd: number): string {
  return usd >= 1e9 ? `$${(usd / 1e9).toFixed(2)}B` : `$${(usd / 1e6).toFixed(0)}M`;
}

function earningsHeadline(company: DemoCompany, filing: DemoFiling): { headline: string; score: number } {
  const { snapshot, quarter, revenueGrowthYoy, surprise } = filing;
  const period = snapshot.fiscal_period === 'FY' ? `Q4 ${snapshot.fiscal_year}` : `${snapshot.fiscal_period} ${snapshot.fiscal_year}`;
  const revenue = formatRevenue(quarter.revenue ?? 0);
  const growth =
    revenueGrowthYoy === null
      ? ''
      : `, ${revenueGrowthYoy >= 0 ? 'up' : 'down'} ${Math.abs(revenueGrowthYoy * 100).toFixed(1)}% from a year earlier`;
  const name = company.shortName;
  const headline =
    surprise > 0.3
      ? `${name} beats ${period} estimates; revenue ${revenue}${growth}`
      : surprise < -0.3
        ? `${name} misses ${period} estimates; revenue ${revenue}${growth}`
        : `${name} ${period} results in line with expectations; revenue ${revenue}${growth}`;
  return { headline, score: 0.45 * surprise };
}

/**
 * A company's headlines over its bars: earnings on filing days, dividend declarations, big moves, and a
 * steady flow of ordinary news whose tone follows the regime and the recent trend. Drawn in date order
 * from the company's own stream, so earlier headlines never change when the market grows.
 */
export function generateCompanyNews(
  company: DemoCompany,
  seed: number,
  sessions: readonly DemoSession[],
  bars: readonly Bar[],
  filings: readonly DemoFiling[],
): NewsItem[] {
  const rand = createRandomStream(seed, `${company.ticker}:news`);
  const filingOn = new Map(filings.map((f) => [f.snapshot.filed, f]));
  const items: NewsItem[] = [];
  for (let i = 1; i < bars.length; i++) {
    const bar = bars[i]!;
    const regime = regimeAt(company.cycle, sessions[i]!.weekday);
    const dayReturn = Math.log(bar.close / bars[i - 1]!.close);
    const trend = Math.log(bar.close / bars[Math.max(0, i - 10)]!.close);
    const tone = 0.55 * regime.segment.mood + clamp(3 * trend, -0.35, 0.35);
    const values = () => ({ name: company.shortName, product: rand.pick(company.products), pct: (Math.abs(dayReturn) * 100).toFixed(1) });
    const filing = filingOn.get(bar.date);
    if (filing) {
      const { headline, score } = earningsHeadline(company, filing);
      items.push(companyItem(company, bar.date, '07:00:00', headline, score + 0.1 * regime.segment.mood, rand));
      if (filing.dividend > 0) {
        const text = `${company.shortName} declares a quarterly dividend of $${filing.dividend.toFixed(2)} per share`;
        items.push(companyItem(company, bar.date, '07:05:00', text, 0.2, rand));
      }
    }
    if (Math.abs(dayReturn) > 2.5 * regime.dailyVol) {
      const template = rand.pick(dayReturn > 0 ? MOVE_HEADLINES.up : MOVE_HEADLINES.down);
      const score = Math.sign(dayReturn) * rand.between(0.4, 0.7);
      items.push(companyItem(company, bar.date, timeOfDay(rand, 16, 17), fillTemplate(template, values()), score, rand));
    }
    // About three ordinary headlines a week, sometimes two on one day.
    const ordinary = rand.chance(0.5) ? (rand.chance(0.2) ? 2 : 1) : 0;
    for (let k = 0; k < ordinary; k++) {
      const score = tone + 0.25 * rand.normal();
      const template = rand.pick(COMPANY_HEADLINES[sentimentBucket(score)]);
      items.push(companyItem(company, bar.date, timeOfDay(rand, 8, 19), fillTemplate(template, values()), score, rand));
    }
  }
  return items;
}

/** Market-wide headlines over `sessions`, written from the market factor's regime and recent returns. */
export function generateMarketNews(
  market: DemoMarketFactor,
  seed: number,
  sessions: readonly DemoSession[],
  returns: readonly number[],
): NewsItem[] {
  const rand = createRandomStream(seed, 'MARKET:news');
  const items: NewsItem[] = [];
  let trailing = 0;
  sessions.forEach(({ date, weekday }, i) => {
    const r = returns[i] ?? 0;
    trailing += r - (i >= 20 ? (returns[i - 20] ?? 0) : 0); // 20-session sum of log returns
    const regime = regimeAt(market.cycle, weekday);
    const add = (headline: string, score: number) => {
      const s = round3(clamp(score, -0.95, 0.95));
      const source = rand.pick(DEMO_SOURCES);
      const time = timeOfDay(rand, 7, 20);
      items.push({
        date,
        published_at: `${date}T${time}`,
        headline,
        source,
        tickers: [],
        ticker_sentiment: {},
        overall_sentiment: { score: s, label: sentimentLabel(s) },
      });
    };
    if (Math.abs(r) > 2.2 * regime.dailyVol) {
      const template = rand.pick(r > 0 ? MARKET_MOVE_HEADLINES.up : MARKET_MOVE_HEADLINES.down);
      add(fillTemplate(template, { pct: (Math.abs(r) * 100).toFixed(1) }), Math.sign(r) * 0.5);
    }
    if (rand.chance(0.45)) {
      const score = 0.5 * regime.segment.mood + clamp(4 * trailing, -0.4, 0.4) + 0.2 * rand.normal();
      add(rand.pick(MARKET_HEADLINES[sentimentBucket(score)]), score);
    }
  });
  return items;
}
