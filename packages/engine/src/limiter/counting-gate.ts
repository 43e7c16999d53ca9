/**
 * A FIFO counting semaphore whose limit can change while it is in use, and whose waiters can leave the
 * queue when their AbortSignal fires.
 *
 * Why not async-sema's `Sema` here: its capacity is fixed at construction and `acquire()` takes no signal,
 * so an aborted waiter would stay queued and later take a permit it no longer wants, and the adaptive
 * limit (lowered after a 429) could not be expressed without parking "reservation" tokens behind the
 * real waiters. Both rules the limiter must keep — an aborted waiter leaves at once, the effective limit
 * binds the next admission — are simple with a counter and a queue, so the gate owns them.
 */
export class CountingGate {
  #limit: number | null;
  #inUse = 0;
  readonly #queue: Array<{ admit: () => void }> = [];

  /** `limit` null means unlimited. */
  constructor(limit: number | null) {
    this.#limit = limit;
  }

  get limit(): number | null {
    return this.#limit;
  }

  get inUse(): number {
    return this.#inUse;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Changes the limit. Raising it admits waiters at once; lowering it never interrupts holders, it only
   * delays the next admissions until `inUse` falls below the new limit.
   */
  setLimit(limit: number | null): void {
    this.#limit = limit;
    this.#drain();
  }

  /**
   * Resolves with a release function once a permit is held. Rejects with the signal's reason when the
   * signal aborts first; the waiter is then removed from the queue and holds nothing.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length === 0 && this.#hasRoom()) return Promise.resolve(this.#take());
    let resolve!: (release: () => void) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<() => void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiter = {
      admit: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.#take());
      },
    };
    const onAbort = () => {
      const at = this.#queue.indexOf(waiter);
      if (at >= 0) this.#queue.splice(at, 1);
      reject(signal?.reason);
      // Leaving may unblock nobody (limits did not change), but keeps the rule in one place.
      this.#drain();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#queue.push(waiter);
    return promise;
  }

  #hasRoom(): boolean {
    return this.#limit === null || this.#inUse < this.#limit;
  }

  #take(): () => void {
    this.#inUse += 1;
    let released = false;
    return () => {
      // Idempotent, so a double release in an error path can never hand out an extra permit.
      if (released) return;
      released = true;
      this.#inUse -= 1;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#hasRoom()) this.#queue.shift()!.admit();
  }
}
