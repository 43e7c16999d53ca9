import path from 'node:path';
import { createCsvVendor } from './csv/csv-vendor.js';
import { createDemoVendor } from './demo/demo-vendor.js';
import { createRoutingVendor, type RoutingVendor } from './routing-vendor.js';

/**
 * The market data of a process, from its environment: with `DATA_DIR` set, the csv files there first and
 * the demo market for every other ticker; without it, the demo market alone. `now` is the demo market's
 * clock or a fixed instant (the market ends on its local date). Throws `ConfigError` when `DATA_DIR` names no usable folder.
 */
export function createMarketDataFromEnv(env: Record<string, string | undefined> = process.env, now?: Date | (() => Date)): RoutingVendor {
  const demo = createDemoVendor(now ? { now } : {});
  const dataDir = env.DATA_DIR?.trim();
  if (!dataDir) return createRoutingVendor([demo]);
  return createRoutingVendor([createCsvVendor({ dir: path.resolve(dataDir) }), demo]);
}
