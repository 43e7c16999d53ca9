import path from 'node:path';
import { ConfigError, parseDataVendorSpec, ValidationError, type RunConfig } from '@tradingfloor/shared';
import type { LogSink } from '../logs/log-sink.js';
import { createCsvVendor } from './csv/csv-vendor.js';
import { createDemoVendor } from './demo/demo-vendor.js';
import { createRoutingVendor } from './routing-vendor.js';
import { createVendorChain, isVendorChain } from './vendor-chain.js';
import { createVendorRegistry, type VendorRegistry, type VendorRegistryOptions } from './vendor-registry.js';
import type { MarketDataVendor } from './vendor.js';

/** The market data of a process: its vendor, the registry of every vendor, and each run's own view. */
export interface MarketDataSetup {
  vendor: MarketDataVendor;
  registry: VendorRegistry;
  /**
   * The vendor one run reads: with `data_vendors` in its config, a chain of those; with `DATA_VENDORS` set,
   * the process chain reporting fallbacks to the run's log; otherwise the process vendor itself.
   * `ValidationError` for a malformed `data_vendors`.
   */
  vendorForRun(config: RunConfig, log: LogSink): MarketDataVendor;
}

/**
 * The market data of a process, from its environment: with `DATA_DIR` set, the csv files there first and
 * the demo market for every other ticker; without it, the demo market alone. `now` is the demo market's
 * clock or a fixed instant (the market ends on its local date). Throws `ConfigError` when `DATA_DIR` names no usable folder.
 * With `DATA_VENDORS` set (e.g. `prices:yahoo,alphavantage,csv;news:yahoo`) it is a vendor chain instead.
 */
export function createMarketDataFromEnv(
  env: Record<string, string | undefined> = process.env,
  now?: Date | (() => Date),
): MarketDataVendor {
  return createMarketDataSetup(env, now === undefined ? {} : { now: typeof now === 'function' ? now : () => now }).vendor;
}

/** `createMarketDataFromEnv` with the registry and per-run vendors (what `createEngineDepsFromEnv` uses). */
export function createMarketDataSetup(
  env: Record<string, string | undefined> = process.env,
  options: VendorRegistryOptions = {},
): MarketDataSetup {
  const registry = createVendorRegistry(env, options);
  const spec = env.DATA_VENDORS?.trim();
  let vendor: MarketDataVendor;
  if (spec) {
    const parsed = parseDataVendorSpec(spec);
    if (!parsed.ok) throw new ConfigError(`DATA_VENDORS "${spec}": ${parsed.reason}`);
    vendor = createVendorChain(parsed.plan, (name) => registry.get(name));
  } else {
    // The default, unchanged: no network, the demo market (and csv files when DATA_DIR is set).
    const demo = createDemoVendor(options.now ? { now: options.now } : {});
    const dataDir = env.DATA_DIR?.trim();
    vendor = createRoutingVendor(dataDir ? [createCsvVendor({ dir: path.resolve(dataDir) }), demo] : [demo]);
  }
  return {
    vendor,
    registry,
    vendorForRun(config, log) {
      if (config.data_vendors) {
        const parsed = parseDataVendorSpec(config.data_vendors);
        if (!parsed.ok) throw new ValidationError(`data_vendors "${config.data_vendors}": ${parsed.reason}`);
        return createVendorChain(parsed.plan, (name) => registry.get(name), log);
      }
      return isVendorChain(vendor) ? vendor.forRun(log) : vendor;
    },
  };
}
