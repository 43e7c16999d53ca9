import type { Redis } from 'ioredis';
import type { LimiterLayer } from '@tradingfloor/shared';
import { adaptiveKey, heldKey, LAYER_REGISTRY_KEY, waitingKey, type LayerRegistration } from './redis-limit-keys.js';

/**
 * Reads the cluster-wide limiter layers the queue workers' `RedisLimiter`s keep in Redis, in the order of
 * `ConcurrencyLimiter.snapshot()` (global, providers, provider:model layers, each sorted by name): holders and
 * waiters whose lease has not run out (by this process's clock), and each provider's shared adaptive limit.
 */
export async function readClusterLimiterLayers(redis: Redis, now = Date.now()): Promise<LimiterLayer[]> {
  const registry = await redis.hgetall(LAYER_REGISTRY_KEY);
  const rank = (name: string) => (name === 'global' ? 0 : name.includes(':') ? 2 : 1);
  const names = Object.keys(registry).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const registrations = names.map((name) => JSON.parse(registry[name]!) as LayerRegistration);
  const batch = redis.pipeline();
  names.forEach((name, i) => {
    const since = now - registrations[i]!.leaseMs;
    batch.zcount(heldKey(name), since, '+inf').zcount(waitingKey(name), since, '+inf').hmget(adaptiveKey(name), 'ceiling', 'effective');
  });
  const answers = ((await batch.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  return names.map((name, i) => {
    const { limit } = registrations[i]!;
    const [ceiling, effective] = answers[i * 3 + 2] as [string | null, string | null];
    const lowered = rank(name) === 1 && ceiling !== null && effective !== null;
    return {
      key: name,
      limit,
      effective_limit: lowered ? Number(effective) : limit,
      in_use: answers[i * 3] as number,
      waiting: answers[i * 3 + 1] as number,
    };
  });
}

/**
 * The queue-mode server's view of the cluster-wide limiter for `/metrics/concurrency`: `snapshot()` is
 * synchronous (as every host's), so the layers are read from Redis every `intervalMs` and the last reading is
 * answered. A failed reading keeps the previous one.
 */
export class ClusterLimiterView {
  private layers: LimiterLayer[] = [];
  private readonly timer: NodeJS.Timeout;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  snapshot(): LimiterLayer[] {
    return this.layers;
  }

  /** Reads the layers now (one reading at a time). */
  refresh(): Promise<void> {
    this.reading ??= readClusterLimiterLayers(this.redis)
      .then((layers) => {
        this.layers = layers;
      })
      .catch(() => {})
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /** Stops reading and waits for a reading under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
  }
}
