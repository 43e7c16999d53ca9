import type { LimiterKey } from './concurrency-limiter.js';

/** What a 429 did to the provider's limit: lowered or not, and its effective limit now (null = unlimited). */
export interface RateLimitOutcome {
  lowered: boolean;
  effectiveLimit: number | null;
}

/**
 * The lease a call holds while it runs under permits. In-process (`ConcurrencyLimiter`) it answers at once; a
 * limiter on another thread (an engine worker asking the server's limiter) answers `rateLimited` later.
 */
export interface PermitLease {
  rateLimited(): RateLimitOutcome | Promise<RateLimitOutcome>;
  succeeded(): void;
}

/**
 * What the retrying provider needs of a limiter: run `fn` while holding the permits of `key`, released when it
 * settles; waiting ends at once with the signal's reason when it aborts. `ConcurrencyLimiter` is one; the
 * engine worker threads' `RemoteLimiter` asks the server thread's `ConcurrencyLimiter` by message.
 */
export interface PermitLimiter {
  run<T>(key: LimiterKey, fn: (lease: PermitLease) => Promise<T>, signal?: AbortSignal): Promise<T>;
}
