import { Sema } from 'async-sema';

/**
 * A FIFO counting semaphore whose limit can change while it is in use, and whose waiters can leave when
 * their AbortSignal fires. The queue and the tokens are async-sema's `Sema` (the project's semaphore);
 * the gate adds the two rules `Sema` lacks, without a queue of its own:
 *
 * - The effective limit is enforced by *withholding* tokens in a reserve (taken with `tryAcquire`, or kept
 *   back when a holder releases), never by resizing, so a lowered limit binds the very next admission
 *   instead of queueing behind the waiters. Raising it hands reserved tokens back, which `Sema` gives to
 *   its waiters FIFO; raising past every earlier limit mints the extra tokens (`release` adds a token).
 * - `Sema` cannot drop a waiter: an aborted one is rejected at once and leaves `waiting`, and the token
 *   its queued `acquire()` later yields goes straight back.
 *
 * Unlimited (null) has no `Sema`, only the count. A limit set later gets a fresh `Sema`; holders admitted
 * before it hold none of its tokens but still count in `inUse`, so admissions wait until `inUse < limit`.
 * Admission from the queue takes effect when `Sema` hands over the token (a few microtasks after the
 * release that freed it), so `inUse`/`waiting` move then.
 */
export class CountingGate {
  #limit: number | null = null;
  #sema: Sema | null = null;
  /** Tokens the current `Sema` owns: the largest limit set since it was created. */
  #tokens = 0;
  /** Tokens of the current `Sema` the gate withholds to keep the effective limit. */
  #reserve = 0;
  /** Holders whose permit is a token of the current `Sema` (the others were admitted without one). */
  #holdingTokens = 0;
  #inUse = 0;
  /** Live waiters only: an aborted waiter leaves the count at once, though `Sema` still queues it. */
  #waiting = 0;

  /** `limit` null means unlimited. */
  constructor(limit: number | null) {
    this.setLimit(limit);
  }

  get limit(): number | null {
    return this.#limit;
  }

  get inUse(): number {
    return this.#inUse;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Changes the limit. Raising it admits waiters at once; lowering it never interrupts holders, it only
   * delays the next admissions until `inUse` falls below the new limit.
   */
  setLimit(limit: number | null): void {
    this.#limit = limit;
    if (limit === null) {
      const sema = this.#sema;
      if (sema === null) return;
      // Unlimited admits everyone queued: one token per queued waiter (the abandoned ones drop theirs).
      this.#sema = null;
      this.#tokens = this.#reserve = this.#holdingTokens = 0;
      for (let queued = sema.nrWaiting(); queued > 0; queued--) sema.release();
      return;
    }
    if (this.#sema === null) {
      this.#sema = new Sema(limit);
      this.#tokens = limit;
    } else if (limit > this.#tokens) {
      this.#reserve += limit - this.#tokens;
      this.#tokens = limit;
    }
    this.#settle();
  }

  /**
   * Resolves with a release function once a permit is held. Rejects with the signal's reason when the
   * signal aborts first; the waiter then holds nothing and no longer counts as waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const sema = this.#sema;
    if (sema === null) return Promise.resolve(this.#admit(null));
    // A free token exists only while `Sema` queues nobody, so taking it keeps FIFO order.
    if (sema.tryAcquire() !== undefined) return Promise.resolve(this.#admit(sema));
    return new Promise((resolve, reject) => {
      let abandoned = false;
      const onAbort = () => {
        abandoned = true;
        this.#waiting -= 1;
        reject(signal?.reason);
      };
      this.#waiting += 1;
      signal?.addEventListener('abort', onAbort, { once: true });
      void sema.acquire().then(() => {
        if (abandoned) return this.#giveBack(sema);
        signal?.removeEventListener('abort', onAbort);
        this.#waiting -= 1;
        resolve(this.#admit(sema));
      });
    });
  }

  /**
   * Counts a holder admitted now, whatever the limit: one that was let in elsewhere while the gate was
   * unlimited (an engine thread taking an open key's permits itself, `ConcurrencyLimiter.admit`). It holds no
   * token and counts in `inUse` like a holder admitted before a limit was set, so a limit set meanwhile binds
   * the next admissions only. Returns its release.
   */
  admitNow(): () => void {
    return this.#admit(null);
  }

  /** Counts a new holder of a token of `sema` (none when null, or when `sema` was retired meanwhile). */
  #admit(sema: Sema | null): () => void {
    const token = sema !== null && sema === this.#sema;
    this.#inUse += 1;
    if (token) this.#holdingTokens += 1;
    this.#settle();
    let released = false;
    return () => {
      // Idempotent, so a double release in an error path can never hand out an extra permit.
      if (released) return;
      released = true;
      this.#inUse -= 1;
      if (token && sema === this.#sema) {
        this.#holdingTokens -= 1;
        this.#reserve += 1;
      }
      this.#settle();
    };
  }

  /** A token of `sema` comes back to the gate; a retired `Sema`'s token is simply dropped. */
  #giveBack(sema: Sema): void {
    if (sema !== this.#sema) return;
    this.#reserve += 1;
    this.#settle();
  }

  /**
   * Moves tokens between the reserve and `Sema` so that exactly `limit - inUse` are free (none at or over
   * the limit): every token neither held nor meant to be free is withheld.
   */
  #settle(): void {
    const sema = this.#sema;
    if (sema === null || this.#limit === null) return;
    const withhold = this.#tokens - this.#holdingTokens - Math.max(0, this.#limit - this.#inUse);
    while (this.#reserve < withhold && sema.tryAcquire() !== undefined) this.#reserve += 1;
    while (this.#reserve > withhold) {
      this.#reserve -= 1;
      sema.release();
    }
  }
}
