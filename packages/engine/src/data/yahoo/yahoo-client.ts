import type YahooFinance from 'yahoo-finance2';
import { retryAfterMs, type FetchFn } from '../online/fetch-json.js';
import { VendorBadResponseError, VendorNoDataError, VendorRateLimitedError } from '../online/vendor-errors.js';

/** The yahoo-finance2 client type. */
export type YahooClient = InstanceType<typeof YahooFinance>;

const quiet = { info() {}, warn() {}, error() {}, debug() {}, dir() {} };

/**
 * The fetch yahoo-finance2 uses: every `https://<…>.yahoo.com/<path>` it asks for (query1/query2 data,
 * finance.yahoo.com for the cookie, getcrumb) goes to `baseUrl/<path>` when one is set — the seam that lets
 * tests stand a local server in for Yahoo. HTTP 429 and 5xx are turned into vendor errors here, before the
 * library sees them.
 */
function yahooFetch(baseUrl: string | undefined, inner: FetchFn = fetch): FetchFn {
  const base = baseUrl?.replace(/\/+$/, '');
  return async (input, init) => {
    let url = typeof input === 'string' ? input : input.toString();
    if (base) url = url.replace(/^https:\/\/[a-z0-9.-]*yahoo\.com(?=\/|$)/i, base);
    let response: Response;
    try {
      response = await inner(url, init);
    } catch (error) {
      if (init?.signal?.aborted) throw init.signal.reason;
      throw new VendorBadResponseError('yahoo', `request failed: ${(error as Error).message}`, true);
    }
    if (response.status === 429)
      throw new VendorRateLimitedError('yahoo', 'HTTP 429', retryAfterMs(response.headers.get('retry-after')), true);
    if (response.status >= 500) throw new VendorBadResponseError('yahoo', `HTTP ${response.status}`, true);
    return response;
  };
}

/**
 * A yahoo-finance2 client that logs nothing, never checks npm for updates, and fetches through `yahooFetch`.
 * The library (~15 MiB of RSS in a thread that loads it) is imported here, when a Yahoo source first asks
 * for data, not with the engine.
 */
export async function createYahooClient(options: { baseUrl?: string; fetch?: FetchFn } = {}): Promise<YahooClient> {
  const { default: YahooFinance } = await import('yahoo-finance2');
  return new YahooFinance({
    fetch: yahooFetch(options.baseUrl, options.fetch) as typeof fetch,
    logger: quiet,
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
    validation: { logErrors: false, logOptionsErrors: false },
  });
}

/**
 * A yahoo-finance2 failure as a vendor error: "Not Found" / "No data found" answers → no data, failed
 * schema validation or unparsable bodies → bad response. Vendor errors and cancels pass unchanged.
 */
export function toYahooError(error: unknown, what: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof VendorBadResponseError || error instanceof VendorRateLimitedError || error instanceof VendorNoDataError)
    return error;
  const e = error as { name?: string; message?: string; code?: number };
  const message = e?.message ?? String(error);
  if (/not found|no data found|delisted|quote not found/i.test(message)) return new VendorNoDataError('yahoo', `${what}: ${message}`);
  if (e?.name === 'HTTPError' && e.code === 404) return new VendorNoDataError('yahoo', `${what}: HTTP 404`);
  if (e?.name === 'FailedYahooValidationError')
    return new VendorBadResponseError('yahoo', `${what}: answer does not match the documented format`);
  return new VendorBadResponseError('yahoo', `${what}: ${message.slice(0, 300)}`);
}
