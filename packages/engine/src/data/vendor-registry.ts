import path from 'node:path';
import { DATA_VENDOR_NAMES, type DataVendorName } from '@tradingfloor/shared';
import type { EngineEnv } from '../config/engine-env.js';
import { createAlphaVantageSource } from './alphavantage/alphavantage-source.js';
import { DiskCache } from './cache/disk-cache.js';
import { createCsvVendor } from './csv/csv-vendor.js';
import { createDemoVendor } from './demo/demo-vendor.js';
import { createNotConfiguredVendor } from './not-configured-vendor.js';
import type { FetchFn } from './online/fetch-json.js';
import type { RequestGateOptions } from './online/request-gate.js';
import { createOnlineVendor } from './online/online-vendor.js';
import { createYahooSource } from './yahoo/yahoo-source.js';
import type { MarketDataVendor } from './vendor.js';

/** One vendor as `/config/providers` lists it. */
export interface DataVendorInfo {
  name: DataVendorName;
  label: string;
  configured: boolean;
  /** What it needs or uses, e.g. "ALPHAVANTAGE_API_KEY is not set". */
  detail: string;
}

/** Every vendor of a process, built once on first use and shared by all runs (one cache, one request gate each). */
export interface VendorRegistry {
  get(name: DataVendorName): MarketDataVendor;
  describe(): DataVendorInfo[];
  /** Where online answers are cached. */
  readonly cacheDir: string;
}

export interface VendorRegistryOptions {
  /** Clock of the demo market and of cache ages. */
  now?: () => Date;
  /** fetch of the online vendors (tests, proxies). */
  fetch?: FetchFn;
  /** Gate settings for every online vendor (tests turn pacing and backoff down). */
  gate?: Omit<RequestGateOptions, 'vendor'>;
}

/**
 * The vendors of the parsed environment (`parseEngineEnv(...).data`): `demo` always; `csv` with `DATA_DIR`;
 * `alphavantage` with `ALPHAVANTAGE_API_KEY` (`ALPHAVANTAGE_BASE_URL` to point elsewhere); `yahoo` always (no
 * key; `YAHOO_BASE_URL` stands in for every Yahoo host; `<VENDOR>_MIN_INTERVAL_MS` paces each). Online answers
 * are cached in `env.cacheDir` with `DATA_CACHE_TTL_HOURS` for recent data. Nothing touches the network until a chain asks.
 */
export function createVendorRegistry(env: EngineEnv['data'], options: VendorRegistryOptions = {}): VendorRegistry {
  const { cacheDir, cacheTtlMs: ttlMs, yahoo, alphavantage } = env;
  const now = () => (options.now ? options.now().getTime() : Date.now());
  const online = { cache: new DiskCache(cacheDir), ttlMs, now };
  const extra = (minIntervalMs: number | undefined) => ({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    gate: { ...(minIntervalMs !== undefined ? { minIntervalMs } : {}), ...options.gate },
  });
  const { dataDir } = env;
  const { apiKey } = alphavantage;

  const builders: Record<DataVendorName, () => MarketDataVendor> = {
    demo: () => createDemoVendor(options.now ? { now: options.now } : {}),
    csv: () =>
      dataDir ? createCsvVendor({ dir: path.resolve(dataDir) }) : createNotConfiguredVendor('csv', 'set DATA_DIR to a folder of csv files'),
    yahoo: () =>
      createOnlineVendor(
        createYahooSource({ ...(yahoo.baseUrl ? { baseUrl: yahoo.baseUrl } : {}), ...extra(yahoo.minIntervalMs) }),
        online,
      ),
    alphavantage: () =>
      apiKey
        ? createOnlineVendor(
            createAlphaVantageSource({
              apiKey,
              ...(alphavantage.baseUrl ? { baseUrl: alphavantage.baseUrl } : {}),
              ...extra(alphavantage.minIntervalMs),
            }),
            online,
          )
        : createNotConfiguredVendor('alphavantage', 'set ALPHAVANTAGE_API_KEY'),
  };
  const built = new Map<DataVendorName, MarketDataVendor>();

  return {
    cacheDir,
    get(name) {
      let vendor = built.get(name);
      if (!vendor) {
        vendor = builders[name]();
        built.set(name, vendor);
      }
      return vendor;
    },
    describe: () =>
      DATA_VENDOR_NAMES.map((name): DataVendorInfo => {
        switch (name) {
          case 'demo':
            return {
              name,
              label: 'demo market (generated, fictional companies; not market data)',
              configured: true,
              detail: 'always available, offline',
            };
          case 'csv':
            return {
              name,
              label: 'real market data (csv files from DATA_DIR)',
              configured: Boolean(dataDir),
              detail: dataDir ? `DATA_DIR=${dataDir}` : 'DATA_DIR is not set',
            };
          case 'yahoo':
            return {
              name,
              label: 'real market data (Yahoo Finance)',
              configured: true,
              detail: yahoo.baseUrl ? `via ${yahoo.baseUrl}` : 'no key needed; needs network access',
            };
          case 'alphavantage':
            return {
              name,
              label: 'real market data (Alpha Vantage)',
              configured: Boolean(apiKey),
              detail: apiKey ? 'ALPHAVANTAGE_API_KEY is set' : 'ALPHAVANTAGE_API_KEY is not set',
            };
        }
      }),
  };
}
