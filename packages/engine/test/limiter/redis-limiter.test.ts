import { deferred } from '@tradingfloor/shared';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/limiter/adaptive-limit.js';
import { readClusterLimiterLayers } from '../../src/limiter/cluster-limiter-view.js';
import type { LimiterKey } from '../../src/limiter/concurrency-limiter.js';
import type { PermitLease } from '../../src/limiter/permit-limiter.js';
import { heldKey } from '../../src/limiter/redis-limit-keys.js';
import { RedisLimiter, type RedisLimiterOptions } from '../../src/limiter/redis-limiter.js';
import { SharedAdaptiveLimit } from '../../src/limiter/shared-adaptive-limit.js';
import { redisSkipReason, startRedis, type TestRedis } from '../../../../tests/support/redis-server.js';

// The cluster-wide limiter of queue mode against a real redis-server (nothing mocks Redis). Two limiters on two
// connections stand for two worker processes; tests/integration/queue-limits.test.ts does it with real workers.

const OPENAI: LimiterKey = { provider: 'openai', model: 'gpt-4o-mini' };
const GPT4O: LimiterKey = { provider: 'openai', model: 'gpt-4o' };
const CLAUDE: LimiterKey = { provider: 'anthropic', model: 'claude-haiku-4-5' };

let redis: TestRedis;
const connections: Redis[] = [];
const limiters: RedisLimiter[] = [];

function connect(): Redis {
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  connections.push(client);
  return client;
}

/** A limiter of its own "process" (connection). */
function worker(options: Omit<RedisLimiterOptions, 'redis'>): RedisLimiter {
  const limiter = new RedisLimiter({ redis: connect(), retryIntervalMs: 5, ...options });
  limiters.push(limiter);
  return limiter;
}

/** Counts the calls inside `fn` at once, over every limiter. */
class Probe {
  inside = 0;
  max = 0;
  admitted: string[] = [];
  private readonly changed = new Set<() => void>();

  /** A call that holds its permits until its `release` resolves. */
  hold(limiter: RedisLimiter, key: LimiterKey, name: string, signal?: AbortSignal) {
    const release = deferred<void>();
    const lease = deferred<PermitLease>();
    const done = limiter.run(
      key,
      async (l) => {
        this.inside += 1;
        this.max = Math.max(this.max, this.inside);
        this.admitted.push(name);
        lease.resolve(l);
        this.notify();
        try {
          await release.promise;
        } finally {
          this.inside -= 1;
          this.notify();
        }
        return name;
      },
      signal,
    );
    return { name, release, lease: lease.promise, done };
  }

