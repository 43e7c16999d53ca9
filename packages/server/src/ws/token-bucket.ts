/** How a token bucket refills: `burst` tokens at most, `perSecond` tokens back every second. */
export interface TokenBucketOptions {
  burst: number;
  perSecond: number;
  /** Clock in epoch ms (tests inject one). */
  now?: () => number;
}

/**
 * A token bucket: up to `burst` takes at once, then `perSecond` on average. Refilled lazily from the clock
 * on each `take`, so an idle bucket costs nothing and needs no timer.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.last = this.now();
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available (0 when one is). */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1 || this.options.perSecond <= 0) return 0;
    return Math.ceil(((1 - this.tokens) / this.options.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsed * this.options.perSecond);
  }
}
