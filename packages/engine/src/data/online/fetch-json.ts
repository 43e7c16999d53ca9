import { VendorBadResponseError, VendorNoDataError, VendorRateLimitedError } from './vendor-errors.js';

/** `fetch` as the vendors use it; injectable so a test or a proxy can stand in. */
export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Seconds or an HTTP date from a `retry-after` header, as milliseconds; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/**
 * GETs `url` and parses its JSON body, turning transport failures into the vendor error taxonomy: network
 * errors and 5xx → retryable bad response, 429 → rate limited (with the server's `retry-after`), 404 → no
 * data, other 4xx and unparsable bodies → bad response. A cancel rethrows the signal's reason.
 */
export async function fetchJson(vendor: string, url: URL, signal: AbortSignal, fetchFn: FetchFn = fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new VendorBadResponseError(vendor, `request failed: ${(error as Error).message}`, true);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new VendorBadResponseError(vendor, `answer cut off: ${(error as Error).message}`, true);
  }
  if (response.status === 429)
    throw new VendorRateLimitedError(vendor, `HTTP 429`, retryAfterMs(response.headers.get('retry-after')), true);
  if (response.status === 404) throw new VendorNoDataError(vendor, `HTTP 404 for ${url.pathname}`);
  if (response.status >= 500) throw new VendorBadResponseError(vendor, `HTTP ${response.status}`, true);
  if (!response.ok) throw new VendorBadResponseError(vendor, `HTTP ${response.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VendorBadResponseError(vendor, `not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
}
