import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { errorMessage } from '@tradingfloor/shared';
import type { EngineEnv } from '../config/engine-env.js';
import type { LimiterKey } from './concurrency-limiter.js';
import { CountingGate } from './counting-gate.js';
import type { PermitLease, PermitLimiter, RateLimitOutcome } from './permit-limiter.js';
import { heldKey, LAYER_REGISTRY_KEY, semaphoreName, waitingKey, type LayerRegistration } from './redis-limit-keys.js';
import { SharedAdaptiveLimit } from './shared-adaptive-limit.js';

export interface RedisLimiterOptions {
  /** A connection of its own is best: waiting calls poll on it. Not closed by the limiter. */
  redis: Redis;
  /** `LLM_MAX_CONCURRENCY`; null = unlimited. */
  global: number | null;
  /** `LLM_PROVIDER_LIMITS` by layer key (`openai`, `openai:gpt-4o`). */
  limits?: Map<string, number>;
  /** Consecutive successes after which a lowered provider limit grows by 1. Default 5. */
  recoverAfterSuccesses?: number;
  /** How long a permit outlives a holder that stops refreshing it (a killed worker). Default 10 000 ms. */
  leaseMs?: number;
  /** Pause between two attempts of a call waiting for a layer. Default 20 ms. */
  retryIntervalMs?: number;
  log?: (line: string) => void;
}

interface Layer {
  name: string;
  /** Configured limit; null = unlimited. */
  limit: number | null;
  /** This process's share, capped at the configured limit: its calls beyond it wait here, not polling Redis. */
  local: CountingGate;
  /** Provider layers only: the shared adaptive 429 limit. */
  adaptive?: SharedAdaptiveLimit;
}

const DEFAULT_PERMIT_LEASE_MS = 10_000;
/** The semaphore limit of an unlimited layer: its permits are only counted (metrics, 429 base). */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * The LLM concurrency limiter of a queue-mode worker: `LLM_MAX_CONCURRENCY` and `LLM_PROVIDER_LIMITS` hold
 * across every worker process, and a 429 lowers a provider's limit for all of them (DESIGN §8, issue 15).
 *
 * Same layers and order as `ConcurrencyLimiter` (provider:model → provider → global, narrowest first), each
 * layer a redis-semaphore `Semaphore` (a sorted set of holders with a lease): a holder refreshes its permits
 * while it runs, so the permits of a killed worker come back after `leaseMs`. A provider layer's limit is its
 * shared adaptive limit (`SharedAdaptiveLimit`), read at every attempt, so a lowered limit binds the next
 * admission on every worker. A call waits for a layer first in this process's own gate (at most the configured
 * limit of calls per process poll Redis), then polls the semaphore every `retryIntervalMs`; waiting across
 * processes is therefore not FIFO. An abort while waiting rejects at once and holds nothing; permits are
 * released when `fn` settles, whatever the outcome (a canceled run leaks none). Waiting calls are listed in a
 * sorted set per layer (refreshed like the permits) so `/metrics/concurrency` can count them cluster-wide.
 * No nested acquisition: the retrying provider, its only caller, never nests.
 */
export class RedisLimiter implements PermitLimiter {
  private readonly redis: Redis;
  private readonly global: Layer;
  private readonly providers = new Map<string, Layer>();
  private readonly models = new Map<string, Layer>();
  private readonly limits: Map<string, number>;
  private readonly recoverAfter: number;
  private readonly leaseMs: number;
  private readonly retryMs: number;
  private readonly log: (line: string) => void;
  /** Holder and waiter ids: unique per process and call. */
  private readonly tag = randomUUID();
  private next = 0;
  /** Calls waiting now: `id` → layer, refreshed in Redis every half lease. */
  private readonly waiters = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Releases sent and not yet answered: `close` waits for them. */
  private readonly releasing = new Set<Promise<unknown>>();
  /** Permits held now: `close` stops their refreshing, which must not outlive the connection. */
  private readonly holding = new Set<Semaphore>();
  private closed = false;

  constructor(options: RedisLimiterOptions) {
    this.redis = options.redis;
    this.limits = options.limits ?? new Map();
    this.recoverAfter = Math.max(1, options.recoverAfterSuccesses ?? 5);
    this.leaseMs = options.leaseMs ?? DEFAULT_PERMIT_LEASE_MS;
    this.retryMs = options.retryIntervalMs ?? 20;
    this.log = options.log ?? (() => {});
    this.global = this.layer('global', options.global);
    for (const [key, limit] of this.limits) {
      if (key.includes(':')) this.models.set(key, this.layer(key, limit));
      else this.provider(key);
    }
  }

  /** Builds the limiter from the parsed `LLM_MAX_CONCURRENCY` and `LLM_PROVIDER_LIMITS` (`parseEngineEnv`). */
  static fromEnv(redis: Redis, env: Pick<EngineEnv, 'limiter'>, options: Pick<RedisLimiterOptions, 'leaseMs' | 'log'> = {}): RedisLimiter {
    return new RedisLimiter({ redis, global: env.limiter.global, limits: new Map(Object.entries(env.limiter.providerLimits)), ...options });
  }

