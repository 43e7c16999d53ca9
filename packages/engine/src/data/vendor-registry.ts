import path from 'node:path';
import { ConfigError, DATA_VENDOR_NAMES, type DataVendorName } from '@tradingfloor/shared';
import { createAlphaVantageSource } from './alphavantage/alphavantage-source.js';
import { DiskCache } from './cache/disk-cache.js';
import { DEFAULT_CACHE_TTL_MS } from './cache/freshness.js';
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

/** `DATA_CACHE_DIR`, else `.cache/tradingfloor` under `RESULTS_DIR`, else under the working directory. */
function dataCacheDir(env: Record<string, string | undefined>): string {
  const explicit = env.DATA_CACHE_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  return path.resolve(env.RESULTS_DIR?.trim() || '.', '.cache', 'tradingfloor');
}

/** `<VENDOR>_MIN_INTERVAL_MS`: least ms between two requests to that vendor (a premium key may go faster). */
function pacing(env: Record<string, string | undefined>, variable: string): { minIntervalMs?: number } {
  const raw = env[variable]?.trim();
  if (!raw) return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`${variable} must be a whole number of milliseconds ≥ 0, got "${raw}"`);
  return { minIntervalMs: ms };
}

function cacheTtlMs(env: Record<string, string | undefined>): number {
  const raw = env.DATA_CACHE_TTL_HOURS?.trim();
  if (!raw) return DEFAULT_CACHE_TTL_MS;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours < 0) throw new ConfigError(`DATA_CACHE_TTL_HOURS must be a number of hours ≥ 0, got "${raw}"`);
  return hours * 3_600_000;
}

/**
 * The vendors from the environment: `demo` always; `csv` with `DATA_DIR`; `alphavantage` with
 * `ALPHAVANTAGE_API_KEY` (`ALPHAVANTAGE_BASE_URL` to point elsewhere); `yahoo` always (no key;
 * `YAHOO_BASE_URL` stands in for every Yahoo host; `<VENDOR>_MIN_INTERVAL_MS` paces each). Online answers are cached in `dataCacheDir(env)` with
 * `DATA_CACHE_TTL_HOURS` (default 12) for recent data. Nothing touches the network until a chain asks.
 */
export function createVendorRegistry(env: Record<string, string | undefined>, options: VendorRegistryOptions = {}): VendorRegistry {
  const cacheDir = dataCacheDir(env);
  const ttlMs = cacheTtlMs(env);
  const now = () => (options.now ? options.now().getTime() : Date.now());
  const online = { cache: new DiskCache(cacheDir), ttlMs, now };
  const extra = (variable: string) => ({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    gate: { ...pacing(env, variable), ...options.gate },
  });
  const dataDir = env.DATA_DIR?.trim();
  const apiKey = env.ALPHAVANTAGE_API_KEY?.trim() || undefined;

  const builders: Record<DataVendorName, () => MarketDataVendor> = {
    demo: () => createDemoVendor(options.now ? { now: options.now } : {}),
    csv: () =>
      dataDir ? createCsvVendor({ dir: path.resolve(dataDir) }) : createNotConfiguredVendor('csv', 'set DATA_DIR to a folder of csv files'),
    yahoo: () =>
      createOnlineVendor(
        createYahooSource({ ...(env.YAHOO_BASE_URL ? { baseUrl: env.YAHOO_BASE_URL } : {}), ...extra('YAHOO_MIN_INTERVAL_MS') }),
        online,
      ),
    alphavantage: () =>
      apiKey
        ? createOnlineVendor(
            createAlphaVantageSource({
              apiKey,
              ...(env.ALPHAVANTAGE_BASE_URL ? { baseUrl: env.ALPHAVANTAGE_BASE_URL } : {}),
              ...extra('ALPHAVANTAGE_MIN_INTERVAL_MS'),
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
              detail: env.YAHOO_BASE_URL ? `via ${env.YAHOO_BASE_URL}` : 'no key needed; needs network access',
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
