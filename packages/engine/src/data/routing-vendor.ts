import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataCoverage, MarketDataVendor } from './vendor.js';

/** A vendor that answers each ticker from the first of its vendors that has it. */
export interface RoutingVendor extends MarketDataVendor {
  readonly vendors: readonly MarketDataVendor[];
  /** The vendor that answers for `ticker`; `DataUnavailableError` when none has it. */
  vendorFor(ticker: string, signal?: AbortSignal): Promise<MarketDataVendor>;
}

/**
 * Chains vendors in order: for each ticker the first vendor whose coverage lists it answers every call
 * (so demo tickers such as ACME still work when a `DATA_DIR` is set), and coverage is the union.
 * Market-wide news comes from the first vendor; tools for a ticker ask that ticker's vendor instead
 * (`resolveVendor`), so a real-data run never reads the demo market's fictional headlines.
 */
export function createRoutingVendor(vendors: readonly MarketDataVendor[]): RoutingVendor {
  if (vendors.length === 0) throw new RangeError('a routing vendor needs at least one vendor');

  const vendorFor = async (ticker: string, signal?: AbortSignal): Promise<MarketDataVendor> => {
    const wanted = ticker.trim().toUpperCase();
    for (const vendor of vendors) {
      if ((await vendor.coverage(signal)).tickers.includes(wanted)) return vendor;
    }
    const known = (await coverage(signal)).tickers;
    throw new DataUnavailableError(`no price data for ${wanted} (available: ${known.join(', ')})`);
  };

  const coverage = async (signal?: AbortSignal): Promise<DataCoverage> => {
    const all = await Promise.all(vendors.map((v) => v.coverage(signal)));
    const tickers = [...new Set(all.flatMap((c) => c.tickers))];
    const firsts = all.map((c) => c.first_date).sort();
    const lasts = all.map((c) => c.last_date).sort();
    return { first_date: firsts[0]!, last_date: lasts.at(-1)!, tickers };
  };

  return {
    name: vendors.map((v) => v.name).join('+'),
    label: vendors.map((v) => v.label).join(', then '),
    vendors,
    vendorFor,
    coverage,
    async instrument(ticker, signal) {
      return (await vendorFor(ticker, signal)).instrument(ticker, signal);
    },
    async bars(ticker, range, signal) {
      return (await vendorFor(ticker, signal)).bars(ticker, range, signal);
    },
    async fundamentals(ticker, asOf, signal) {
      return (await vendorFor(ticker, signal)).fundamentals(ticker, asOf, signal);
    },
    async news(ticker, range, signal) {
      if (ticker !== null) return (await vendorFor(ticker, signal)).news(ticker, range, signal);
      return vendors[0]!.news(null, range, signal);
    },
  };
}

/** The vendor that really answers for `ticker`: the routed one behind a routing vendor, else the vendor itself. */
export async function resolveVendor(vendor: MarketDataVendor, ticker: string, signal?: AbortSignal): Promise<MarketDataVendor> {
  return isRoutingVendor(vendor) ? resolveVendor(await vendor.vendorFor(ticker, signal), ticker, signal) : vendor;
}

function isRoutingVendor(vendor: MarketDataVendor): vendor is RoutingVendor {
  return typeof (vendor as Partial<RoutingVendor>).vendorFor === 'function';
}
