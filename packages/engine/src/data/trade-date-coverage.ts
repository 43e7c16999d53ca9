import { DataUnavailableError, ValidationError } from '@tradingfloor/shared';
import { addDays, isIsoDate, isWeekend, localDate } from './dates.js';
import type { MarketDataVendor } from './vendor.js';

/** The first and last date of one instrument's price data. */
export interface InstrumentDateRange {
  ticker: string;
  first_date: string;
  last_date: string;
}

// Validation reads the whole series on purpose: tools never see past the trade date, but checking one does.
const END_OF_TIME = '9999-12-31';

/**
 * The date range of `ticker`'s bars, e.g. to default a run's trade date to that instrument's last session
 * (the vendor-wide coverage can end later than one ticker's data). `DataUnavailableError` for an unknown ticker.
 */
export async function instrumentDateRange(vendor: MarketDataVendor, ticker: string, signal?: AbortSignal): Promise<InstrumentDateRange> {
  const bars = await vendor.bars(ticker, { asOf: END_OF_TIME }, signal);
  const first = bars[0];
  const last = bars.at(-1);
  if (!first || !last) throw new DataUnavailableError(`no price data for ${ticker}`);
  return { ticker: ticker.trim().toUpperCase(), first_date: first.date, last_date: last.date };
}

/** True when every day after `last` up to `date` is a weekend, i.e. the data is simply waiting for Monday. */
function onlyWeekendSince(last: string, date: string): boolean {
  for (let d = addDays(last, 1); d <= date; d = addDays(d, 1)) if (!isWeekend(d)) return false;
  return true;
}

/**
 * Checks, before a run starts, that its trade date is analysable for `ticker`: a real date, not in the
 * future, not before the instrument's first bar, and not after its last one (a weekend right after the last
 * bar is fine). Throws `ValidationError` for a malformed date and `DataUnavailableError` otherwise, with a
 * message the run shows as its error, e.g. "2019-01-01 is before the first date of ACME's data (2021-01-04)".
 */
export async function assertTradeDateCovered(
  vendor: MarketDataVendor,
  ticker: string,
  tradeDate: string,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<InstrumentDateRange> {
  if (!isIsoDate(tradeDate)) throw new ValidationError(`trade date ${JSON.stringify(tradeDate)} is not a real YYYY-MM-DD date`);
  const today = localDate(options.now ?? new Date());
  if (tradeDate > today) throw new DataUnavailableError(`${tradeDate} is in the future (today is ${today})`);
  const range = await instrumentDateRange(vendor, ticker, options.signal);
  if (tradeDate < range.first_date) {
    throw new DataUnavailableError(`${tradeDate} is before the first date of ${range.ticker}'s data (${range.first_date})`);
  }
  if (tradeDate > range.last_date && !onlyWeekendSince(range.last_date, tradeDate)) {
    throw new DataUnavailableError(`${tradeDate} is after the last date of ${range.ticker}'s data (${range.last_date})`);
  }
  return range;
}