  async run<T>(key: LimiterKey, fn: (lease: PermitLease) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.closed) throw new Error('the LLM limiter is closed (the worker is stopping)');
    const provider = this.provider(key.provider);
    const model = this.models.get(`${key.provider}:${key.model}`);
    const id = `${this.tag}:${++this.next}`;
    // Narrowest first, as `ConcurrencyLimiter`: one fixed order rules out deadlock between workers too.
    const layers = [...(model ? [model] : []), provider, this.global];
    const releases: Array<() => void> = [];
    try {
      for (const layer of layers) releases.push(await this.acquire(layer, id, signal));
      const admittedAt = (await provider.adaptive!.state()).generation;
      const lease: PermitLease = {
        rateLimited: () => this.rateLimited(provider, admittedAt),
        succeeded: () => {
          provider.adaptive!.succeeded().catch((error: unknown) => this.log(`limiter: could not count a success of ${provider.name}: ${errorMessage(error)}`));
        },
      };
      return await fn(lease);
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /**
   * Stops refreshing waiters and permits still held, and waits for the releases under way; the connection
   * stays the caller's (a refresh on a closed connection would reject where nobody can catch it).
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const semaphore of this.holding) semaphore.stopRefresh();
    await Promise.all(this.releasing);
  }

  /** Waits for one permit of `layer` (this process's gate, then the cluster's semaphore); resolves with its release. */
  private async acquire(layer: Layer, id: string, signal?: AbortSignal): Promise<() => void> {
    this.wait(layer, id);
    try {
      const releaseLocal = await layer.local.acquire(signal);
      try {
        const semaphore = await this.admit(layer, id, signal);
        this.holding.add(semaphore);
        return () => {
          this.holding.delete(semaphore);
          releaseLocal();
          this.track(semaphore.release()).catch((error: unknown) => this.log(`limiter: could not release a permit of ${layer.name}: ${errorMessage(error)}`));
        };
      } catch (error) {
        releaseLocal();
        throw error;
      }
    } finally {
      this.waiters.delete(id);
      this.track(this.redis.zrem(waitingKey(layer.name), id)).catch(() => 0);
    }
  }

  /** Polls the layer's semaphore until it admits the call, with the layer's limit as in force at each attempt. */
  private async admit(layer: Layer, id: string, signal?: AbortSignal): Promise<Semaphore> {
    for (;;) {
      const limit = layer.adaptive ? (await layer.adaptive.state()).effective : layer.limit;
      const semaphore = new Semaphore(this.redis, semaphoreName(layer.name), limit ?? UNLIMITED, {
        identifier: id,
        lockTimeout: this.leaseMs,
        acquireAttemptsLimit: 1,
        // A permit lost (its lease ran out while this process was stalled, or Redis lost it): the call goes on.
        onLockLost: (error) => this.log(`limiter: ${errorMessage(error)}; the call keeps running`),
      });
      if (await semaphore.tryAcquire(signal)) {
        // Aborted while the granting script ran: give it straight back.
        if (signal?.aborted) {
          await semaphore.release().catch(() => {});
          throw signal.reason;
        }
        return semaphore;
      }
      await pause(this.retryMs, signal);
    }
  }

  private async rateLimited(provider: Layer, admittedAt: number): Promise<RateLimitOutcome> {
    const inFlight = await this.redis.zcount(heldKey(provider.name), Date.now() - this.leaseMs, '+inf');
    const { lowered, effective } = await provider.adaptive!.rateLimited(admittedAt, inFlight);
    if (lowered) this.log(`limiter: ${provider.name} answered 429: its limit is lowered to ${effective ?? 'unlimited'} on every worker`);
    return { lowered, effectiveLimit: effective };
  }

  /** Lists the call as waiting for `layer` (refreshed every half lease while it waits). */
  private wait(layer: Layer, id: string): void {
    this.waiters.set(id, layer.name);
    const key = waitingKey(layer.name);
    this.track(this.redis.pipeline().zadd(key, Date.now(), id).pexpire(key, this.leaseMs * 2).exec()).catch(() => null);
    this.refreshTimer ??= setInterval(() => this.refreshWaiters(), Math.max(50, Math.floor(this.leaseMs / 2)));
    this.refreshTimer.unref();
  }

  private refreshWaiters(): void {
    if (this.waiters.size === 0) {
      clearInterval(this.refreshTimer!);
      this.refreshTimer = null;
      return;
    }
    const now = Date.now();
    const batch = this.redis.pipeline();
    for (const [id, layer] of this.waiters) batch.zadd(waitingKey(layer), now, id).pexpire(waitingKey(layer), this.leaseMs * 2);
    batch.exec().catch(() => null);
  }

  private track<T>(pending: Promise<T>): Promise<T> {
    this.releasing.add(pending);
    void pending.finally(() => this.releasing.delete(pending)).catch(() => {});
    return pending;
  }

  private provider(name: string): Layer {
    let layer = this.providers.get(name);
    if (!layer) {
      layer = this.layer(name, this.limits.get(name) ?? null);
      layer.adaptive = new SharedAdaptiveLimit(this.redis, name, layer.limit, this.recoverAfter);
      this.providers.set(name, layer);
    }
    return layer;
  }

  /** A layer of this process, registered in Redis so the server's `/metrics/concurrency` lists it. */
  private layer(name: string, limit: number | null): Layer {
    const registration: LayerRegistration = { limit, leaseMs: this.leaseMs };
    this.redis.hset(LAYER_REGISTRY_KEY, name, JSON.stringify(registration)).catch((error: unknown) => {
      this.log(`limiter: could not register the layer ${name}: ${errorMessage(error)}`);
    });
    return { name, limit, local: new CountingGate(limit) };
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
