import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { adaptiveKey } from './redis-limit-keys.js';

/** Unlimited in the scripts' arguments and answers (Lua has no null). */
const NONE = -1;

// The rules of `AdaptiveLimit`, applied atomically to one Redis hash so every worker lowers and recovers the
// same limit. Fields: `ceiling` (present = lowered; the level at which the configured limit is restored),
// `effective` (the lowered limit, present with `ceiling`), `streak`, `generation`. Not lowered = the configured
// limit, which each worker passes in. The differential test holds these to `AdaptiveLimit` step by step.
const RATE_LIMITED = `
local key = KEYS[1]
local admitted = tonumber(ARGV[1])
local inFlight = tonumber(ARGV[2])
local configured = tonumber(ARGV[3])
redis.call('hset', key, 'streak', 0)
local generation = tonumber(redis.call('hget', key, 'generation') or '0')
local ceiling = redis.call('hget', key, 'ceiling')
local effective = configured
if ceiling then effective = tonumber(redis.call('hget', key, 'effective')) end
if admitted < generation then return {0, effective} end
local base = effective
if base == ${NONE} then base = math.max(1, inFlight) end
if not ceiling then
  if configured == ${NONE} then ceiling = base else ceiling = configured end
  redis.call('hset', key, 'ceiling', ceiling)
end
local lowered = math.max(1, math.floor(base / 2))
redis.call('hset', key, 'effective', lowered, 'generation', generation + 1)
return {1, lowered}`;

const SUCCEEDED = `
local key = KEYS[1]
local ceiling = redis.call('hget', key, 'ceiling')
if not ceiling then return 0 end
local streak = redis.call('hincrby', key, 'streak', 1)
if streak < tonumber(ARGV[1]) then return 0 end
redis.call('hset', key, 'streak', 0)
local nextLimit = tonumber(redis.call('hget', key, 'effective')) + 1
if nextLimit >= tonumber(ceiling) then
  redis.call('hdel', key, 'ceiling', 'effective')
else
  redis.call('hset', key, 'effective', nextLimit)
end
return 1`;

/** A script run by its SHA1, sent whole only when Redis does not know it yet (after a restart, say). */
function script(source: string): (redis: Redis, key: string, args: Array<string | number>) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, key, args) => {
    try {
      return await redis.evalsha(sha, 1, key, ...args);
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return redis.eval(source, 1, key, ...args);
    }
  };
}
const rateLimitedScript = script(RATE_LIMITED);
const succeededScript = script(SUCCEEDED);

/** A provider's shared limit now: in force (null = unlimited) and the generation (bumped at each lowering). */
export interface AdaptiveState {
  effective: number | null;
  generation: number;
}

/**
 * One provider's adaptive concurrency limit shared by every worker through Redis: the rules of
 * `AdaptiveLimit` (halve on a 429, once per overload episode; grow by 1 after `recoverAfter` successes;
 * restore the configured limit at the ceiling), each step one atomic Lua script on the provider's hash.
 */
export class SharedAdaptiveLimit {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    provider: string,
    readonly configured: number | null,
    readonly recoverAfter: number,
  ) {
    this.key = adaptiveKey(provider);
  }

  /** The limit in force now and the current generation. */
  async state(): Promise<AdaptiveState> {
    const [ceiling, effective, generation] = await this.redis.hmget(this.key, 'ceiling', 'effective', 'generation');
    return { effective: ceiling !== null && effective !== null ? Number(effective) : this.configured, generation: Number(generation ?? 0) };
  }

  /** A 429 from a call admitted at generation `admittedAt`, with `inFlight` calls of the provider held cluster-wide. */
  async rateLimited(admittedAt: number, inFlight: number): Promise<{ lowered: boolean; effective: number | null }> {
    const [lowered, effective] = (await rateLimitedScript(this.redis, this.key, [admittedAt, inFlight, this.configured ?? NONE])) as [number, number];
    return { lowered: lowered === 1, effective: effective === NONE ? null : effective };
  }

  /** A successful call; true when it raised the limit. */
  async succeeded(): Promise<boolean> {
    return (await succeededScript(this.redis, this.key, [this.recoverAfter])) === 1;
  }
}
