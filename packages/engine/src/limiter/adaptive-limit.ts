/**
 * The adaptive rule for one provider's effective concurrency limit.
 *
 * - On a 429 the effective limit is halved (rounded down, never below 1). For an unlimited provider the
 *   halving starts from the number of its calls in flight at that moment, and that number is remembered
 *   as the level at which "unlimited" is restored.
 * - A burst of 429s lowers the limit once, not once per failing call: only a call admitted after the last
 *   lowering (a newer `generation`) can lower it again. Otherwise 6 calls failing together would drive
 *   6 → 3 → 1 → 1 … for a single overload episode.
 * - Recovery: after `recoverAfter` consecutive successful calls (no 429 between them) the effective limit
 *   grows by 1; when it reaches the configured limit (or the remembered level, for unlimited) the
 *   configured limit is restored and the provider counts as not lowered any more.
 */
export class AdaptiveLimit {
  #effective: number | null;
  /** Level at which the configured limit is restored; null while not lowered. */
  #ceiling: number | null = null;
  #streak = 0;
  #generation = 0;

  constructor(
    readonly configured: number | null,
    readonly recoverAfter: number,
  ) {
    this.#effective = configured;
  }

  /** Limit in force now; null = unlimited. */
  get effective(): number | null {
    return this.#effective;
  }

  /** Bumped at every lowering; callers note it at admission and pass it back with their outcome. */
  get generation(): number {
    return this.#generation;
  }

  /** Returns true when the limit was lowered. */
  rateLimited(admittedAt: number, inFlight: number): boolean {
    this.#streak = 0;
    if (admittedAt < this.#generation) return false;
    const base = this.#effective ?? Math.max(1, inFlight);
    this.#ceiling ??= this.configured ?? base;
    this.#effective = Math.max(1, Math.floor(base / 2));
    this.#generation += 1;
    return true;
  }

  /** Returns true when the limit was raised. */
  succeeded(): boolean {
    if (this.#ceiling === null) return false;
    this.#streak += 1;
    if (this.#streak < this.recoverAfter) return false;
    this.#streak = 0;
    const next = (this.#effective ?? 0) + 1;
    if (next >= this.#ceiling) {
      this.#effective = this.configured;
      this.#ceiling = null;
    } else {
      this.#effective = next;
    }
    return true;
  }
}