  /** Resolves once `check` holds, looked at after every admission and every end. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    const reached = deferred<void>();
    const look = () => {
      if (!check()) return;
      this.changed.delete(look);
      reached.resolve();
    };
    this.changed.add(look);
    return reached.promise;
  }

  private notify(): void {
    for (const look of [...this.changed]) look();
  }
}

/** Polls the cluster's layers (they live in another "process"'s writes) until `check` holds. */
async function layersUntil(check: (layers: Awaited<ReturnType<typeof readClusterLimiterLayers>>) => boolean) {
  const reader = connect();
  for (;;) {
    const layers = await readClusterLimiterLayers(reader);
    if (check(layers)) return layers;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(redisSkipReason !== null)(`RedisLimiter with a real redis-server${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    await connect().flushall();
  });
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
    await Promise.all(connections.splice(0).map((c) => c.quit()));
  });

  it('LLM_MAX_CONCURRENCY holds across two processes: never more than 2 inside, and 2 are reached', async () => {
    const probe = new Probe();
    const [a, b] = [worker({ global: 2 }), worker({ global: 2 })];
    const calls = [0, 1, 2].flatMap((i) => [probe.hold(a, OPENAI, `a${i}`), probe.hold(b, CLAUDE, `b${i}`)]);
    await probe.until(() => probe.inside === 2);
    // Every other call is listed as waiting for the global layer, none admitted beyond the limit.
    const layers = await layersUntil((ls) => ls.find((l) => l.key === 'global')?.waiting === 4);
    expect(layers.find((l) => l.key === 'global')).toEqual({ key: 'global', limit: 2, effective_limit: 2, in_use: 2, waiting: 4 });
    expect(probe.inside).toBe(2);
    // Each release admits exactly one more, whichever process it is in.
    for (let ended = 0; ended < calls.length; ended++) {
      calls.find((c) => c.name === probe.admitted[ended])!.release.resolve();
      const left = calls.length - ended - 1;
      await probe.until(() => probe.admitted.length === Math.min(calls.length, ended + 3) && probe.inside === Math.min(2, left));
    }
    await Promise.all(calls.map((c) => c.done));
    expect(probe.max).toBe(2);
    expect(new Set(probe.admitted.map((n) => n[0]))).toEqual(new Set(['a', 'b']));
    const after = await layersUntil((ls) => ls.every((l) => l.in_use === 0 && l.waiting === 0));
    expect(after.map((l) => l.key)).toEqual(['global', 'anthropic', 'openai']);
  });

  it('a provider limit and a provider:model limit hold across processes; other providers pass', async () => {
    const probe = new Probe();
    const limits = new Map([
      ['openai', 2],
      ['openai:gpt-4o', 1],
    ]);
    const [a, b] = [worker({ global: null, limits }), worker({ global: null, limits })];
    const big = [probe.hold(a, GPT4O, 'a-4o'), probe.hold(b, GPT4O, 'b-4o')];
    await probe.until(() => probe.inside === 1);
    const small = [probe.hold(a, OPENAI, 'a-mini'), probe.hold(b, OPENAI, 'b-mini')];
    await probe.until(() => probe.inside === 2);
    // anthropic is not limited: it passes while openai is full.
    const claude = probe.hold(b, CLAUDE, 'claude');
    await probe.until(() => probe.admitted.includes('claude'));
    const layers = await layersUntil((ls) => ls.find((l) => l.key === 'openai')?.waiting === 2 || ls.find((l) => l.key === 'openai:gpt-4o')?.waiting === 1);
    expect(layers.find((l) => l.key === 'openai')!.in_use).toBe(2);
    expect(layers.find((l) => l.key === 'openai:gpt-4o')!.in_use).toBe(1);
    expect(probe.inside).toBe(3);
    for (const call of [...big, ...small, claude]) call.release.resolve();
    await Promise.all([...big, ...small, claude].map((c) => c.done));
    expect(probe.admitted).toHaveLength(5);
  });

  it('a 429 seen by one process lowers the provider limit for the other; successes raise it again', async () => {
    const probe = new Probe();
    const limits = new Map([['openai', 4]]);
    const [a, b] = [worker({ global: null, limits, recoverAfterSuccesses: 1 }), worker({ global: null, limits, recoverAfterSuccesses: 1 })];
    const first = probe.hold(a, OPENAI, 'a0');
    expect(await (await first.lease).rateLimited()).toEqual({ lowered: true, effectiveLimit: 2 });
    // A second 429 of the same overload episode (admitted before the lowering) does not lower again.
    expect(await (await first.lease).rateLimited()).toEqual({ lowered: false, effectiveLimit: 2 });
    first.release.resolve();
    await first.done;
    const others = [0, 1, 2, 3].map((i) => probe.hold(b, OPENAI, `b${i}`));
    await probe.until(() => probe.inside === 2);
    const layers = await layersUntil((ls) => ls.find((l) => l.key === 'openai')?.waiting === 2);
    expect(layers).toContainEqual({ key: 'openai', limit: 4, effective_limit: 2, in_use: 2, waiting: 2 });
    expect(probe.inside).toBe(2);
    // One success (recoverAfter 1) raises the limit to 3 for everyone: a third call gets in.
    (await others[0]!.lease).succeeded();
    await probe.until(() => probe.inside === 3);
    for (const call of others) call.release.resolve();
    await Promise.all(others.map((c) => c.done));
    expect(probe.max).toBe(3);
  });

  it('an abort while waiting rejects at once and holds nothing; a failing call gives its permits back', async () => {
    const probe = new Probe();
    const [a, b] = [worker({ global: 1 }), worker({ global: 1 })];
    const holder = probe.hold(a, OPENAI, 'holder');
    await probe.until(() => probe.inside === 1);
    const controller = new AbortController();
    const waiter = probe.hold(b, OPENAI, 'waiter', controller.signal);
    await layersUntil((ls) => ls.find((l) => l.key === 'global')?.waiting === 1);
    controller.abort(new Error('canceled'));
    await expect(waiter.done).rejects.toThrow('canceled');
    await layersUntil((ls) => ls.find((l) => l.key === 'global')?.waiting === 0);
    // The holder's fn fails: its permit comes back all the same.
    const failing = a.run(OPENAI, async () => {
      throw new Error('provider down');
    });
    holder.release.resolve();
    await holder.done;
    await expect(failing).rejects.toThrow('provider down');
    await layersUntil((ls) => ls.every((l) => l.in_use === 0 && l.waiting === 0));
    expect(await connect().zcard(heldKey('global'))).toBe(0);
    expect(probe.admitted).toEqual(['holder']);
  });

  it('a holder that stops refreshing (a killed worker) loses its permit after the lease; a live holder keeps its own', async () => {
    const leaseMs = 300;
    const probe = new Probe();
    const a = worker({ global: 1, leaseMs });
    // What a SIGKILLed worker leaves behind: a permit nobody refreshes.
    await connect().zadd(heldKey('global'), Date.now(), 'dead-worker:1');
    const start = Date.now();
    const late = probe.hold(a, OPENAI, 'after-dead');
    await probe.until(() => probe.inside === 1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(leaseMs - 50);
    // This live holder is refreshed: a second process waits for its release, not for its lease.
    const b = worker({ global: 1, leaseMs });
    const waiter = probe.hold(b, OPENAI, 'waiter');
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 3)); // the hold's length, not a synchronisation
    expect(probe.admitted).toEqual(['after-dead']);
    late.release.resolve();
    await probe.until(() => probe.admitted.length === 2);
    waiter.release.resolve();
    await Promise.all([late.done, waiter.done]);
  });
});

describe.skipIf(redisSkipReason !== null)('SharedAdaptiveLimit follows AdaptiveLimit step by step', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(connections.splice(0).map((c) => c.quit()));
    await redis?.stop();
  });

  it('random sequences of 429s (fresh and stale) and successes give the same answers and limits', async () => {
    const client = connect();
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant('ok' as const), fc.record({ stale: fc.boolean(), inFlight: fc.integer({ min: 0, max: 20 }) })), { maxLength: 40 }),
        async (configured, recoverAfter, steps) => {
          const local = new AdaptiveLimit(configured, recoverAfter);
          const shared = new SharedAdaptiveLimit(client, `p${++round}`, configured, recoverAfter);
          for (const step of steps) {
            if (step === 'ok') {
              expect(await shared.succeeded()).toBe(local.succeeded());
            } else {
              const admittedAt = step.stale ? local.generation - 1 : local.generation;
              const lowered = local.rateLimited(admittedAt, step.inFlight);
              expect(await shared.rateLimited(admittedAt, step.inFlight)).toEqual({ lowered, effective: local.effective });
            }
            expect(await shared.state()).toEqual({ effective: local.effective, generation: local.generation });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
