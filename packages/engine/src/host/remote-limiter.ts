import { deferred } from '@tradingfloor/shared';
import type { LimiterKey } from '../limiter/concurrency-limiter.js';
import type { PermitLease, PermitLimiter, RateLimitOutcome } from '../limiter/permit-limiter.js';
import type { FromWorker, PermitNote, ToWorker } from './worker-wire.js';

/**
 * An engine worker thread's limiter: every acquisition asks the server thread's `ConcurrencyLimiter` by
 * message (`PermitServer`), so `LLM_MAX_CONCURRENCY`, `LLM_PROVIDER_LIMITS` and the adaptive 429 limit hold
 * across all threads, and `/metrics/concurrency` shows every call. An abort while waiting rejects at once and
 * tells the server to drop the request (or hand back what it granted meanwhile).
 */
export class RemoteLimiter implements PermitLimiter {
  private next = 0;
  private asks = 0;
  private readonly waiting = new Map<number, { granted(): void }>();
  private readonly answers = new Map<number, (outcome: RateLimitOutcome) => void>();

  /**
   * `post` sends a message now; `postSoon` (default: `post`) may hold a note for the worker's next batch of
   * events, which leaves at the end of the turn (within a few ms): a call's ask for permits, its `succeeded`
   * and its permits given back go that much later, for one message less each. A note never overtakes another
   * (an abort's `release` follows its `acquire` the same way); only the `rate_limited` ask, made while the
   * permits are held, goes at once.
   */
  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly postSoon: (note: PermitNote) => void = post,
  ) {}

  async run<T>(key: LimiterKey, fn: (lease: PermitLease) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const id = ++this.next;
    const granted = deferred<void>();
    this.waiting.set(id, { granted: () => granted.resolve() });
    const onAbort = () => {
      if (!this.waiting.delete(id)) return;
      this.postSoon({ kind: 'release', id });
      granted.reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.postSoon({ kind: 'acquire', id, key });
    try {
      await granted.promise;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const lease: PermitLease = {
      rateLimited: () => {
        const ask = ++this.asks;
        const answer = deferred<RateLimitOutcome>();
        this.answers.set(ask, answer.resolve);
        this.post({ kind: 'rate_limited', id, ask });
        return answer.promise;
      },
      succeeded: () => this.postSoon({ kind: 'succeeded', id }),
    };
    try {
      return await fn(lease);
    } finally {
      this.postSoon({ kind: 'release', id });
    }
  }

  /** Takes the server thread's answers; false for messages that are not the limiter's. */
  receive(message: ToWorker): boolean {
    if (message.kind === 'granted') {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      // Aborted meanwhile: the release already sent gives the permits back.
      waiter?.granted();
      return true;
    }
    if (message.kind === 'rate_limited') {
      this.answers.get(message.ask)?.(message.outcome);
      this.answers.delete(message.ask);
      return true;
    }
    return false;
  }
}
