import type { LimiterLayer } from '@tradingfloor/shared';
import { AdaptiveLimit } from './adaptive-limit.js';
import { CountingGate } from './counting-gate.js';
import type { EngineEnv } from '../config/engine-env.js';

/** Which layers a call goes through: its provider and the model it asks for. */
export interface LimiterKey {
  provider: string;
  model: string;
}

/** Handed to the work running under a permit, so it can report outcomes that drive the adaptive limit. */
export interface LimiterLease {
  /**
   * The provider answered 429: may lower the provider's effective limit (see `AdaptiveLimit`).
   * Tells whether it did, and the provider's effective limit now (null = unlimited).
   */
  rateLimited(): { lowered: boolean; effectiveLimit: number | null };
  /** The call succeeded: counts towards recovering a lowered limit. */
  succeeded(): void;
}

export interface ConcurrencyLimiterOptions {
  /** `LLM_MAX_CONCURRENCY`; null = unlimited. */
  global: number | null;
  /** Limits by layer key: `openai` or `openai:gpt-4o` (see `parseProviderLimits`). */
  limits?: Map<string, number>;
  /** Consecutive successes after which a lowered provider limit grows by 1. Default 5. */
  recoverAfterSuccesses?: number;
}

const GLOBAL = 'global';

/**
 * The layered LLM concurrency limiter: a global layer, one layer per provider and, where configured, one
 * per provider:model. A call acquires its layers in one fixed order (provider:model → provider → global, narrowest first)
 * and releases them in `finally`, so no two calls can each hold what the other waits for.
 *
 * No nested acquisition — a nested call would wait for permits its own caller holds. The guard costs
 * nothing per call (issue 13: the AsyncLocalStorage it replaced turned on promise hooks for the whole
 * process, ~1.5 ms of CPU a run): a `run` made while `fn` is being called (its synchronous part) is
 * refused, and so is one that names a lease still held as its `parent`, which is how code holding a lease
 * across an `await` says where it runs. In practice the retrying provider wrapper is the only caller, and
 * all retry attempts of a call happen inside its one acquisition.
 */
export class ConcurrencyLimiter {
  readonly #global: CountingGate;
  readonly #globalLimit: number | null;
  readonly #providers = new Map<string, { gate: CountingGate; adaptive: AdaptiveLimit }>();
  readonly #models = new Map<string, { gate: CountingGate; limit: number }>();
  readonly #limits: Map<string, number>;
  readonly #recoverAfter: number;
  /** > 0 while some `fn` is being called: any `run` then comes from inside it. */
  #callingFn = 0;
  /** Leases whose permits are held. */
  readonly #held = new WeakSet<LimiterLease>();
  /** Told the provider's name each time its limit is lowered (`onLowered`). */
  readonly #loweredListeners = new Set<(provider: string) => void>();

  constructor(options: ConcurrencyLimiterOptions) {
    this.#globalLimit = options.global;
    this.#global = new CountingGate(options.global);
    this.#limits = options.limits ?? new Map();
    this.#recoverAfter = Math.max(1, options.recoverAfterSuccesses ?? 5);
    for (const [key, limit] of this.#limits) {
      if (key.includes(':')) this.#models.set(key, { gate: new CountingGate(limit), limit });
      else this.#provider(key);
    }
  }

  /** Builds the limiter from the parsed `LLM_MAX_CONCURRENCY` and `LLM_PROVIDER_LIMITS` (`parseEngineEnv`). */
  static fromEnv(env: Pick<EngineEnv, 'limiter'>): ConcurrencyLimiter {
    return new ConcurrencyLimiter({ global: env.limiter.global, limits: new Map(Object.entries(env.limiter.providerLimits)) });
  }

  /**
   * Runs `fn` while holding a permit of every layer of `key`. Waits in FIFO order per layer; if `signal`
   * aborts while waiting, rejects with its reason at once and holds nothing. Permits are released when
   * `fn` settles, whatever the outcome. `parent`: the lease the caller holds, if any (refused while held).
   */
  async run<T>(key: LimiterKey, fn: (lease: LimiterLease) => Promise<T>, signal?: AbortSignal, parent?: LimiterLease): Promise<T> {
    if (this.#callingFn > 0 || (parent !== undefined && this.#held.has(parent))) {
      throw new Error(`nested limiter acquisition for ${key.provider}:${key.model}: the caller already holds LLM permits`);
    }
    const { provider, gates } = this.#layers(key);
    const releases: Array<() => void> = [];
    let lease: LimiterLease | undefined;
    try {
      for (const gate of gates) releases.push(await gate.acquire(signal));
      lease = this.#lease(key.provider, provider, provider.adaptive.generation);
      this.#held.add(lease);
      let pending: Promise<T>;
      this.#callingFn += 1;
      try {
        pending = fn(lease);
      } finally {
        this.#callingFn -= 1;
      }
      return await pending;
    } finally {
      if (lease) this.#held.delete(lease);
      for (const release of releases.reverse()) release();
    }
  }

