import { deferred, type Deferred } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, type LimiterKey, type LimiterLease } from '../../src/limiter/concurrency-limiter.js';
import { parseProviderLimits } from '../../src/config/parse-provider-limits.js';
import { flush } from '../../../../tests/support/flush.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const OPENAI: LimiterKey = { provider: 'openai', model: 'gpt-4o-mini' };
const GPT4O: LimiterKey = { provider: 'openai', model: 'gpt-4o' };
const CLAUDE: LimiterKey = { provider: 'anthropic', model: 'claude-haiku-4-5' };

function layer(limiter: ConcurrencyLimiter, key: string) {
  const found = limiter.snapshot().find((l) => l.key === key);
  if (!found) throw new Error(`no layer ${key}`);
  return found;
}

/** Starts a call that holds its permits until `release` resolves; `started` resolves once it holds them. */
function hold(limiter: ConcurrencyLimiter, key: LimiterKey, signal?: AbortSignal) {
  const started = deferred();
  const release = deferred();
  const done = limiter.run(
    key,
    async () => {
      started.resolve();
      await release.promise;
      return 'ok';
    },
    signal,
  );
  return { started: started.promise, release: () => release.resolve(), done };
}

/** A small seeded generator, so the stress test is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('ConcurrencyLimiter', () => {
  it('never lets more calls in flight than any layer allows, under a concurrent stress of 200 calls', async () => {
    const limiter = new ConcurrencyLimiter({ global: 5, limits: parseProviderLimits('openai:3,anthropic:2,openai:gpt-4o:1') });
    const random = lcg(42);
    const keys = [OPENAI, GPT4O, CLAUDE];
    const inFlight = { global: 0, openai: 0, anthropic: 0, 'openai:gpt-4o': 0 };
    const peak = { ...inFlight };
    const bump = (k: keyof typeof inFlight, d: number) => {
      inFlight[k] += d;
      peak[k] = Math.max(peak[k], inFlight[k]);
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => {
        const key = keys[Math.floor(random() * keys.length)]!;
        const turns = 1 + Math.floor(random() * 4);
        const fails = random() < 0.15;
        const controller = new AbortController();
        // Some waiters give up while queued: they must leave without holding anything.
        if (random() < 0.1) queueMicrotask(() => controller.abort(new Error(`gave up ${i}`)));
        return limiter.run(
          key,
          async () => {
            const layers = ['global', key.provider, ...(key.model === 'gpt-4o' ? ['openai:gpt-4o'] : [])] as Array<keyof typeof inFlight>;
            layers.forEach((l) => bump(l, +1));
            try {
              for (let t = 0; t < turns; t++) await new Promise<void>((resolve) => setImmediate(resolve));
              if (fails) throw new Error(`call ${i} failed`);
              return i;
            } finally {
              layers.forEach((l) => bump(l, -1));
            }
          },
          controller.signal,
        );
      }),
    );
    expect(peak.global).toBeLessThanOrEqual(5);
    expect(peak.openai).toBeLessThanOrEqual(3);
    expect(peak.anthropic).toBeLessThanOrEqual(2);
    expect(peak['openai:gpt-4o']).toBeLessThanOrEqual(1);
    // The limits were actually reached, so the test would catch an over-admission.
    expect(peak.global).toBe(5);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(100);
    expect(outcomes.some((o) => o.status === 'rejected' && String(o.reason).includes('gave up'))).toBe(true);
    expect(outcomes.some((o) => o.status === 'rejected' && String(o.reason).includes('failed'))).toBe(true);
    // Nothing leaked: every layer is idle.
    for (const l of limiter.snapshot())
      expect({ key: l.key, in_use: l.in_use, waiting: l.waiting }).toEqual({ key: l.key, in_use: 0, waiting: 0 });
  });

  it('reports an accurate snapshot while calls are held', async () => {
    const limiter = new ConcurrencyLimiter({ global: 2, limits: parseProviderLimits('openai:5,openai:gpt-4o:1') });
    const a = hold(limiter, GPT4O);
    const b = hold(limiter, OPENAI);
    await Promise.all([a.started, b.started]);
    const c = hold(limiter, OPENAI);
    await flush();
    expect(limiter.snapshot()).toEqual([
      { key: 'global', limit: 2, effective_limit: 2, in_use: 2, waiting: 1 },
      // Narrowest first: c holds its provider permit while it waits for a global one.
      { key: 'openai', limit: 5, effective_limit: 5, in_use: 3, waiting: 0 },
      { key: 'openai:gpt-4o', limit: 1, effective_limit: 1, in_use: 1, waiting: 0 },
    ]);
    a.release();
    await c.started;
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 2, waiting: 0 });
    expect(layer(limiter, 'openai:gpt-4o')).toMatchObject({ in_use: 0 });
    b.release();
    c.release();
    await Promise.all([a.done, b.done, c.done]);
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('shows unconfigured providers as unlimited layers once used', async () => {
    const limiter = new ConcurrencyLimiter({ global: null });
    const a = hold(limiter, CLAUDE);
    await a.started;
    expect(limiter.snapshot()).toEqual([
      { key: 'global', limit: null, effective_limit: null, in_use: 1, waiting: 0 },
      { key: 'anthropic', limit: null, effective_limit: null, in_use: 1, waiting: 0 },
    ]);
    a.release();
    await a.done;
  });

  it('lets an aborted waiter leave the queue at once, holding nothing', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const first = hold(limiter, OPENAI);
    await first.started;
    const controller = new AbortController();
    const waiter = hold(limiter, OPENAI, controller.signal);
    await flush();
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 1, waiting: 1 });
    const reason = new Error('canceled by the user');
    controller.abort(reason);
    await expect(waiter.done).rejects.toBe(reason);
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 1, waiting: 0 });
    first.release();
    await first.done;
    // The permit went back to the pool, not to the departed waiter.
    const next = hold(limiter, OPENAI);
    await next.started;
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 1, waiting: 0 });
    next.release();
    await next.done;
  });

  it('releases the layers already held when a waiter aborts on a later layer', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1, limits: parseProviderLimits('openai:3') });
    const first = hold(limiter, OPENAI);
    await first.started;
    const controller = new AbortController();
    const second = hold(limiter, OPENAI, controller.signal);
    await flush();
    // The second call holds a provider permit while it waits for the global layer.
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 2 });
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 1, waiting: 1 });
    controller.abort(new Error('stop'));
    await expect(second.done).rejects.toThrow('stop');
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 1, waiting: 0 });
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 1, waiting: 0 });
    first.release();
    await first.done;
  });

  it('a call queued behind its saturated provider holds no global permit, so other providers go on', async () => {
    const limiter = new ConcurrencyLimiter({ global: 2, limits: parseProviderLimits('openai:1') });
    const first = hold(limiter, OPENAI);
    const queued = hold(limiter, OPENAI);
    const other = hold(limiter, CLAUDE);
    await Promise.all([first.started, other.started]);
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 1, waiting: 1 });
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 2, waiting: 0 });
    first.release();
    await queued.started;
    queued.release();
    other.release();
    await Promise.all([first.done, queued.done, other.done]);
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const reason = new Error('already canceled');
    await expect(limiter.run(OPENAI, async () => 1, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('releases permits when the work throws', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1, limits: parseProviderLimits('openai:1') });
    await expect(
      limiter.run(OPENAI, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(limiter.snapshot().map((l) => l.in_use)).toEqual([0, 0]);
    await expect(limiter.run(OPENAI, async () => 'again')).resolves.toBe('again');
  });

  it('refuses a nested acquisition instead of deadlocking', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const outcome = limiter.run(OPENAI, () => limiter.run(CLAUDE, async () => 'inner'));
    await expect(outcome).rejects.toThrow(/nested limiter acquisition/);
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 0 });
  });

  it('refuses a nested acquisition made after an await when the caller names the lease it holds', async () => {
    const limiter = new ConcurrencyLimiter({ global: 2 });
    let held: LimiterLease | undefined;
    const outcome = limiter.run(OPENAI, async (lease) => {
      held = lease;
      await Promise.resolve();
      return limiter.run(CLAUDE, async () => 'inner', undefined, lease);
    });
    await expect(outcome).rejects.toThrow(/nested limiter acquisition for anthropic:/);
    // Once released, the lease no longer blocks anything; a run after fn's synchronous part is not nested.
    await expect(limiter.run(CLAUDE, async () => 'after', undefined, held)).resolves.toBe('after');
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 0 });
  });

  it('builds its layers from the environment', () => {
    const limiter = ConcurrencyLimiter.fromEnv(
      parseEngineEnv({ LLM_MAX_CONCURRENCY: '4', LLM_PROVIDER_LIMITS: 'openai:6,anthropic:3,openai:gpt-4o:2' }),
    );
    expect(limiter.snapshot().map((l) => [l.key, l.limit])).toEqual([
      ['global', 4],
      ['anthropic', 3],
      ['openai', 6],
      ['openai:gpt-4o', 2],
    ]);
    expect(() => ConcurrencyLimiter.fromEnv(parseEngineEnv({ LLM_PROVIDER_LIMITS: 'openai=6' }))).toThrow(/bad entry "openai=6"/);
    expect(() => ConcurrencyLimiter.fromEnv(parseEngineEnv({ LLM_MAX_CONCURRENCY: 'many' }))).toThrow(/LLM_MAX_CONCURRENCY/);
  });
});

describe('ConcurrencyLimiter adaptive limit', () => {
  /** Holds `n` openai calls; each exposes its lease. */
  async function holdMany(limiter: ConcurrencyLimiter, n: number) {
    const calls: Array<{ lease: LimiterLease; release: Deferred<void>; done: Promise<unknown> }> = [];
    for (let i = 0; i < n; i++) {
      const started = deferred<LimiterLease>();
      const release = deferred();
      const done = limiter.run(OPENAI, async (lease) => {
        started.resolve(lease);
        await release.promise;
      });
      calls.push({ lease: await started.promise, release, done });
    }
    return calls;
  }

  it('halves the provider limit on a 429, once per burst, and gates new admissions by it', async () => {
    const limiter = new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:4'), recoverAfterSuccesses: 2 });
    const calls = await holdMany(limiter, 4);
    expect(calls[0]!.lease.rateLimited()).toEqual({ lowered: true, effectiveLimit: 2 });
    // The other calls of the same burst were admitted before the lowering: no further halving.
    expect(calls[1]!.lease.rateLimited()).toEqual({ lowered: false, effectiveLimit: 2 });
    expect(layer(limiter, 'openai')).toMatchObject({ limit: 4, effective_limit: 2, in_use: 4 });

    const late = hold(limiter, OPENAI);
    calls[0]!.release.resolve();
    calls[1]!.release.resolve();
    await Promise.all([calls[0]!.done, calls[1]!.done]);
    await flush();
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 2, waiting: 1 });
    calls[2]!.release.resolve();
    await late.started;
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 2, waiting: 0 });
    late.release();
    calls[3]!.release.resolve();
    await Promise.all([late.done, calls[3]!.done]);
  });

  it('recovers by one step per N consecutive successes back to the configured limit', async () => {
    const limiter = new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:4'), recoverAfterSuccesses: 2 });
    await limiter.run(OPENAI, async (lease) => lease.rateLimited());
    expect(layer(limiter, 'openai').effective_limit).toBe(2);
    const succeed = () => limiter.run(OPENAI, async (lease) => lease.succeeded());
    await succeed();
    expect(layer(limiter, 'openai').effective_limit).toBe(2);
    await succeed();
    expect(layer(limiter, 'openai').effective_limit).toBe(3);
    // A 429 in between restarts the count (and, admitted after the lowering, lowers again).
    await succeed();
    await limiter.run(OPENAI, async (lease) => lease.rateLimited());
    expect(layer(limiter, 'openai').effective_limit).toBe(1);
    for (let i = 0; i < 6; i++) await succeed();
    expect(layer(limiter, 'openai').effective_limit).toBe(4);
    await succeed();
    expect(layer(limiter, 'openai')).toMatchObject({ limit: 4, effective_limit: 4 });
  });

  it('lowers an unlimited provider from its calls in flight and restores "unlimited" after recovery', async () => {
    const limiter = new ConcurrencyLimiter({ global: null, recoverAfterSuccesses: 1 });
    const calls = await holdMany(limiter, 6);
    expect(calls[5]!.lease.rateLimited()).toEqual({ lowered: true, effectiveLimit: 3 });
    for (const c of calls) c.release.resolve();
    await Promise.all(calls.map((c) => c.done));
    const succeed = () => limiter.run(OPENAI, async (lease) => lease.succeeded());
    await succeed();
    await succeed();
    expect(layer(limiter, 'openai').effective_limit).toBe(5);
    await succeed();
    expect(layer(limiter, 'openai')).toMatchObject({ limit: null, effective_limit: null });
  });
});

