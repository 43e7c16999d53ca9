import { Sema } from 'async-sema';
import { abortableSleep, type Sleep } from '../../retry/backoff.js';
import { withRetries } from '../../retry/with-retries.js';
import { VendorBadResponseError, VendorRateLimitedError } from './vendor-errors.js';

/** How hard one vendor may be asked. */
export interface RequestGateOptions {
  /** Vendor name, for error messages. */
  vendor: string;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Least time between two request starts, in ms (default 0). Alpha Vantage's free tier wants ≥ 12 s a minute… */
  minIntervalMs?: number;
  /** Retries after the first attempt for retryable failures (default 2). */
  retries?: number;
  /** First backoff delay in ms, doubled each retry with jitter (default 500). */
  backoffMs?: number;
  /** Longest backoff, also the cap on a vendor's `retry-after` (default 10 000). */
  maxBackoffMs?: number;
  /** Abort one attempt after this many ms (default 20 000). */
  timeoutMs?: number;
  /** Injected for tests. */
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
}

/**
 * Bounds the requests to one vendor: at most `concurrency` in flight, starts spaced by `minIntervalMs`,
 * each attempt cut off after `timeoutMs`, retryable failures (network, timeout, 5xx, HTTP 429) retried with
 * exponential backoff. The caller's signal aborts waiting, pacing, backoff and the request itself at once.
 */
export class RequestGate {
  private readonly sema: Sema;
  private readonly opts: Required<Omit<RequestGateOptions, 'vendor'>>;
  private nextStart = 0;

  constructor(readonly options: RequestGateOptions) {
    this.opts = {
      concurrency: options.concurrency ?? 2,
      minIntervalMs: options.minIntervalMs ?? 0,
      retries: options.retries ?? 2,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
      timeoutMs: options.timeoutMs ?? 20_000,
      sleep: options.sleep ?? abortableSleep,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.sema = new Sema(this.opts.concurrency);
  }

  /** Runs `attempt` under the gate, retrying it as described; `attempt` gets a signal that also fires on timeout. */
  async run<T>(attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal = new AbortController().signal): Promise<T> {
    return withRetries<T, VendorBadResponseError | VendorRateLimitedError>(() => this.once(attempt, signal), {
      maxAttempts: this.opts.retries + 1,
      policy: { baseDelayMs: this.opts.backoffMs, maxDelayMs: this.opts.maxBackoffMs, maxRetryAfterMs: this.opts.maxBackoffMs },
      signal,
      sleep: this.opts.sleep,
      random: this.opts.random,
      retryable: (error) => {
        if (error instanceof VendorRateLimitedError) return error.retryable ? { error, retryAfterMs: error.retryAfterMs } : null;
        if (error instanceof VendorBadResponseError) return error.retryable ? { error, retryAfterMs: null } : null;
        return null;
      },
    });
  }

  private async once<T>(attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    signal.throwIfAborted();
    await this.acquire(signal);
    try {
      const wait = this.nextStart - this.opts.now();
      this.nextStart = Math.max(this.nextStart, this.opts.now()) + this.opts.minIntervalMs;
      if (wait > 0) await this.opts.sleep(wait, signal);
      const timeout = AbortSignal.timeout(this.opts.timeoutMs);
      try {
        return await attempt(AbortSignal.any([signal, timeout]));
      } catch (error) {
        if (!signal.aborted && timeout.aborted)
          throw new VendorBadResponseError(this.options.vendor, `no answer within ${this.opts.timeoutMs} ms`, true);
        throw error;
      }
    } finally {
      this.sema.release();
    }
  }

  /** Takes a slot, giving up (without holding one) when the signal aborts first. */
  private async acquire(signal: AbortSignal): Promise<void> {
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const taken = this.sema.acquire();
    try {
      await Promise.race([taken, aborted]);
    } catch (error) {
      // The slot arrives later: hand it straight back.
      void taken.then(() => this.sema.release());
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }
}
