import { DATA_KINDS, DataUnavailableError, errorMessage, type DataKind, type DataVendorName, type DataVendorPlan } from '@tradingfloor/shared';
import { discardLog, type LogSink } from '../logs/log-sink.js';
import { vendorFailureKind } from './online/vendor-errors.js';
import type { DataCoverage, MarketDataVendor } from './vendor.js';

/** A vendor that answers each data kind from an ordered chain of vendors, falling back down the chain. */
export interface VendorChain extends MarketDataVendor {
  readonly plan: DataVendorPlan;
  /** Which vendor last served each data kind through this chain (one chain per run: the run's sources). */
  servedBy(): Partial<Record<DataKind, DataVendorName>>;
  /** The same vendors (and caches) reporting to a run's log, with the run's own plan when it has one. */
  forRun(log: LogSink, plan?: DataVendorPlan): VendorChain;
}

const describeFailure = (error: unknown): string => {
  const kind = vendorFailureKind(error);
  const message = errorMessage(error);
  return kind === null ? `failed: ${message}` : `${kind.replace('_', ' ')} (${message})`;
};

/**
 * Chains vendors per data kind (`prices`, `fundamentals`, `news`, `instrument`). A call goes to the first
 * vendor of its kind's chain; a vendor that fails (no data, rate limited, not configured, bad response) or
 * has nothing in the range hands over to the next one, each hand-over logged WARN. When every vendor
 * fails the call throws `DataUnavailableError` naming each vendor's reason, which the data tools turn into
 * a plain "DATA UNAVAILABLE" answer. A cancel stops the chain at once. The first time a kind is served,
 * and whenever its vendor changes, an INFO entry says which vendor served it.
 */
export function createVendorChain(
  plan: DataVendorPlan,
  resolve: (name: DataVendorName) => MarketDataVendor,
  log: LogSink = discardLog,
): VendorChain {
  const served: Partial<Record<DataKind, DataVendorName>> = {};

  async function attempt<T>(
    kind: DataKind,
    subject: string,
    call: (v: MarketDataVendor) => Promise<T>,
    isEmpty: (r: T) => boolean,
    signal?: AbortSignal,
  ): Promise<T> {
    const chain = plan[kind];
    const reasons: string[] = [];
    let empty: { value: T; vendor: DataVendorName } | undefined;
    for (const [i, name] of chain.entries()) {
      const next = chain[i + 1];
      let outcome: string;
      try {
        const value = await call(resolve(name));
        if (!isEmpty(value)) return record(kind, subject, name, value);
        empty ??= { value, vendor: name };
        outcome = 'nothing in range';
      } catch (error) {
        if (signal?.aborted) throw error;
        outcome = describeFailure(error);
      }
      reasons.push(`${name}: ${outcome}`);
      const then = next ? `falling back to ${next}` : 'no vendor left';
      log({ severity: 'WARN', source: 'data', agent_id: null, message: `${kind} for ${subject}: ${name} ${outcome}; ${then}` });
    }
    if (empty) return record(kind, subject, empty.vendor, empty.value);
    throw new DataUnavailableError(`no ${kind} data for ${subject} from any vendor (${reasons.join('; ')})`);
  }

  function record<T>(kind: DataKind, subject: string, name: DataVendorName, value: T): T {
    if (served[kind] !== name) {
      served[kind] = name;
      log({ severity: 'INFO', source: 'data', agent_id: null, message: `${kind} for ${subject} served by ${name}` });
    }
    return value;
  }

  const isEmptyList = (list: readonly unknown[]) => list.length === 0;
  const staticLabel = `market data from ${DATA_KINDS.map((k) => `${k}: ${plan[k].join(' → ')}`).join('; ')}`;

  return {
    name: `chain(${plan.prices.join(',')})`,
    get label() {
      // Who really answered, so demo data is never taken for market data in a tool answer.
      const used = [...new Set(Object.values(served))];
      return used.length === 1 ? resolve(used[0]!).label : staticLabel;
    },
    plan,
    servedBy: () => ({ ...served }),
    forRun: (runLog, runPlan) => createVendorChain(runPlan ?? plan, resolve, runLog),
    async coverage(signal) {
      const all = await Promise.all(
        plan.prices.map((name) =>
          resolve(name)
            .coverage(signal)
            .catch(() => null),
        ),
      );
      const known = all.filter((c): c is DataCoverage => c !== null);
      if (known.length === 0) throw new DataUnavailableError(`none of the price vendors (${plan.prices.join(', ')}) is usable`);
      return {
        first_date: known.map((c) => c.first_date).sort()[0]!,
        last_date: known
          .map((c) => c.last_date)
          .sort()
          .at(-1)!,
        tickers: [...new Set(known.flatMap((c) => c.tickers))],
      };
    },
    instrument: (ticker, signal) =>
      attempt(
        'instrument',
        ticker,
        (v) => v.instrument(ticker, signal),
        () => false,
        signal,
      ),
    bars: (ticker, range, signal) => attempt('prices', ticker, (v) => v.bars(ticker, range, signal), isEmptyList, signal),
    fundamentals: (ticker, asOf, signal) =>
      attempt('fundamentals', ticker, (v) => v.fundamentals(ticker, asOf, signal), isEmptyList, signal),
    news: (ticker, range, signal) => attempt('news', ticker ?? 'the market', (v) => v.news(ticker, range, signal), isEmptyList, signal),
  };
}

/** True for a `VendorChain` (the vendor of a process whose `DATA_VENDORS` is set). */
export function isVendorChain(vendor: MarketDataVendor): vendor is VendorChain {
  return typeof (vendor as Partial<VendorChain>).forRun === 'function';
}
