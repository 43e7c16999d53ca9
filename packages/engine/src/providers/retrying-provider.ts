import { ProviderError } from '@tradingfloor/shared';
import type { PermitLease, PermitLimiter, RateLimitOutcome } from '../limiter/permit-limiter.js';
import type { LogSink } from '../logs/log-sink.js';
import type { Sleep } from '../retry/backoff.js';
import { withRetries } from '../retry/with-retries.js';
import { ProviderCallError } from './provider-call-error.js';
import type { ChatRequest, LlmProvider } from './provider.js';

export interface RetryOptions {
  /** The process's `ConcurrencyLimiter`, or an engine worker thread's `RemoteLimiter` that asks it. */
  limiter: PermitLimiter;
  /** The run's log: every retry is written here with severity WARN and source `retry`. */
  log: LogSink;
  /** Attempts in total, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff step in ms (default 500); doubles per retry. */
  baseDelayMs?: number;
  /** Cap of the computed backoff in ms (default 20 000). */
  maxDelayMs?: number;
  /** Cap of a server-requested `retry-after` in ms (default 60 000). */
  maxRetryAfterMs?: number;
  /** Injected for tests; must reject with the signal's reason when it aborts. */
  sleep?: Sleep;
  /** Injected for tests; a number in [0, 1). */
  random?: () => number;
}

/**
 * Wraps a raw provider with the concurrency limiter and retries. Each `chat` call takes ONE limiter
 * acquisition and makes all its attempts inside it, so a call never queues again behind newer calls
 * after a transient failure, and retries cannot multiply the load beyond the limits.
 *
 * Retried (up to `maxAttempts`): 429, 5xx, network failures, timeouts and unusable 2xx bodies
 * (see `ProviderCallError.retryable`), with exponential backoff and jitter, honouring `retry-after-ms` /
 * `retry-after`. Any other 4xx fails at once with the provider's message. A 429 also reports to the
 * limiter, which may lower the provider's effective limit. A cancel ends a backoff wait at once (the
 * call rejects with the abort reason and its permits are released). Usage is not counted here: the run
 * counts tokens from each response it receives.
 */
export function wrapWithLimiterAndRetries(inner: LlmProvider, opts: RetryOptions): LlmProvider {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const policy = {
    baseDelayMs: opts.baseDelayMs ?? 500,
    maxDelayMs: opts.maxDelayMs ?? 20_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
  };
  const injected = { ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.random ? { random: opts.random } : {}) };
  const attempt = async (request: ChatRequest, signal: AbortSignal, lease: PermitLease) => {
    const response = await inner.chat(request, signal);
    lease.succeeded();
    return response;
  };
  /** Attempts 2…maxAttempts after the first failed with `first` (the retry machinery is built only then). */
  const retryAfter = (first: unknown, request: ChatRequest, signal: AbortSignal, lease: PermitLease) =>
    withRetries((n) => (n === 1 ? Promise.reject(first) : attempt(request, signal, lease)), {
      maxAttempts,
      policy,
      signal,
      ...injected,
      retryable: (err) => {
        if (!(err instanceof ProviderCallError)) return null;
        if (err.kind === 'rate_limit') {
          const logLowered = ({ lowered, effectiveLimit }: RateLimitOutcome) => {
            if (!lowered) return;
            opts.log({
              severity: 'WARN',
              source: 'limiter',
              agent_id: request.meta.agentId,
              message: `${inner.name} answered 429: concurrency limit lowered to ${effectiveLimit ?? 'unlimited'} until calls succeed again`,
            });
          };
          const outcome = lease.rateLimited();
          // A limiter on another thread answers later: the line is logged when it does.
          if (outcome instanceof Promise) void outcome.then(logLowered, () => {});
          else logLowered(outcome);
        }
        return err.retryable ? { error: err, retryAfterMs: err.retryAfterMs } : null;
      },
      exhausted: (err, attempts) => new ProviderError(`${err.message} (gave up after ${attempts} attempts)`, err.provider, err.httpStatus),
      onRetry: (err, n, delay) =>
        opts.log({
          severity: 'WARN',
          source: 'retry',
          agent_id: request.meta.agentId,
          message: `${inner.name} ${request.model}: attempt ${n}/${maxAttempts} failed (${describe(err)}); retrying in ${delay} ms${err.retryAfterMs !== null ? ' as the server asked' : ''}`,
        }),
    });
  // Most calls succeed at once: the first attempt runs bare, without building the retry machinery.
  const attemptAll = async (request: ChatRequest, signal: AbortSignal, lease: PermitLease) => {
    try {
      return await attempt(request, signal, lease);
    } catch (error) {
      return retryAfter(error, request, signal, lease);
    }
  };

  return {
    name: inner.name,
    label: inner.label,
    chat: (request, signal) =>
      opts.limiter.run({ provider: inner.name, model: request.model }, (lease) => attemptAll(request, signal, lease), signal),
  };
}

/** The failure in a log line: its message already names the HTTP status when there was one. */
function describe(err: ProviderCallError): string {
  return err.httpStatus !== null ? err.message : `${err.kind}: ${err.message}`;
}

/**
 * Returns a function with the signature of `EngineDeps['wrapProvider']`: each run's provider is wrapped
 * with the one shared limiter and retries that log to that run's log.
 */
export function makeWrapProvider(
  limiter: PermitLimiter,
  opts: Omit<RetryOptions, 'limiter' | 'log'> = {},
): (inner: LlmProvider, run: { runId: string; log: LogSink }) => LlmProvider {
  return (inner, run) => wrapWithLimiterAndRetries(inner, { ...opts, limiter, log: run.log });
}