describe('ConcurrencyLimiter open keys (permits taken elsewhere)', () => {
  it('a key is open only while no layer of it has a limit, and a lowering closes its provider and tells the listeners', async () => {
    expect(new ConcurrencyLimiter({ global: 8 }).openGeneration(OPENAI)).toBeNull();
    expect(new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:4') }).openGeneration(OPENAI)).toBeNull();
    const byModel = new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:gpt-4o:2') });
    expect(byModel.openGeneration(GPT4O)).toBeNull();
    expect(byModel.openGeneration(OPENAI)).toBe(0);

    const limiter = new ConcurrencyLimiter({ global: null, recoverAfterSuccesses: 1 });
    const lowered: string[] = [];
    const stop = limiter.onLowered((provider) => lowered.push(provider));
    expect(limiter.openGeneration(OPENAI)).toBe(0);
    expect(limiter.openGeneration(CLAUDE)).toBe(0);
    const a = limiter.admit(OPENAI, 0);
    const b = limiter.admit(OPENAI, 0);
    expect(a.lease.rateLimited()).toEqual({ lowered: true, effectiveLimit: 1 });
    expect(lowered).toEqual(['openai']);
    expect(limiter.openGeneration(OPENAI)).toBeNull();
    expect(limiter.openGeneration(CLAUDE)).toBe(0);
    a.release();
    b.release();
    // Recovered to unlimited: open again, at the generation of the lowering.
    await limiter.run(OPENAI, async (lease) => lease.succeeded());
    expect(layer(limiter, 'openai')).toMatchObject({ limit: null, effective_limit: null, in_use: 0 });
    expect(limiter.openGeneration(OPENAI)).toBe(1);
    stop();
    await limiter.run(OPENAI, async (lease) => lease.rateLimited());
    expect(lowered).toEqual(['openai']);
  });

  it('admit holds every layer at once, whatever the limits, and its 429 lowers again only after the generation it was admitted at', async () => {
    const limiter = new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:gpt-4o:1') });
    const held = [limiter.admit(GPT4O, 0), limiter.admit(GPT4O, 0)];
    expect(layer(limiter, 'openai:gpt-4o')).toMatchObject({ limit: 1, in_use: 2 });
    expect(layer(limiter, 'openai')).toMatchObject({ in_use: 2 });
    expect(layer(limiter, 'global')).toMatchObject({ in_use: 2 });
    const waiting = hold(limiter, GPT4O);
    await flush();
    expect(layer(limiter, 'openai:gpt-4o')).toMatchObject({ in_use: 2, waiting: 1 });
    // The first 429 halves the provider from its 2 calls in flight; a call admitted at the old generation does not lower it again.
    expect(held[0]!.lease.rateLimited()).toEqual({ lowered: true, effectiveLimit: 1 });
    const stale = limiter.admit(OPENAI, 0);
    expect(stale.lease.rateLimited()).toEqual({ lowered: false, effectiveLimit: 1 });
    for (const h of [...held, stale]) h.release();
    await waiting.started;
    waiting.release();
    await waiting.done;
    expect(limiter.snapshot().every((l) => l.in_use === 0 && l.waiting === 0)).toBe(true);
  });
});
