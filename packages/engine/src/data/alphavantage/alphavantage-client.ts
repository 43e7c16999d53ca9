import { fetchJson, type FetchFn } from '../online/fetch-json.js';
import type { RequestGate } from '../online/request-gate.js';
import { VendorBadResponseError, VendorNoDataError, VendorNotConfiguredError, VendorRateLimitedError } from '../online/vendor-errors.js';

/** The public Alpha Vantage endpoint. */
const ALPHAVANTAGE_DEFAULT_BASE_URL = 'https://www.alphavantage.co';

export interface AlphaVantageClientOptions {
  apiKey: string | undefined;
  /** Scheme, host and optional path prefix; `/query` is appended (default the public endpoint). */
  baseUrl?: string;
  gate: RequestGate;
  fetch?: FetchFn;
}

/**
 * Calls `GET <base>/query?function=…&apikey=…` through the vendor's request gate and returns the JSON
 * object. Alpha Vantage answers problems with HTTP 200: `Information` / `Note` (quota) → rate limited,
 * `Error Message` (unknown symbol, bad call) → no data. No key → not configured, before any request.
 */
export function createAlphaVantageClient(options: AlphaVantageClientOptions) {
  const base = (options.baseUrl ?? ALPHAVANTAGE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return async function query(params: Record<string, string>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (!options.apiKey) throw new VendorNotConfiguredError('alphavantage', 'set ALPHAVANTAGE_API_KEY');
    const url = new URL(`${base}/query`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    url.searchParams.set('apikey', options.apiKey);
    const body = await options.gate.run(async (attemptSignal) => {
      const json = await fetchJson('alphavantage', url, attemptSignal, options.fetch);
      if (typeof json !== 'object' || json === null || Array.isArray(json))
        throw new VendorBadResponseError('alphavantage', `expected a JSON object for ${params.function}`);
      const object = json as Record<string, unknown>;
      const quota = object.Information ?? object.Note;
      if (typeof quota === 'string') throw new VendorRateLimitedError('alphavantage', quota.slice(0, 300));
      if (typeof object['Error Message'] === 'string')
        throw new VendorNoDataError(
          'alphavantage',
          `${params.function} ${params.symbol ?? params.tickers ?? ''}: ${object['Error Message']}`,
        );
      return object;
    }, signal);
    return body;
  };
}

/** A number from Alpha Vantage's string fields (`"123.4"`; `"None"`, `"-"` and blanks are null). */
export function avNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '' || value === 'None' || value === '-') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
