import { abortableSleep, backoffDelay, type BackoffPolicy, type Sleep } from './backoff.js';

/** A failure worth another attempt, as `retryable` reads it: the typed error and the wait the server asked for. */
interface RetryableFailure<E> {
  error: E;
  /** The server's `retry-after` in ms; null = back off exponentially. */
  retryAfterMs: number | null;
}

export interface RetryOptions<E> {
  /** Attempts in all, the first included (at least 1). */
  maxAttempts: number;
  policy: BackoffPolicy;
  /** Aborts a backoff wait at once; an attempt failing after it aborted is never retried (its reason is thrown). */
  signal: AbortSignal;
  /** The failure when another attempt may cure it; null rethrows it as it is. */
  retryable(error: unknown): RetryableFailure<E> | null;
  /** What to throw when a retryable failure ends the last attempt; default: the failure itself. */
  exhausted?(error: E, attempts: number): unknown;
  /** Told before each backoff wait (e.g. to log it). */
  onRetry?(error: E, attempt: number, delayMs: number): void;
  sleep?: Sleep;
  random?: () => number;
}

/**
 * Runs `attempt` (numbered from 1) until it succeeds, retrying the failures `retryable` accepts with
 * `backoffDelay` waits (exponential with jitter, or the server's `retry-after`), at most `maxAttempts` times.
 * Shared by the providers' retries and the data vendors' request gate.
 */
export async function withRetries<T, E>(attempt: (n: number) => Promise<T>, options: RetryOptions<E>): Promise<T> {
  const { signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, options.maxAttempts);
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      // A cancel is never retried.
      if (signal.aborted) throw signal.reason;
      const failure = options.retryable(error);
      if (failure === null) throw error;
      if (n >= maxAttempts) throw options.exhausted ? options.exhausted(failure.error, n) : failure.error;
      const delay = backoffDelay(n, failure.retryAfterMs, options.policy, random);
      options.onRetry?.(failure.error, n, delay);
      await sleep(delay, signal);
    }
  }
}
