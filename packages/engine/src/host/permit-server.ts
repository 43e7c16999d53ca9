import type { ConcurrencyLimiter, LimiterLease } from '../limiter/concurrency-limiter.js';
import type { FromWorker, ToWorker } from './worker-wire.js';

/**
 * The server thread's side of one engine worker's `RemoteLimiter`: runs each acquisition through the one
 * `ConcurrencyLimiter` and holds the permits until the worker releases them. When the worker dies, everything
 * it held or waited for is released (`releaseAll`), so a crash never leaks permits.
 *
 * A grant tells the worker when its key was open (nothing could have made the call wait), and the worker then
 * takes that key's permits itself and reports them afterwards (`took`, counted here with `admit`), with no
 * round trip before the call: only a 429 can close a key, and when one lowers a provider's limit a worker that
 * was told any of its keys were open hears `closed` and asks again.
 */
export class PermitServer {
  private readonly waiting = new Map<number, AbortController>();
  private readonly held = new Map<number, { lease: LimiterLease; release(): void }>();
  /** Providers of which the worker was told some key is open, and has not heard `closed` since. */
  private readonly openProviders = new Set<string>();
  private readonly stopListening: () => void;

  constructor(
    private readonly limiter: ConcurrencyLimiter,
    private readonly post: (message: ToWorker) => void,
  ) {
    this.stopListening = limiter.onLowered((provider) => {
      if (!this.openProviders.delete(provider)) return;
      this.post({ kind: 'closed', provider });
    });
  }

  /** Handles the worker's limiter messages; false for the others. */
  receive(message: FromWorker): boolean {
    switch (message.kind) {
      case 'acquire':
        this.acquire(message.id, message.key);
        return true;
      case 'release': {
        this.waiting.get(message.id)?.abort();
        this.waiting.delete(message.id);
        const held = this.held.get(message.id);
        this.held.delete(message.id);
        held?.release();
        return true;
      }
      case 'took': {
        const { lease, release } = this.limiter.admit(message.key, message.generation);
        this.held.set(message.id, { lease, release });
        return true;
      }
      case 'succeeded':
        this.held.get(message.id)?.lease.succeeded();
        return true;
      case 'rate_limited': {
        const held = this.held.get(message.id);
        const outcome = held ? held.lease.rateLimited() : { lowered: false, effectiveLimit: null };
        this.post({ kind: 'rate_limited', id: message.id, ask: message.ask, outcome });
        return true;
      }
      default:
        return false;
    }
  }

  /** The worker is gone: drop its waits and give back its permits. */
  releaseAll(): void {
    this.stopListening();
    this.openProviders.clear();
    for (const controller of this.waiting.values()) controller.abort();
    this.waiting.clear();
    for (const held of this.held.values()) held.release();
    this.held.clear();
  }

  private acquire(id: number, key: Parameters<ConcurrencyLimiter['run']>[0]): void {
    const controller = new AbortController();
    this.waiting.set(id, controller);
    void this.limiter
      .run(
        key,
        (lease) =>
          new Promise<void>((release) => {
            this.waiting.delete(id);
            this.held.set(id, { lease, release });
            const open = this.limiter.openGeneration(key);
            if (open === null) return this.post({ kind: 'granted', id });
            this.openProviders.add(key.provider);
            this.post({ kind: 'granted', id, open });
          }),
        controller.signal,
      )
      // Aborted while waiting (released by the worker, or the worker died): nothing was held.
      .catch(() => {});
  }
}
