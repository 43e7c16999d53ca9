import { deferred } from '@tradingfloor/shared';
import type { LimiterKey } from '../limiter/concurrency-limiter.js';
import type { PermitLease, PermitLimiter, RateLimitOutcome } from '../limiter/permit-limiter.js';
import type { FromWorker, PermitNote, ToWorker } from './worker-wire.js';

/**
 * An engine worker thread's limiter: acquisitions go through the server thread's `ConcurrencyLimiter`
 * (`PermitServer`), so `LLM_MAX_CONCURRENCY`, `LLM_PROVIDER_LIMITS` and the adaptive 429 limit hold across
 * all threads, and `/metrics/concurrency` shows every call. A call asks by message and waits for the grant,
 * unless an earlier grant said its key was open (no limit on any of its layers): then it takes its permits at
 * once and tells the server with a `took` note in the next batch, until the server says a 429 `closed` the
 * key's provider. An abort while waiting rejects at once and tells the server to drop the request (or hand
 * back what it granted meanwhile).
 */
export class RemoteLimiter implements PermitLimiter {
  private next = 0;
  private asks = 0;
  private readonly waiting = new Map<number, { key: LimiterKey; granted(): void }>();
  private readonly answers = new Map<number, (outcome: RateLimitOutcome) => void>();
  /** Open keys: provider → model → the provider's generation the grant gave. */
  private readonly open = new Map<string, Map<string, number>>();

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
    const generation = this.open.get(key.provider)?.get(key.model);
    if (generation !== undefined) {
      this.postSoon({ kind: 'took', id, key, generation });
      return this.holding(id, fn, true);
    }
    const granted = deferred<void>();
    this.waiting.set(id, { key, granted: () => granted.resolve() });
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
    return this.holding(id, fn, false);
  }

  /**
   * Runs `fn` under the permits of call `id` and gives them back when it settles. A 429's ask goes at once
   * for granted permits; for taken ones (`took`) it waits in the batch behind the `took` note.
   */
  private async holding<T>(id: number, fn: (lease: PermitLease) => Promise<T>, took: boolean): Promise<T> {
    const lease: PermitLease = {
      rateLimited: () => {
        const ask = ++this.asks;
        const answer = deferred<RateLimitOutcome>();
        this.answers.set(ask, answer.resolve);
        if (took) this.postSoon({ kind: 'rate_limited', id, ask });
        else this.post({ kind: 'rate_limited', id, ask });
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
      if (waiter && message.open !== undefined) {
        const { provider, model } = waiter.key;
        let models = this.open.get(provider);
        if (!models) this.open.set(provider, (models = new Map()));
        models.set(model, message.open);
      }
      // Aborted meanwhile: the release already sent gives the permits back.
      waiter?.granted();
      return true;
    }
    if (message.kind === 'closed') {
      this.open.delete(message.provider);
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
