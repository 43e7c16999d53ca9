import type { Bar } from '../vendor.js';
import { addDays } from '../dates.js';
import { nextDemoSession, type DemoSession } from './demo-calendar.js';
import type { DemoCompany, DemoMarketFactor } from './demo-company.js';
import type { DemoFiling } from './generate-fundamentals.js';
import { createRandomStream } from './random-stream.js';
import { regimeAt } from './regime.js';

/** A dividend going ex on `date`. */
export interface DemoDividend {
  date: string;
  amount: number;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** Ex-dividend dates: two weeks after each filing that declares a dividend. */
export function dividendSchedule(filings: readonly DemoFiling[]): DemoDividend[] {
  return filings.filter((f) => f.dividend > 0).map((f) => ({ date: nextDemoSession(addDays(f.snapshot.filed, 14)), amount: f.dividend }));
}

/**
 * The market factor's daily log returns: a regime path plus a deviation that is pulled back to it, so the
 * market trends as its cycle says while day-to-day moves stay realistic.
 */
export function generateMarketReturns(market: DemoMarketFactor, seed: number, sessions: readonly DemoSession[]): number[] {
  const rand = createRandomStream(seed, 'MARKET:returns');
  let deviation = 0;
  return sessions.map((session) => {
    const regime = regimeAt(market.cycle, session.weekday);
    const next = 0.95 * deviation + regime.dailyVol * rand.normal();
    const r = regime.dailyDrift + next - deviation;
    deviation = next;
    return r;
  });
}

/**
 * Generates a company's daily bars. The log price is a regime path (the cycle's drift, `beta` times the
 * market's move, earnings gaps on filing days, dividend drops on ex-dates) plus a deviation pulled back to
 * it by `pull` each day. The path keeps each company's regime recognisable over any year; the deviation
 * gives realistic daily noise. Each session draws the same number of values from the company's stream, in
 * date order, so a bar depends only on the sessions before it. `adj_close` is a total-return series
 * anchored at the first session (not back-adjusted from the last), so it too stays fixed as the market grows.
 */
export function generateBars(
  company: DemoCompany,
  seed: number,
  sessions: readonly DemoSession[],
  marketReturns: readonly number[],
  filings: readonly DemoFiling[],
  dividends: readonly DemoDividend[],
): Bar[] {
  const rand = createRandomStream(seed, `${company.ticker}:bars`);
  const surpriseOn = new Map(filings.map((f) => [f.snapshot.filed, f.surprise]));
  const dividendOn = new Map(dividends.map((d) => [d.date, d.amount]));
  const bars: Bar[] = [];
  let path = Math.log(company.startPrice);
  let deviation = 0;
  let prevClose = company.startPrice;
  let adjusted = 0;
  sessions.forEach((session, i) => {
    const regime = regimeAt(company.cycle, session.weekday);
    const zClose = rand.normal();
    const zOpen = rand.normal();
    const zHigh = rand.normal();
    const zLow = rand.normal();
    const zVolume = rand.normal();
    const surprise = surpriseOn.get(session.date);
    const dividend = dividendOn.get(session.date) ?? 0;
    const base = Math.max(prevClose - dividend, 0.5);
    const earningsGap = surprise === undefined ? 0 : company.earningsGap * surprise;
    path += regime.dailyDrift + company.beta * (marketReturns[i] ?? 0) + earningsGap + Math.log(base / prevClose);
    deviation = (1 - company.pull) * deviation + regime.dailyVol * zClose;
    const close = Math.exp(path + deviation);
    const dayMove = Math.log(close / base);
    // The open carries the earnings gap and part of the day's move; the rest happens during the session.
    const open = base * Math.exp(earningsGap + 0.35 * (dayMove - earningsGap) + 0.3 * regime.dailyVol * zOpen);
    const high = Math.max(open, close) * Math.exp(Math.abs(zHigh) * 0.45 * regime.dailyVol);
    const low = Math.min(open, close) * Math.exp(-Math.abs(zLow) * 0.45 * regime.dailyVol);
    const excitement = Math.min(Math.abs(dayMove) / regime.dailyVol, 4);
    const volume = company.baseVolume * Math.exp(0.25 * zVolume) * (1 + 0.35 * excitement) * (surprise === undefined ? 1 : 2.5);
    const closeCents = cents(close);
    // Total return: the day's price change plus the dividend, compounded from the first session.
    adjusted = i === 0 ? closeCents : (adjusted * (closeCents + dividend)) / prevClose;
    bars.push({
      date: session.date,
      open: cents(open),
      high: cents(high),
      low: cents(low),
      close: closeCents,
      adj_close: Math.round(adjusted * 10_000) / 10_000,
      volume: Math.round(volume / 100) * 100,
    });
    prevClose = closeCents;
  });
  return bars;
}