  /**
   * Whether nothing can make a call of `key` wait now: no global limit, no limit on its provider (configured, or
   * lowered after a 429) and none on its model. Then the provider's generation (see `AdaptiveLimit`), which an
   * admission made elsewhere on the strength of this answer hands back to `admit`; else null. Only a lowering
   * can end it (`onLowered`): the global and model limits are fixed.
   */
  openGeneration(key: LimiterKey): number | null {
    const provider = this.#provider(key.provider);
    if (this.#global.limit !== null || provider.gate.limit !== null || this.#models.has(`${key.provider}:${key.model}`)) return null;
    return provider.adaptive.generation;
  }

  /**
   * Counts a call of `key` admitted elsewhere without waiting, because `openGeneration(key)` said its key was
   * open at `generation` (an engine thread takes an open key's permits itself and says so afterwards). It
   * holds a permit of every layer of `key` at once, whatever the limits are by now: a lowering it had not heard
   * of treats it as a call already in flight, and its own 429 lowers the limit again only if it came after that
   * lowering's generation. Returns its lease and the release of its permits.
   */
  admit(key: LimiterKey, generation: number): { lease: LimiterLease; release: () => void } {
    const { provider, gates } = this.#layers(key);
    const releases = gates.map((gate) => gate.admitNow());
    return {
      lease: this.#lease(key.provider, provider, generation),
      release: () => {
        for (const release of releases.reverse()) release();
      },
    };
  }

  /** Calls `listener` with a provider's name each time a 429 lowers its limit; returns the unsubscribe. */
  onLowered(listener: (provider: string) => void): () => void {
    this.#loweredListeners.add(listener);
    return () => this.#loweredListeners.delete(listener);
  }

  /**
   * The gates a call of `key` holds, narrowest first (provider:model → provider → global): a call queued behind
   * its saturated provider or model then holds no global permit, so it cannot starve other providers. Any one
   * fixed order rules out deadlock. With its provider's layer, which the lease drives.
   */
  #layers(key: LimiterKey): { provider: { gate: CountingGate; adaptive: AdaptiveLimit }; gates: CountingGate[] } {
    const provider = this.#provider(key.provider);
    const model = this.#models.get(`${key.provider}:${key.model}`);
    return { provider, gates: [...(model ? [model.gate] : []), provider.gate, this.#global] };
  }

  /** A held lease: its 429s and successes drive the provider's adaptive limit; `admittedAt` is its generation at admission. */
  #lease(name: string, provider: { gate: CountingGate; adaptive: AdaptiveLimit }, admittedAt: number): LimiterLease {
    return {
      rateLimited: () => {
        const lowered = provider.adaptive.rateLimited(admittedAt, provider.gate.inUse);
        if (lowered) {
          provider.gate.setLimit(provider.adaptive.effective);
          for (const listener of this.#loweredListeners) listener(name);
        }
        return { lowered, effectiveLimit: provider.adaptive.effective };
      },
      succeeded: () => {
        if (provider.adaptive.succeeded()) provider.gate.setLimit(provider.adaptive.effective);
      },
    };
  }

  /** Every layer with its configured and effective limit, permits in use and waiters, for `/metrics/concurrency`. */
  snapshot(): LimiterLayer[] {
    const layer = (key: string, limit: number | null, gate: CountingGate): LimiterLayer => ({
      key,
      limit,
      effective_limit: gate.limit,
      in_use: gate.inUse,
      waiting: gate.waiting,
    });
    const byKey = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    return [
      layer(GLOBAL, this.#globalLimit, this.#global),
      ...byKey(this.#providers).map(([key, p]) => layer(key, p.adaptive.configured, p.gate)),
      ...byKey(this.#models).map(([key, m]) => layer(key, m.limit, m.gate)),
    ];
  }

  /** Provider layers are created on first use (unlimited unless configured), so the snapshot shows every provider in use. */
  #provider(name: string): { gate: CountingGate; adaptive: AdaptiveLimit } {
    let entry = this.#providers.get(name);
    if (!entry) {
      const limit = this.#limits.get(name) ?? null;
      entry = { gate: new CountingGate(limit), adaptive: new AdaptiveLimit(limit, this.#recoverAfter) };
      this.#providers.set(name, entry);
    }
    return entry;
  }
}
