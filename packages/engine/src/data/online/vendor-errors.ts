import { DataUnavailableError, TradingFloorError } from '@tradingfloor/shared';

/**
 * How an online vendor can fail. The fallback chain moves to the next vendor on every one of them; a
 * `no_data` that no vendor can fill reaches the agent as a plain "DATA UNAVAILABLE" answer.
 */
export type VendorFailureKind = 'no_data' | 'rate_limited' | 'not_configured' | 'bad_response';

/** The vendor has nothing for this symbol or range (unknown symbol, empty answer). */
export class VendorNoDataError extends DataUnavailableError {
  readonly kind = 'no_data' as const;
  constructor(
    readonly vendor: string,
    message: string,
  ) {
    super(`${vendor}: ${message}`);
  }
}

/** The vendor refused because of its request quota (HTTP 429, or Alpha Vantage's HTTP 200 `Information` / `Note`). */
export class VendorRateLimitedError extends TradingFloorError {
  readonly kind = 'rate_limited' as const;
  constructor(
    readonly vendor: string,
    message: string,
    /** Milliseconds the vendor asked us to wait, when it said. */
    readonly retryAfterMs: number | null = null,
    /** True for a short-term refusal (HTTP 429) worth a retry; a spent daily quota is not. */
    readonly retryable = false,
  ) {
    super('vendor_rate_limited', 503, `${vendor}: rate limited: ${message}`);
  }
}

/** The vendor cannot be used here: no API key, no folder. */
export class VendorNotConfiguredError extends TradingFloorError {
  readonly kind = 'not_configured' as const;
  constructor(
    readonly vendor: string,
    message: string,
  ) {
    super('vendor_not_configured', 500, `${vendor}: not configured: ${message}`);
  }
}

/** The answer could not be used: network failure, timeout, HTTP 5xx, a body that is not what the vendor documents. */
export class VendorBadResponseError extends TradingFloorError {
  readonly kind = 'bad_response' as const;
  constructor(
    readonly vendor: string,
    message: string,
    /** True for failures a retry may cure (network, timeout, 5xx). */
    readonly retryable = false,
  ) {
    super('vendor_bad_response', 502, `${vendor}: bad response: ${message}`);
  }
}

/** The failure kind of `error`, or null for an error that is none of the four (a bug, a cancel). */
export function vendorFailureKind(error: unknown): VendorFailureKind | null {
  if (
    error instanceof VendorNoDataError ||
    error instanceof VendorRateLimitedError ||
    error instanceof VendorNotConfiguredError ||
    error instanceof VendorBadResponseError
  )
    return error.kind;
  if (error instanceof DataUnavailableError) return 'no_data';
  return null;
}
