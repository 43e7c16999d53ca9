/**
 * Where the cluster-wide LLM limits of queue mode live in Redis (issue 15), shared by the workers'
 * `RedisLimiter` and the server's `ClusterLimiterView`. A layer is named as in `ConcurrencyLimiter`:
 * `global`, a provider (`openai`) or a provider:model (`openai:gpt-4o`).
 */
const PREFIX = 'tradingfloor:limits';

/** Hash: layer name → JSON {@link LayerRegistration}, written by every worker for the layers it uses. */
export const LAYER_REGISTRY_KEY = `${PREFIX}:layers`;

/** What a worker says about a layer it uses: its configured limit (null = unlimited) and its permits' lease. */
export interface LayerRegistration {
  limit: number | null;
  leaseMs: number;
}

/** The name given to redis-semaphore for a layer's permits. */
export function semaphoreName(layer: string): string {
  return `${PREFIX}:held:${layer}`;
}

/** The sorted set redis-semaphore keeps a layer's holders in (member = holder id, score = last refresh, ms). */
export function heldKey(layer: string): string {
  return `semaphore:${semaphoreName(layer)}`;
}

/** Sorted set of the calls waiting for a layer (member = call id, score = last refresh, ms). */
export function waitingKey(layer: string): string {
  return `${PREFIX}:waiting:${layer}`;
}

/** Hash of a provider's shared adaptive limit (`SharedAdaptiveLimit`). */
export function adaptiveKey(provider: string): string {
  return `${PREFIX}:adaptive:${provider}`;
}
