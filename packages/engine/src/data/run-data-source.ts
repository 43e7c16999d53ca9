import path from 'node:path';
import { DATA_KINDS, type DataVendorName, type DataVendorPlan, type RunDataSource } from '@tradingfloor/shared';
import type { LogSink } from '../logs/log-sink.js';
import { createVendorChain } from './vendor-chain.js';
import type { MarketDataVendor } from './vendor.js';

/** The same plan for every data kind. */
export function planOf(chain: readonly DataVendorName[]): DataVendorPlan {
  return Object.fromEntries(DATA_KINDS.map((kind) => [kind, [...chain]])) as DataVendorPlan;
}

/** A run's data source for `plan`; `dataDir` (made absolute) is kept only when a chain names `csv`. */
export function dataSourceOf(plan: DataVendorPlan, dataDir: string | undefined): RunDataSource {
  const readsCsv = DATA_KINDS.some((kind) => plan[kind].includes('csv'));
  const vendors = Object.fromEntries(DATA_KINDS.map((kind) => [kind, [...plan[kind]]])) as DataVendorPlan;
  return { vendors, data_dir: readsCsv && dataDir ? path.resolve(dataDir) : null };
}

/**
 * A recorded source as the vendor name per data kind (`RunView.dataSources` of a run read from disk): the
 * vendor itself, or the fallback chain written `yahoo → csv` when it is not known which one answered.
 */
export function dataSourcesOf(source: RunDataSource): Record<string, string> {
  return Object.fromEntries(DATA_KINDS.map((kind) => [kind, source.vendors[kind].join(' → ')]));
}

/** The one vendor every data kind of `source` is served by, when there is exactly one; else null. */
function singleVendorOf(source: RunDataSource): DataVendorName | null {
  const chains = DATA_KINDS.map((kind) => source.vendors[kind]);
  const first = chains[0]![0]!;
  return chains.every((chain) => chain.length === 1 && chain[0] === first) ? first : null;
}

/**
 * The vendor a run reads, built from its recorded data source: the one vendor itself when every kind has the
 * same single vendor (as a run on csv or demo data has), else a fallback chain logging to the run's log.
 * `vendorNamed` resolves a name against the recorded `DATA_DIR`, not today's.
 */
export function vendorForDataSource(
  source: RunDataSource,
  vendorNamed: (name: DataVendorName) => MarketDataVendor,
  log: LogSink,
): MarketDataVendor {
  const single = singleVendorOf(source);
  return single !== null ? vendorNamed(single) : createVendorChain(source.vendors, vendorNamed, log);
}
