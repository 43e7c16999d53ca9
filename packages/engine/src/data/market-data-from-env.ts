import path from 'node:path';
import {
  DataUnavailableError,
  parseDataVendorSpec,
  ValidationError,
  type DataVendorName,
  type DataVendorPlan,
  type RunConfig,
  type RunDataSource,
} from '@tradingfloor/shared';
import { parseEngineEnv, type EngineEnv } from '../config/engine-env.js';
import type { LogSink } from '../logs/log-sink.js';
import { createRoutingVendor, resolveVendor } from './routing-vendor.js';
import { dataSourceOf, planOf, vendorForDataSource } from './run-data-source.js';
import { createVendorChain, isVendorChain } from './vendor-chain.js';
import { createVendorRegistry, type VendorRegistry, type VendorRegistryOptions } from './vendor-registry.js';
import type { MarketDataVendor } from './vendor.js';

/** The market data of a process: its vendor, the registry of every vendor, and each run's own view. */
export interface MarketDataSetup {
  vendor: MarketDataVendor;
  registry: VendorRegistry;
  /**
   * The vendor one run reads: with `data_vendors` in its config, a chain of those; with `DATA_VENDORS` set,
   * the process chain reporting fallbacks to the run's log; otherwise the process vendor itself. A config
   * with a recorded `data_source` gets exactly that source (its `DATA_DIR` included), whatever the
   * environment says now. `ValidationError` for a malformed `data_vendors`.
   */
  vendorForRun(config: RunConfig, log: LogSink): MarketDataVendor;
  /**
   * Where a new run's data will come from, to record in its config: its `data_vendors` chains, else the
   * `DATA_VENDORS` chains, else the one vendor that has the ticker (csv before demo), with the absolute `DATA_DIR`.
   */
  dataSourceFor(config: RunConfig): Promise<RunDataSource>;
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
  return createMarketDataSetup(parseEngineEnv(env).data, now === undefined ? {} : { now: typeof now === 'function' ? now : () => now })
    .vendor;
}

/** The market data of the parsed environment (`parseEngineEnv(...).data`), with the registry and per-run vendors. */
export function createMarketDataSetup(env: EngineEnv['data'], options: VendorRegistryOptions = {}): MarketDataSetup {
  const registry = createVendorRegistry(env, options);
  const { dataDir } = env;
  let vendor: MarketDataVendor;
  if (env.vendors) {
    vendor = createVendorChain(env.vendors, (name) => registry.get(name));
  } else {
    // The default, unchanged: no network, the demo market (and csv files when DATA_DIR is set). The registry's
    // instances are used, so a run reading one of them directly shares its loaded files.
    vendor = createRoutingVendor(dataDir ? [registry.get('csv'), registry.get('demo')] : [registry.get('demo')]);
  }
  const runPlan = (config: RunConfig): DataVendorPlan | null => {
    if (!config.data_vendors) return null;
    const parsed = parseDataVendorSpec(config.data_vendors);
    if (!parsed.ok) throw new ValidationError(`data_vendors "${config.data_vendors}": ${parsed.reason}`);
    return parsed.plan;
  };
  const namedIn = recordedVendors(env, options, registry, dataDir);
  return {
    vendor,
    registry,
    vendorForRun(config, log) {
      if (config.data_source) return vendorForDataSource(config.data_source, namedIn(config.data_source.data_dir), log);
      const plan = runPlan(config);
      if (plan) return createVendorChain(plan, (name) => registry.get(name), log);
      return isVendorChain(vendor) ? vendor.forRun(log) : vendor;
    },
    async dataSourceFor(config) {
      const plan = runPlan(config) ?? (isVendorChain(vendor) ? vendor.plan : null);
      if (plan) return dataSourceOf(plan, dataDir);
      const served = await resolveVendor(vendor, config.ticker).catch(() => null);
      // A ticker no vendor has: the routing order, so a resume fails the same way a new run would.
      const chain = served ? [served.name as DataVendorName] : dataDir ? (['csv', 'demo'] as const) : (['demo'] as const);
      return dataSourceOf(planOf(chain), dataDir);
    },
  };
}

/**
 * Resolves vendor names for a recorded `DATA_DIR`: the registry's own vendors when it is the current one (or
 * none is recorded), else vendors of a registry on that folder, built once per folder. A recorded folder that
 * is gone gives a csv vendor that says so at every call, so the run fails with that reason.
 */
function recordedVendors(
  env: EngineEnv['data'],
  options: VendorRegistryOptions,
  registry: VendorRegistry,
  dataDir: string | undefined,
): (recordedDir: string | null) => (name: DataVendorName) => MarketDataVendor {
  const current = dataDir ? path.resolve(dataDir) : null;
  const others = new Map<string, VendorRegistry>();
  return (recordedDir) => {
    if (recordedDir === null || recordedDir === current) return (name) => registry.get(name);
    let other = others.get(recordedDir);
    if (!other) others.set(recordedDir, (other = createVendorRegistry({ ...env, dataDir: recordedDir }, options)));
    const registryOf = other;
    return (name) => {
      try {
        return registryOf.get(name);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return goneVendor(name, `no data: the DATA_DIR this run recorded is not usable now (${why})`);
      }
    };
  };
}

/** A vendor whose data is gone: every call fails with `DataUnavailableError` and the reason. */
function goneVendor(name: string, reason: string): MarketDataVendor {
  const fail = async (): Promise<never> => {
    throw new DataUnavailableError(reason);
  };
  return { name, label: `${name} (${reason})`, coverage: fail, instrument: fail, bars: fail, fundamentals: fail, news: fail };
}
